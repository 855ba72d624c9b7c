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
and ``networkx.pagerank`` with uniform teleport; it runs on the creator x brand matrix
without forming the square one, updates creators from the brands just updated
(Gauss-Seidel, twice the speed of plain power iteration) and starts from the degree
distribution (the exact answer without teleport): 18 rounds on a 1M-creator market.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .._unique import sorted_unique
from ..data.dataset import Dataset
from ._prepare import Prepared, prepare, status_in
from ._result import CategoryInfluence
from ._stats import share_at_or_below

__all__ = ["category_influence", "bipartite_pagerank", "WEIGHTS", "ACTIVITY_WEIGHTS", "EDGE_WEIGHTS"]

WEIGHTS = {"reach": 0.3, "engagement": 0.2, "sales": 0.3, "centrality": 0.2}
ACTIVITY_WEIGHTS = {"primary_category": 2.0, "video": 1.0, "collaboration_yes": 1.0, "invitation": 0.25}
EDGE_WEIGHTS = {"collaboration_yes": 1.0, "invitation": 0.25, "video": 1.0}
PAGERANK_ALPHA = 0.85
#: PageRank stops when the L1 change of the whole distribution (total 1) is below this: on a
#: 1M-creator market every value is then within 0.1 % of the exact one (18 rounds).
PAGERANK_TOL = 1e-4
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
    yes = status_in(col["status"], "accepted", "completed")
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
    COLLAB, VIDEO = 1, 2  # positions in ``sources`` (0: the primary category)
    activity = sum(cells.sum(i, w) for i, (_, w) in enumerate(sources))
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
            inputs[name] = cells.sum(VIDEO, x[v_in]) + loose[entry_row] * share
        video_sales = cells.sum(VIDEO, np.nan_to_num(videos["gmv"], nan=0.0)[v_in])
        has_sales = not np.isnan(videos["gmv"]).all()
    else:
        video_sales = np.zeros(nnz)
        has_sales = False
    if has_sales or not np.isnan(col["gmv"]).all():
        inputs["sales"] = video_sales + cells.sum(COLLAB, np.nan_to_num(col["gmv"], nan=0.0)[c_in])
    centrality = _slice_centrality(dataset, prep, cells, c_in, c_yes, v_in)
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
    pattern, built from several sources of event keys, and each event's cell position.

    With a small key space (``_DENSE_CELLS``) cells are found by marking a dense boolean
    table and events are located by one gather; otherwise by ``np.unique`` and binary search.
    """

    def __init__(self, size: int, key_lists: list[np.ndarray]):
        if size <= _DENSE_CELLS:
            seen = np.zeros(size, bool)
            for keys in key_lists:
                seen[keys] = True
            self.keys = np.flatnonzero(seen)
            del seen
            table = np.zeros(size, np.int32 if len(self.keys) < 2**31 else np.int64)
            table[self.keys] = np.arange(len(self.keys))
            self.positions = [table[keys] for keys in key_lists]
        else:
            self.keys = sorted_unique(np.concatenate(key_lists)) if key_lists else np.zeros(0, np.int64)
            self.positions = [np.searchsorted(self.keys, keys) for keys in key_lists]

    def __len__(self) -> int:
        return len(self.keys)

    def sum(self, source: int, weights: np.ndarray) -> np.ndarray:
        """Sum of ``weights`` (one per event of source ``source``) per cell."""
        return np.bincount(self.positions[source], weights=weights, minlength=len(self.keys))


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


def _slice_centrality(dataset: Dataset, prep: Prepared, cells: _Cells, c_in: np.ndarray, c_yes: np.ndarray,
                      v_in: np.ndarray) -> np.ndarray | None:
    """Relative PageRank (1 = average node) of every active cell in its category's slice; 0 for
    a cell without edges (active through ``primary_category`` only).  None without edges.

    ``cells`` holds the event positions of its sources in the order primary, collaborations,
    videos (see ``category_influence``)."""
    k = prep.n_categories
    n_brands = len(dataset.brands)
    brand_keys = [dataset.collaborations["brand_id"].astype(np.int64)[c_in] * k + prep.collab_category[c_in]]
    creator_pos = [cells.positions[1]]
    weights = [np.where(c_yes, EDGE_WEIGHTS["collaboration_yes"], EDGE_WEIGHTS["invitation"])]
    products = dataset.products
    if v_in.any() and products is not None and len(products):
        product = dataset.videos["product_id"].astype(np.int64)[v_in]
        brand_keys.append(products["brand_id"].astype(np.int64)[product] * k + prep.video_category[v_in])
        creator_pos.append(cells.positions[2])
        weights.append(np.full(int(v_in.sum()), EDGE_WEIGHTS["video"]))
    pos = np.concatenate(creator_pos)
    if len(pos) == 0:
        return None
    brands = _Cells(n_brands * k, [np.concatenate(brand_keys)])
    in_graph = np.bincount(pos, minlength=len(cells)) > 0
    node = np.cumsum(in_graph) - 1
    biadjacency = sp.csr_array((np.concatenate(weights).astype(np.float32), (node[pos], brands.positions[0])),
                               shape=(int(in_graph.sum()), len(brands)))
    creator_rank, _ = bipartite_pagerank(biadjacency, alpha=PAGERANK_ALPHA)
    out = np.zeros(len(cells))
    out[in_graph] = creator_rank * (biadjacency.shape[0] + biadjacency.shape[1])
    return out


def bipartite_pagerank(biadjacency: sp.csr_array | sp.csr_matrix, *, alpha: float = 0.85, tol: float = PAGERANK_TOL,
                       max_iter: int = PAGERANK_MAX_ITER) -> tuple[np.ndarray, np.ndarray]:
    """PageRank of the undirected bipartite graph with weighted biadjacency ``B`` (rows x cols).

    The fixed point of ``creatormatch.graph.pagerank`` (and ``networkx.pagerank``) on the
    square graph ``[[0, B], [B.T, 0]]`` with uniform teleport, without forming it::

        x_cols = alpha * B.T @ (x_rows / degree_rows) + (1 - alpha) / N
        x_rows = alpha * B   @ (x_cols / degree_cols) + (1 - alpha) / N

    Every row and column needs an edge (no dangling nodes).  The rows are updated from the
    columns just computed (Gauss-Seidel: the error shrinks by ``alpha**2`` per round, twice
    as fast as the plain iteration, to the same fixed point), starting from
    ``degree / total degree`` (the answer for ``alpha = 1``); stop when the L1 change of
    the whole distribution is below ``tol``.  The matrix's dtype is kept (float32 halves
    the memory traffic; sums are taken in float64).

    Returns ``(x_rows, x_cols)`` as float64, together summing to 1.

    Raises
    ------
    ValueError : a row or column without an edge.
    RuntimeError : no convergence within ``max_iter`` rounds.
    """
    b = sp.csr_array(biadjacency)
    if b.dtype not in (np.float32, np.float64):
        b = b.astype(np.float64)
    dtype = b.dtype.type
    deg_r = np.asarray(b.sum(axis=1, dtype=np.float64)).ravel()
    deg_c = np.asarray(b.sum(axis=0, dtype=np.float64)).ravel()
    if b.shape[0] == 0 or b.shape[1] == 0:
        return np.zeros(b.shape[0]), np.zeros(b.shape[1])
    if (deg_r <= 0).any() or (deg_c <= 0).any():
        raise ValueError("every row and column of the biadjacency matrix needs a positive weight")
    total = float(deg_r.sum())
    a = dtype(alpha)
    jump = dtype((1.0 - alpha) / (b.shape[0] + b.shape[1]))
    inv_r, inv_c = (1.0 / deg_r).astype(dtype), (1.0 / deg_c).astype(dtype)
    x_r, x_c = (deg_r / (2.0 * total)).astype(dtype), (deg_c / (2.0 * total)).astype(dtype)
    bt = b.T  # a CSC view: the transposed product needs no copy
    for _ in range(max_iter):
        new_c = a * (bt @ (x_r * inv_r)) + jump
        new_r = a * (b @ (new_c * inv_c)) + jump
        err = float(np.abs(new_r - x_r).sum(dtype=np.float64) + np.abs(new_c - x_c).sum(dtype=np.float64))
        x_r, x_c = new_r, new_c
        if err < tol:
            return x_r.astype(np.float64), x_c.astype(np.float64)
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
