"""Strongest walk paths between two nodes, for explanations (networkx on a tiny subgraph).

The weight of a path ``v0 -> v1 -> ... -> vk`` is its share of the truncated walk score
(``graph.walk``)::

    (1 - alpha) * alpha^k * prod_i P(v_i -> v_{i+1}),   P(u -> v) = w(u, v) / degree(u)

with degrees from the *whole* graph, so the numbers add up to (part of) the graph score.
Only nodes that lie on some path of length <= 3 between the two ends are put into the
networkx graph: the start's neighbours that touch the end's neighbourhood and vice versa
— a few dozen nodes even in a market of millions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._unique import sorted_unique
from .walk import TypedWalk

__all__ = ["WalkPath", "strongest_paths"]

Node = tuple[str, int]


@dataclass(frozen=True)
class WalkPath:
    """A path as ``(node type, row)`` pairs from start to end, and its walk weight."""

    nodes: tuple[Node, ...]
    weight: float


def _neighbours(walk: TypedWalk, node: Node) -> dict[str, np.ndarray]:
    t, r = node
    out = {}
    for (s, dst), m in walk.blocks.items():
        if s == t:
            idx = m.indices[m.indptr[r]:m.indptr[r + 1]]
            if len(idx):
                out.setdefault(dst, []).append(idx)
    return {k: sorted_unique(np.concatenate(v)) for k, v in out.items()}


def _linked(walk: TypedWalk, a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Members of ``a`` with an edge to some member of ``b``."""
    keep: dict[str, list[np.ndarray]] = {}
    for ta, rows in a.items():
        for tb, cols in b.items():
            m = walk.blocks.get((ta, tb))
            if m is None:
                continue
            sub = m[rows][:, cols]
            hit = rows[np.diff(sub.indptr) > 0]
            if len(hit):
                keep.setdefault(ta, []).append(hit)
    return {k: sorted_unique(np.concatenate(v)) for k, v in keep.items()}


def strongest_paths(walk: TypedWalk, start: Node, end: Node, *, alpha: float = 0.5, steps: int = 3,
                    top: int = 5) -> list[WalkPath]:
    """The ``top`` heaviest walk paths of length <= min(steps, 3) from ``start`` to ``end``."""
    steps = min(steps, 3)
    n_start, n_end = _neighbours(walk, start), _neighbours(walk, end)
    nodes: set[Node] = {start, end}
    if steps >= 2:
        for t, rows in n_start.items():
            both = np.intersect1d(rows, n_end.get(t, np.zeros(0, np.int64)))
            nodes.update((t, int(r)) for r in both)
    if steps >= 3:
        for part in (_linked(walk, n_start, n_end), _linked(walk, n_end, n_start)):
            for t, rows in part.items():
                nodes.update((t, int(r)) for r in rows)
    import networkx as nx  # only explanations need it; 'match' never pays its import

    g = nx.DiGraph()
    by_type: dict[str, np.ndarray] = {}
    for t, r in nodes:
        by_type.setdefault(t, []).append(r)
    by_type = {t: np.array(sorted(v), np.int64) for t, v in by_type.items()}
    for (s, t), m in walk.blocks.items():
        if s not in by_type or t not in by_type:
            continue
        rows, cols = by_type[s], by_type[t]
        sub = m[rows][:, cols].tocoo()
        inv = walk.inv_degree[s]
        for i, j, w in zip(sub.row.tolist(), sub.col.tolist(), sub.data.tolist()):
            u, v = (s, int(rows[i])), (t, int(cols[j]))
            if u != v:
                g.add_edge(u, v, p=w * inv[u[1]])
    if start not in g or end not in g:
        return []
    found = []
    for path in nx.all_simple_paths(g, start, end, cutoff=steps):
        prob = float(np.prod([g.edges[a, b]["p"] for a, b in zip(path, path[1:])]))
        k = len(path) - 1
        found.append(WalkPath(tuple(path), (1.0 - alpha) * alpha ** k * prob))
    found.sort(key=lambda p: (-p.weight, p.nodes))
    return found[:top]
