"""Fast brand-personalised graph scores: a truncated random walk with restart.

Exact personalised PageRank from a brand ``b`` is the series

.. math::

    \\pi_b = (1 - \\alpha) \\sum_{k \\ge 0} \\alpha^k \\, e_b P^k,
    \\qquad P = D^{-1} W

(``W`` the symmetric weight matrix of the market graph, ``D`` its weighted degrees,
``alpha`` the probability of walking on rather than restarting).  Power iteration over the
whole market costs tens of passes over every edge per brand — far too slow to answer a
match in milliseconds at a million creators.

**The approximation** keeps the first ``steps`` terms (default 3) and evaluates them by
sparse-vector propagation from the brand, one node type at a time:

.. math::

    s_b(c) = (1 - \\alpha) \\sum_{k=1}^{K} \\alpha^k \\, [e_b P^k]_c

With ``K = 3`` every creator reachable by a walk of length <= 3 is scored: the brand's past
collaborators (1 step), creators featuring its products or active in its category
(2 steps), creators of brands that share collaborators with it, creators in its products'
categories, creators featuring the same products as its collaborators (3 steps).  The
dropped tail has total mass ``alpha^(K+1)`` (6 % at ``alpha = 0.5``), and dangling nodes
lose their mass instead of restarting; ``tests/graph`` check that the ranking matches exact
PPR on small graphs and that the truncated series itself is computed exactly.

Why it is fast: the frontier is kept as sparse (index, value) vectors per node type, so a
step costs the edges leaving the frontier, not the whole graph.  The last step only needs
the creators being ranked (a market); for each source type it either *pushes* the frontier
along its edges or *pulls* through the candidates' own edges, whichever touches fewer
edges.  Category hubs (a category may hold 100k creators) are always pulled.  Walks never
continue from creators reached in the last two steps, since creators only link to
non-creators.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .._sparse import row_entry_positions
from .build import NODE_TYPES, RELATIONS, MarketGraph

__all__ = ["TypedWalk", "CreatorScope", "transition_blocks", "truncated_walk_dense"]

_Vec = tuple[np.ndarray, np.ndarray]  # (sorted unique rows, values)
_EMPTY: _Vec = (np.zeros(0, np.int64), np.zeros(0))


@dataclass
class CreatorScope:
    """The creators a walk is scored on (e.g. one market), with their own slices of the
    creator -> other-type edge blocks for pulling.

    ``rows`` are creator rows (sorted); ``local[c]`` is the position of creator ``c`` in
    ``rows`` or -1 (``None`` when the scope is every creator).
    """

    rows: np.ndarray
    local: np.ndarray | None
    pull: dict[str, sp.csr_array] = field(default_factory=dict)
    #: (hub node row, steps) -> its exact walk into this scope (see ``TypedWalk.hub_scores``)
    hub_cache: OrderedDict[tuple[int, int], np.ndarray] = field(default_factory=OrderedDict)

    def __len__(self) -> int:
        return len(self.rows)


def _gather_rows(m: sp.csr_array, rows: np.ndarray, coef: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column indices and weights ``m[r, j] * coef[r]`` of every stored entry in ``rows``."""
    pos, lens = row_entry_positions(m.indptr, rows)
    if len(pos) == 0:
        return np.zeros(0, np.int64), np.zeros(0)
    return m.indices[pos].astype(np.int64), m.data[pos] * np.repeat(coef, lens)


def _reduce(cols: np.ndarray, w: np.ndarray, n: int) -> _Vec:
    """Sum weights by column into a sparse vector (dense bincount when that is cheaper)."""
    if len(cols) == 0:
        return _EMPTY
    if len(cols) * 8 > n:
        dense = np.bincount(cols, weights=w, minlength=n)
        idx = np.flatnonzero(dense)
        return idx, dense[idx]
    idx, inv = np.unique(cols, return_inverse=True)
    return idx, np.bincount(inv, weights=w)


def transition_blocks(graph: MarketGraph) -> tuple[dict[tuple[str, str], sp.csr_array], dict[str, np.ndarray]]:
    """The walk's typed weight blocks and the weighted degree of every node, from the graph.

    ``blocks[(S, T)] = sum of W_r over relations r from S to T  +  sum of W_r^T over
    relations r from T to S`` (CSR, column indices sorted; ``parent`` gives both
    directions of category -> category), and ``degree[S][i] = sum_r (W_r 1)_i + (W_r^T 1)_i``
    over every relation at type ``S``.  O(edges): the transposes are the cost a stored
    model spares a new process (``recommend.model``).
    """
    blocks: dict[tuple[str, str], sp.csr_array] = {}
    for name, (s, t) in RELATIONS.items():
        m = graph.relations.get(name)
        if m is None or m.nnz == 0:
            continue
        for key, mat in (((s, t), m), ((t, s), sp.csr_array(m.T))):
            blocks[key] = mat if key not in blocks else sp.csr_array(blocks[key] + mat)
    for key, mat in blocks.items():
        mat.sort_indices()
    return blocks, graph.degrees()


class TypedWalk:
    """Transition blocks of a ``MarketGraph`` prepared for truncated walks.

    Parameters
    ----------
    graph : the market graph.

    Notes
    -----
    ``blocks[(S, T)]`` is the CSR weight matrix from type ``S`` to type ``T`` (relations
    between the same pair of types, and both directions of ``parent``, are summed).  The
    transition probability of an edge is its weight over the weighted degree of its source.
    """

    #: How the last step reaches the scope: "auto" (cheaper of the two), "push" or "pull"
    #: (the fixed ones exist for tests and benchmarks; all three give the same scores).
    strategy: str = "auto"
    #: Node type whose nodes are hubs (a category links to a large share of the market).
    hub_type: str = "category"
    #: Cache hub expansions (brand-independent, exact); ``False`` recomputes them every time.
    use_hub_cache: bool = True
    #: Budget of cached hub expansions, in float64 values per scope (default 256 MB).
    hub_cache_values: int = 32 * 1024 * 1024

    def __init__(self, graph: MarketGraph):
        blocks, degree = transition_blocks(graph)
        self._set(graph.sizes, blocks, degree)

    @classmethod
    def from_blocks(cls, sizes: dict[str, int], blocks: dict[tuple[str, str], sp.csr_array],
                    degree: dict[str, np.ndarray]) -> "TypedWalk":
        """A walk over blocks and degrees computed before (``transition_blocks``), e.g. stored
        in a model file: no pass over the edges, so a new process starts in O(node types)."""
        walk = cls.__new__(cls)
        walk._set(sizes, blocks, degree)
        return walk

    def _set(self, sizes: dict[str, int], blocks: dict[tuple[str, str], sp.csr_array],
             degree: dict[str, np.ndarray]) -> None:
        self.sizes = dict(sizes)
        self.degree = degree
        self.inv_degree = {t: np.divide(1.0, d, out=np.zeros(len(d)), where=d > 0) for t, d in degree.items()}
        self.blocks = blocks
        self._scopes: dict[str, CreatorScope] = {}

    # ---------------------------------------------------------------- scopes

    def scope(self, rows: np.ndarray | None = None, key: str | None = None) -> CreatorScope:
        """A ``CreatorScope`` over creator ``rows`` (all creators when ``None``), cached by ``key``."""
        if key is not None and key in self._scopes:
            return self._scopes[key]
        n = self.sizes["creator"]
        # pull blocks in float64: scipy would otherwise upcast a float32 matrix on every product
        if rows is None:
            scope = CreatorScope(np.arange(n), None)
            pull = {s: sp.csr_array(self.blocks[("creator", s)], dtype=np.float64)
                    for s in NODE_TYPES if ("creator", s) in self.blocks}
        else:
            rows = np.asarray(rows, np.int64)
            local = np.full(n, -1, np.int64)
            local[rows] = np.arange(len(rows))
            scope = CreatorScope(rows, local)
            pull = {s: sp.csr_array(self.blocks[("creator", s)][rows], dtype=np.float64)
                    for s in NODE_TYPES if ("creator", s) in self.blocks}
        scope.pull = pull
        if key is not None:
            self._scopes[key] = scope
        return scope

    # ---------------------------------------------------------------- walking

    def scores(self, start_type: str, start_row: int, scope: CreatorScope, *, alpha: float = 0.5,
               steps: int = 3, by_step: bool = False) -> np.ndarray:
        """Truncated walk-with-restart scores of the creators in ``scope`` from one node.

        ``s(c) = (1 - alpha) * sum_{k=1..steps} alpha^k [e_start P^k]_c`` (see the module
        docstring).  The start node's own restart term (``k = 0``) is left out.

        Returns
        -------
        ndarray of shape ``(len(scope),)``, aligned with ``scope.rows``; with ``by_step``,
        shape ``(steps, len(scope))`` whose row ``k - 1`` is the term of step ``k`` (the rows
        sum to the plain scores).
        """
        if not 0.0 < alpha < 1.0:
            raise ValueError("alpha must lie strictly between 0 and 1")
        frontier: dict[str, _Vec] = {start_type: (np.array([start_row], np.int64), np.array([1.0]))}
        terms = np.zeros((steps, len(scope)))
        hubs: _Vec | None = None
        for k in range(1, steps + 1):
            coef = (1.0 - alpha) * alpha ** k
            full = [t for t in NODE_TYPES if t != "creator"] if k <= steps - 1 else []
            if k <= steps - 2:
                full.append("creator")
            pushed = frontier
            if k == steps - 1 and self.use_hub_cache and self.hub_type in frontier:
                # hub mass only matters two steps later, in the scope: use the cached expansion
                hubs = frontier[self.hub_type]
                pushed = {t: v for t, v in frontier.items() if t != self.hub_type}
            nxt = self._push(pushed, full)
            out = terms[k - 1]
            if "creator" in nxt:
                out += coef * self._restrict(nxt["creator"], scope)
            else:
                out += coef * self._to_scope(frontier, scope)
            if k == steps and hubs is not None:
                for row, val in zip(hubs[0].tolist(), hubs[1].tolist()):
                    out += (coef * val) * self.hub_scores(row, scope, 2)
            frontier = nxt
            if not frontier and (hubs is None or k == steps):
                break
        return terms if by_step else terms.sum(axis=0)

    def hub_scores(self, row: int, scope: CreatorScope, steps: int = 2) -> np.ndarray:
        """``[e_h P^steps]`` on the scope's creators for hub node ``row`` (``steps`` 1 or 2).

        Independent of the brand, so it is cached per scope (least recently used first out,
        within ``hub_cache_values``).  A category's one step reaches all its creators and its
        two steps fan out over all its products, brands and campaigns; caching them is what
        keeps a brand's walk in milliseconds at a million creators.
        """
        cache = scope.hub_cache
        key = (row, steps)
        hit = cache.get(key)
        if hit is not None:
            cache.move_to_end(key)
            return hit
        start = {self.hub_type: (np.array([row], np.int64), np.array([1.0]))}
        if steps == 1:
            vec = self._to_scope(start, scope, use_cache=False)
        else:
            vec = self._to_scope(self._push(start, [t for t in NODE_TYPES if t != "creator"]), scope)
        if self.use_hub_cache:
            cache[key] = vec
            while len(cache) * len(scope) > self.hub_cache_values and len(cache) > 1:
                cache.popitem(last=False)
        return vec

    def _push(self, frontier: dict[str, _Vec], targets: list[str]) -> dict[str, _Vec]:
        """One step of the walk from a sparse frontier into the ``targets`` types."""
        parts: dict[str, tuple[list[np.ndarray], list[np.ndarray]]] = {t: ([], []) for t in targets}
        for s, (idx, val) in frontier.items():
            if len(idx) == 0:
                continue
            coef = val * self.inv_degree[s][idx]
            for t in targets:
                m = self.blocks.get((s, t))
                if m is None:
                    continue
                cols, w = _gather_rows(m, idx, coef)
                parts[t][0].append(cols)
                parts[t][1].append(w)
        out: dict[str, _Vec] = {}
        for t, (cols, ws) in parts.items():
            if cols:
                vec = _reduce(np.concatenate(cols), np.concatenate(ws), self.sizes[t])
                if len(vec[0]):
                    out[t] = vec
        return out

    def _restrict(self, vec: _Vec, scope: CreatorScope) -> np.ndarray:
        idx, val = vec
        dense = np.zeros(len(scope))
        if scope.local is None:
            dense[idx] = val
        else:
            loc = scope.local[idx]
            keep = loc >= 0
            dense[loc[keep]] = val[keep]
        return dense

    def _to_scope(self, frontier: dict[str, _Vec], scope: CreatorScope, use_cache: bool = True) -> np.ndarray:
        """One step into the creators of ``scope`` only, pushing or pulling per source type
        (a few hub nodes use their cached one-step vectors)."""
        pulled: list[np.ndarray] = []
        hubs = frontier.get(self.hub_type)
        if use_cache and self.use_hub_cache and hubs is not None and 0 < len(hubs[0]) <= 4:
            for row, val in zip(hubs[0].tolist(), hubs[1].tolist()):
                pulled.append(val * self.hub_scores(row, scope, 1))
            frontier = {t: v for t, v in frontier.items() if t != self.hub_type}
        cols_all: list[np.ndarray] = []
        w_all: list[np.ndarray] = []
        for s, (idx, val) in frontier.items():
            m = self.blocks.get((s, "creator"))
            if m is None or len(idx) == 0:
                continue
            coef = val * self.inv_degree[s][idx]
            pull = scope.pull[s]
            if self.strategy == "auto":
                push_cost = int((m.indptr[idx + 1] - m.indptr[idx]).sum())
                push = push_cost <= pull.nnz + self.sizes[s] // 4
            else:
                push = self.strategy == "push"
            if push:
                cols, w = _gather_rows(m, idx, coef)
                cols_all.append(cols)
                w_all.append(w)
            else:
                dense = np.zeros(self.sizes[s])
                dense[idx] = coef
                pulled.append(pull @ dense)
        out = np.zeros(len(scope))
        if cols_all:
            cols, w = np.concatenate(cols_all), np.concatenate(w_all)
            if scope.local is not None:
                loc = scope.local[cols]
                keep = loc >= 0
                cols, w = loc[keep], w[keep]
            out = np.bincount(cols, weights=w, minlength=len(scope)).astype(np.float64, copy=False)
        for part in pulled:
            out += part
        return out


def truncated_walk_dense(weights: sp.sparray | np.ndarray, start: int, *, alpha: float = 0.5,
                         steps: int = 3) -> np.ndarray:
    """Slow, obvious reference: ``(1 - alpha) * sum_{k=1..steps} alpha^k e_start P^k`` over all
    nodes, with dense matrices.  For tests on small graphs only."""
    w = np.asarray(weights.toarray() if sp.issparse(weights) else weights, dtype=np.float64)
    deg = w.sum(axis=1)
    p = np.divide(w, deg[:, None], out=np.zeros_like(w), where=deg[:, None] > 0)
    x = np.zeros(len(w))
    x[start] = 1.0
    out = np.zeros(len(w))
    for k in range(1, steps + 1):
        x = x @ p
        out += (1.0 - alpha) * alpha ** k * x
    return out
