"""The hidden truth of a synthetic market: ``truth.npz`` written beside the CSV files.

The generator (``creatormatch.synthetic.generator``) draws every creator's hidden traits and
every brand's and creator's latent taste, then lets them drive the observable data.  The
truth file keeps exactly those hidden quantities so tests and the evaluation oracle can
check how well the engine recovers them.  **The engine never reads it**: a real market
has no truth file.

Rows are positions in the truth arrays, which are sorted by id, the same order as the
loaded ``Dataset`` tables (``truth.creator_id[i] == dataset.creators.ids[i]``).

The affinity of brand ``b`` and creator ``c`` -- the quantity that decided whether an
invited creator accepted -- is (see ``docs/generator.md``)::

    fit(b, c)      = w_c * match(cat_b, primary_c) + (1 - w_c) * match(cat_b, secondary_c)
    match(x, y)    = 1 if x == y, SIBLING_MATCH if x and y share a top-level category, else 0
    latent(b, c)   = <u_b, v_c> / sqrt(LATENT_DIM)
    affinity(b, c) = W_FIT * fit + W_LATENT * latent + W_COOPERATION * (cooperation_c - 0.5)
                     + W_CROSS_MARKET * [market_b != market_c]

Whether a pair becomes a positive also depends on whether the brand invites the creator
at all, which the generator decides from public information (campaign category,
followers, market) and never from the affinity.  The file therefore also keeps what that
invitation model needs -- each creator's followers and joining day, each brand's product
count per category (a campaign promotes one of the brand's products, uniformly) and the
generator's invitation and outcome constants (``meta["invitation"]``) -- and
``Truth.positive_propensity`` combines both into the true probability that an invitation
slot of the brand turns the pair into a positive::

    P(slot picks c | b) = sum_k mix_b(k) * P(market_c | b) * (  m_cat * cat_k(c) + m_pop * pop(c)
                                                              + m_uni * uni(c) )
    P(positive | invited) = (r0 + r1 * cooperation_c) * sigmoid(ACCEPT_BIAS + affinity(b, c))
                            * (1 - (c0 + c1 * (1 - consistency_c)^2))

(``docs/generator.md``, "Who gets invited" and "Invitation outcomes").

The file is a plain ``.npz`` (one ``.npy`` per array, no pickles), written with fixed zip
timestamps so the same seed gives a byte-identical file.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DataError, Problem

__all__ = [
    "TRUTH_FILENAME", "TRAITS", "LATENT_DIM", "W_FIT", "W_LATENT", "W_COOPERATION", "W_CROSS_MARKET",
    "SIBLING_MATCH", "Truth", "affinity_score", "write_truth", "load_truth",
]

TRUTH_FILENAME = "truth.npz"
#: 2 added the invitation model (followers, joining day, brand product categories, constants).
TRUTH_FORMAT = 2
#: Formats this version reads; format 1 files have no invitation model (``has_invitation_model``).
_READABLE_FORMATS = (1, 2)
#: Arrays only format 2 has.
_INVITATION_ARRAYS = ("creator_followers", "creator_joined_day", "brand_product_categories")
#: Arrays a file may hold or not, whatever its format (added later, read when present).
_OPTIONAL_ARRAYS = ("creator_expected_gmv",)

#: Per-creator hidden traits, each "higher = more of the trait".
TRAITS: tuple[str, ...] = (
    "cooperation", "consistency", "diligence", "content_volume", "content_success", "sales_conversion",
)

LATENT_DIM = 8
W_FIT = 2.5
W_LATENT = 0.8
W_COOPERATION = 1.5
W_CROSS_MARKET = -1.0
SIBLING_MATCH = 0.4

# Pairs per block when an affinity request is large (keeps the (pairs x dim) temporaries small).
_BLOCK = 1 << 20


def affinity_score(
    brand_category: np.ndarray,
    brand_market: np.ndarray,
    brand_latent: np.ndarray,
    creator_primary: np.ndarray,
    creator_secondary: np.ndarray,
    creator_primary_weight: np.ndarray,
    creator_market: np.ndarray,
    creator_latent: np.ndarray,
    cooperation: np.ndarray,
    category_top: np.ndarray,
) -> np.ndarray:
    """True affinity of aligned (brand, creator) pairs; every argument has one entry per pair.

    ``brand_latent``/``creator_latent`` are ``(pairs, LATENT_DIM)``; category arguments are
    category row positions and ``category_top`` maps a category row to its top-level row.
    The formula is in the module docstring.  Shared by the generator (which draws outcomes
    from it) and ``Truth.affinity`` (which reports it), so both use the same numbers.
    """
    top_b = category_top[brand_category]

    def match(creator_cat: np.ndarray) -> np.ndarray:
        same = creator_cat == brand_category
        sibling = category_top[creator_cat] == top_b
        return np.where(same, 1.0, np.where(sibling, SIBLING_MATCH, 0.0))

    w = creator_primary_weight
    fit = w * match(creator_primary) + (1.0 - w) * match(creator_secondary)
    latent = np.einsum("ij,ij->i", brand_latent.astype(np.float64), creator_latent.astype(np.float64))
    latent /= np.sqrt(LATENT_DIM)
    cross = (brand_market != creator_market).astype(np.float64)
    return W_FIT * fit + W_LATENT * latent + W_COOPERATION * (cooperation - 0.5) + W_CROSS_MARKET * cross


@dataclass(frozen=True)
class Truth:
    """Hidden quantities of a generated market (never available for a real market).

    Creator arrays have one entry per creator row, brand arrays one per brand row.
    ``content_volume`` is in videos per day; ``content_success`` and ``sales_conversion``
    are multipliers with median about 1; the other traits lie in (0, 1).
    """

    creator_id: np.ndarray
    cooperation: np.ndarray
    consistency: np.ndarray
    diligence: np.ndarray
    content_volume: np.ndarray
    content_success: np.ndarray
    sales_conversion: np.ndarray
    creator_market: np.ndarray
    creator_primary: np.ndarray
    creator_secondary: np.ndarray
    creator_primary_weight: np.ndarray
    creator_latent: np.ndarray
    brand_id: np.ndarray
    brand_market: np.ndarray
    brand_category: np.ndarray
    brand_latent: np.ndarray
    category_id: np.ndarray
    category_top: np.ndarray
    markets: np.ndarray
    meta: dict[str, Any]
    # the invitation model (format 2; None in a format-1 file)
    creator_followers: np.ndarray | None = None
    creator_joined_day: np.ndarray | None = None
    brand_product_categories: np.ndarray | None = None   # (brands, categories) product counts
    # true expected GMV of one organic shoppable video per creator (optional; docs/generator.md)
    creator_expected_gmv: np.ndarray | None = None

    @property
    def n_creators(self) -> int:
        return int(self.creator_id.shape[0])

    @property
    def n_brands(self) -> int:
        return int(self.brand_id.shape[0])

    def trait(self, name: str) -> np.ndarray:
        """The per-creator array of trait ``name`` (one of ``TRAITS``)."""
        if name not in TRAITS:
            raise KeyError(f"unknown trait {name!r}; known: {', '.join(TRAITS)}")
        return getattr(self, name)

    def creator_rows(self, ids: np.ndarray | list[str] | str) -> np.ndarray:
        """Rows of creator ``ids`` (-1 where unknown)."""
        return _rows(self.creator_id, ids)

    def brand_rows(self, ids: np.ndarray | list[str] | str) -> np.ndarray:
        """Rows of brand ``ids`` (-1 where unknown)."""
        return _rows(self.brand_id, ids)

    def affinity(self, brand_rows: np.ndarray, creator_rows: np.ndarray, taste: bool = True) -> np.ndarray:
        """True affinity of brand and creator rows, broadcast element-wise (``taste=False``:
        without the latent-taste term, i.e. what is left when the hidden brand-creator taste is
        unknown).

        Equal-length 1-D arrays give one value per pair; ``affinity(b[:, None], c[None, :])``
        gives a brands x creators block.

        Examples
        --------
        >>> truth.affinity(np.array([0, 0]), np.array([3, 7]))      # doctest: +SKIP
        array([ 1.92, -0.41])
        """
        b, c = np.broadcast_arrays(np.asarray(brand_rows, dtype=np.int64), np.asarray(creator_rows, dtype=np.int64))
        shape = b.shape
        b, c = b.ravel(), c.ravel()
        out = np.empty(b.shape[0], dtype=np.float64)
        for lo in range(0, b.shape[0], _BLOCK):
            bb, cc = b[lo:lo + _BLOCK], c[lo:lo + _BLOCK]
            brand_latent = self.brand_latent[bb] if taste else np.zeros((len(bb), self.brand_latent.shape[1]))
            out[lo:lo + _BLOCK] = affinity_score(
                self.brand_category[bb], self.brand_market[bb], brand_latent,
                self.creator_primary[cc], self.creator_secondary[cc], self.creator_primary_weight[cc],
                self.creator_market[cc], self.creator_latent[cc], self.cooperation[cc], self.category_top,
            )
        return out.reshape(shape)

    def affinity_for_brand(self, brand_row: int) -> np.ndarray:
        """True affinity of brand ``brand_row`` with every creator (one value per creator row)."""
        creators = np.arange(self.n_creators)
        return self.affinity(np.full(self.n_creators, int(brand_row)), creators)

    # ------------------------------------------------------------------ invitation model

    @property
    def has_invitation_model(self) -> bool:
        """True when the file holds what ``positive_propensity`` needs (format 2)."""
        return (self.creator_followers is not None and self.brand_product_categories is not None
                and "invitation" in self.meta)

    def _invitation_tables(self) -> dict[str, np.ndarray]:
        """Per-market and per-(market, category) sums of the pick weights, computed once."""
        cached = self.__dict__.get("_inv_cache")
        if cached is not None:
            return cached
        if not self.has_invitation_model:
            raise ValueError("this truth file has no invitation model (format 1); regenerate the market")
        inv = self.meta["invitation"]
        n_m, n_k = len(self.markets), len(self.category_id)
        f = self.creator_followers.astype(np.float64)
        m = self.creator_market.astype(np.int64)
        k = self.creator_primary.astype(np.int64)
        top = self.category_top.astype(np.int64)
        w_cat = f ** float(inv["category_weight_exp"])
        w_pop = f ** float(inv["popularity_weight_exp"])
        s_cat = np.bincount(m * n_k + k, weights=w_cat, minlength=n_m * n_k).reshape(n_m, n_k)
        s_top = np.bincount(m * n_k + top[k], weights=w_cat, minlength=n_m * n_k).reshape(n_m, n_k)
        s_pop = np.bincount(m, weights=w_pop, minlength=n_m)
        n_in = np.bincount(m, minlength=n_m).astype(np.float64)
        counts = self.brand_product_categories.astype(np.float64)
        mix = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1.0)     # campaign category mix
        # fallbacks of the category pick when the market has no creator in the campaign's
        # subcategory: the same top level (``via_top``), else the popularity pick (``via_pop``)
        empty_sub = s_cat == 0                                               # (markets, categories)
        empty_top = s_top[:, top] == 0                                       # top level of each category
        via_top = np.zeros((mix.shape[0], n_m, n_k))                         # (brands, markets, top rows)
        for t in np.unique(top):
            in_t = top == t
            via_top[:, :, t] = mix[:, in_t] @ (empty_sub[:, in_t] & ~empty_top[:, in_t]).T
        via_pop = mix @ (empty_sub & empty_top).T                            # (brands, markets)
        cached = {"w_cat": w_cat, "w_pop": w_pop, "s_cat": s_cat, "s_top": s_top, "s_pop": s_pop,
                  "n_in": n_in, "mix": mix, "via_top": via_top, "via_pop": via_pop}
        object.__setattr__(self, "_inv_cache", cached)
        return cached

    def invitation_propensity(self, brand_rows: np.ndarray, creator_rows: np.ndarray,
                              window: tuple[float, float] | None = None) -> np.ndarray:
        """Probability that one new-creator invitation slot of the brand picks the creator.

        The generator's pick (``docs/generator.md``, "Who gets invited"), in closed form:
        the campaign's category ``k`` follows the brand's product mix; the market is the
        brand's with probability ``home_market_share``, else drawn by creator shares; then
        by category fit (``followers ** 0.25`` among the market's creators whose primary
        category is ``k``, falling back to its top level, then to popularity), by popularity
        (``followers ** 0.5`` in the market) or uniformly in the market.  ``window`` =
        (first, last day) of the period the slots fall in: a creator who had not joined yet
        is redrawn, so its propensity is scaled by the share of the window after it joined
        (1 when ``window`` is None).  Broadcast element-wise like ``affinity``.
        """
        t = self._invitation_tables()
        inv = self.meta["invitation"]
        b, c = np.broadcast_arrays(np.asarray(brand_rows, dtype=np.int64), np.asarray(creator_rows, dtype=np.int64))
        shape = b.shape
        b, c = b.ravel(), c.ravel()
        m = self.creator_market[c].astype(np.int64)
        k = self.creator_primary[c].astype(np.int64)
        top = self.category_top.astype(np.int64)[k]
        share = np.asarray(inv["creator_market_share"], dtype=np.float64)
        home = float(inv["home_market_share"])
        p_market = home * (self.brand_market[b] == self.creator_market[c]) + (1.0 - home) * share[m]
        pop = t["w_pop"][c] / t["s_pop"][m]
        uni = 1.0 / t["n_in"][m]
        w = t["w_cat"][c]
        cat = (t["mix"][b, k] * w / t["s_cat"][m, k] + t["via_top"][b, m, top] * w / t["s_top"][m, top]
               + t["via_pop"][b, m] * pop)
        modes = np.asarray(inv["selection_modes"], dtype=np.float64)
        out = p_market * (modes[0] * cat + modes[1] * pop + modes[2] * uni)
        if window is not None and self.creator_joined_day is not None:
            lo, hi = float(window[0]), float(window[1])
            joined = self.creator_joined_day[c].astype(np.float64)
            out = out * (np.clip((hi - np.maximum(joined, lo)) / max(hi - lo, 1e-9), 0.0, 1.0) if hi > lo
                         else (joined <= lo).astype(np.float64))
        return out.reshape(shape)

    def acceptance_probability(self, brand_rows: np.ndarray, creator_rows: np.ndarray,
                               taste: bool = True) -> np.ndarray:
        """Probability that an invitation of the creator by the brand ends as a positive
        (answered, accepted, not cancelled): ``(r0 + r1 k) * sigmoid(bias + affinity) * (1 - cancel)``
        (``taste=False``: the affinity without its latent-taste term)."""
        inv = self.meta["invitation"]
        b, c = np.broadcast_arrays(np.asarray(brand_rows, dtype=np.int64), np.asarray(creator_rows, dtype=np.int64))
        r0, r1 = inv["respond"]
        c0, c1 = inv["cancel"]
        coop, cons = self.cooperation[c], self.consistency[c]
        accept = 1.0 / (1.0 + np.exp(-(float(inv["accept_bias"]) + self.affinity(b, c, taste))))
        return (r0 + r1 * coop) * accept * (1.0 - (c0 + c1 * (1.0 - cons) ** 2))

    def positive_propensity(self, brand_rows: np.ndarray, creator_rows: np.ndarray,
                            window: tuple[float, float] | None = None, taste: bool = True) -> np.ndarray:
        """True probability that one new-creator invitation slot of the brand makes the pair a
        positive: ``invitation_propensity * acceptance_probability`` (broadcast like ``affinity``).

        With ``n`` such slots in a period the pair becomes positive with probability
        ``1 - (1 - p) ** n`` (slots are independent draws), which for one brand is an
        increasing function of ``p``: ranking a brand's creators by ``p`` is ranking them by
        the generator's true probability of becoming a positive.  (Re-invitations of past
        good collaborators -- ``repeat_share`` of the slots -- only reach pairs that are
        already positive.)  ``taste=False`` leaves the latent brand-creator taste out of the
        acceptance: the best ranking for a model that knows everything else.
        """
        return (self.invitation_propensity(brand_rows, creator_rows, window)
                * self.acceptance_probability(brand_rows, creator_rows, taste))


def _rows(keys: np.ndarray, ids: np.ndarray | list[str] | str) -> np.ndarray:
    wanted = np.atleast_1d(np.asarray(ids))
    if len(keys) == 0:
        return np.full(wanted.shape, -1, dtype=np.int64)
    pos = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    return np.where(keys[pos] == wanted, pos, -1).astype(np.int64)


_ARRAYS = tuple(f for f in Truth.__dataclass_fields__ if f != "meta")
_REQUIRED = tuple(f for f in _ARRAYS if f not in _INVITATION_ARRAYS and f not in _OPTIONAL_ARRAYS)


def write_truth(out_dir: Path | str, truth: Truth) -> Path:
    """Write ``truth`` to ``out_dir/truth.npz`` (byte-identical for identical contents)."""
    path = Path(out_dir) / TRUTH_FILENAME
    arrays = {name: getattr(truth, name) for name in _ARRAYS if getattr(truth, name) is not None}
    arrays["format"] = np.array(TRUTH_FORMAT, dtype=np.int64)
    arrays["meta_json"] = np.array(json.dumps(truth.meta, sort_keys=True))
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, arr in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asarray(arr, order="C"), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue())
    tmp.replace(path)
    return path


def load_truth(dataset_dir: Path | str) -> Truth | None:
    """Read ``dataset_dir/truth.npz``; ``None`` when the folder has no truth file.

    Raises
    ------
    DataError
        The file exists but is not a truth file this version can read.
    """
    path = Path(dataset_dir) / TRUTH_FILENAME
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as npz:
            fmt = int(npz["format"])
            if fmt not in _READABLE_FORMATS:
                raise ValueError(f"truth format {fmt}, this version reads {_READABLE_FORMATS}")
            values = {name: npz[name] for name in _REQUIRED}
            if fmt >= 2:
                values |= {name: npz[name] for name in _INVITATION_ARRAYS}
            values |= {name: npz[name] for name in _OPTIONAL_ARRAYS if name in npz.files}
            meta = json.loads(str(npz["meta_json"]))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise DataError([Problem(TRUTH_FILENAME, 0, None, f"unreadable truth file: {exc}")],
                        summary=f"{path} is not a creatormatch truth file; regenerate the market") from None
    return Truth(meta=meta, **values)
