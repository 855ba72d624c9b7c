"""Explanation paths: valid walks from the brand to the creator, weighted like the walk."""

from __future__ import annotations

import numpy as np
import pytest

from creatormatch.graph.build import build_market_graph
from creatormatch.graph.paths import strongest_paths
from creatormatch.graph.walk import TypedWalk


def test_paths_on_tiny_market(tiny_market):
    g = build_market_graph(tiny_market)
    walk = TypedWalk(g)
    alpha = 0.5
    paths = strongest_paths(walk, ("brand", 0), ("creator", 0), alpha=alpha, steps=3, top=100)
    assert paths
    weights = [p.weight for p in paths]
    assert weights == sorted(weights, reverse=True)
    for p in paths:
        assert p.nodes[0] == ("brand", 0) and p.nodes[-1] == ("creator", 0)
        assert len(set(p.nodes)) == len(p.nodes) and len(p.nodes) <= 4
    kinds = {tuple(t for t, _ in p.nodes) for p in paths}
    assert ("brand", "creator") in kinds                           # B1 worked with C1
    assert ("brand", "product", "creator") in kinds                # C1 featured B1's serum
    assert ("brand", "category", "creator") in kinds               # B1's category is C1's primary
    assert ("brand", "campaign", "creator") in kinds               # C1 joined B1's campaign
    # the direct path weighs (1 - alpha) * alpha * w(B1, C1) / degree(B1)
    direct = next(p for p in paths if len(p.nodes) == 2)
    w = g.relations["collaborated"][0, 0]
    assert direct.weight == pytest.approx((1 - alpha) * alpha * w / walk.degree["brand"][0])
    # simple paths are part of the walk: their weights never exceed the creator's walk score
    score = walk.scores("brand", 0, walk.scope(), alpha=alpha, steps=3)[0]
    assert sum(weights) <= score + 1e-15


def test_paths_within_generated_market(small_market):
    g = build_market_graph(small_market)
    walk = TypedWalk(g)
    score = walk.scores("brand", 3, walk.scope(), alpha=0.5, steps=3)
    creator = int(np.argsort(-score)[5])
    paths = strongest_paths(walk, ("brand", 3), ("creator", creator), top=5)
    assert 1 <= len(paths) <= 5
    assert all(p.weight > 0 for p in paths)
    assert sum(p.weight for p in paths) <= score[creator] + 1e-15


def test_no_path(tiny_market):
    walk = TypedWalk(build_market_graph(tiny_market))
    assert strongest_paths(walk, ("brand", 2), ("creator", 3)) == []
