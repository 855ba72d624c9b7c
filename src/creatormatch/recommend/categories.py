"""Category fit between a brand and creators, and category membership for the filter.

Notation: ``A`` is the categories x categories "self or ancestor" matrix
(``A[k, a] = 1`` when ``a`` is ``k`` or one of its ancestors) and ``U`` the same with
weight ``decay ** distance`` (``U[k, k] = 1``, parent ``decay``, grandparent ``decay^2``).

* **Creator content profile** ``S``: the ``creates_in`` graph edges (primary category plus
  log-counts of shoppable videos per product category), each row normalised to sum 1.
* **Creator fit** with category ``a``::

      F[c, a] = (1 - eta) * (S A)[c, a] + eta * max_{k below a} influence[c, k] / 100

  the share of the creator's content in ``a`` or below it, mixed with the creator's
  influence there (``creatormatch.indices``; ``eta`` = ``influence_share``).  ``F`` is in [0, 1].
* **Brand profile** ``q_b``: its main category (weight 1) plus its products' categories
  (weight 1 in total, split by product count), spread upwards with ``U`` and normalised to
  sum 1.  With ``--category C`` the profile is ``U[C]`` normalised instead.
* **category_fit(b, c)** = ``F[c] . q_b``, in [0, 1]: 1 for a creator whose whole content
  sits in the brand's category, ``decay / (1 + decay)`` for one in a sibling category.
  Not available for a brand without any category, or a creator without any.
* **Membership** (the ``--category`` filter): creator ``c`` is in category ``a`` when it
  has content (or its primary category) in ``a`` or any category below ``a``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["CategoryIndex", "product_categories"]


def _ancestor_pairs(parent: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(category, ancestor-or-self, distance) for every category and each of its ancestors."""
    nk = len(parent)
    cats, ancs, dist = [np.arange(nk)], [np.arange(nk)], [np.zeros(nk, np.int64)]
    cur = np.arange(nk)
    node = parent.astype(np.int64).copy()
    d = 1
    while d <= nk:
        ok = node >= 0
        if not ok.any():
            break
        cats.append(cur[ok])
        ancs.append(node[ok])
        dist.append(np.full(int(ok.sum()), d))
        cur, node = cur[ok], parent[node[ok]].astype(np.int64)
        d += 1
    return np.concatenate(cats), np.concatenate(ancs), np.concatenate(dist)


def _max_to_ancestors(m: sp.csr_array, cats: np.ndarray, ancs: np.ndarray, nk: int) -> sp.csr_array:
    """``out[c, a] = max over categories k with ancestor-or-self a of m[c, k]`` (sparse).

    One column-wise maximum per category that has descendants, over those descendants'
    columns: O(stored values x depth) and no sort of the whole matrix.
    """
    m = sp.csr_array(m)
    if m.nnz == 0:
        return sp.csr_array(m.shape)
    csc = sp.csc_array(m)
    rows, cols, vals = [], [], []
    order = np.argsort(ancs, kind="stable")
    ancs_s, cats_s = ancs[order], cats[order]
    bounds = np.searchsorted(ancs_s, np.arange(nk + 1))
    for a in range(nk):
        below = cats_s[bounds[a]:bounds[a + 1]]          # a itself and every category under it
        if len(below) == 1:
            lo, hi = csc.indptr[a], csc.indptr[a + 1]
            rows.append(csc.indices[lo:hi])
            vals.append(csc.data[lo:hi])
        else:
            col = sp.coo_array(csc[:, below].max(axis=1).reshape(-1, 1))
            rows.append(col.row if hasattr(col, "row") else col.coords[0])
            vals.append(col.data)
        cols.append(np.full(len(rows[-1]), a, np.int64))
    out = sp.csr_array((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=m.shape)
    out.eliminate_zeros()
    return out


def product_categories(in_category: sp.csr_array | None) -> np.ndarray:
    """Category row of every product from the ``in_category`` relation (-1 when it has none)."""
    if in_category is None:
        return np.zeros(0, np.int64)
    out = np.full(in_category.shape[0], -1, np.int64)
    rows = np.repeat(np.arange(in_category.shape[0]), np.diff(in_category.indptr))
    out[rows] = in_category.indices
    return out


def _dense_row(m: sp.csr_array, row: int) -> np.ndarray:
    """Row ``row`` of a CSR matrix as a dense vector (without scipy's fancy-indexing overhead)."""
    out = np.zeros(m.shape[1])
    lo, hi = m.indptr[row], m.indptr[row + 1]
    out[m.indices[lo:hi]] = m.data[lo:hi]
    return out


class CategoryIndex:
    """Precomputed category structures of a model (see the module docstring)."""

    def __init__(self, parent: np.ndarray, creates_in: sp.csr_array | None, influence: sp.csr_array | None,
                 brand_category: np.ndarray, brand_products: sp.csr_array | None, product_category: np.ndarray,
                 n_creators: int, *, decay: float = 0.6, influence_share: float = 0.3):
        nk = len(parent)
        nb = len(brand_category)
        self.n_categories = nk
        cats, ancs, dist = _ancestor_pairs(np.asarray(parent, np.int64))
        self.ancestors = sp.csr_array((np.ones(len(cats)), (cats, ancs)), shape=(nk, nk))
        self.upward = sp.csr_array((decay ** dist.astype(np.float64), (cats, ancs)), shape=(nk, nk))
        base = sp.csr_array(creates_in, dtype=np.float64) if creates_in is not None else sp.csr_array((n_creators, nk))
        totals = np.asarray(base.sum(axis=1)).ravel()
        self.creator_has_category = totals > 0
        share = sp.diags_array(np.divide(1.0, totals, out=np.zeros_like(totals), where=totals > 0)) @ base
        share_up = sp.csr_array(share @ self.ancestors)
        if influence is not None and influence.nnz and influence.shape == (n_creators, nk):
            infl_up = _max_to_ancestors(sp.csr_array(influence, dtype=np.float64) / 100.0, cats, ancs, nk)
            fit = (1.0 - influence_share) * share_up + influence_share * infl_up
        else:
            fit = share_up
        self.fit = sp.csr_array(fit, dtype=np.float64)
        self.fit.data = np.clip(self.fit.data, 0.0, 1.0)
        member = sp.csr_array(((base > 0).astype(np.float64)) @ self.ancestors)
        self.membership = sp.csc_array(member > 0)
        # brand profiles
        main = np.asarray(brand_category, np.int64)
        has_main = main >= 0
        q = sp.csr_array((np.ones(int(has_main.sum())), (np.flatnonzero(has_main), main[has_main])), shape=(nb, nk))
        if brand_products is not None and brand_products.nnz and len(product_category):
            pc = np.asarray(product_category, np.int64)
            ok = pc >= 0
            prod_cat = sp.csr_array((np.ones(int(ok.sum())), (np.flatnonzero(ok), pc[ok])), shape=(len(pc), nk))
            by_products = sp.csr_array((sp.csr_array(brand_products) > 0).astype(np.float64) @ prod_cat)
            n = np.asarray(by_products.sum(axis=1)).ravel()
            q = q + sp.diags_array(np.divide(1.0, n, out=np.zeros_like(n), where=n > 0)) @ by_products
        q = sp.csr_array(sp.csr_array(q) @ self.upward)
        qs = np.asarray(q.sum(axis=1)).ravel()
        self.brand_profile = sp.csr_array(sp.diags_array(np.divide(1.0, qs, out=np.zeros_like(qs), where=qs > 0)) @ q)
        self.brand_has_category = qs > 0

    #: Arrays ``arrays()`` gives and ``from_arrays`` takes (the rest derives from the parents in O(categories)).
    STORED = ("fit", "membership", "brand_profile", "creator_has_category", "brand_has_category")

    def arrays(self) -> dict[str, object]:
        """The structures that cost a pass over the creators' edges, for storing in a model:
        ``fit`` and ``brand_profile`` (CSR), ``membership`` (CSC, categories in columns) and the
        two ``has_category`` masks."""
        return {name: getattr(self, name) for name in self.STORED}

    @classmethod
    def from_arrays(cls, parent: np.ndarray, stored: dict[str, object], *, decay: float = 0.6) -> "CategoryIndex":
        """A ``CategoryIndex`` from ``arrays()`` of one built with the same ``parent`` and
        ``decay``; only ``ancestors`` and ``upward`` (categories x categories) are recomputed."""
        out = cls.__new__(cls)
        nk = len(parent)
        out.n_categories = nk
        cats, ancs, dist = _ancestor_pairs(np.asarray(parent, np.int64))
        out.ancestors = sp.csr_array((np.ones(len(cats)), (cats, ancs)), shape=(nk, nk))
        out.upward = sp.csr_array((decay ** dist.astype(np.float64), (cats, ancs)), shape=(nk, nk))
        for name in cls.STORED:
            setattr(out, name, stored[name])
        return out

    def profile(self, brand_row: int | None = None, category: int | None = None) -> np.ndarray | None:
        """Dense category profile of a brand (or of one category); ``None`` if it has none."""
        if category is not None:
            row = _dense_row(self.upward, category)
            return row / row.sum()
        if brand_row is None or not self.brand_has_category[brand_row]:
            return None
        return _dense_row(self.brand_profile, brand_row)

    def members(self, category: int) -> np.ndarray:
        """Creator rows in ``category`` or any category below it (sorted)."""
        m = self.membership
        return np.sort(m.indices[m.indptr[category]:m.indptr[category + 1]]).astype(np.int64)
