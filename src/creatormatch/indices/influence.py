"""Category influence: how much weight a creator carries inside each product category.

Activity.  A creator is *active* in a category when one of these falls in it (weights in
``ACTIVITY_WEIGHTS``): a shoppable video's product; a collaboration's category (the
campaign's category, else the campaign product's, else the inviting brand's); the
creator's ``primary_category``.  ``affinity`` is the creator's activity share per category.

Influence, per active (creator, category), from four inputs:

* **reach** -- views of the creator's videos of products in the category, plus the views
  of videos without a product in proportion to the creator's affinity;
* **engagement** -- likes + comments + shares, apportioned the same way;
* **sales** -- GMV of the creator's videos of products in the category plus GMV of the
  creator's collaborations in the category;
* **centrality** -- PageRank of the creator in the category's slice of the brand-creator
  graph (brands and creators joined by collaborations -- 1 for a yes, 0.25 for an
  invitation without one -- and by shoppable videos of the brand's products, 1 each;
  undirected), relative to the average node (1 = average).

Each input is taken as ``log(1 + x)``, standardised among the creators active in the
category, and the raw influence is their weighted mean (``WEIGHTS``).  The score is the
share of creators active in the same category and market at or below the creator
(``100 * average rank / n``, so it is never 0: zero in the matrix means no activity).

PageRank of every category is computed in one power iteration over the block-diagonal
union of the slices (no edge crosses categories and no node of the graph is dangling, so
each slice keeps its own stationary distribution, scaled by its share of the nodes).  The
iteration (``bipartite_pagerank``) has the fixed point of ``creatormatch.graph.pagerank``
and ``networkx.pagerank`` with uniform teleport, runs on the creator x brand matrix of
the bipartite graph without forming the square one, and starts from the degree
distribution -- the exact answer without teleport -- so it converges in a few rounds.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..data.dataset import Dataset
from ._prepare import STATUS, Prepared, prepare
from ._result import CategoryInfluence
from ._stats import share_at_or_below

__all__ = ["category_influence", "bipartite_pagerank", "WEIGHTS", "ACTIVITY_WEIGHTS", "EDGE_WEIGHTS"]

WEIGHTS = {"reach": 0.3, "engagement": 0.2, "sales": 0.3, "centrality": 0.2}
ACTIVITY_WEIGHTS = {"primary_category": 2.0, "video": 1.0, "collaboration_yes": 1.0, "invitation": 0.25}
EDGE_WEIGHTS = {"collaboration_yes": 1.0, "invitation": 0.25, "video": 1.0}
PAGERANK_ALPHA = 0.85
#: PageRank stops when the L1 change of the whole distribution (total 1) is below this.
PAGERANK_TOL = 1e-6
PAGERANK_MAX_ITER = 200
#: Above this many creator x category cells, cells are found by sorting instead of a dense count.
_DENSE_CELLS = 64_000_000


def category_influence(dataset: Dataset, prepared: Prepared | None = None) -> CategoryInfluence:
    """Influence of every creator in every category (see the module docstring).

    Returns a ``CategoryInfluence`` whose matrices are creators x categories (positions in
    ``dataset.categories``); with no categories at all they have zero columns.
    """
    prep = prepared or prepare(dataset)
    n, k = prep.n_creators, prep.n_categories
    if k == 0:
        empty = sp.csr_matrix((n, 0))
        return CategoryInfluence(empty, empty.copy(), np.full(n, -1, np.int32), np.full(n, np.nan),
                                 empty.copy(), {})
    col = dataset.collaborations
    status = col["status"].astype(np.int64)
    yes = np.isin(status, [STATUS["accepted"], STATUS["completed"]])
    c_in = prep.collab_category >= 0
    c_key = prep.collab_creator[c_in] * k + prep.collab_category[c_in]
    c_yes = yes[c_in]
    if prep.has_videos:
        v_in = prep.video_category >= 0
        v_key = prep.video_creator[v_in] * k + prep.video_category[v_in]
    else:
        v_in = np.zeros(0, bool)
        v_key = np.zeros(0, np.int64)
    primary = dataset.creators["primary_category"].astype(np.int64)
    p_row = np.flatnonzero(primary >= 0)
    p_key = p_row * k + primary[p_row]

    # ---- activity and affinity: one cell per active (creator, category), keys row-major
    sources = [
        (p_key, np.full(len(p_key), ACTIVITY_WEIGHTS["primary_category"])),
        (c_key, np.where(c_yes, ACTIVITY_WEIGHTS["collaboration_yes"], ACTIVITY_WEIGHTS["invitation"])),
        (v_key, np.full(len(v_key), ACTIVITY_WEIGHTS["video"])),
    ]
    cells = _Cells(n * k, [key for key, _ in sources])
    activity = sum(cells.sum(key, w) for key, w in sources)
    entry_row, entry_col = cells.keys // k, cells.keys % k
    nnz = len(cells.keys)
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(entry_row, minlength=n)[:n], out=indptr[1:])
    total = np.bincount(entry_row, weights=activity, minlength=n)[:n]
    share = activity / np.where(total > 0, total, 1.0)[entry_row]

    inputs: dict[str, np.ndarray] = {}
    if prep.has_videos:
        videos = dataset.videos
        vc = prep.video_creator
        views = np.maximum(videos["views"], 0).astype(np.float64)
        inter = (np.maximum(videos["likes"], 0) + np.maximum(videos["comments"], 0)
                 + np.maximum(videos["shares"], 0)).astype(np.float64)
        for name, x in (("reach", views), ("engagement", inter)):
            # videos without a product count toward every category by the creator's affinity
            loose = np.bincount(vc[~v_in], weights=x[~v_in], minlength=n)[:n]
            inputs[name] = cells.sum(v_key, x[v_in]) + loose[entry_row] * share
        video_sales = cells.sum(v_key, np.nan_to_num(videos["gmv"], nan=0.0)[v_in])
        has_sales = not np.isnan(videos["gmv"]).all()
    else:
        video_sales = np.zeros(nnz)
        has_sales = False
    if has_sales or not np.isnan(col["gmv"]).all():
        inputs["sales"] = video_sales + cells.sum(c_key, np.nan_to_num(col["gmv"], nan=0.0)[c_in])
    centrality = _slice_centrality(dataset, prep, cells, c_in, c_key, c_yes, v_in, v_key)
    if centrality is not None:
        inputs["centrality"] = centrality

    # ---- standardise within category, combine, rank within category and market
    total_z = np.zeros(nnz)
    total_w = 0.0
    for name, x in inputs.items():
        total_z += WEIGHTS[name] * _standardise_within(np.log1p(x), entry_col, k)
        total_w += WEIGHTS[name]
    raw = total_z / total_w if total_w > 0 else np.zeros(nnz)
    n_markets = int(prep.market.max()) + 1 if n else 1
    score = share_at_or_below(raw, entry_col * n_markets + prep.market[entry_row])

    indices = entry_col.astype(np.int32)

    def matrix(values: np.ndarray) -> sp.csr_matrix:
        return sp.csr_matrix((values, indices.copy(), indptr.copy()), shape=(n, k))

    top, top_score = _top_category(indptr, entry_col, score, share, n)
    return CategoryInfluence(
        matrix=matrix(score), raw=matrix(raw), top_category=top, top_score=top_score,
        affinity=matrix(share), components={name: matrix(x) for name, x in inputs.items()},
    )


class _Cells:
    """The active cells (``row * k + column`` keys, sorted) of a sparse creators x categories
    pattern, and sums of per-event weights into them.

    With a small key space (``_DENSE_CELLS``) sums are dense ``np.bincount`` over all
    keys; otherwise the cells are found with ``np.unique`` and events by binary search.
    """

    def __init__(self, size: int, key_lists: list[np.ndarray]):
        self.size = size
        self.dense = size <= _DENSE_CELLS
        if self.dense:
            seen = np.zeros(size, bool)
            for keys in key_lists:
                seen[keys] = True
            self.keys = np.flatnonzero(seen)
        else:
            self.keys = np.unique(np.concatenate(key_lists))
        self._table: np.ndarray | None = None

    def sum(self, keys: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Sum of ``weights`` per cell, aligned with ``self.keys``."""
        if self.dense:
            return np.bincount(keys, weights=weights, minlength=self.size)[self.keys]
        return np.bincount(np.searchsorted(self.keys, keys), weights=weights, minlength=len(self.keys))

    def position(self, keys: np.ndarray) -> np.ndarray:
        """Index of each key among ``self.keys`` (every key must be a cell)."""
        if not self.dense:
            return np.searchsorted(self.keys, keys)
        if self._table is None:
            self._table = np.zeros(self.size, np.int64)
            self._table[self.keys] = np.arange(len(self.keys))
        return self._table[keys]


def _standardise_within(x: np.ndarray, groups: np.ndarray, k: int) -> np.ndarray:
    """``(x - mean) / sd`` with the mean and sd of ``x`` within each group (0 where sd is 0)."""
    cnt = np.bincount(groups, minlength=k).astype(np.float64)
    s1 = np.bincount(groups, weights=x, minlength=k)
    s2 = np.bincount(groups, weights=x * x, minlength=k)
    mean = np.divide(s1, cnt, out=np.zeros(k), where=cnt > 0)
    var = np.divide(s2, cnt, out=np.zeros(k), where=cnt > 0) - mean**2
    sd = np.sqrt(np.maximum(var, 0.0))
    z = (x - mean[groups]) / np.where(sd[groups] > 1e-12, sd[groups], 1.0)
    return np.where(sd[groups] > 1e-12, z, 0.0)


def _slice_centrality(dataset: Dataset, prep: Prepared, cells: _Cells, c_in: np.ndarray, c_key: np.ndarray,
                      c_yes: np.ndarray, v_in: np.ndarray, v_key: np.ndarray) -> np.ndarray | None:
    """Relative PageRank (1 = average node) of every active cell in its category's slice; 0 for
    a cell without edges (active through ``primary_category`` only).  None without edges."""
    k = prep.n_categories
    n_brands = len(dataset.brands)
    brand_keys = [dataset.collaborations["brand_id"].astype(np.int64)[c_in] * k + prep.collab_category[c_in]]
    creator_keys = [c_key]
    weights = [np.where(c_yes, EDGE_WEIGHTS["collaboration_yes"], EDGE_WEIGHTS["invitation"])]
    products = dataset.products
    if len(v_key) and products is not None and len(products):
        product = dataset.videos["product_id"].astype(np.int64)[v_in]
        brand_keys.append(products["brand_id"].astype(np.int64)[product] * k + prep.video_category[v_in])
        creator_keys.append(v_key)
        weights.append(np.full(len(v_key), EDGE_WEIGHTS["video"]))
    if sum(len(w) for w in weights) == 0:
        return None
    brand_cells = _Cells(n_brands * k, brand_keys)
    rows = np.concatenate([cells.position(key) for key in creator_keys])
    cols = np.concatenate([brand_cells.position(key) for key in brand_keys])
    w = np.concatenate(weights)
    biadjacency = sp.csr_array((w, (rows, cols)), shape=(len(cells.keys), len(brand_cells.keys)))
    creator_rank, _ = bipartite_pagerank(biadjacency, alpha=PAGERANK_ALPHA)
    # relative to the average node of the graph (nodes without edges are not in it)
    in_graph = np.bincount(rows, minlength=len(cells.keys)) > 0
    nodes = int(in_graph.sum()) + len(brand_cells.keys)
    return np.where(in_graph, creator_rank * nodes, 0.0)


def bipartite_pagerank(biadjacency: sp.csr_array, *, alpha: float = 0.85, tol: float = PAGERANK_TOL,
                       max_iter: int = PAGERANK_MAX_ITER) -> tuple[np.ndarray, np.ndarray]:
    """PageRank of the undirected bipartite graph with weighted biadjacency ``B`` (rows x cols).

    The same fixed point as ``creatormatch.graph.pagerank`` (and ``networkx.pagerank``) of
    the square graph ``[[0, B], [B.T, 0]]`` with uniform teleport over the nodes that have
    an edge (rows or columns without one get 0 and are not counted)::

        x_rows = alpha * B  @ (x_cols / degree_cols) + (1 - alpha) / N
        x_cols = alpha * B.T @ (x_rows / degree_rows) + (1 - alpha) / N

    Starts from ``x = degree / total degree`` (the answer for ``alpha = 1``) and stops when
    the L1 change of the whole distribution is below ``tol``.

    Returns ``(x_rows, x_cols)``, together summing to 1.

    Raises
    ------
    RuntimeError : no convergence within ``max_iter`` rounds.
    """
    b = sp.csr_array(biadjacency, dtype=np.float64)
    deg_r = np.asarray(b.sum(axis=1)).ravel()
    deg_c = np.asarray(b.sum(axis=0)).ravel()
    on_r, on_c = deg_r > 0, deg_c > 0
    total = float(deg_r.sum())
    if total <= 0:
        return np.zeros(b.shape[0]), np.zeros(b.shape[1])
    n_nodes = int(on_r.sum() + on_c.sum())
    jump = (1.0 - alpha) / n_nodes
    inv_r = np.divide(1.0, deg_r, out=np.zeros_like(deg_r), where=on_r)
    inv_c = np.divide(1.0, deg_c, out=np.zeros_like(deg_c), where=on_c)
    x_r = deg_r / (2.0 * total)
    x_c = deg_c / (2.0 * total)
    bt = b.T  # a CSC view: the transposed product needs no copy
    for _ in range(max_iter):
        new_r = np.where(on_r, alpha * (b @ (x_c * inv_c)) + jump, 0.0)
        new_c = np.where(on_c, alpha * (bt @ (x_r * inv_r)) + jump, 0.0)
        err = float(np.abs(new_r - x_r).sum() + np.abs(new_c - x_c).sum())
        x_r, x_c = new_r, new_c
        if err < tol:
            return x_r, x_c
    raise RuntimeError(f"bipartite PageRank did not converge in {max_iter} iterations (tol={tol})")


def _top_category(indptr: np.ndarray, cols: np.ndarray, score: np.ndarray, share: np.ndarray,
                  n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per creator the category with the highest score; ties go to the larger activity share,
    then to the lower category row.  -1 / NaN for a creator without activity."""
    top = np.full(n, -1, np.int32)
    top_score = np.full(n, np.nan)
    counts = np.diff(indptr)
    has = counts > 0
    if not has.any():
        return top, top_score
    starts = indptr[:-1][has]
    row_of_entry = np.repeat(np.arange(n), counts)
    best = np.full(n, -np.inf)
    best[has] = np.maximum.reduceat(score, starts)
    at_best = score == best[row_of_entry]
    best_share = np.full(n, -np.inf)
    np.maximum.at(best_share, row_of_entry[at_best], share[at_best])
    chosen = at_best & (share == best_share[row_of_entry])
    first = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first, row_of_entry[chosen], cols[chosen])
    top[has] = first[has].astype(np.int32)
    top_score[has] = best[has]
    return top, top_score
