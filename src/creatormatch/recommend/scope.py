"""The creators a brand is scored against (its *scope*): one market, or every creator.

A ``MarketScope`` holds contiguous copies of what scoring reads for those creators
(factors, category fit rows, index values, followers, rates, ...) plus the graph walk's
per-scope edge slices and caches.  ``Matcher.scope(key)`` builds one lazily per market.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .._sparse import row_entry_positions
from ..graph.walk import CreatorScope
from .blend import blend_terms, finish_blend

__all__ = ["INDEX_COMPONENTS", "MarketScope"]

#: blend component -> creator index it reads
INDEX_COMPONENTS: dict[str, str] = {"cooperation": "cooperation", "consistency": "consistency",
                                    "uplift": "sales_uplift"}


@dataclass
class MarketScope:
    """Creators scored together for a brand (one market, or every creator), with contiguous
    copies of everything scoring reads so a match touches memory in order."""

    key: str
    rows: np.ndarray
    local: np.ndarray | None
    walk: CreatorScope
    factors: np.ndarray
    known: np.ndarray
    n_known: int
    fit: sp.csc_array
    has_category: np.ndarray
    index: dict[str, np.ndarray]
    index_values: dict[str, np.ndarray]
    index_available: dict[str, np.ndarray]
    followers: np.ndarray
    rate: np.ndarray
    invitations: np.ndarray
    degree: np.ndarray
    _damping: tuple[float, np.ndarray] | None = None
    _blend_cache: dict[tuple, dict] = field(default_factory=dict)

    def blend_renormalised(self, values: dict[str, np.ndarray], brand_has: dict[str, bool],
                           weights: dict[str, float]) -> np.ndarray:
        """The default blend (``missing="renormalise"``) of a brand's components, in float32.

        Same numbers as ``blend.blend`` (to float32 precision) with fewer passes over the
        market: the index components, the per-creator availability of ``mf`` and
        ``category_fit`` (creator has factors / a category) and the denominator for each
        combination of the brand's own availability (``brand_has``) are brand-independent,
        so they are cached per weights.
        """
        c = self._weights_cache(weights)
        flags = (brand_has["mf"], brand_has["graph"], brand_has["category_fit"])
        inv = c["inv_den"].get(flags)
        if inv is None:
            den = c["den"].copy()
            if flags[0]:
                den += c["mf_mask"]
            if flags[1]:
                den += np.float32(c["w"]["graph"])
            if flags[2]:
                den += c["fit_mask"]
            inv = np.divide(np.float32(1.0), den, out=np.zeros(len(den), np.float32), where=den > 0)
            c["inv_den"][flags] = inv
        num = c["num"].copy()
        tmp = np.empty(len(num), np.float32)
        if flags[0] and c["w"]["mf"] > 0:
            num += np.multiply(values["mf"], c["mf_mask"], out=tmp)
        if flags[1] and c["w"]["graph"] > 0:
            num += np.multiply(values["graph"], np.float32(c["w"]["graph"]), out=tmp)
        if flags[2] and c["w"]["category_fit"] > 0:
            num += np.multiply(values["category_fit"], c["fit_mask"], out=tmp)
        return np.multiply(num, inv, out=num)

    def blend_neutral(self, values: dict[str, np.ndarray], available: dict[str, np.ndarray],
                      weights: dict[str, float]) -> np.ndarray:
        """The blend with ``missing="neutral"`` (a missing component counts 0.5) of a brand's
        components: ``blend.blend``'s numbers (up to the order of a float64 sum) with the
        index components' numerator, the same for every brand, cached per weights."""
        key = ("neutral",) + tuple(sorted((k, float(v)) for k, v in weights.items()))
        c = self._blend_cache.get(key)
        if c is None:
            if len(self._blend_cache) > 8:
                self._blend_cache.clear()
            w = {k: float(weights.get(k, 0.0)) for k in INDEX_COMPONENTS}
            num, den = blend_terms(self.index_values, self.index_available, w, "neutral")
            c = {"num": np.asarray(num, np.float64), "den": float(den)}
            self._blend_cache[key] = c
        mine = {k: v for k, v in values.items() if k not in INDEX_COMPONENTS}
        num, den = blend_terms(mine, available, weights, "neutral")
        num += c["num"]
        den += c["den"]
        return finish_blend(num, den, "neutral")

    def _weights_cache(self, weights: dict[str, float]) -> dict:
        key = tuple(sorted((k, float(v)) for k, v in weights.items()))
        c = self._blend_cache.get(key)
        if c is None:
            if len(self._blend_cache) > 8:
                self._blend_cache.clear()
            w = {k: max(float(weights.get(k, 0.0)), 0.0) for k in ("mf", "graph", "category_fit", *INDEX_COMPONENTS)}
            num, den = blend_terms(self.index_values, self.index_available, w)
            c = {"w": w, "num": num.astype(np.float32), "den": np.asarray(den, np.float32) + np.zeros(len(num), np.float32),
                 "mf_mask": (w["mf"] * self.known).astype(np.float32),
                 "fit_mask": (w["category_fit"] * self.has_category).astype(np.float32), "inv_den": {}}
            self._blend_cache[key] = c
        return c

    def category_fit(self, profile: np.ndarray) -> np.ndarray:
        """``F[c] . q`` for every creator of the scope, reading only the profile's categories."""
        cats = np.flatnonzero(profile)
        f = self.fit
        pos, counts = row_entry_positions(f.indptr, cats)     # CSC: the categories' columns
        if len(pos) == 0:
            return np.zeros(len(self.rows), np.float32)
        weights = f.data[pos] * np.repeat(profile[cats], counts)
        return np.bincount(f.indices[pos], weights=weights, minlength=len(self.rows)).astype(np.float32)

    def damping(self, beta: float) -> np.ndarray:
        """``max(degree, 1) ** -beta`` of the scope's creators (cached for the last beta)."""
        if self._damping is None or self._damping[0] != beta:
            self._damping = (beta, np.power(np.maximum(self.degree, 1.0), -beta).astype(np.float32))
        return self._damping[1]

    def positions(self, creator_rows: np.ndarray) -> np.ndarray:
        """Positions of ``creator_rows`` in this scope (-1 outside)."""
        creator_rows = np.asarray(creator_rows, np.int64)
        return creator_rows.copy() if self.local is None else self.local[creator_rows]
