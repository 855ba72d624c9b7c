"""Sparse graph building and (personalised) PageRank over the whole market.

* ``build``: the heterogeneous market graph (creators, brands, products, categories,
  campaigns) as one CSR matrix per relation;
* ``pagerank``: sparse power iteration (the same fixed point as ``networkx.pagerank``);
* ``centrality``: global PageRank and exact brand-personalised PageRank;
* ``walk``: the fast truncated brand-personalised walk used by every match;
* ``paths``: the strongest walk paths between two nodes, for explanations.
"""

from .build import NODE_TYPES, RELATIONS, MarketGraph, build_market_graph, positive_mask
from .centrality import brand_personalised_pagerank, global_pagerank
from .pagerank import PageRankDidNotConverge, pagerank, transition_matrix
from .paths import WalkPath, strongest_paths
from .walk import CreatorScope, TypedWalk, truncated_walk_dense

__all__ = [
    "NODE_TYPES", "RELATIONS", "MarketGraph", "build_market_graph", "positive_mask",
    "brand_personalised_pagerank", "global_pagerank",
    "PageRankDidNotConverge", "pagerank", "transition_matrix",
    "WalkPath", "strongest_paths",
    "CreatorScope", "TypedWalk", "truncated_walk_dense",
]
