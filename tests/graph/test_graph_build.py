"""The heterogeneous market graph, checked edge by edge on a hand-written market."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from creatormatch.graph.build import NODE_TYPES, RELATIONS, build_market_graph

# rows (tables are sorted by id): categories K1=0, K1a=1, K2=2; creators C1..C4 = 0..3;
# brands B1..B3 = 0..2; products P1=0, P2=1; campaign M1=0


def dense(g, name):
    return g.relations[name].toarray()


def test_node_space(tiny_market):
    g = build_market_graph(tiny_market)
    assert g.sizes == {"creator": 4, "brand": 3, "product": 2, "category": 3, "campaign": 1}
    assert [g.offset(t) for t in NODE_TYPES] == [0, 4, 7, 9, 12]
    assert g.n_nodes == 13
    kind, row = g.split(np.array([0, 4, 8, 11, 12]))
    assert [NODE_TYPES[k] for k in kind] == ["creator", "brand", "product", "category", "campaign"]
    assert row.tolist() == [0, 0, 1, 2, 0]


def test_edges_by_hand(tiny_market):
    g = build_market_graph(tiny_market)
    # positive collaborations only (X5 declined); B1-C1 twice
    assert dense(g, "collaborated").tolist() == [[2, 1, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0]]
    assert dense(g, "sells").tolist() == [[1, 0], [0, 1], [0, 0]]
    assert dense(g, "in_category").tolist() == [[0, 1, 0], [0, 0, 1]]
    assert dense(g, "parent").tolist() == [[0, 0, 0], [1, 0, 0], [0, 0, 0]]      # K1a -> K1
    assert dense(g, "brand_category").tolist() == [[0, 1, 0], [0, 0, 1], [0, 0, 0]]
    # videos aggregated: C1 featured P1 twice, C3 P2 once; C4's organic video adds nothing
    assert dense(g, "features") == pytest.approx(np.array([[np.log(3), 0], [0, 0], [0, np.log(2)], [0, 0]]))
    # primary category (1) + log(1 + shoppable videos in the category)
    assert dense(g, "creates_in") == pytest.approx(np.array(
        [[0, 1 + np.log(3), 0], [1, 0, 0], [0, 0, 1 + np.log(2)], [0, 0, 0]]))
    assert dense(g, "runs").tolist() == [[1], [0], [0]]
    assert dense(g, "promotes").tolist() == [[1, 0]]
    assert dense(g, "campaign_category").tolist() == [[0, 1, 0]]
    assert dense(g, "joined").tolist() == [[1], [1], [0], [0]]


def test_adjacency_is_symmetric_and_complete(tiny_market):
    g = build_market_graph(tiny_market)
    a = g.adjacency()
    assert a.shape == (13, 13)
    assert abs(a - a.T).max() == 0
    total = sum(m.sum() for m in g.relations.values())
    assert a.sum() == pytest.approx(2 * total)
    deg = g.degrees()
    assert np.concatenate([deg[t] for t in NODE_TYPES]) == pytest.approx(np.asarray(a.sum(axis=1)).ravel())


def test_collaboration_weights_and_relation_scaling(tiny_market):
    w = sp.csr_array(np.array([[5.0, 0, 0, 0], [0, 2.0, 0, 0], [0, 0, 0, 0]]))
    g = build_market_graph(tiny_market, collaboration_weights=w, relation_weights={"features": 2.0})
    assert dense(g, "collaborated").tolist() == [[5, 0, 0, 0], [0, 2, 0, 0], [0, 0, 0, 0]]
    assert dense(g, "features")[0, 0] == pytest.approx(2 * np.log(3))
    with pytest.raises(ValueError, match="unknown relation"):
        build_market_graph(tiny_market, relation_weights={"nope": 1.0})
    with pytest.raises(ValueError, match="shape"):
        build_market_graph(tiny_market, collaboration_weights=sp.csr_array((2, 2)))


def test_optional_files_absent(tiny_market):
    from creatormatch.data.dataset import Dataset

    tables = {k: v for k, v in tiny_market.tables.items() if k not in ("videos", "campaigns", "products")}
    tables["collaborations"] = tiny_market.collaborations.take(np.arange(5))
    tables["collaborations"].columns["campaign_id"] = np.full(5, -1, np.int32)
    d = Dataset(tiny_market.root, tables, "x")
    g = build_market_graph(d)
    assert g.sizes["product"] == 0 and g.sizes["campaign"] == 0
    assert set(g.relations) <= set(RELATIONS)
    assert "features" not in g.relations and "runs" not in g.relations
    assert dense(g, "creates_in").tolist() == [[0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 0, 0]]
