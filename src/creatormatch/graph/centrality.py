"""Market-wide centralities on the heterogeneous graph (exact, by sparse power iteration).

* ``global_pagerank``: PageRank of every node, uniform restart — how central a creator is
  in the whole market (used in reasons and ``explain``).
* ``brand_personalised_pagerank``: exact PPR restarting at one or more brands (one column
  per brand, iterated together).  It is the reference the fast per-brand walk
  (``graph.walk``) approximates; use it offline or on small markets.

Both equal ``networkx.pagerank`` on the same weighted graph (tested).
"""

from __future__ import annotations

import numpy as np

from .build import MarketGraph
from .pagerank import pagerank, transition_matrix

__all__ = ["global_pagerank", "brand_personalised_pagerank"]


def global_pagerank(graph: MarketGraph, *, alpha: float = 0.85, tol: float = 1.0e-8,
                    max_iter: int = 200) -> dict[str, np.ndarray]:
    """PageRank of every node of ``graph``, split by node type.

    Same fixed point as ``networkx.pagerank(G, alpha)`` on the undirected weighted graph
    (each edge walked both ways).

    Returns
    -------
    dict node type -> ndarray of that type's PageRank values (all values sum to 1).
    """
    x = pagerank(graph.adjacency(), alpha=alpha, tol=tol, max_iter=max_iter)
    return _split(graph, x)


def brand_personalised_pagerank(graph: MarketGraph, brand_rows: np.ndarray | list[int], *,
                                alpha: float = 0.5, tol: float = 1.0e-10, max_iter: int = 500,
                                transition=None) -> np.ndarray:
    """Exact personalised PageRank restarting at each brand; returns creators x brands.

    ``pi_b = (1 - alpha) e_b + alpha * pi_b P`` with dangling mass returned to ``e_b``
    (networkx's convention).  ``transition`` may carry a precomputed
    ``transition_matrix(graph.adjacency())``.
    """
    brand_rows = np.atleast_1d(np.asarray(brand_rows, np.int64))
    n = graph.n_nodes
    p = np.zeros((n, len(brand_rows)))
    p[graph.offset("brand") + brand_rows, np.arange(len(brand_rows))] = 1.0
    tr = transition if transition is not None else transition_matrix(graph.adjacency())
    x = pagerank(alpha=alpha, personalization=p, tol=tol, max_iter=max_iter, transition=tr)
    start = graph.offset("creator")
    return x[start:start + graph.sizes["creator"], :]


def _split(graph: MarketGraph, x: np.ndarray) -> dict[str, np.ndarray]:
    from .build import NODE_TYPES

    out, at = {}, 0
    for t in NODE_TYPES:
        out[t] = x[at:at + graph.sizes[t]]
        at += graph.sizes[t]
    return out
