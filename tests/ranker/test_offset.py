"""The ranker's offset -- exposure + acceptance + brand_volume -- and how many tree rounds
the validation ranking keeps on top of it (ranker.booster, ranker.train)."""

from __future__ import annotations

import math

import lightgbm as lgb
import numpy as np
import pytest

from creatormatch.ranker.booster import ACCEPTANCE_FEATURE, OFFSET_FEATURES, complete, offset
from creatormatch.ranker.features import FEATURE_NAMES, MIN_VOLUME_DAYS, VOLUME_DAYS, brand_context, model_input
from creatormatch.ranker.scoring import brand_scores_and_context
from creatormatch.ranker.train import TrainingCut, _rounds_by_ranking

from .conftest import QUICK

_COL = {name: i for i, name in enumerate(FEATURE_NAMES)}


def test_offset_sums_its_columns_and_counts_a_missing_value_as_zero():
    X = np.full((2, len(FEATURE_NAMES)), np.nan, np.float32)
    X[0, _COL["exposure"]], X[0, _COL["acceptance"]], X[0, _COL["brand_volume"]] = -6.0, -1.5, 2.0
    X[1, _COL["exposure"]], X[1, _COL["brand_volume"]] = -4.0, 0.5          # no acceptance model
    np.testing.assert_allclose(offset(X, FEATURE_NAMES, OFFSET_FEATURES), [-5.5, -3.5])
    np.testing.assert_allclose(offset(X, FEATURE_NAMES, "exposure"), [-6.0, -4.0])
    np.testing.assert_allclose(offset(X, FEATURE_NAMES, None), [0.0, 0.0])


def test_complete_fills_the_acceptance_column_only():
    X = np.arange(2 * len(FEATURE_NAMES), dtype=np.float32).reshape(2, -1)
    X[:, _COL[ACCEPTANCE_FEATURE]] = np.nan
    out = complete(X, FEATURE_NAMES, lambda rows: np.log(np.array([0.5, 0.25])))
    np.testing.assert_allclose(out[:, _COL[ACCEPTANCE_FEATURE]], [math.log(0.5), math.log(0.25)], rtol=1e-6)
    others = [i for i in range(len(FEATURE_NAMES)) if i != _COL[ACCEPTANCE_FEATURE]]
    np.testing.assert_array_equal(out[:, others], X[:, others])
    assert np.isnan(X[:, _COL[ACCEPTANCE_FEATURE]]).all()            # a copy by default
    assert complete(X, FEATURE_NAMES, None) is X                      # no acceptance model: untouched


def test_brand_volume_by_hand(learned):
    hist = learned.model.history
    for b in range(4):
        _, context = brand_scores_and_context(learned, b)
        days = hist.as_of - hist.brand["first_invited"][b]
        span = max(days, MIN_VOLUME_DAYS) if np.isfinite(days) else MIN_VOLUME_DAYS
        expected = math.log(VOLUME_DAYS * (hist.brand["positive"][b] + 1.0) / span)
        assert context.values["brand_volume"] == pytest.approx(expected)
        assert brand_context(learned, b, learned.score_brand(b)).values["brand_volume"] == pytest.approx(expected)


def test_the_trained_ranker_adds_the_acceptance_model_to_its_offset(learned):
    ranker = learned.model.ranker
    assert ranker.has_acceptance
    assert ranker.offset_features == OFFSET_FEATURES
    assert set(ranker.params["offset_reference"]) == set(OFFSET_FEATURES)
    assert ranker.tree_weight in (0.0, 1.0)
    ranking = learned.rank(2, top=30)
    X = ranking.features
    # the ranking's features carry log P(yes | invited) of the acceptance model
    np.testing.assert_allclose(X[:, _COL[ACCEPTANCE_FEATURE]], np.log(ranker.accept_probability(X)), rtol=1e-5)
    # f(x) = exposure + acceptance + brand_volume + w T(x)
    trees = ranker.booster.predict(model_input(X), raw_score=True)
    expected = (X[:, _COL["exposure"]].astype(np.float64) + X[:, _COL["acceptance"]] + X[:, _COL["brand_volume"]]
                + ranker.tree_weight * trees)
    np.testing.assert_allclose(ranker.raw(X), expected, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(ranker.raw(X, completed=True), expected, rtol=1e-6, atol=1e-6)


def _cut(y: np.ndarray, groups: list[int]) -> TrainingCut:
    return TrainingCut(when=0.0, X=np.zeros((len(y), 1), np.float32), y=y.astype(np.float32),
                       groups=np.array(groups), brands=np.arange(len(groups)),
                       n_relevant=np.array([int(y[s:s + g].sum()) for s, g in zip(np.cumsum([0] + groups[:-1]), groups)]))


def _booster(X: np.ndarray, y: np.ndarray) -> lgb.Booster:
    params = {"objective": "binary", "num_leaves": 4, "min_data_in_leaf": 5, "learning_rate": 0.3, "verbose": -1,
              "seed": 1, "deterministic": True, "num_threads": 1}
    booster = lgb.train(params, lgb.Dataset(X, y), num_boost_round=20)
    booster.best_iteration = 20
    return booster


def test_no_round_is_kept_when_the_offset_alone_ranks_best():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(400, 2))
    y = np.zeros(400)
    base = rng.normal(size=400)
    for s in range(0, 400, 40):                 # ten brands: the offset's top 3 are the positives
        y[s + np.argsort(-base[s:s + 40])[:3]] = 1.0
    booster = _booster(X, rng.integers(0, 2, 400).astype(float))    # trees fitted on noise
    rounds, score, raw = _rounds_by_ranking(booster, X, base, _cut(y, [40] * 10))
    assert rounds == 0
    assert score == pytest.approx(1.0)
    np.testing.assert_array_equal(raw, base)


def test_the_rounds_the_ranking_needs_are_kept():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(400, 2))
    y = (X[:, 0] > 1.0).astype(float)           # the positives are where the trees learned them
    booster = _booster(X, y)
    rounds, score, _ = _rounds_by_ranking(booster, X, np.zeros(400), _cut(y, [40] * 10))
    assert rounds > 0
    assert score > 0.9


def test_the_acceptance_term_is_spread_over_the_features_it_read(learned):
    from dataclasses import replace

    ranker = learned.model.ranker
    offset_only = replace(ranker, params={**ranker.params, "tree_weight": 0.0}, _booster=None, _acceptance=None)
    X = learned.rank(5, top=40).features
    contrib = offset_only.contributions(X)
    np.testing.assert_allclose(contrib.sum(axis=1), offset_only.raw(X), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(offset_only.raw(X), offset(X, FEATURE_NAMES, OFFSET_FEATURES), rtol=1e-9, atol=1e-6)
    # no trees: what is not exposure or volume comes from the acceptance model's own reading
    spread = np.delete(contrib[:, :-1], [_COL["exposure"], _COL["brand_volume"], _COL["acceptance"]], axis=1)
    assert np.abs(spread).sum() > 0



def test_by_default_the_offset_alone_scores_when_there_is_an_acceptance_model(learned_default, tmp_path):
    from creatormatch.recommend.model import load_model, save_model

    ranker = learned_default.model.ranker
    assert ranker.has_acceptance and ranker.booster_text is None and ranker.tree_weight == 0.0
    assert ranker.info["residual_trees"] is False and ranker.info["trials"] == []
    X = learned_default.rank(3, top=40).features
    # f(x) = exposure + acceptance + brand_volume, and the contributions still add up to it
    np.testing.assert_allclose(ranker.raw(X), offset(X, FEATURE_NAMES, OFFSET_FEATURES), rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(ranker.contributions(X).sum(axis=1), ranker.raw(X), rtol=1e-9, atol=1e-9)
    a, b = ranker.calibration
    np.testing.assert_allclose(ranker.probability(X), 1.0 / (1.0 + np.exp(-(a * ranker.raw(X) + b))), rtol=1e-12)
    # the artifact has no trees member and reads back to the same scores
    path = save_model(learned_default.model, tmp_path / "model.cmm")
    again = load_model(path).ranker
    assert again.booster_text is None
    np.testing.assert_array_equal(again.raw(X), ranker.raw(X))


def test_the_default_ranker_is_deterministic(ranker_market, learned_default):
    """Same data and seed: the same acceptance model, calibration and ranking."""
    from dataclasses import replace

    from creatormatch.ranker.train import fit_ranker, with_ranker

    first = learned_default.model.ranker
    second = fit_ranker(ranker_market, params=replace(QUICK, residual_trees="auto"))
    assert second.acceptance_text == first.acceptance_text
    assert second.calibration == first.calibration and second.acceptance_calibration == first.acceptance_calibration
    again = with_ranker(learned_default, second)
    for b in (0, 7):
        np.testing.assert_array_equal(again.rank(b, top=30).rows, learned_default.rank(b, top=30).rows)


def test_by_default_the_trees_are_trained_when_there_is_no_acceptance_model(ranker_market, monkeypatch):
    """Partial data -- no answered invitations to learn P(yes | invited) from -- leaves the
    exposure alone in the offset; ``auto`` then trains the trees, the only part that reads the
    creator's indices."""
    from dataclasses import replace

    import creatormatch.ranker.train as train

    monkeypatch.setattr(train, "MIN_ACCEPTANCE_ROWS", 10 ** 9)      # too few answers for an acceptance model
    ranker = train.fit_ranker(ranker_market, params=replace(QUICK, residual_trees="auto"))
    assert not ranker.has_acceptance
    assert ranker.booster_text is not None and ranker.info["residual_trees"] is True
    assert ranker.info["trials"]
    off = train.fit_ranker(ranker_market, params=replace(QUICK, residual_trees="off"))
    assert off.booster_text is None and off.tree_weight == 0.0


def test_residual_trees_takes_auto_on_or_off():
    from creatormatch.ranker.train import RankerParams

    with pytest.raises(ValueError, match="residual_trees"):
        RankerParams(residual_trees="sometimes")


def test_data_without_a_no_says_why_there_is_no_acceptance_model_and_gives_no_chance_of_a_yes(
        ranker_market, ranker_market_dir, partial_copy, tmp_path):
    """Only accepted and completed collaborations (posts and mentions): the build says that
    who says yes cannot be learned, and what would fix it; with declines it says nothing."""
    from dataclasses import replace

    from creatormatch.data.loader import load_dataset
    from creatormatch.ranker.train import fit_ranker, with_ranker
    from creatormatch.recommend.matcher import Matcher

    said: list[str] = []
    partial = load_dataset(partial_copy(ranker_market_dir, tmp_path / "partial", "outcomes"))
    ranker = fit_ranker(partial, params=replace(QUICK, residual_trees="auto"), progress=said.append)
    assert not ranker.has_acceptance and ranker.booster_text is not None
    assert any("no declined, expired or cancelled invitation" in line for line in said), said
    # and match has no chance of a yes to give: the key is left out, not made up
    matcher = with_ranker(Matcher.from_dataset(partial), ranker)
    top = matcher.match(0, top=5)
    assert top and all(m.yes_if_invited is None and "yes_if_invited" not in m.to_dict() for m in top)
    said.clear()
    fit_ranker(ranker_market, params=replace(QUICK, residual_trees="auto"), progress=said.append)
    assert not any("no declined, expired or cancelled invitation" in line for line in said)
