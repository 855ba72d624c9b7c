"""Synthetic creator-brand market: contract-v1 CSV files plus the hidden truth.

``generate_market`` draws a whole market from one seeded PCG64 generator and writes
``categories``, ``creators``, ``brands``, ``products``, ``campaigns``, ``collaborations``
and ``videos`` (contract v1) plus ``truth.npz`` (see ``creatormatch.synthetic.truth``).  Every
hidden creator trait drives its own measurable signal; ``docs/generator.md`` gives the
model with its formulas, and the constants below carry the same names.

Pipeline (each step vectorised with numpy; loops run only over periods and chunks):

1. categories: a fixed two-level taxonomy;
2. creators: market, followers, niche, hidden traits, latent taste, list price;
3. brands and their products;
4. campaigns, then invitations period by period (``PERIOD_DAYS``) so brands can re-invite
   creators who completed well in earlier periods; each invitation's outcome is drawn
   from the creator's traits and the true brand-creator affinity;
5. videos: the deliverables of completed collaborations plus organic videos;
6. files, written in chunks of pre-formatted string columns.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

import numpy as np
from numpy.dtypes import StringDType

from .._unique import sorted_unique
from ..data import contract
from ..errors import UsageError
from ..progress import FractionProgress as Progress
from .truth import LATENT_DIM, TRUTH_FILENAME, W_LATENT, Truth, affinity_score, write_truth

__all__ = ["GenerationSummary", "generate_market", "GENERATOR_VERSION", "DATA_FILES"]

GENERATOR_VERSION = 1
DATA_FILES: tuple[str, ...] = tuple(spec.name for spec in contract.FILES)


# --------------------------------------------------------------------------- model constants
# Markets (ISO 3166-1 alpha-2, sorted) with the share of creators and brands, and a price
# level that scales product prices and creator rates (one currency, US = 1).
MARKETS: tuple[str, ...] = ("GB", "ID", "MY", "PH", "SG", "TH", "US", "VN")
CREATOR_MARKET_SHARE = np.array([0.07, 0.24, 0.09, 0.12, 0.04, 0.14, 0.17, 0.13])
BRAND_MARKET_SHARE = np.array([0.10, 0.20, 0.10, 0.10, 0.06, 0.13, 0.20, 0.11])
PRICE_LEVEL = np.array([0.95, 0.38, 0.50, 0.40, 0.85, 0.45, 1.00, 0.35])

# Taxonomy: (id, name, popularity, base orders per view, median price, subcategories), each
# subcategory (id, name, product nouns).  Popularity is split evenly among subcategories.
TAXONOMY = (
    ("beauty", "Beauty", 0.22, 0.0040, 14.0, (
        ("skincare", "Skincare", ("Serum", "Moisturiser", "Gentle Cleanser", "Sunscreen SPF50")),
        ("makeup", "Makeup", ("Lip Tint", "Cushion Foundation", "Mascara", "Eyeliner")),
        ("haircare", "Haircare", ("Shampoo", "Hair Oil", "Conditioner")),
        ("fragrance", "Fragrance", ("Eau de Parfum", "Body Mist")),
    )),
    ("fashion", "Fashion", 0.22, 0.0030, 22.0, (
        ("womenswear", "Womenswear", ("Midi Dress", "Blouse", "Wide-Leg Trousers")),
        ("menswear", "Menswear", ("Oversized Tee", "Chino Shorts", "Polo Shirt")),
        ("accessories", "Accessories", ("Tote Bag", "Sunglasses", "Hair Clip Set")),
        ("shoes", "Shoes", ("Sneakers", "Slides", "Loafers")),
    )),
    ("electronics", "Electronics", 0.10, 0.0012, 45.0, (
        ("phones", "Phones & Accessories", ("Phone Case", "Fast Charger 65W", "Power Bank")),
        ("audio", "Audio", ("Wireless Earbuds", "Bluetooth Speaker")),
        ("computing", "Computing", ("Mechanical Keyboard", "Laptop Stand", "USB-C Hub")),
    )),
    ("food", "Food & Beverages", 0.10, 0.0050, 7.0, (
        ("snacks", "Snacks", ("Seaweed Chips", "Dried Mango", "Protein Bar")),
        ("beverages", "Beverages", ("Cold Brew Coffee", "Milk Tea Kit", "Matcha Powder")),
        ("cooking", "Cooking", ("Chili Oil", "Instant Noodles", "Spice Set")),
    )),
    ("health", "Health", 0.11, 0.0035, 19.0, (
        ("supplements", "Supplements", ("Collagen Drink", "Vitamin C Gummies", "Whey Protein")),
        ("personal_care", "Personal Care", ("Electric Toothbrush", "Body Wash")),
        ("wellness", "Wellness", ("Massage Gun", "Sleep Mask", "Essential Oil")),
    )),
    ("home", "Home & Living", 0.12, 0.0025, 18.0, (
        ("kitchen", "Kitchen", ("Air Fryer Liner", "Knife Set", "Glass Containers")),
        ("decor", "Decor", ("LED Strip", "Scented Candle", "Wall Shelf")),
        ("cleaning", "Cleaning", ("Lint Remover", "Microfibre Cloths", "Spin Mop")),
    )),
    ("sports", "Sports & Outdoor", 0.07, 0.0020, 25.0, (
        ("fitness", "Fitness", ("Yoga Mat", "Resistance Bands", "Dumbbell Set")),
        ("outdoor", "Outdoor", ("Camping Lantern", "Water Bottle 1L", "Hiking Backpack")),
    )),
    ("toys", "Toys & Hobbies", 0.06, 0.0030, 16.0, (
        ("kids", "Kids' Toys", ("Building Blocks", "Plush Toy", "Puzzle 500pc")),
        ("games", "Games", ("Card Game", "Board Game")),
        ("collectibles", "Collectibles", ("Blind Box Figure", "Trading Cards")),
    )),
)

# Followers: truncated Pareto on [FOLLOWERS_MIN, FOLLOWERS_MAX] with tail index FOLLOWERS_ALPHA.
FOLLOWERS_MIN, FOLLOWERS_MAX, FOLLOWERS_ALPHA = 1_000, 10_000_000, 0.7
# Joining: a launch cohort in the first days, the rest spread over the period.
LAUNCH_COHORT_SHARE, LAUNCH_COHORT_DAYS = 0.6, 7
# Creator niche: weight on the primary subcategory ~ Beta; secondary is a sibling half the time.
NICHE_PRIMARY_BETA = (5.0, 2.0)
NICHE_SIBLING_SHARE = 0.5
# Hidden traits.
COOPERATION_BETA = (2.2, 1.8)
CONSISTENCY_BETA = (2.5, 2.0)
DILIGENCE_BETA = (1.0, 1.2)
CONTENT_VOLUME_SIGMA = 0.7          # log-sd of the videos/day rate around the market scale
CONTENT_SUCCESS_SIGMA = 0.55        # log-sd of the view / engagement multiplier
SALES_CONVERSION_SIGMA = 0.6        # log-sd of the orders-per-view multiplier
# Price per video: RATE_BASE * level * (followers / 1000) ** RATE_EXPONENT * LN(0, RATE_SIGMA).
RATE_BASE, RATE_EXPONENT, RATE_SIGMA, RATE_UNLISTED_SHARE = 25.0, 0.6, 0.35, 0.12
# Brands, products, campaigns.
BRAND_SIZE_SIGMA = 0.9
PRODUCT_CATEGORY_SHARES = (0.80, 0.15)  # brand's own subcategory, a sibling; rest: any
PRODUCT_PRICE_SIGMA = 0.5
CAMPAIGN_MEAN_INVITES = 25
CAMPAIGN_DURATION_DAYS = (14, 60)
CAMPAIGN_TURNAROUND_DAYS = (7, 21)
CAMPAIGN_PROMISED_P = np.array([0.35, 0.30, 0.20, 0.10, 0.05])  # 1..5 deliverables
CAMPAIGN_GIFTED_SHARE = 0.12           # product-seeding campaigns pay no fee
# Invitations.
PERIOD_DAYS = 30
REPEAT_SHARE = 0.25                    # slots a brand fills from its good past collaborators
REPEAT_MIN_RATING = 4
HOME_MARKET_SHARE = 0.92
SELECTION_MODES = np.array([0.5, 0.3, 0.2])  # category fit, popularity, uniform
CATEGORY_WEIGHT_EXP, POPULARITY_WEIGHT_EXP = 0.25, 0.5
PICK_ROUNDS = 6
# Outcomes.
RESPONSE_WINDOW_HOURS = 168
RESPOND_BASE, RESPOND_SLOPE = 0.20, 0.75
DELAY_BASE_H, DELAY_SLOPE_H, DELAY_SIGMA = 2.0, 70.0, 0.7
ACCEPT_BIAS = -1.2
CANCEL_BASE, CANCEL_SLOPE = 0.03, 0.30
LATE_MEAN, LATE_MEAN_SLOPE, LATE_SD, LATE_SD_SLOPE = -1.0, 4.0, 0.3, 2.5
FULFIL_BASE, FULFIL_SLOPE = 0.5, 0.5
RATING_SHARE, CANCELLED_RATING_SHARE = 0.85, 0.30
FEE_SIGMA = 0.15
# Videos.
VIEWS_SCALE, VIEWS_EXPONENT, VIEWS_SIGMA = 0.5, 0.9, 0.9
LIKE_RATE, COMMENT_RATE, SHARE_RATE, ENGAGEMENT_SIGMA = 0.05, 0.03, 0.004, 0.3
ORDER_NOISE_SIGMA = 0.3
SHOPPABLE_BASE, SHOPPABLE_SLOPE = 0.02, 0.96
CADENCE_SHAPE_BASE, CADENCE_SHAPE_SLOPE = 0.25, 8.0
MIN_ORGANIC_SHARE = 0.25

DAY = 86_400
CHUNK_ROWS = 250_000
_T = StringDType()

# Names for handles, brands and products (a few with non-ASCII letters on purpose).
_HANDLE_NAMES = {
    "GB": ("ellie", "olly", "amelia", "harry", "freya", "george", "isla", "jack", "zoë", "callum"),
    "ID": ("putri", "dewi", "rizky", "ayu", "bagus", "sari", "intan", "fajar", "nadia", "wulan"),
    "MY": ("aisyah", "farah", "amir", "mei", "wei", "hafiz", "siti", "jia", "arif", "nurul"),
    "PH": ("ana", "joy", "mark", "bea", "jhun", "kristine", "paolo", "nina", "carlo", "liza"),
    "SG": ("jun", "rachel", "marcus", "xin", "priya", "ethan", "hui", "daryl", "chloe", "ravi"),
    "TH": ("ploy", "fah", "mint", "nong", "ฝน", "แพร", "บีม", "kwan", "pim", "ton"),
    "US": ("ashley", "tyler", "madison", "jordan", "kayla", "brandon", "sofia", "mike", "taylor", "josé"),
    "VN": ("linh", "trâm", "hương", "đức", "minh", "ngọc", "thảo", "quân", "vy", "phương"),
}
_HANDLE_WORDS = {
    "beauty": ("beauty", "glow", "skin", "makeup"), "fashion": ("style", "ootd", "closet", "fits"),
    "electronics": ("tech", "gadgets", "unboxing"), "food": ("eats", "foodie", "kitchen"),
    "health": ("wellness", "healthy", "vitamins"), "home": ("home", "cozy", "finds"),
    "sports": ("fit", "gym", "outdoors"), "toys": ("toys", "play", "collects"),
}
_BRAND_HEADS = ("Lu", "Ka", "Mi", "So", "Ve", "Ta", "No", "Ri", "Ze", "Ha", "Yu", "Bo", "Ci", "Da", "Fe", "Gi")
_BRAND_TAILS = ("mora", "ki", "lux", "na", "via", "ra", "bel", "to", "ne", "sol", "ya", "rin", "dae", "lo")
_BRAND_SUFFIXES = ("", " Co.", " Labs", " Studio", " Official", " & Co", " House", " Store")
_LOCAL_SUFFIX = {"GB": " UK", "ID": " Indonesia", "MY": " Malaysia", "PH": " PH", "SG": " SG",
                 "TH": " ไทย", "US": " USA", "VN": " Việt Nam"}
_PRODUCT_VARIANTS = ("", "", " Mini", " Pro", " 2-Pack", " Travel Size", " Limited Edition")
_PRODUCT_NICKNAMES = ("Glow", "Cloud", "Everyday", "Original", "Signature")


# --------------------------------------------------------------------------- summary
@dataclass(frozen=True)
class GenerationSummary:
    """What ``generate_market`` wrote."""

    out_dir: Path
    seed: int
    start: str                 # first day of the market (ISO date)
    end: str                   # last day of the market (ISO date, inclusive)
    counts: dict[str, int]     # rows per data file (without the header)
    sizes: dict[str, int]      # bytes per written file, the truth file included
    truth_path: Path
    seconds: float

    @property
    def total_bytes(self) -> int:
        return sum(self.sizes.values())


# --------------------------------------------------------------------------- taxonomy
@dataclass(frozen=True)
class _Taxonomy:
    ids: np.ndarray            # category ids, sorted
    names: np.ndarray
    parent: np.ndarray         # row of the parent, -1 for top level
    top: np.ndarray            # row of the top-level ancestor (itself for top level)
    subs: np.ndarray           # rows of the subcategories
    sub_share: np.ndarray      # popularity of each entry of ``subs`` (sums to 1)
    n_children: np.ndarray     # per row: number of subcategories (0 for subcategories)
    conversion: np.ndarray     # per row: base orders per view of its top level
    price: np.ndarray          # per row: median price of its top level
    nouns: dict[int, tuple[str, ...]]

    def sibling(self, rng: np.random.Generator, rows: np.ndarray) -> np.ndarray:
        """A random subcategory under the same top level as each of ``rows``."""
        top = self.top[rows]
        # subcategories follow their parent directly in sorted id order ("beauty", "beauty.x", ...)
        return top + 1 + (rng.random(rows.shape[0]) * self.n_children[top]).astype(np.int64)


def _taxonomy() -> _Taxonomy:
    rows: list[tuple[str, str, str, float, float, float, tuple[str, ...]]] = []
    for top_id, top_name, popularity, conv, price, subs in TAXONOMY:
        rows.append((top_id, top_name, "", 0.0, conv, price, ()))
        for sub_id, sub_name, nouns in subs:
            rows.append((f"{top_id}.{sub_id}", sub_name, top_id, popularity / len(subs), conv, price, nouns))
    rows.sort(key=lambda r: r[0])
    ids = np.array([r[0] for r in rows])
    row_of = {cid: i for i, cid in enumerate(ids.tolist())}
    parent = np.array([row_of[r[2]] if r[2] else -1 for r in rows], dtype=np.int64)
    top = np.where(parent >= 0, parent, np.arange(len(rows)))
    subs = np.flatnonzero(parent >= 0)
    share = np.array([rows[i][3] for i in subs])
    return _Taxonomy(
        ids=ids, names=np.array([r[1] for r in rows]), parent=parent, top=top, subs=subs,
        sub_share=share / share.sum(), n_children=np.bincount(parent[subs], minlength=len(rows)),
        conversion=np.array([r[4] for r in rows]), price=np.array([r[5] for r in rows]),
        nouns={i: rows[i][6] for i in subs.tolist()},
    )


# --------------------------------------------------------------------------- sampling helper
class _GroupSampler:
    """Draw members of integer-keyed groups, within a group proportionally to a weight."""

    def __init__(self, keys: np.ndarray, weights: np.ndarray, n_groups: int):
        self.members = np.argsort(keys, kind="stable")
        self.count = np.bincount(keys, minlength=n_groups)
        self.start = np.concatenate(([0], np.cumsum(self.count)[:-1]))
        self.cum = np.cumsum(weights[self.members].astype(np.float64))
        cum0 = np.concatenate(([0.0], self.cum))
        self.base = cum0[self.start]
        self.total = cum0[self.start + self.count] - self.base

    def draw(self, rng: np.random.Generator, groups: np.ndarray) -> np.ndarray:
        """One member per entry of ``groups``; -1 where the group is empty."""
        u = rng.random(groups.shape[0])
        target = self.base[groups] + u * self.total[groups]
        pos = np.searchsorted(self.cum, target, side="right")
        last = self.start[groups] + self.count[groups] - 1
        pos = np.clip(pos, self.start[groups], np.maximum(last, self.start[groups]))
        pos = np.minimum(pos, len(self.members) - 1) if len(self.members) else pos
        ok = self.count[groups] > 0
        return np.where(ok, self.members[pos] if len(self.members) else -1, -1)


def _fill(out: np.ndarray, pick: np.ndarray) -> np.ndarray:
    """Keep ``out`` where already chosen (>= 0), else take ``pick``."""
    return np.where(out >= 0, out, pick)


# --------------------------------------------------------------------------- creators
@dataclass
class _Creators:
    market: np.ndarray
    followers: np.ndarray
    joined_day: np.ndarray
    primary: np.ndarray
    secondary: np.ndarray
    primary_weight: np.ndarray
    cooperation: np.ndarray
    consistency: np.ndarray
    diligence: np.ndarray
    volume_shape: np.ndarray
    content_success: np.ndarray
    sales_conversion: np.ndarray
    latent: np.ndarray
    rate_cents: np.ndarray     # the creator's real price per video (also when unlisted)
    rate_listed: np.ndarray
    handle: np.ndarray
    content_volume: np.ndarray | None = None  # videos/day, set once the market scale is known

    def __len__(self) -> int:
        return int(self.market.shape[0])


def _draw_creators(rng: np.random.Generator, n: int, days: int, tax: _Taxonomy) -> _Creators:
    market = rng.choice(len(MARKETS), size=n, p=CREATOR_MARKET_SHARE)
    # truncated Pareto by inversion: F(x) = (1 - (L/x)^a) / (1 - (L/H)^a)
    lo, hi, a = FOLLOWERS_MIN, FOLLOWERS_MAX, FOLLOWERS_ALPHA
    u = rng.random(n)
    followers = np.floor(lo * (1.0 - u * (1.0 - (lo / hi) ** a)) ** (-1.0 / a)).astype(np.int64)
    cohort = rng.random(n) < LAUNCH_COHORT_SHARE
    later = rng.random(n) * max(days - 30, LAUNCH_COHORT_DAYS)
    joined_day = np.where(cohort, rng.random(n) * LAUNCH_COHORT_DAYS, later).astype(np.int64)

    primary = tax.subs[rng.choice(len(tax.subs), size=n, p=tax.sub_share)]
    sibling = tax.sibling(rng, primary)
    anywhere = tax.subs[rng.integers(0, len(tax.subs), n)]
    secondary = np.where(rng.random(n) < NICHE_SIBLING_SHARE, sibling, anywhere)
    primary_weight = rng.beta(*NICHE_PRIMARY_BETA, n)

    cooperation = rng.beta(*COOPERATION_BETA, n)
    consistency = rng.beta(*CONSISTENCY_BETA, n)
    diligence = rng.beta(*DILIGENCE_BETA, n)
    volume_shape = rng.lognormal(0.0, CONTENT_VOLUME_SIGMA, n)
    content_success = rng.lognormal(0.0, CONTENT_SUCCESS_SIGMA, n)
    sales_conversion = rng.lognormal(0.0, SALES_CONVERSION_SIGMA, n)
    # float32 so the truth file holds exactly the numbers the outcomes were drawn from
    latent = rng.standard_normal((n, LATENT_DIM)).astype(np.float32)

    rate = RATE_BASE * PRICE_LEVEL[market] * (followers / 1000.0) ** RATE_EXPONENT * rng.lognormal(0, RATE_SIGMA, n)
    rate_cents = np.maximum(np.round(rate * 100), 100).astype(np.int64)
    rate_listed = rng.random(n) >= RATE_UNLISTED_SHARE
    handle = _handles(rng, market, primary, tax)
    return _Creators(market, followers, joined_day, primary, secondary, primary_weight, cooperation,
                     consistency, diligence, volume_shape, content_success, sales_conversion, latent,
                     rate_cents, rate_listed, handle)


def _handles(rng: np.random.Generator, market: np.ndarray, primary: np.ndarray, tax: _Taxonomy) -> np.ndarray:
    n = market.shape[0]
    names = np.array([name for m in MARKETS for name in _HANDLE_NAMES[m]], dtype=_T)
    per_market = len(_HANDLE_NAMES[MARKETS[0]])
    name = names[market * per_market + rng.integers(0, per_market, n)]
    tops = sorted(_HANDLE_WORDS)
    words_flat = np.array([w for t in tops for w in _HANDLE_WORDS[t]], dtype=_T)
    # per taxonomy row: where its top level's words start in ``words_flat`` and how many
    row_of = {cid: i for i, cid in enumerate(tax.ids.tolist())}
    starts = np.zeros(len(tax.ids), dtype=np.int64)
    counts = np.zeros(len(tax.ids), dtype=np.int64)
    pos = 0
    for t in tops:
        starts[row_of[t]], counts[row_of[t]] = pos, len(_HANDLE_WORDS[t])
        pos += len(_HANDLE_WORDS[t])
    top = tax.top[primary]
    starts, counts = starts[top], counts[top]
    word = words_flat[starts + (rng.random(n) * counts).astype(np.int64)]
    sep = np.array(["", ".", "_"], dtype=_T)[rng.integers(0, 3, n)]
    digits = rng.integers(0, 10_000, n).astype(_T)
    plain = _cat(name, sep, word, digits)
    # a few handles with characters that need CSV quoting
    style = rng.random(n)
    comma = _cat(name, ", ", word, " official")
    quoted = _cat('"', name, '" ', word, digits)
    return np.where(style < 0.007, comma, np.where(style < 0.012, quoted, plain))


# --------------------------------------------------------------------------- brands, products
@dataclass
class _Brands:
    market: np.ndarray
    category: np.ndarray
    size: np.ndarray
    latent: np.ndarray
    root: np.ndarray
    name: np.ndarray

    def __len__(self) -> int:
        return int(self.market.shape[0])


def _draw_brands(rng: np.random.Generator, n: int, tax: _Taxonomy, taste_weight: float = W_LATENT) -> _Brands:
    market = rng.choice(len(MARKETS), size=n, p=BRAND_MARKET_SHARE)
    category = tax.subs[rng.choice(len(tax.subs), size=n, p=tax.sub_share)]
    size = rng.lognormal(0.0, BRAND_SIZE_SIGMA, n)
    latent = rng.standard_normal((n, LATENT_DIM)).astype(np.float32)
    if taste_weight != W_LATENT:  # the affinity's taste term is W_LATENT <u_b, v_c> / sqrt(dim)
        latent *= np.float32(taste_weight / W_LATENT)
    heads = np.array(_BRAND_HEADS, dtype=_T)[rng.integers(0, len(_BRAND_HEADS), n)]
    tails = np.array(_BRAND_TAILS, dtype=_T)[rng.integers(0, len(_BRAND_TAILS), n)]
    root = _cat(heads, tails)
    suffix = np.array(_BRAND_SUFFIXES, dtype=_T)[rng.integers(0, len(_BRAND_SUFFIXES), n)]
    local = np.array([_LOCAL_SUFFIX[m] for m in MARKETS], dtype=_T)[market]
    style = rng.random(n)
    name = np.where(style < 0.15, _cat(root, local), _cat(root, suffix))
    name = np.where(style > 0.97, _cat(root, ", ", tails, " & Partners"), name)  # needs quoting
    return _Brands(market, category, size, latent, root, name)


@dataclass
class _Products:
    brand: np.ndarray
    category: np.ndarray
    price_cents: np.ndarray
    name: np.ndarray
    brand_start: np.ndarray    # first product row of each brand
    brand_count: np.ndarray

    def __len__(self) -> int:
        return int(self.brand.shape[0])


def _draw_products(rng: np.random.Generator, brands: _Brands, tax: _Taxonomy) -> _Products:
    nb = len(brands)
    per_brand = 1 + np.minimum(rng.poisson(2.0 + 2.0 * brands.size), 40)
    brand = np.repeat(np.arange(nb), per_brand)
    n = brand.shape[0]
    own = brands.category[brand]
    r = rng.random(n)
    sibling = tax.sibling(rng, own)
    anywhere = tax.subs[rng.integers(0, len(tax.subs), n)]
    own_share, sibling_share = PRODUCT_CATEGORY_SHARES
    category = np.where(r < own_share, own, np.where(r < own_share + sibling_share, sibling, anywhere))
    price = tax.price[category] * PRICE_LEVEL[brands.market[brand]] * rng.lognormal(0, PRODUCT_PRICE_SIGMA, n)
    cents = np.maximum(np.round(price * 100), 50).astype(np.int64)
    charm = rng.random(n) < 0.5                     # half the prices end in .99
    cents = np.where(charm & (cents >= 100), cents // 100 * 100 + 99, cents)

    noun_rows = tax.subs
    noun_lists = [tax.nouns[int(c)] for c in noun_rows]
    flat = np.array([w for ws in noun_lists for w in ws], dtype=_T)
    starts = np.zeros(len(tax.ids), dtype=np.int64)
    counts = np.zeros(len(tax.ids), dtype=np.int64)
    starts[noun_rows] = np.concatenate(([0], np.cumsum([len(ws) for ws in noun_lists])[:-1]))
    counts[noun_rows] = [len(ws) for ws in noun_lists]
    noun = flat[starts[category] + (rng.random(n) * counts[category]).astype(np.int64)]
    variant = np.array(_PRODUCT_VARIANTS, dtype=_T)[rng.integers(0, len(_PRODUCT_VARIANTS), n)]
    nick = np.array(_PRODUCT_NICKNAMES, dtype=_T)[rng.integers(0, len(_PRODUCT_NICKNAMES), n)]
    root = brands.root[brand]
    plain = _cat(root, " ", noun, variant)
    quoted = _cat(root, ' "', nick, '" ', noun)      # needs quoting
    name = np.where(rng.random(n) < 0.04, quoted, plain)
    brand_start = np.concatenate(([0], np.cumsum(per_brand)[:-1]))
    return _Products(brand, category, cents, name, brand_start, per_brand)


# --------------------------------------------------------------------------- campaigns
@dataclass
class _Campaigns:
    brand: np.ndarray
    product: np.ndarray
    category: np.ndarray
    start_day: np.ndarray
    end_day: np.ndarray
    invites: np.ndarray
    promised: np.ndarray
    turnaround_days: np.ndarray
    gifted: np.ndarray
    budget_cents: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.brand.shape[0])


def _draw_campaigns(rng: np.random.Generator, brands: _Brands, products: _Products, n_invites: int,
                    days: int) -> _Campaigns:
    nb = len(brands)
    n = max(nb, int(round(n_invites / CAMPAIGN_MEAN_INVITES)))
    # every brand runs at least one campaign; the rest go to brands by size
    extra = rng.choice(nb, size=n - nb, p=brands.size / brands.size.sum())
    brand = np.concatenate((np.arange(nb), extra))
    product = products.brand_start[brand] + (rng.random(n) * products.brand_count[brand]).astype(np.int64)
    start_day = rng.integers(0, max(days - 7, 1), n)
    duration = rng.integers(CAMPAIGN_DURATION_DAYS[0], CAMPAIGN_DURATION_DAYS[1] + 1, n)
    end_day = np.minimum(start_day + duration, days - 1)
    invites = 1 + rng.poisson((CAMPAIGN_MEAN_INVITES - 1) * rng.lognormal(-0.125, 0.5, n))
    promised = 1 + rng.choice(len(CAMPAIGN_PROMISED_P), size=n, p=CAMPAIGN_PROMISED_P)
    turnaround = rng.integers(CAMPAIGN_TURNAROUND_DAYS[0], CAMPAIGN_TURNAROUND_DAYS[1] + 1, n)
    gifted = rng.random(n) < CAMPAIGN_GIFTED_SHARE
    order = np.argsort(start_day, kind="stable")  # campaign ids follow start dates
    return _Campaigns(brand[order], product[order], products.category[product[order]], start_day[order],
                      end_day[order], invites[order], promised[order], turnaround[order], gifted[order])


# --------------------------------------------------------------------------- invitations
@dataclass
class _Collabs:
    campaign: np.ndarray
    brand: np.ndarray
    creator: np.ndarray
    invited: np.ndarray        # seconds since the market start
    status: np.ndarray         # index into contract.STATUSES
    responded: np.ndarray      # -1 = empty
    due: np.ndarray
    delivered_at: np.ndarray
    promised: np.ndarray
    delivered: np.ndarray      # -1 = empty
    fee_cents: np.ndarray
    rating: np.ndarray         # 0 = empty
    gmv_cents: np.ndarray | None = None  # -1 = empty

    def __len__(self) -> int:
        return int(self.invited.shape[0])

    @staticmethod
    def concat(parts: list["_Collabs"]) -> "_Collabs":
        names = [f for f in _Collabs.__dataclass_fields__ if f != "gmv_cents"]
        return _Collabs(**{f: np.concatenate([getattr(p, f) for p in parts]) for f in names})

    def take(self, rows: np.ndarray) -> "_Collabs":
        return _Collabs(**{f: (None if getattr(self, f) is None else getattr(self, f)[rows])
                           for f in _Collabs.__dataclass_fields__})


_STATUS = {name: i for i, name in enumerate(contract.STATUSES)}


class _CreatorPicker:
    """How brands find new creators: by category fit, by popularity or at random (never by
    the hidden affinity).  Creators are grouped by market and by their public primary
    category."""

    def __init__(self, creators: _Creators, tax: _Taxonomy):
        n_cat = len(tax.ids)
        f = creators.followers.astype(np.float64)
        self.n_cat = n_cat
        self.top = tax.top
        cat_w = f ** CATEGORY_WEIGHT_EXP
        self.by_sub = _GroupSampler(creators.market * n_cat + creators.primary, cat_w, len(MARKETS) * n_cat)
        self.by_top = _GroupSampler(creators.market * n_cat + tax.top[creators.primary], cat_w, len(MARKETS) * n_cat)
        zeros = np.zeros(len(creators), dtype=np.int64)
        self.popular = _GroupSampler(creators.market, f ** POPULARITY_WEIGHT_EXP, len(MARKETS))
        self.popular_any = _GroupSampler(zeros, f ** POPULARITY_WEIGHT_EXP, 1)
        self.uniform = _GroupSampler(creators.market, np.ones(len(creators)), len(MARKETS))

    def pick(self, rng: np.random.Generator, brand_market: np.ndarray, category: np.ndarray) -> np.ndarray:
        n = brand_market.shape[0]
        away = rng.choice(len(MARKETS), size=n, p=CREATOR_MARKET_SHARE)
        market = np.where(rng.random(n) < HOME_MARKET_SHARE, brand_market, away)
        mode = rng.choice(3, size=n, p=SELECTION_MODES)
        zero = np.zeros(n, dtype=np.int64)
        out = np.full(n, -1, dtype=np.int64)
        by_cat = mode == 0
        out = np.where(by_cat, self.by_sub.draw(rng, market * self.n_cat + category), out)
        out = np.where(by_cat & (out < 0), self.by_top.draw(rng, market * self.n_cat + self.top[category]), out)
        out = np.where((mode == 1) | (by_cat & (out < 0)), self.popular.draw(rng, market), out)
        out = np.where(out < 0, self.uniform.draw(rng, market), out)
        out = _fill(out, self.popular_any.draw(rng, zero))   # market without creators
        return out


def _duplicate(camp: np.ndarray, creator: np.ndarray, n_creators: int) -> np.ndarray:
    """Mask of slots whose creator already holds an earlier slot of the same campaign."""
    dup = np.zeros(camp.shape[0], dtype=bool)
    filled = np.flatnonzero(creator >= 0)
    key = camp[filled].astype(np.int64) * n_creators + creator[filled]
    _, first_seen = np.unique(key, return_index=True)
    dup[filled] = True
    dup[filled[first_seen]] = False
    return dup


def _draw_collaborations(rng: np.random.Generator, creators: _Creators, brands: _Brands,
                         campaigns: _Campaigns, tax: _Taxonomy, days: int,
                         progress: Callable[[float], None]) -> _Collabs:
    picker = _CreatorPicker(creators, tax)
    end = days * DAY
    camp_start = campaigns.start_day * DAY
    camp_window = np.maximum(np.minimum((campaigns.end_day + 1) * DAY, end) - camp_start - 1, 1)
    period = campaigns.start_day // PERIOD_DAYS
    n_periods = int(period.max()) + 1 if len(campaigns) else 0
    nb = len(brands)
    pool_brand = np.zeros(0, dtype=np.int64)
    pool_creator = np.zeros(0, dtype=np.int64)
    pool_time = np.zeros(0, dtype=np.int64)
    parts: list[_Collabs] = []
    for p in range(n_periods):
        ks = np.flatnonzero(period == p)
        if ks.size == 0:
            continue
        camp = np.repeat(ks, campaigns.invites[ks])
        n = camp.shape[0]
        invited = camp_start[camp] + (rng.random(n) ** 1.5 * camp_window[camp]).astype(np.int64)
        brand = campaigns.brand[camp]

        # repeat invitations: a creator who completed well for this brand in an earlier period
        known = pool_time < p * PERIOD_DAYS * DAY
        pair = sorted_unique(pool_brand[known] * len(creators) + pool_creator[known])  # sorted by brand
        pb, pc = pair // len(creators), pair % len(creators)
        count = np.bincount(pb, minlength=nb)
        first = np.concatenate(([0], np.cumsum(count)[:-1]))
        repeat = (rng.random(n) < REPEAT_SHARE) & (count[brand] > 0)
        slot = first[brand] + (rng.random(n) * count[brand]).astype(np.int64)
        creator = np.where(repeat, pc[np.minimum(slot, max(len(pc) - 1, 0))] if len(pc) else -1, -1)

        # new creators; a pick is redrawn when the creator had not joined yet at the
        # invitation time or is already invited to the same campaign
        todo = ~repeat
        for _ in range(PICK_ROUNDS):
            idx = np.flatnonzero(todo)
            if idx.size == 0:
                break
            got = picker.pick(rng, brands.market[brand[idx]], campaigns.category[camp[idx]])
            ok = creators.joined_day[got] * DAY <= invited[idx]
            creator[idx[ok]] = got[ok]
            todo[idx[ok]] = False
            todo |= _duplicate(camp, creator, len(creators))
            creator[todo] = -1
        rows = np.flatnonzero(creator >= 0)
        part = _outcomes(rng, camp[rows], brand[rows], creator[rows], invited[rows], creators, brands,
                         campaigns, tax, end)
        parts.append(part)
        good = (part.status == _STATUS["completed"]) & (part.rating >= REPEAT_MIN_RATING)
        pool_brand = np.concatenate((pool_brand, part.brand[good]))
        pool_creator = np.concatenate((pool_creator, part.creator[good]))
        pool_time = np.concatenate((pool_time, part.delivered_at[good]))
        progress((p + 1) / n_periods)
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return _Collabs(*([empty] * 12))
    return _Collabs.concat(parts)


def _outcomes(rng: np.random.Generator, camp: np.ndarray, brand: np.ndarray, creator: np.ndarray,
              invited: np.ndarray, creators: _Creators, brands: _Brands, campaigns: _Campaigns,
              tax: _Taxonomy, end: int) -> _Collabs:
    """Draw what happened to each invitation (see docs/generator.md, "Invitation outcomes")."""
    n = invited.shape[0]
    coop = creators.cooperation[creator]
    cons = creators.consistency[creator]
    affinity = affinity_score(
        brands.category[brand], brands.market[brand], brands.latent[brand],
        creators.primary[creator], creators.secondary[creator], creators.primary_weight[creator],
        creators.market[creator], creators.latent[creator], coop, tax.top,
    )
    window = RESPONSE_WINDOW_HOURS * 3600
    will_respond = rng.random(n) < RESPOND_BASE + RESPOND_SLOPE * coop
    delay_h = rng.lognormal(np.log(DELAY_BASE_H + DELAY_SLOPE_H * (1.0 - coop) ** 2), DELAY_SIGMA)
    responded_at = invited + np.clip(np.round(delay_h * 3600), 60, window - 60).astype(np.int64)
    responded = will_respond & (responded_at < end)
    accepted = responded & (rng.random(n) < 1.0 / (1.0 + np.exp(-(ACCEPT_BIAS + affinity))))
    due = responded_at + campaigns.turnaround_days[camp] * DAY
    due_passed = accepted & (due < end)
    cancelled = due_passed & (rng.random(n) < CANCEL_BASE + CANCEL_SLOPE * (1.0 - cons) ** 2)
    late_days = (LATE_MEAN + LATE_MEAN_SLOPE * (1.0 - cons)) + (LATE_SD + LATE_SD_SLOPE * (1.0 - cons)) * rng.standard_normal(n)
    delivered_at = np.maximum(due + np.round(late_days * DAY).astype(np.int64), responded_at + 3600)
    completed = due_passed & ~cancelled & (delivered_at < end)

    status = np.where(invited + window <= end, _STATUS["expired"], _STATUS["invited"])
    status = np.where(responded, _STATUS["declined"], status)
    status = np.where(accepted, _STATUS["accepted"], status)   # open: due later, or overdue at the end
    status = np.where(cancelled, _STATUS["cancelled"], status)
    status = np.where(completed, _STATUS["completed"], status).astype(np.int8)

    promised = campaigns.promised[camp]
    fulfilled = np.maximum(rng.binomial(promised, FULFIL_BASE + FULFIL_SLOPE * coop), 1)
    delivered = np.where(completed, fulfilled, np.where(cancelled, 0, -1))
    score = (3.1 + 1.6 * (coop - 0.5) + 2.2 * (cons - 0.5) + 1.5 * (fulfilled / promised - 1.0)
             - 0.35 * np.maximum(late_days, 0.0) + 0.55 * rng.standard_normal(n))
    score = np.where(cancelled, score - 1.5, score)
    stars = np.clip(np.round(score), 1, 5).astype(np.int8)
    rated = np.where(completed, rng.random(n) < RATING_SHARE, cancelled & (rng.random(n) < CANCELLED_RATING_SHARE))
    rating = np.where(rated, stars, 0).astype(np.int8)
    fee = creators.rate_cents[creator] * promised * rng.lognormal(0.0, FEE_SIGMA, n)
    fee_cents = np.where(campaigns.gifted[camp], 0, np.round(fee)).astype(np.int64)

    return _Collabs(
        campaign=camp, brand=brand, creator=creator, invited=invited, status=status,
        responded=np.where(responded, responded_at, -1),
        due=np.where(accepted, due, -1),
        delivered_at=np.where(completed, delivered_at, -1),
        promised=promised, delivered=delivered, fee_cents=fee_cents, rating=rating,
    )


# --------------------------------------------------------------------------- videos
@dataclass
class _Videos:
    creator: np.ndarray
    posted: np.ndarray
    views: np.ndarray
    likes: np.ndarray
    comments: np.ndarray
    shares: np.ndarray
    product: np.ndarray        # -1 = not shoppable
    collab: np.ndarray         # -1 = organic
    orders: np.ndarray         # -1 = empty
    gmv_cents: np.ndarray      # -1 = empty

    def __len__(self) -> int:
        return int(self.posted.shape[0])


def _draw_videos(rng: np.random.Generator, creators: _Creators, products: _Products, campaigns: _Campaigns,
                 collabs: _Collabs, tax: _Taxonomy, days: int, videos_per_creator: float) -> _Videos:
    end = days * DAY
    nc = len(creators)
    # deliverables of completed collaborations: the last one on delivered_at, the others
    # between acceptance and delivery
    done = np.flatnonzero(collabs.status == _STATUS["completed"])
    per = collabs.delivered[done]
    c_collab = np.repeat(done, per)
    lo, hi = collabs.responded[c_collab], collabs.delivered_at[c_collab]
    last = np.zeros(c_collab.shape[0], dtype=bool)
    if per.size:
        last[np.cumsum(per) - 1] = True
    c_posted = np.where(last, hi, lo + (rng.random(c_collab.shape[0]) * (hi - lo)).astype(np.int64))
    c_creator = collabs.creator[c_collab]
    c_product = campaigns.product[collabs.campaign[c_collab]]

    # organic videos: count ~ Poisson(content_volume * active days)
    active_days = (days - creators.joined_day).astype(np.float64)
    organic_target = max(videos_per_creator * nc - c_collab.shape[0], MIN_ORGANIC_SHARE * videos_per_creator * nc)
    scale = organic_target / max(float(np.sum(creators.volume_shape * active_days)), 1e-9)
    creators.content_volume = creators.volume_shape * scale
    count = rng.poisson(creators.content_volume * active_days)
    o_creator = np.repeat(np.arange(nc), count)
    o_posted = _cadence(rng, creators, count, o_creator, end)
    n_o = o_creator.shape[0]
    shop_p = SHOPPABLE_BASE + SHOPPABLE_SLOPE * creators.diligence[o_creator]
    shoppable = rng.random(n_o) < shop_p
    niche = np.where(rng.random(n_o) < creators.primary_weight[o_creator],
                     creators.primary[o_creator], creators.secondary[o_creator])
    o_product = np.where(shoppable, _product_in(rng, products, tax, niche), -1)

    creator = np.concatenate((c_creator, o_creator))
    posted = np.concatenate((c_posted, o_posted))
    product = np.concatenate((c_product, o_product))
    collab = np.concatenate((c_collab, np.full(n_o, -1, dtype=np.int64)))
    n = creator.shape[0]

    cs = creators.content_success[creator]
    f = creators.followers[creator].astype(np.float64)
    median_views = VIEWS_SCALE * f ** VIEWS_EXPONENT * cs
    views = rng.poisson(median_views * rng.lognormal(0.0, VIEWS_SIGMA, n))
    engagement = np.sqrt(cs) * rng.lognormal(0.0, ENGAGEMENT_SIGMA, n)
    likes = rng.binomial(views, np.minimum(LIKE_RATE * engagement, 0.9))
    comments = rng.binomial(likes, np.minimum(COMMENT_RATE * rng.lognormal(0.0, 0.4, n), 1.0))
    shares = rng.binomial(views, np.minimum(SHARE_RATE * engagement, 0.5))
    shop = product >= 0
    safe = np.maximum(product, 0)
    rate = (views * tax.conversion[products.category[safe]] * creators.sales_conversion[creator]
            * rng.lognormal(0.0, ORDER_NOISE_SIGMA, n))
    orders = np.where(shop, rng.poisson(np.where(shop, rate, 0.0)), -1)
    gmv = np.where(shop, orders * products.price_cents[safe], -1)

    collabs.gmv_cents = np.where(
        collabs.status == _STATUS["completed"],
        np.bincount(c_collab, weights=gmv[: c_collab.shape[0]], minlength=len(collabs)).round().astype(np.int64),
        -1,
    )
    order = np.argsort(posted, kind="stable")   # video ids follow posting time
    return _Videos(creator[order], posted[order], views[order], likes[order], comments[order], shares[order],
                   product[order], collab[order], orders[order], gmv[order])


def _cadence(rng: np.random.Generator, creators: _Creators, count: np.ndarray, owner: np.ndarray,
             end: int) -> np.ndarray:
    """Posting times: gaps ~ Gamma(k) with k rising with consistency (regular) or low (bursty).

    Each creator's ``count`` posts plus one trailing gap are normalised onto the active
    window [joined, end), so the count is kept and only the rhythm varies.
    """
    nc = count.shape[0]
    gaps_per = np.where(count > 0, count + 1, 0)
    g_owner = np.repeat(np.arange(nc), gaps_per)
    shape = CADENCE_SHAPE_BASE + CADENCE_SHAPE_SLOPE * creators.consistency[g_owner] ** 2
    gaps = rng.gamma(shape)
    csum = np.cumsum(gaps)
    first = np.concatenate(([0], np.cumsum(gaps_per)[:-1]))
    before = np.concatenate(([0.0], csum))[first]          # cumsum before each creator's first gap
    total = np.concatenate(([0.0], csum))[first + gaps_per] - before
    # position of video j of creator c: cumulative gaps up to j (excluding the trailing gap)
    keep = np.ones(g_owner.shape[0], dtype=bool)
    has = gaps_per > 0
    keep[(first + gaps_per - 1)[has]] = False
    frac = (csum[keep] - before[owner]) / total[owner]
    start = creators.joined_day[owner] * DAY
    return start + np.minimum(frac * (end - start), end - start - 1).astype(np.int64)


def _product_in(rng: np.random.Generator, products: _Products, tax: _Taxonomy, category: np.ndarray) -> np.ndarray:
    """A random product of each ``category`` (falling back to its top level, then any)."""
    n_cat = len(tax.ids)
    ones = np.ones(len(products))
    out = _GroupSampler(products.category, ones, n_cat).draw(rng, category)
    out = _fill(out, _GroupSampler(tax.top[products.category], ones, n_cat).draw(rng, tax.top[category]))
    return _fill(out, _GroupSampler(np.zeros(len(products), np.int64), ones, 1).draw(rng, np.zeros_like(category)))


# --------------------------------------------------------------------------- formatting
def _cat(*parts: np.ndarray | str) -> np.ndarray:
    out = parts[0]
    for part in parts[1:]:
        out = np.strings.add(out, part)
    return np.asarray(out, dtype=_T)


def _ids(prefix: str, rows: np.ndarray, width: int) -> np.ndarray:
    """``prefix`` + zero-padded 1-based number for each row."""
    return np.strings.add(prefix, np.strings.zfill((rows + 1).astype(_T), width))


def _id_width(default: int, n: int) -> int:
    return max(default, len(str(n)))


def _int_cells(values: np.ndarray, empty: np.ndarray | None = None) -> np.ndarray:
    cells = values.astype(_T)
    return cells if empty is None else np.where(empty, "", cells)


_CENTS = np.array([f"{i:02d}" for i in range(100)], dtype=_T)


def _money_cells(cents: np.ndarray, empty: np.ndarray | None = None) -> np.ndarray:
    """Exact two-decimal money from integer cents (no float formatting)."""
    c = np.maximum(cents, 0)
    cells = _cat((c // 100).astype(_T), ".", _CENTS[c % 100])
    return cells if empty is None else np.where(empty, "", cells)


def _time_cells(base: np.datetime64, seconds: np.ndarray, empty: np.ndarray | None = None) -> np.ndarray:
    cells = (base + np.maximum(seconds, 0).astype("timedelta64[s]")).astype(_T)
    return cells if empty is None else np.where(empty, "", cells)


def _date_cells(base: np.datetime64, days: np.ndarray) -> np.ndarray:
    return (base.astype("datetime64[D]") + days.astype("timedelta64[D]")).astype(_T)


def _quoted(text: np.ndarray) -> np.ndarray:
    """CSV-quote cells that contain a comma, a quote or a line break (RFC 4180)."""
    text = np.asarray(text, dtype=_T)
    needs = ((np.strings.find(text, ",") >= 0) | (np.strings.find(text, '"') >= 0)
             | (np.strings.find(text, "\n") >= 0) | (np.strings.find(text, "\r") >= 0))
    if not needs.any():
        return text
    return np.where(needs, _cat('"', np.strings.replace(text, '"', '""'), '"'), text)


#: Optional columns a generated market leaves out: every creator is observed over the whole
#: market (no scrape window).
_NOT_GENERATED = frozenset({"observed_from", "observed_to"})


def _write_csv(path: Path, name: str, n: int, cells: Callable[[slice], dict[str, np.ndarray]],
               progress: Callable[[float], None]) -> int:
    """Write contract file ``name``: header, then rows built chunk by chunk from ``cells``."""
    columns = [c.name for c in contract.spec(name).columns if c.name not in _NOT_GENERATED]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(columns) + "\n")
        for lo in range(0, n, CHUNK_ROWS):
            chunk = cells(slice(lo, min(n, lo + CHUNK_ROWS)))
            row = chunk[columns[0]]
            for col in columns[1:]:
                row = np.strings.add(np.strings.add(row, ","), chunk[col])
            fh.write("\n".join(row.tolist()))
            fh.write("\n")
            progress(min(n, lo + CHUNK_ROWS) / n)
    return path.stat().st_size


# --------------------------------------------------------------------------- entry point
def generate_market(
    out_dir: Path,
    n_creators: int,
    n_brands: int,
    seed: int,
    *,
    start: str = "2024-01-01",
    days: int = 730,
    videos_per_creator: float = 20.0,
    invitations_per_creator: float = 10.0,
    taste_weight: float = W_LATENT,
    progress: Progress | None = None,
) -> GenerationSummary:
    """Generate a synthetic market (dataset contract v1) and its truth file into ``out_dir``.

    The market spans ``days`` days from ``start``; creators and brands live in eight markets;
    brands run campaigns and invite about ``invitations_per_creator * n_creators`` creators
    in total; creators post about ``videos_per_creator`` videos each (collaboration
    deliverables included).  Hidden creator traits (cooperation, consistency, diligence,
    content volume, content success, sales conversion) and a latent brand-creator taste
    drive the data; they are saved in ``out_dir/truth.npz`` (``creatormatch.synthetic.truth``).
    The model and its formulas: ``docs/generator.md``.

    Parameters
    ----------
    out_dir
        Folder to write to (created if missing; existing files of the same names are replaced).
    n_creators, n_brands
        Market size (at least 10 creators and 1 brand).
    seed
        Seed of the PCG64 generator; the same arguments give byte-identical files.
    start, days
        First day (ISO date) and length of the market; every date lies in [start, start + days).
    videos_per_creator, invitations_per_creator
        Scale of the videos and collaborations files.
    taste_weight
        Weight of the latent brand-creator taste in the affinity (default ``W_LATENT`` = 0.8):
        how much acceptance depends on collaborative taste that only co-collaboration
        reveals, rather than on category fit and cooperation.  Implemented by scaling the
        brands' latent vectors by ``taste_weight / W_LATENT`` (the truth file holds the
        scaled vectors, so ``Truth.affinity`` stays exact).
    progress
        Optional ``progress(stage, fraction)`` callback; ``fraction`` is the overall share
        done (0..1), ``stage`` names the current step.

    Returns
    -------
    GenerationSummary
        Rows per file, sizes, date range and the truth file path.

    Raises
    ------
    UsageError
        A size, seed or date is out of range.

    Examples
    --------
    >>> generate_market(Path("/tmp/market"), 2000, 100, seed=42)   # doctest: +SKIP
    """
    began = time.perf_counter()
    first_day = _validate(n_creators, n_brands, seed, start, days, videos_per_creator, invitations_per_creator)
    if not (0.0 <= taste_weight <= 10.0):
        raise UsageError(f"the taste weight must lie between 0 and 10 (got {taste_weight})")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = _Stages(progress)
    rng = np.random.Generator(np.random.PCG64(seed))

    tax = _taxonomy()
    report("creators", 0.0)
    creators = _draw_creators(rng, n_creators, days, tax)
    report("brands", 0.0)
    brands = _draw_brands(rng, n_brands, tax, taste_weight)
    products = _draw_products(rng, brands, tax)
    campaigns = _draw_campaigns(rng, brands, products, int(round(invitations_per_creator * n_creators)), days)
    report("collaborations", 0.0)
    collabs = _draw_collaborations(rng, creators, brands, campaigns, tax, days,
                                   lambda f: report("collaborations", f))
    report("videos", 0.0)
    videos = _draw_videos(rng, creators, products, campaigns, collabs, tax, days, videos_per_creator)
    campaigns.budget_cents = _budgets(rng, campaigns, collabs, products)

    # collaboration ids follow invitation time
    order = np.argsort(collabs.invited, kind="stable")
    collabs = collabs.take(order)
    new_row = np.empty_like(order)
    new_row[order] = np.arange(order.shape[0])
    videos.collab = np.where(videos.collab >= 0, new_row[np.maximum(videos.collab, 0)], -1)

    base = np.datetime64(first_day.isoformat(), "s")
    sizes = _write_all(out_dir, base, tax, creators, brands, products, campaigns, collabs, videos, report)
    truth_path = write_truth(out_dir, _truth(tax, creators, brands, products, seed, first_day, days, taste_weight))
    sizes[TRUTH_FILENAME] = truth_path.stat().st_size
    report("done", 1.0)
    counts = {"categories": len(tax.ids), "creators": len(creators), "brands": len(brands),
              "products": len(products), "campaigns": len(campaigns), "collaborations": len(collabs),
              "videos": len(videos)}
    return GenerationSummary(out_dir=out_dir, seed=seed, start=first_day.isoformat(),
                             end=(first_day + timedelta(days=days - 1)).isoformat(), counts=counts,
                             sizes=sizes, truth_path=truth_path, seconds=time.perf_counter() - began)


def _validate(n_creators: int, n_brands: int, seed: int, start: str, days: int, vpc: float, ipc: float) -> date:
    if n_creators < 10:
        raise UsageError(f"a market needs at least 10 creators (got {n_creators})")
    if n_brands < 1:
        raise UsageError(f"a market needs at least 1 brand (got {n_brands})")
    if n_creators > 99_999_999 or n_brands > 9_999_999:
        raise UsageError("market too large: at most 99,999,999 creators and 9,999,999 brands")
    if seed < 0:
        raise UsageError(f"the seed must be a non-negative integer (got {seed})")
    if days < 28:
        raise UsageError(f"a market must span at least 28 days (got {days})")
    if not (0 < vpc <= 1000) or not (0 < ipc <= 1000):
        raise UsageError("videos and invitations per creator must be in (0, 1000]")
    try:
        first_day = date.fromisoformat(start)
    except (TypeError, ValueError):
        raise UsageError(f"{{option}} must be an ISO date like 2024-01-01 (got {start!r})", option="start") from None
    if first_day.year < 1900 or (first_day + timedelta(days=days)).year >= 2100:
        raise UsageError("the market must lie between 1900 and 2099")
    return first_day


class _Stages:
    """Maps per-stage progress to an overall fraction for the caller's callback."""

    WEIGHTS = {"creators": 2, "brands": 1, "collaborations": 22, "videos": 15, "categories.csv": 0,
               "creators.csv": 4, "brands.csv": 1, "products.csv": 1, "campaigns.csv": 1,
               "collaborations.csv": 25, "videos.csv": 26, "truth": 2, "done": 0}

    def __init__(self, callback: Progress | None):
        self.callback = callback
        names = list(self.WEIGHTS)
        total = float(sum(self.WEIGHTS.values()))
        acc = np.concatenate(([0.0], np.cumsum([self.WEIGHTS[k] for k in names]))) / total
        self.offset = dict(zip(names, acc[:-1]))
        self.width = {k: self.WEIGHTS[k] / total for k in names}
        self.done = 0.0

    def __call__(self, stage: str, fraction: float) -> None:
        if self.callback is not None:
            overall = self.offset[stage] + self.width[stage] * min(max(fraction, 0.0), 1.0)
            # never step back (rounding at stage boundaries); the last stage reports exactly 1
            self.done = 1.0 if stage == "done" else max(self.done, min(overall, 1.0))
            self.callback(stage, float(self.done))


def _budgets(rng: np.random.Generator, campaigns: _Campaigns, collabs: _Collabs, products: _Products) -> np.ndarray:
    n = len(campaigns)
    fees = np.bincount(collabs.campaign, weights=collabs.fee_cents, minlength=n)
    invited = np.bincount(collabs.campaign, minlength=n)
    samples = invited * products.price_cents[campaigns.product] * 0.5
    budget = (fees * rng.uniform(1.0, 1.5, n) + samples) / 100.0
    budget = np.round(budget / 10.0) * 1000                  # whole tens, in cents
    return np.where(rng.random(n) < 0.10, -1, np.maximum(budget, 0)).astype(np.int64)


def _write_all(out: Path, base: np.datetime64, tax: _Taxonomy, creators: _Creators, brands: _Brands,
               products: _Products, campaigns: _Campaigns, collabs: _Collabs, videos: _Videos,
               report: _Stages) -> dict[str, int]:
    cat_ids = tax.ids.astype(_T)
    creator_ids = _ids("C", np.arange(len(creators)), _id_width(7, len(creators)))
    brand_ids = _ids("B", np.arange(len(brands)), _id_width(5, len(brands)))
    product_ids = _ids("P", np.arange(len(products)), _id_width(6, len(products)))
    campaign_ids = _ids("K", np.arange(len(campaigns)), _id_width(6, len(campaigns)))
    cw, vw = _id_width(8, len(collabs)), _id_width(9, len(videos))
    markets = np.array(MARKETS, dtype=_T)
    sizes: dict[str, int] = {}

    def write(name: str, n: int, cells: Callable[[slice], dict[str, np.ndarray]]) -> None:
        filename = f"{name}.csv"
        report(filename, 0.0)
        sizes[filename] = _write_csv(out / filename, name, n, cells, lambda f: report(filename, f))

    write("categories", len(tax.ids), lambda s: {
        "category_id": cat_ids[s], "name": _quoted(tax.names[s]),
        "parent_id": np.where(tax.parent[s] >= 0, cat_ids[np.maximum(tax.parent[s], 0)], ""),
    })
    write("creators", len(creators), lambda s: {
        "creator_id": creator_ids[s], "handle": _quoted(creators.handle[s]), "market": markets[creators.market[s]],
        "followers": _int_cells(creators.followers[s]), "joined_at": _date_cells(base, creators.joined_day[s]),
        "rate_per_video": _money_cells(creators.rate_cents[s], ~creators.rate_listed[s]),
        "primary_category": cat_ids[creators.primary[s]],
    })
    write("brands", len(brands), lambda s: {
        "brand_id": brand_ids[s], "name": _quoted(brands.name[s]), "market": markets[brands.market[s]],
        "category_id": cat_ids[brands.category[s]],
    })
    write("products", len(products), lambda s: {
        "product_id": product_ids[s], "brand_id": brand_ids[products.brand[s]],
        "category_id": cat_ids[products.category[s]], "name": _quoted(products.name[s]),
        "price": _money_cells(products.price_cents[s]),
    })
    write("campaigns", len(campaigns), lambda s: {
        "campaign_id": campaign_ids[s], "brand_id": brand_ids[campaigns.brand[s]],
        "product_id": product_ids[campaigns.product[s]], "category_id": cat_ids[campaigns.category[s]],
        "start_date": _date_cells(base, campaigns.start_day[s]), "end_date": _date_cells(base, campaigns.end_day[s]),
        "budget": _money_cells(campaigns.budget_cents[s], campaigns.budget_cents[s] < 0),
    })
    statuses = np.array(contract.STATUSES, dtype=_T)
    write("collaborations", len(collabs), lambda s: {
        "collaboration_id": _ids("X", np.arange(s.start, s.stop), cw),
        "brand_id": brand_ids[collabs.brand[s]], "creator_id": creator_ids[collabs.creator[s]],
        "campaign_id": campaign_ids[collabs.campaign[s]], "invited_at": _time_cells(base, collabs.invited[s]),
        "status": statuses[collabs.status[s]],
        "responded_at": _time_cells(base, collabs.responded[s], collabs.responded[s] < 0),
        "due_at": _time_cells(base, collabs.due[s], collabs.due[s] < 0),
        "delivered_at": _time_cells(base, collabs.delivered_at[s], collabs.delivered_at[s] < 0),
        "deliverables_promised": _int_cells(collabs.promised[s]),
        "deliverables_delivered": _int_cells(collabs.delivered[s], collabs.delivered[s] < 0),
        "fee": _money_cells(collabs.fee_cents[s]),
        "gmv": _money_cells(collabs.gmv_cents[s], collabs.gmv_cents[s] < 0),
        "rating": _int_cells(collabs.rating[s], collabs.rating[s] == 0),
    })
    write("videos", len(videos), lambda s: {
        "video_id": _ids("V", np.arange(s.start, s.stop), vw), "creator_id": creator_ids[videos.creator[s]],
        "posted_at": _time_cells(base, videos.posted[s]), "views": _int_cells(videos.views[s]),
        "likes": _int_cells(videos.likes[s]), "comments": _int_cells(videos.comments[s]),
        "shares": _int_cells(videos.shares[s]),
        "product_id": np.where(videos.product[s] >= 0, product_ids[np.maximum(videos.product[s], 0)], ""),
        "collaboration_id": np.where(videos.collab[s] >= 0, _ids("X", np.maximum(videos.collab[s], 0), cw), ""),
        "orders": _int_cells(videos.orders[s], videos.orders[s] < 0),
        "gmv": _money_cells(videos.gmv_cents[s], videos.gmv_cents[s] < 0),
    })
    report("truth", 0.0)
    return sizes


def _truth(tax: _Taxonomy, creators: _Creators, brands: _Brands, products: _Products, seed: int,
           first_day: date, days: int, taste_weight: float = W_LATENT) -> Truth:
    nc, nb = len(creators), len(brands)
    # a campaign promotes one of its brand's products uniformly: the product count per
    # category is the brand's campaign-category mix (at most 41 products per brand)
    product_categories = np.zeros((nb, len(tax.ids)), dtype=np.uint8)
    np.add.at(product_categories, (products.brand, products.category), 1)
    # the invitation and outcome model, so Truth.positive_propensity needs no generator import
    invitation = {
        "home_market_share": HOME_MARKET_SHARE, "creator_market_share": CREATOR_MARKET_SHARE.tolist(),
        "selection_modes": SELECTION_MODES.tolist(), "category_weight_exp": CATEGORY_WEIGHT_EXP,
        "popularity_weight_exp": POPULARITY_WEIGHT_EXP, "repeat_share": REPEAT_SHARE,
        "respond": [RESPOND_BASE, RESPOND_SLOPE], "accept_bias": ACCEPT_BIAS, "cancel": [CANCEL_BASE, CANCEL_SLOPE],
    }
    return Truth(
        creator_id=np.asarray(_ids("C", np.arange(nc), _id_width(7, nc)), dtype=f"U{1 + _id_width(7, nc)}"),
        cooperation=creators.cooperation, consistency=creators.consistency, diligence=creators.diligence,
        content_volume=creators.content_volume, content_success=creators.content_success,
        sales_conversion=creators.sales_conversion,
        creator_market=creators.market.astype(np.int8), creator_primary=creators.primary.astype(np.int32),
        creator_secondary=creators.secondary.astype(np.int32), creator_primary_weight=creators.primary_weight,
        creator_latent=creators.latent,
        brand_id=np.asarray(_ids("B", np.arange(nb), _id_width(5, nb)), dtype=f"U{1 + _id_width(5, nb)}"),
        brand_market=brands.market.astype(np.int8), brand_category=brands.category.astype(np.int32),
        brand_latent=brands.latent,
        category_id=tax.ids, category_top=tax.top.astype(np.int32), markets=np.array(MARKETS),
        meta={"generator_version": GENERATOR_VERSION, "seed": seed, "start": first_day.isoformat(), "days": days,
              "invitation": invitation, **({} if taste_weight == W_LATENT else {"taste_weight": float(taste_weight)})},
        creator_followers=creators.followers.astype(np.int64), creator_joined_day=creators.joined_day.astype(np.int32),
        brand_product_categories=product_categories,
        creator_expected_gmv=_expected_gmv_per_video(tax, creators, products),
    )


def _expected_gmv_per_video(tax: _Taxonomy, creators: _Creators, products: _Products) -> np.ndarray:
    """True expected GMV (currency units) of one organic shoppable video of each creator.

    ``E[views] * E[orders per view] * E[price]`` of the creator's niche mix (docs/generator.md,
    "True value per video")::

        views  = VIEWS_SCALE * f ** VIEWS_EXPONENT * s * exp(VIEWS_SIGMA^2 / 2)
        value  = views * k * exp(ORDER_NOISE_SIGMA^2 / 2)
                 * (w * conv[p] * price[p] + (1 - w) * conv[s'] * price[s'])

    with ``price[x]`` the mean price of the products an organic video of category ``x`` draws
    from (``_product_in``: the category's products, else its top level's, else any).
    """
    n_cat = len(tax.ids)
    cents = products.price_cents.astype(np.float64)
    count = np.bincount(products.category, minlength=n_cat).astype(np.float64)
    total = np.bincount(products.category, weights=cents, minlength=n_cat)
    top_count = np.bincount(tax.top[products.category], minlength=n_cat).astype(np.float64)
    top_total = np.bincount(tax.top[products.category], weights=cents, minlength=n_cat)
    overall = float(cents.mean()) if len(cents) else 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        own = np.where(count > 0, total / count, np.nan)
        via_top = np.where(top_count[tax.top] > 0, top_total[tax.top] / top_count[tax.top], np.nan)
    price = np.where(count > 0, own, np.where(np.isfinite(via_top), via_top, overall)) / 100.0
    worth = tax.conversion * price
    f = creators.followers.astype(np.float64)
    views = VIEWS_SCALE * f ** VIEWS_EXPONENT * creators.content_success * np.exp(VIEWS_SIGMA ** 2 / 2)
    w = creators.primary_weight
    mix = w * worth[creators.primary] + (1.0 - w) * worth[creators.secondary]
    return views * creators.sales_conversion * np.exp(ORDER_NOISE_SIGMA ** 2 / 2) * mix
