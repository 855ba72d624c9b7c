"""Baselines on hand-computed cases, the engine-backed models, significance and the oracle."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from creatormatch.data import load_dataset
from creatormatch.synthetic.truth import load_truth
from creatormatch.evaluate.baselines import (
    FactorRecommender, ItemKNNRecommender, MatcherRecommender, PopularityRecommender, RandomRecommender,
)
from creatormatch.evaluate.oracle import load_oracle
from creatormatch.evaluate.protocol import temporal_split
from creatormatch.evaluate.run import run_evaluation
from creatormatch.evaluate.significance import paired_tests, randomisation_p, wilcoxon_p


def test_popularity_counts_distinct_brands_and_breaks_ties_by_followers(tiny_dir: Path) -> None:
    ds = load_dataset(tiny_dir)
    s = temporal_split(ds, "2024-03-01")
    scores = PopularityRecommender().fit(s.train).score(np.array([0]))[0]
    # training positives: B1-C1 and B3-C6; followers C1 1000, C2 5000, C3 200, C4 80000, C5/C6 3000
    order = np.argsort(-scores, kind="stable")
    assert [str(ds.creators.ids[i]) for i in order] == ["C6", "C1", "C4", "C2", "C5", "C3"]


def test_itemknn_scores_by_cosine_of_brand_co_occurrence(tmp_path: Path, dataset_writer) -> None:
    tables = {
        "creators": [(f"C{i}", f"h{i}", "ID", 100) for i in range(1, 5)],
        "brands": [(f"B{i}", f"b{i}", "ID") for i in range(1, 4)],
        "collaborations": [
            ("X1", "B1", "C1", "", "2024-01-01T00:00:00", "completed"),
            ("X2", "B1", "C2", "", "2024-01-01T00:00:00", "completed"),
            ("X3", "B2", "C1", "", "2024-01-01T00:00:00", "accepted"),
            ("X4", "B2", "C3", "", "2024-01-01T00:00:00", "accepted"),
            ("X5", "B3", "C2", "", "2024-01-01T00:00:00", "accepted"),
        ],
    }
    ds = load_dataset(dataset_writer(tmp_path / "knn", tables))
    s = ItemKNNRecommender(neighbours=0).fit(ds).score(np.array([2]))[0]  # B3 worked with C2
    # columns: C1 {B1, B2}, C2 {B1, B3}, C3 {B2}; cos(C2, C1) = 1/2, cos(C2, C3) = 0
    assert s[0] == pytest.approx(0.5, abs=1e-6)
    assert s[2] == pytest.approx(0.0, abs=1e-6) and s[3] == pytest.approx(0.0, abs=1e-6)
    assert s[2] > s[3]  # tie broken by popularity (C3 has one brand, C4 none)


def test_random_scores_do_not_depend_on_the_batch(tiny_dir: Path) -> None:
    ds = load_dataset(tiny_dir)
    r = RandomRecommender(seed=3).fit(ds)
    assert np.array_equal(r.score(np.array([0, 1]))[1], r.score(np.array([1]))[0])


def test_engine_models_rank_exactly_the_protocols_candidates(small_market: Path) -> None:
    ds = load_dataset(small_market)
    s = temporal_split(ds)
    brands = s.brands[:8]
    scores = MatcherRecommender("blend").fit(s.train).score(brands)
    assert np.array_equal(np.isfinite(scores), s.candidates(brands))


def test_factor_models_reuse_the_engine_and_are_reproducible(small_market: Path) -> None:
    s = temporal_split(load_dataset(small_market))
    for name in ("als", "bpr"):
        a = FactorRecommender(name, overrides={"factors": 8}).fit(s.train).score(s.brands[:5])
        b = FactorRecommender(name, overrides={"factors": 8}).fit(s.train).score(s.brands[:5])
        assert np.array_equal(a, b)


def _fitted_oracle(market: Path):
    """The market's dataset, its oracle fitted on the protocol's training period, and its truth."""
    ds = load_dataset(market)
    oracle = load_oracle(ds)
    truth = load_truth(market)
    assert oracle is not None and truth is not None
    oracle.fit(temporal_split(ds).train)
    return ds, oracle, truth


def test_oracle_scores_are_the_true_positive_propensity(small_market: Path) -> None:
    ds, oracle, truth = _fitted_oracle(small_market)
    lo, hi = oracle.window
    assert 0 < lo < hi == truth.meta["days"]
    got = oracle.score(np.array([3]))[0]
    b = int(truth.brand_rows(ds.brands.ids[3])[0])
    c = np.arange(truth.n_creators)
    invite = truth.invitation_propensity(b, c, oracle.window)
    accept = truth.acceptance_probability(b, c)
    assert np.allclose(got, invite * accept)
    # acceptance is the generator's formula; the per-slot pick probabilities sum to 1 over
    # all creators (every market) when nobody is excluded by the joining window
    inv = truth.meta["invitation"]
    coop, cons = truth.cooperation, truth.consistency
    want = ((inv["respond"][0] + inv["respond"][1] * coop) / (1 + np.exp(-(inv["accept_bias"] + truth.affinity(b, c))))
            * (1 - inv["cancel"][0] - inv["cancel"][1] * (1 - cons) ** 2))
    assert np.allclose(accept, want)
    assert np.isclose(truth.invitation_propensity(b, c).sum(), 1.0)


def test_oracle_without_taste_drops_exactly_the_latent_term(small_market: Path) -> None:
    """``oracle-no-taste`` ranks by the same probability with ``W_LATENT * <u_b, v_c> / sqrt(d)``
    taken out of the affinity, and nothing else changed."""
    from dataclasses import replace

    from creatormatch.synthetic.truth import LATENT_DIM, W_LATENT

    ds, oracle, truth = _fitted_oracle(small_market)
    blind = replace(oracle, name="oracle-no-taste", taste=False)
    b = int(truth.brand_rows(ds.brands.ids[3])[0])
    c = np.arange(truth.n_creators)
    latent = truth.creator_latent.astype(np.float64) @ truth.brand_latent[b].astype(np.float64) / np.sqrt(LATENT_DIM)
    assert np.abs(latent).max() > 0.1                # the term is there to be dropped
    np.testing.assert_allclose(truth.affinity(b, c, taste=False), truth.affinity(b, c) - W_LATENT * latent,
                               rtol=0, atol=1e-9)
    inv = truth.meta["invitation"]
    want = (truth.invitation_propensity(b, c, oracle.window)
            * (inv["respond"][0] + inv["respond"][1] * truth.cooperation)
            / (1 + np.exp(-(inv["accept_bias"] + truth.affinity(b, c) - W_LATENT * latent)))
            * (1 - inv["cancel"][0] - inv["cancel"][1] * (1 - truth.consistency) ** 2))
    np.testing.assert_allclose(blind.score(np.array([3]))[0], want, rtol=1e-12, atol=0)
    assert not np.allclose(blind.score(np.array([3])), oracle.score(np.array([3])))


def test_oracle_without_taste_is_scored_only_when_named(small_market: Path) -> None:
    ds = load_dataset(small_market)
    named = run_evaluation(ds, models=["blend", "oracle", "oracle-no-taste"], tune=False)
    assert list(named.models) == ["blend", "oracle", "oracle-no-taste"]
    assert 0 < named.oracle_ratio["oracle-no-taste"] and "oracle-no-taste" in named.significance
    assert "oracle-no-taste" not in run_evaluation(ds, models=["popularity", "oracle"], tune=False).models


def test_wilcoxon_and_randomisation_by_hand() -> None:
    a = np.array([0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 0.3])
    b = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.3])  # the tie is dropped
    # all six differences positive: exact two-sided p = 2 / 2^6
    assert wilcoxon_p(a, b) == pytest.approx(2 / 64)
    assert wilcoxon_p(a, a) == 1.0
    p = randomisation_p(a, b, n_permutations=20_000, seed=1)
    assert p == pytest.approx(2 / 64, abs=0.01)
    tests = paired_tests({"blend": {"ndcg@10": a}, "other": {"ndcg@10": b}}, "blend", ["ndcg@10"])
    assert list(tests) == ["other"] and tests["other"]["ndcg@10"] == pytest.approx(2 / 64)


def test_a_large_market_run_that_would_take_hours_says_so_first(small_market: Path, monkeypatch) -> None:
    """Above ``LARGE_EVALUATION`` creators tuning and the ranker ablations take hours: the run
    warns before it starts them, and names what to run instead; a run of minutes is silent."""
    from creatormatch.evaluate import run as run_module

    assert run_module._slow_at_this_size(299_999, ["als", "ranker-no-mf"], True) is None
    text = run_module._slow_at_this_size(1_000_000, ["als", "blend", "ranker", "ranker-no-mf"], True)
    assert text is not None and "als, ranker-no-mf" in text and "--no-tune" in text
    assert run_module._slow_at_this_size(1_000_000, ["als", "blend", "ranker"], False) is None

    monkeypatch.setattr(run_module, "LARGE_EVALUATION", 10)
    said: list[str] = []
    ev = run_evaluation(load_dataset(small_market), models=["popularity", "itemknn"], progress=said.append)
    assert any(m.startswith("warning: with ") and "itemknn" in m for m in said)
    assert any("take hours" in n for n in ev.notes)
    quiet = run_evaluation(load_dataset(small_market), models=["popularity"], tune=False)
    assert not any("take hours" in n for n in quiet.notes)
