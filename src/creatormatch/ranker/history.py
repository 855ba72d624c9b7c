"""What brands and creators did before a moment: the pair history a learned ranker reads.

``market_history(dataset, as_of)`` condenses the collaborations (and videos) of a dataset
cut into arrays the ranker's features read at match time, so the same function serves a
training cut and the live model (``ranker.features``):

* ``pair[...]`` -- brands x creators sparse counts of the pair's invitations by outcome
  (``invited`` = still open at ``as_of``, ``accepted``, ``declined``, ``expired``,
  ``completed``, ``cancelled``), the day of the last invitation of each outcome
  (``last_<status>``), the day of the pair's last event (``last_event``) and its
  delivered GMV (``gmv``);
* ``creator_category[...]`` -- creators x categories: invitations with an answer or an
  expiry (``answered``) and positive ones (``positive``), by the top-level category of the
  inviting brand, for "acceptance rate in the brand's category";
* ``creator_market`` -- creators x markets: distinct brands of each market the creator
  had a positive collaboration with (in-market popularity);
* ``brand_invitee_category`` -- brands x categories: the brand's invitations by the
  primary category of the invited creator (how the brand picks creators);
* ``creator[...]`` -- per creator: day of the last activity (video or collaboration
  event), closed invitations and positive ones;
* ``brand[...]`` -- per brand: day of its first invitation, invitations, positives,
  products, invitations answered and accepted;
* ``exposure[...]`` -- the search model fitted on the positive pairs so far and the pools
  it reads (``ranker.exposure``).

Days are float days since 1970-01-01 (UTC); a missing day is NaN in dense arrays and an
absent entry in sparse ones (every real day is > 0, so no stored day is ever 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..data.contract import STATUSES
from ..data.dataset import Dataset
from .exposure import exposure_arrays, search_mix

__all__ = ["MarketHistory", "market_history", "data_end", "to_days", "top_level_categories", "PAIR_STATUSES"]

#: Outcomes counted per pair, in contract order.
PAIR_STATUSES: tuple[str, ...] = STATUSES

_SECONDS_PER_DAY = 86_400.0


def to_days(values: np.ndarray) -> np.ndarray:
    """``datetime64`` values as float days since 1970-01-01 (NaT -> NaN)."""
    v = np.asarray(values).astype("datetime64[s]")
    out = v.astype(np.int64).astype(np.float64) / _SECONDS_PER_DAY
    out[np.isnat(v)] = np.nan
    return out


def top_level_categories(parent: np.ndarray) -> np.ndarray:
    """Per category row, the row of its top-level ancestor (itself for a top level)."""
    parent = np.asarray(parent, np.int64)
    top = np.arange(len(parent))
    for _ in range(len(parent)):
        up = parent[top]
        step = up >= 0
        if not step.any():
            break
        top = np.where(step, up, top)
    return top


@dataclass
class MarketHistory:
    """The condensed past of a market at ``as_of`` (see the module docstring)."""

    as_of: float
    pair: dict[str, sp.csr_array]
    creator_category: dict[str, sp.csr_array]
    creator_market: sp.csr_array
    brand_invitee_category: sp.csr_array
    markets: np.ndarray
    creator: dict[str, np.ndarray]
    brand: dict[str, np.ndarray]
    exposure: dict[str, np.ndarray | sp.csr_array]

    def arrays(self) -> dict[str, np.ndarray | sp.csr_array]:
        """Every member under a flat name (for the model artifact)."""
        out: dict[str, np.ndarray | sp.csr_array] = {"as_of": np.array([self.as_of]), "markets": self.markets,
                                                     "creator_market": self.creator_market,
                                                     "brand_invitee_category": self.brand_invitee_category}
        out.update({f"pair.{k}": v for k, v in self.pair.items()})
        out.update({f"creator_category.{k}": v for k, v in self.creator_category.items()})
        out.update({f"creator.{k}": v for k, v in self.creator.items()})
        out.update({f"brand.{k}": v for k, v in self.brand.items()})
        out.update({f"exposure.{k}": v for k, v in self.exposure.items()})
        return out

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray | sp.csr_array]) -> "MarketHistory":
        def group(prefix: str) -> dict:
            return {k[len(prefix) + 1:]: v for k, v in arrays.items() if k.startswith(prefix + ".")}

        return cls(as_of=float(np.asarray(arrays["as_of"])[0]), pair=group("pair"),
                   creator_category=group("creator_category"),
                   creator_market=sp.csr_array(arrays["creator_market"]),
                   brand_invitee_category=sp.csr_array(arrays["brand_invitee_category"]),
                   markets=np.asarray(arrays["markets"]),
                   creator=group("creator"), brand=group("brand"), exposure=_exposure_group(group("exposure")))


def _exposure_group(arrays: dict) -> dict:
    out = dict(arrays)
    if "mix" in out:
        out["mix"] = sp.csr_array(out["mix"])
    return out


def data_end(dataset: Dataset) -> float:
    """The latest moment any event of ``dataset`` happened (days)."""
    col = dataset.collaborations
    latest = [np.nanmax(to_days(col[c])) if len(col) and (~np.isnat(col[c])).any() else np.nan
              for c in ("invited_at", "responded_at", "delivered_at")]
    videos = dataset.videos
    if videos is not None and len(videos):
        latest.append(np.nanmax(to_days(videos["posted_at"])))
    latest = [x for x in latest if np.isfinite(x)]
    return float(max(latest)) if latest else 0.0


def _sparse(values: np.ndarray, rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int],
            reduce: str = "sum") -> sp.csr_array:
    """Brands x creators (or any) CSR with duplicates summed (``sum``) or maximised (``max``)."""
    if reduce == "sum":
        m = sp.csr_array((values.astype(np.float64), (rows, cols)), shape=shape)
        m.sum_duplicates()
        m.eliminate_zeros()
        return m
    key = rows.astype(np.int64) * shape[1] + cols
    order = np.lexsort((values, key))
    key, values = key[order], values[order]
    last = np.r_[key[1:] != key[:-1], True] if len(key) else np.zeros(0, bool)
    key, values = key[last], values[last]
    m = sp.csr_array((values.astype(np.float64), (key // shape[1], key % shape[1])), shape=shape)
    m.eliminate_zeros()
    return m


def market_history(dataset: Dataset, as_of: float | None = None) -> MarketHistory:
    """Condense ``dataset`` (already cut at ``as_of``, e.g. by ``timeslice``) into a ``MarketHistory``.

    Parameters
    ----------
    dataset : the data as known at ``as_of`` (outcomes after it censored).
    as_of : the moment in days since 1970 the history describes; default the latest event
        of the dataset.  Features such as "days since the last invitation" are measured
        from it.
    """
    now = data_end(dataset) if as_of is None else float(as_of)
    col = dataset.collaborations
    nb, nc = dataset.n_brands, dataset.n_creators
    b = col["brand_id"].astype(np.int64)
    c = col["creator_id"].astype(np.int64)
    status = col["status"].astype(np.int64)
    invited = to_days(col["invited_at"])
    event = np.fmax(np.fmax(invited, to_days(col["responded_at"])), to_days(col["delivered_at"]))
    shape = (nb, nc)
    ones = np.ones(len(b))

    pair: dict[str, sp.csr_array] = {}
    for code, name in enumerate(PAIR_STATUSES):
        sel = status == code
        pair[name] = _sparse(ones[sel], b[sel], c[sel], shape)
        pair[f"last_{name}"] = _sparse(invited[sel], b[sel], c[sel], shape, "max")
    pair["last_event"] = _sparse(event, b, c, shape, "max")
    gmv = np.nan_to_num(col["gmv"].astype(np.float64))
    pair["gmv"] = _sparse(gmv, b, c, shape)

    positive = np.isin(status, [STATUSES.index("accepted"), STATUSES.index("completed")])
    closed = status != STATUSES.index("invited")

    # creators x top-level categories of the inviting brand
    cats = dataset.categories
    n_cat = len(cats) if cats is not None else 0
    brand_cat = dataset.brands["category_id"].astype(np.int64)
    if n_cat:
        top = top_level_categories(cats["parent_id"])
        brand_top = np.where(brand_cat >= 0, top[np.maximum(brand_cat, 0)], -1)
    else:
        brand_top = np.full(nb, -1, np.int64)
    coll_top = brand_top[b] if len(b) else np.zeros(0, np.int64)
    has_cat = coll_top >= 0
    cshape = (nc, max(n_cat, 1))
    creator_category = {
        "answered": _sparse(ones[closed & has_cat], c[closed & has_cat], coll_top[closed & has_cat], cshape),
        "positive": _sparse(ones[positive & has_cat], c[positive & has_cat], coll_top[positive & has_cat], cshape),
    }

    # creators x markets: distinct positive brands per market
    markets, brand_market = np.unique(dataset.brands["market"], return_inverse=True)
    pos_pairs = _sparse(ones[positive], b[positive], c[positive], shape)
    pb, pc = pos_pairs.nonzero()
    creator_market = _sparse(np.ones(len(pb)), pc, brand_market[pb], (nc, max(len(markets), 1)))

    primary = dataset.creators["primary_category"].astype(np.int64)
    invitee_cat = primary[c] if len(c) else np.zeros(0, np.int64)
    known = invitee_cat >= 0
    brand_invitee_category = _sparse(ones[known], b[known], invitee_cat[known], (nb, max(n_cat, 1)))

    last_active = np.full(nc, np.nan)
    if len(c):
        np.fmax.at(last_active, c, event)
    videos = dataset.videos
    if videos is not None and len(videos):
        vc = videos["creator_id"].astype(np.int64)
        np.fmax.at(last_active, vc, to_days(videos["posted_at"]))
    creator = {
        "last_active": last_active,
        "closed": np.bincount(c[closed], minlength=nc).astype(np.float64),
        "positive": np.bincount(c[positive], minlength=nc).astype(np.float64),
    }

    first = np.full(nb, np.nan)
    if len(b):
        np.fmin.at(first, b, invited)
    products = dataset.products
    n_products = (np.bincount(products["brand_id"].astype(np.int64)[products["brand_id"] >= 0], minlength=nb)
                  if products is not None and dataset.has("products") else np.zeros(nb, np.int64))
    answered = np.isin(status, [STATUSES.index(s) for s in ("accepted", "declined", "completed", "cancelled")])
    brand = {
        "first_invited": first,
        "invitations": np.bincount(b, minlength=nb).astype(np.float64),
        "positive": np.bincount(b[positive], minlength=nb).astype(np.float64),
        "answered": np.bincount(b[answered], minlength=nb).astype(np.float64),
        "products": n_products.astype(np.float64),
        "top_category": brand_top.astype(np.float64),
    }
    return MarketHistory(as_of=now, pair=pair, creator_category=creator_category, creator_market=creator_market,
                         brand_invitee_category=brand_invitee_category, markets=markets, creator=creator, brand=brand,
                         exposure=_exposure(dataset, pb, pc, brand_cat, max(n_cat, 1)))


def _exposure(dataset: Dataset, b: np.ndarray, c: np.ndarray, brand_cat: np.ndarray,
              n_cat: int) -> dict[str, np.ndarray | sp.csr_array]:
    """``ranker.exposure``'s arrays, fitted on the distinct pairs ``(b, c)`` (the positive ones,
    sorted by brand then creator)."""
    nb, nc = dataset.n_brands, dataset.n_creators
    cm, bm = np.asarray(dataset.creators["market"]), np.asarray(dataset.brands["market"])
    _, codes = np.unique(np.concatenate((cm, bm)), return_inverse=True)
    creator_market, brand_market = codes[:nc].astype(np.int64), codes[nc:].astype(np.int64)
    products = dataset.products if dataset.has("products") else None
    mix = search_mix(nb, n_cat,
                     None if products is None else products["brand_id"].astype(np.int64),
                     None if products is None else products["category_id"].astype(np.int64), brand_cat)
    followers = np.nan_to_num(dataset.creators["followers"].astype(np.float64))
    return exposure_arrays(b.astype(np.int64), c.astype(np.int64), creator_market, brand_market,
                           dataset.creators["primary_category"].astype(np.int64), followers, mix)
