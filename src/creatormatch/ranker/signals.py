"""Per-brand and per-category vectors over all creators that the ranker's features read.

``PairSignals`` wraps a built ``MatchModel`` and computes, with small caches (a match
touches one brand, training walks brand after brand):

* ``co_collaborators(b, rows)`` -- ``(X X^T X)[b, rows]`` with the brand's own term removed:
  ``sum over brands b' != b`` of (creators b and b' share) x [c worked with b'];
* ``featured_products(b, rows)`` -- ``sum over the brand's products p`` of the ``features``
  edge weight ``log(1 + videos of c featuring p)``;
* ``in_market_brands(m)`` -- distinct brands of market ``m`` each creator worked with;
* ``category_history(k)`` -- each creator's closed and positive invitations from brands of
  top-level category ``k``;
* ``primary_match(b, rows)`` -- 2 / 1 / 0 / NaN for same category / same top level /
  neither / unknown.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable

import numpy as np
import scipy.sparse as sp

from .._sparse import row_entry_positions
from .._textcolumns import text_equals
from ..recommend.model import MatchModel
from .history import top_level_categories

__all__ = ["PairSignals"]


def _sole_relation(a: str, b: str, name: str) -> bool:
    """Whether ``name`` is the one relation between node types ``a`` and ``b``, so the walk's
    block between them (the sum of those relations' weights, both ways) is that relation
    or its transpose."""
    from ..graph.build import RELATIONS

    return [r for r, ends in RELATIONS.items() if set(ends) == {a, b}] == [name]


def _gather(indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The stored entries of ``rows`` of a CSR pattern: (position in ``rows``, column) each."""
    at, counts = row_entry_positions(indptr, rows)
    return np.repeat(np.arange(len(counts)), counts), indices[at].astype(np.int64)


def _transposed_pattern(conf: sp.csr_array, creator_brand: sp.csr_array | None) -> tuple[np.ndarray, np.ndarray]:
    """(indptr, indices) of ``conf``'s transpose (creators x brands).  The walk's creator ->
    brand block is the ``collaborated`` relation's transpose, and that relation is the
    confidence scaled (``recommend.model.graph_collaboration_weights``): same pattern,
    unless the confidence stores zeros, which the block's sum drops.  Checked (entries, no
    stored zero, every creator's count) before it is used."""
    if (creator_brand is not None and creator_brand.shape == conf.shape[::-1] and creator_brand.nnz == conf.nnz
            and _sole_relation("brand", "creator", "collaborated")
            and bool(np.all(conf.data != 0))
            and np.array_equal(np.diff(creator_brand.indptr), np.bincount(conf.indices, minlength=conf.shape[1]))):
        return creator_brand.indptr, creator_brand.indices
    t = sp.csr_array((np.ones(conf.nnz), conf.indices, conf.indptr), shape=conf.shape).T.tocsr()
    return t.indptr, t.indices


def _dense_column(m: sp.csc_array, j: int) -> np.ndarray:
    """Column ``j`` of a CSC matrix as a dense float64 vector (duplicates summed), read from
    its arrays directly: scipy's ``m[:, [j]].toarray()`` takes a detour through a CSR copy."""
    lo, hi = int(m.indptr[j]), int(m.indptr[j + 1])
    return np.bincount(m.indices[lo:hi], weights=m.data[lo:hi], minlength=m.shape[0]).astype(np.float64)


class _Lru(OrderedDict):
    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def get_or(self, key, make: Callable[[], Any]) -> Any:
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = make()
        self[key] = value
        if len(self) > self.size:
            self.popitem(last=False)
        return value


class PairSignals:
    """Creator-wide vectors per brand / market / category (see the module docstring)."""

    def __init__(self, model: MatchModel, product_creator: sp.csr_array | None = None,
                 creator_brand: sp.csr_array | None = None):
        """``product_creator`` and ``creator_brand``: the walk's blocks of those types, if the
        caller has them (mapped from the model file).  The first is exactly the transpose of
        the ``features`` weights, the second has the pattern of the confidence's transpose;
        without them both are transposed here (0.19 s and 0.06 s at 1M creators, once per
        process)."""
        self.model = model
        self.n_creators = model.sizes["creator"]
        # X, the positive pairs (brands x creators, 1 where the confidence stores a value), and
        # its transpose, kept as patterns: every use below treats them as 0/1
        conf = sp.csr_array(model.confidence)
        self._x = (conf.indptr, conf.indices)
        self._xt = _transposed_pattern(conf, creator_brand)
        self._n_brands = conf.shape[0]
        # per-brand vectors (one creator-wide array each, 8 MB at 1M creators) in a small LRU;
        # per-market and per-category ones, a few dozen in all, kept apart so a stream of
        # brands never evicts them
        self._cache = _Lru(16)
        self._shared: dict[tuple, np.ndarray] = {}
        parent = model.tables["category"]["parent"]
        self._top = top_level_categories(parent) if len(parent) else np.zeros(0, np.int64)
        features = model.relations.get("features")
        if features is None or features.nnz == 0:
            self._features_by_product = None
        elif product_creator is not None and _sole_relation("product", "creator", "features"):
            self._features_by_product = product_creator
        else:
            self._features_by_product = sp.csr_array(features.T)
        hist = model.history
        self._by_market = sp.csc_array(hist.creator_market)
        self._by_category = {k: sp.csc_array(v) for k, v in hist.creator_category.items()}

    def co_collaborators(self, brand_row: int, rows: np.ndarray | None = None) -> np.ndarray:
        """``(X X^T X)[b, rows]`` without the brand's own term (every creator when ``rows`` is
        None).  ``s = X[b] X^T`` (creators shared with each brand, ``s[b] = 0``) is kept per
        brand; the value at creator ``c`` is ``X^T[c] . s``, so only the rows asked for are
        computed (a match needs its candidates', not a million)."""
        shared = self._cache.get_or(("co", brand_row), lambda: self._shared_creators(brand_row))
        indptr, indices = self._xt
        rows = np.arange(self.n_creators) if rows is None else np.asarray(rows, np.int64)
        owner, brands = _gather(indptr, indices, rows)
        return np.bincount(owner, weights=shared[brands], minlength=len(rows))

    def _shared_creators(self, brand_row: int) -> np.ndarray:
        indptr, indices = self._x
        creators = indices[indptr[brand_row]:indptr[brand_row + 1]]
        _, brands = _gather(*self._xt, creators)
        shared = np.bincount(brands, minlength=self._n_brands).astype(np.float64)   # creators shared with each brand
        shared[brand_row] = 0.0
        return shared

    def featured_products(self, brand_row: int, rows: np.ndarray | None = None) -> np.ndarray:
        """``sum over the brand's products p`` of ``features[c, p]`` for the creators ``rows``
        (every creator when None).  The brand's sum is kept sparse (the creators who featured
        one of its products, and their sums), so a match pays for its products' edges and
        its candidates, not for a vector over every creator."""
        def make() -> tuple[np.ndarray, np.ndarray]:
            sells = self.model.relations.get("sells")
            if sells is None or self._features_by_product is None:
                return np.zeros(0, np.int64), np.zeros(0)
            products = sells.indices[sells.indptr[brand_row]:sells.indptr[brand_row + 1]]
            if len(products) == 0:
                return np.zeros(0, np.int64), np.zeros(0)
            sub = self._features_by_product[np.sort(products)]      # products x creators rows
            creators, where = np.unique(sub.indices, return_inverse=True)
            return creators.astype(np.int64), np.bincount(where, weights=sub.data, minlength=len(creators))

        creators, sums = self._cache.get_or(("fp", brand_row), make)
        if rows is None:
            out = np.zeros(self.n_creators)
            out[creators] = sums
            return out
        rows = np.asarray(rows, np.int64)
        out = np.zeros(len(rows))
        if len(creators):
            at = np.minimum(np.searchsorted(creators, rows), len(creators) - 1)
            hit = creators[at] == rows
            out[hit] = sums[at[hit]]
        return out

    def in_market_brands(self, market_code: int) -> np.ndarray:
        if market_code < 0 or market_code >= self._by_market.shape[1]:
            return np.zeros(self.n_creators)
        return self.kept(("mk", market_code), lambda: _dense_column(self._by_market, market_code))

    def category_history(self, top: int) -> tuple[np.ndarray, np.ndarray]:
        def column(name: str) -> np.ndarray:
            m = self._by_category[name]
            if top >= m.shape[1]:
                return np.zeros(self.n_creators)
            return _dense_column(m, top)

        return (self.kept(("ca", top), lambda: column("answered")),
                self.kept(("cp", top), lambda: column("positive")))

    def kept(self, key: tuple, make: Callable[[], Any]) -> Any:
        """A per-market or per-category value (e.g. a vector), computed once and kept for the
        model's life (unlike the per-brand LRU)."""
        if key not in self._shared:
            self._shared[key] = make()
        return self._shared[key]

    def brand_picks(self, brand_row: int, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Share of the brand's past invitations to creators of each creator's primary
        category, and of its top-level category (NaN: no invitation or no category)."""
        m = self.model.history.brand_invitee_category
        lo, hi = m.indptr[brand_row], m.indptr[brand_row + 1]
        counts = np.zeros(m.shape[1])
        counts[m.indices[lo:hi]] = m.data[lo:hi]
        total = counts.sum()
        theirs = self.model.tables["creator"]["primary_category"][rows].astype(np.int64)
        out = np.full(len(rows), np.nan), np.full(len(rows), np.nan)
        if total <= 0 or len(self._top) == 0:
            return out
        by_top = np.bincount(self._top, weights=counts[:len(self._top)], minlength=len(self._top))
        known = theirs >= 0
        safe = np.maximum(theirs, 0)
        out[0][known] = counts[safe[known]] / total
        out[1][known] = by_top[self._top[safe[known]]] / total
        return out

    def market_size(self, market: str) -> int:
        """Creators in ``market``."""
        return int(self._market_followers(market).shape[0])

    def _market_followers(self, market: str) -> np.ndarray:
        def make() -> np.ndarray:
            c = self.model.tables["creator"]
            return np.sort(c["followers"][text_equals(c, "market", market)].astype(np.float64))

        return self.kept(("mf_sorted", market), make)

    def followers_percentile(self, market: str, rows: np.ndarray) -> np.ndarray:
        """Share of ``market``'s creators with fewer followers than each creator of ``rows``."""
        pool = self._market_followers(market)
        if len(pool) == 0:
            return np.full(len(rows), np.nan)
        f = self.model.tables["creator"]["followers"][rows].astype(np.float64)
        # sorted needles: numpy's binary search starts from the previous answer, so the pool
        # (a few hundred thousand values at 1M creators) is read in one sweep, not at random
        order = np.argsort(f, kind="stable")
        out = np.empty(len(f))
        out[order] = np.searchsorted(pool, f[order], side="left") / len(pool)
        return out

    def primary_match(self, brand_row: int, rows: np.ndarray) -> np.ndarray:
        t = self.model.tables
        mine = int(t["brand"]["category"][brand_row])
        theirs = t["creator"]["primary_category"][rows].astype(np.int64)
        out = np.full(len(rows), np.nan)
        if mine < 0 or len(self._top) == 0:
            return out
        known = theirs >= 0
        same_top = self._top[np.maximum(theirs, 0)] == self._top[mine]
        out[known] = np.where(theirs[known] == mine, 2.0, np.where(same_top[known], 1.0, 0.0))
        return out
