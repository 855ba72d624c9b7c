"""Confidence matrix and blend formulas on hand-computed cases."""

from __future__ import annotations


import numpy as np
import pytest

from creatormatch.data.loader import load_dataset
from creatormatch.recommend.blend import blend, contributions, normalise_graph, normalise_mf
from creatormatch.recommend.confidence import collaboration_confidence, confidence_matrix
from creatormatch.recommend.params import DEFAULT_WEIGHTS, MatchParams


@pytest.fixture
def collab_market(tmp_path, write_csv):
    write_csv(tmp_path / "creators.csv", ["creator_id", "market", "followers"], [["C1", "ID", 10], ["C2", "ID", 20]])
    write_csv(tmp_path / "brands.csv", ["brand_id", "name", "market"], [["B1", "One", "ID"], ["B2", "Two", "ID"]])
    write_csv(tmp_path / "collaborations.csv",
           ["collaboration_id", "brand_id", "creator_id", "invited_at", "status", "gmv", "rating"], [
               ["X1", "B1", "C1", "2024-01-01", "completed", "100", "5"],
               ["X2", "B1", "C1", "2024-02-01", "completed", "300", ""],
               ["X3", "B1", "C2", "2024-01-01", "accepted", "", ""],
               ["X4", "B2", "C2", "2024-01-01", "completed", "200", "1"],
               ["X5", "B2", "C1", "2024-01-01", "declined", "", ""],
               ["X6", "B2", "C1", "2024-01-02", "expired", "", ""],
               ["X7", "B2", "C1", "2024-01-03", "cancelled", "50", "2"],
               ["X8", "B2", "C1", "2024-01-04", "invited", "", ""],
           ])
    return load_dataset(tmp_path)


def test_confidence_by_hand(collab_market):
    # gmv_ref = median(100, 300, 200) = 200
    v = collaboration_confidence(collab_market)
    expected = [
        2 * (1 + np.log1p(0.5)) * 1.5,      # completed, rating 5
        2 * (1 + np.log1p(1.5)) * 1.0,      # completed, no rating
        1.0,                                 # accepted, no gmv, no rating
        2 * (1 + np.log1p(1.0)) * 0.5,      # completed, rating 1
        0.0, 0.0, 0.0, 0.0,                  # declined, expired, cancelled, open: not positives
    ]
    assert v == pytest.approx(expected)
    c = confidence_matrix(collab_market)
    assert c.format == "csr" and c.dtype == np.float32
    assert c.toarray() == pytest.approx(np.array([[expected[0] + expected[1], 1.0], [0.0, expected[3]]]), rel=1e-6)
    assert c.nnz == 3


def test_confidence_ordering(collab_market):
    """completed > accepted; more GMV and better ratings raise confidence."""
    p = MatchParams()
    v = collaboration_confidence(collab_market, p)
    assert v[0] > v[2] and v[1] > v[2]
    flat = collaboration_confidence(collab_market, MatchParams(gmv_weight=0.0, rating_weight=0.0))
    assert flat[:4].tolist() == [2.0, 2.0, 1.0, 2.0]


def test_normalisers():
    raw = np.array([1.0, 2.0, 3.0, 100.0])
    known = np.array([True, True, True, False])
    n = normalise_mf(raw, known)
    assert n[1] == pytest.approx(0.5) and n[0] < 0.5 < n[2]
    assert n[0] == pytest.approx(1 / (1 + np.exp(1 / np.std([1.0, 2.0, 3.0]))))
    # fast path: creators without factors have raw 0 exactly
    raw0 = np.where(known, raw, 0.0)
    fast = normalise_mf(raw0, known, n_known=3, zero_unknown=True)
    assert fast[known] == pytest.approx(n[known])
    assert normalise_mf(np.ones(3), np.ones(3, bool)).tolist() == [0.5] * 3     # no spread: neutral
    g = normalise_graph(np.array([0.0, 1.0, 3.0]))
    assert g.tolist() == pytest.approx([0.0, 1 / 3, 3 / 5])     # g / (g + mean of positives = 2)
    assert not normalise_graph(np.zeros(3)).any()


def test_blend_missing_policies():
    v = {"mf": np.array([0.9, 0.0, 0.0]), "graph": np.array([0.3, 0.6, 0.0]),
         "cooperation": np.array([0.5, 0.5, 0.0])}
    a = {"mf": np.array([True, False, False]), "graph": np.array([True, True, False]),
         "cooperation": np.array([True, True, False])}
    w = {"mf": 2.0, "graph": 1.0, "cooperation": 1.0}
    ren = blend(v, a, w)
    assert ren.tolist() == pytest.approx([(1.8 + 0.3 + 0.5) / 4, (0.6 + 0.5) / 2, 0.0])
    neu = blend(v, a, w, "neutral")
    assert neu.tolist() == pytest.approx([(1.8 + 0.3 + 0.5) / 4, (1.0 + 0.6 + 0.5) / 4, 0.5])
    share = contributions({"mf": None, "graph": 0.6, "cooperation": 0.5}, w)
    assert sum(share.values()) == pytest.approx(ren[1])
    assert share["mf"] == 0.0


def test_params_validation_and_roundtrip():
    p = MatchParams()
    assert sum(p.weights.values()) == pytest.approx(1.0)
    assert MatchParams.from_dict(p.to_dict()) == p
    assert MatchParams.from_dict({**p.to_dict(), "future_knob": 1}) == p
    assert p.with_weights({"graph": 1.0}).weights == {c: (1.0 if c == "graph" else 0.0) for c in DEFAULT_WEIGHTS}
    for bad in ({"mf_model": "svd"}, {"weights": {"bogus": 1.0}}, {"weights": {"mf": -1.0}},
                {"missing": "zero"}, {"graph_alpha": 1.0}):
        with pytest.raises(ValueError):
            MatchParams(**bad)
