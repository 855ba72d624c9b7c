"""The creators a brand is scored against (its *scope*): one market, or every creator.

A ``MarketScope`` holds contiguous copies of what scoring reads for those creators
(factors, category fit rows, index values, followers, rates, ...) plus the graph walk's
per-scope edge slices and caches.  ``Matcher.scope(key)`` builds one lazily per market.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ..graph.walk import CreatorScope
from .blend import blend_terms

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
    _index_terms: dict[tuple, tuple[np.ndarray, np.ndarray | float]] = field(default_factory=dict)

    def index_terms(self, weights: dict[str, float], missing: str) -> tuple[np.ndarray, np.ndarray | float]:
        """Blend terms of the index components (brand-independent; cached per weights)."""
        key = (missing, tuple(sorted((c, float(weights.get(c, 0.0))) for c in INDEX_COMPONENTS)))
        terms = self._index_terms.get(key)
        if terms is None:
            if len(self._index_terms) > 16:
                self._index_terms.clear()
            terms = blend_terms(self.index_values, self.index_available, weights, missing)
            self._index_terms[key] = terms
        return terms

    def category_fit(self, profile: np.ndarray) -> np.ndarray:
        """``F[c] . q`` for every creator of the scope, reading only the profile's categories."""
        cats = np.flatnonzero(profile)
        f = self.fit
        lo, hi = f.indptr[cats], f.indptr[cats + 1]
        if len(cats) == 0 or int((hi - lo).sum()) == 0:
            return np.zeros(len(self.rows))
        counts = hi - lo
        ends = np.cumsum(counts)
        pos = np.repeat(lo - (ends - counts), counts) + np.arange(int(ends[-1]))
        weights = f.data[pos] * np.repeat(profile[cats], counts)
        return np.bincount(f.indices[pos], weights=weights, minlength=len(self.rows)).astype(np.float64, copy=False)

    def damping(self, beta: float) -> np.ndarray:
        """``max(degree, 1) ** -beta`` of the scope's creators (cached for the last beta)."""
        if self._damping is None or self._damping[0] != beta:
            self._damping = (beta, np.power(np.maximum(self.degree, 1.0), -beta))
        return self._damping[1]

    def positions(self, creator_rows: np.ndarray) -> np.ndarray:
        """Positions of ``creator_rows`` in this scope (-1 outside)."""
        creator_rows = np.asarray(creator_rows, np.int64)
        return creator_rows.copy() if self.local is None else self.local[creator_rows]
