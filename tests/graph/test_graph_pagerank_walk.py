"""PageRank agrees with networkx; the fast brand walk is the exact truncated series and
ranks creators like exact personalised PageRank."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from scipy.stats import spearmanr

from creatormatch.graph.build import NODE_TYPES, build_market_graph
from creatormatch.graph.centrality import brand_personalised_pagerank, global_pagerank
from creatormatch.graph.walk import TypedWalk, truncated_walk_dense


def to_networkx(g) -> nx.Graph:
    a = g.adjacency().tocoo()
    G = nx.Graph()
    G.add_nodes_from(range(g.n_nodes))
    G.add_weighted_edges_from((int(i), int(j), float(w)) for i, j, w in zip(a.row, a.col, a.data) if i < j)
    return G


@pytest.fixture(scope="module")
def small_graph(small_market):
    return build_market_graph(small_market)


def test_global_pagerank_equals_networkx(small_graph):
    ours = global_pagerank(small_graph, alpha=0.85, tol=1e-12, max_iter=500)
    ref = nx.pagerank(to_networkx(small_graph), alpha=0.85, tol=1e-12, max_iter=500)
    flat = np.concatenate([ours[t] for t in NODE_TYPES])
    assert flat.sum() == pytest.approx(1.0)
    assert np.abs(flat - np.array([ref[i] for i in range(small_graph.n_nodes)])).max() < 1e-9


def test_brand_ppr_equals_networkx(tiny_market, small_graph):
    for g in (build_market_graph(tiny_market), small_graph):
        G = to_networkx(g)
        brands = [0, 1]
        ours = brand_personalised_pagerank(g, brands, alpha=0.5, tol=1e-13, max_iter=1000)
        for j, b in enumerate(brands):
            node = g.offset("brand") + b
            ref = nx.pagerank(G, alpha=0.5, personalization={node: 1.0}, tol=1e-13, max_iter=1000)
            want = np.array([ref[i] for i in range(g.sizes["creator"])])
            assert np.abs(ours[:, j] - want).max() < 1e-10


@pytest.mark.parametrize("steps", [1, 2, 3, 4])
@pytest.mark.parametrize("alpha", [0.3, 0.5, 0.85])
def test_walk_is_the_exact_truncated_series(tiny_market, small_graph, steps, alpha):
    for g in (build_market_graph(tiny_market), small_graph):
        walk = TypedWalk(g)
        dense_adj = g.adjacency()
        n_c = g.sizes["creator"]
        everyone = walk.scope()
        half = walk.scope(np.arange(0, n_c, 2))
        for start_type, row in (("brand", 0), ("brand", 1), ("creator", 1)):
            ref = truncated_walk_dense(dense_adj, g.offset(start_type) + row, alpha=alpha, steps=steps)[:n_c]
            got = walk.scores(start_type, row, everyone, alpha=alpha, steps=steps)
            assert got == pytest.approx(ref, abs=1e-15, rel=1e-9)
            got_half = walk.scores(start_type, row, half, alpha=alpha, steps=steps)
            assert got_half == pytest.approx(ref[half.rows], abs=1e-15, rel=1e-9)


def test_push_and_pull_agree(small_graph):
    """The last step pushes or pulls per source type; both give the same numbers."""
    walk = TypedWalk(small_graph)
    for scope in (walk.scope(), walk.scope(np.arange(0, small_graph.sizes["creator"], 3))):
        results = {}
        for strategy in ("auto", "push", "pull"):
            walk.strategy = strategy
            results[strategy] = walk.scores("brand", 2, scope)
        walk.strategy = "auto"
        assert results["push"] == pytest.approx(results["auto"], rel=1e-12, abs=1e-18)
        assert results["pull"] == pytest.approx(results["auto"], rel=1e-12, abs=1e-18)


def test_hub_cache_changes_nothing(small_graph):
    """Cached category expansions (1 and 2 steps) give the numbers of walking every time."""
    cached, plain = TypedWalk(small_graph), TypedWalk(small_graph)
    plain.use_hub_cache = False
    for rows in (None, np.arange(1, small_graph.sizes["creator"], 2)):
        sc_c, sc_p = cached.scope(rows), plain.scope(rows)
        for b in range(0, small_graph.sizes["brand"], 5):
            for _ in range(2):                                     # second round reads the cache
                got = cached.scores("brand", b, sc_c)
                assert got == pytest.approx(plain.scores("brand", b, sc_p), rel=1e-12, abs=1e-18)
        assert sc_c.hub_cache and not sc_p.hub_cache
    tiny_budget = TypedWalk(small_graph)
    tiny_budget.hub_cache_values = 1
    scope = tiny_budget.scope()
    for b in range(4):
        assert tiny_budget.scores("brand", b, scope) == pytest.approx(plain.scores("brand", b, plain.scope()))
    assert len(scope.hub_cache) == 1                               # LRU keeps the budget


def test_walk_ranks_like_exact_ppr(small_graph):
    """The 3-step walk keeps exact PPR's order of creators (alpha 0.5)."""
    walk = TypedWalk(small_graph)
    scope = walk.scope()
    brands = np.arange(0, small_graph.sizes["brand"], 4)
    exact = brand_personalised_pagerank(small_graph, brands, alpha=0.5)
    for j, b in enumerate(brands):
        approx = walk.scores("brand", int(b), scope, alpha=0.5, steps=3)
        ex = exact[:, j]
        reached = approx > 0
        assert spearmanr(approx[reached], ex[reached]).statistic > 0.9
        top_a = set(np.argsort(-approx, kind="stable")[:20].tolist())
        top_e = set(np.argsort(-ex, kind="stable")[:20].tolist())
        assert len(top_a & top_e) >= 16
        # what the truncation drops is at most alpha^4 of the walk's mass
        assert np.abs(approx - ex).sum() <= 0.5 ** 4 + 1e-9


def test_brand_without_edges_scores_zero(tiny_market):
    g = build_market_graph(tiny_market)
    walk = TypedWalk(g)
    assert walk.degree["brand"][2] == 0                       # B3: no products, category, collaborations
    assert not walk.scores("brand", 2, walk.scope()).any()
    with pytest.raises(ValueError):
        walk.scores("brand", 0, walk.scope(), alpha=1.0)
