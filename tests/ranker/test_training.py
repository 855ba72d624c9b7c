"""The ranker's training set is leak-free, and training is deterministic."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pytest

from creatormatch.data.loader import load_dataset
from creatormatch.ranker.history import data_end
from creatormatch.ranker.train import cut_times, fit_ranker, training_cut

from .conftest import QUICK


def _with_collaboration(src: Path, dst: Path, brand: str, creator: str, invited: str, status: str,
                        responded: str = "") -> Path:
    """A copy of the market with one more collaboration row (its id sorts last)."""
    shutil.copytree(src, dst)
    path = dst / "collaborations.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    row = {name: "" for name in header}
    row.update(collaboration_id="X99999999", brand_id=brand, creator_id=creator, invited_at=invited, status=status,
               responded_at=responded, deliverables_promised="1", fee="10.00")
    if status == "accepted":
        row["due_at"] = responded
    with open(path, "a", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerow([row[h] for h in header])
    return dst


def _day(days: float) -> str:
    return str(np.datetime64(int(days * 86_400), "s"))


@pytest.fixture(scope="module")
def cut(ranker_market):
    when = cut_times(ranker_market, QUICK)[1]
    return when, training_cut(ranker_market, when, QUICK)


def _pair(dataset, brand_row: int) -> tuple[str, str]:
    """A brand and an in-market creator who never met it."""
    col = dataset.collaborations
    met = set(col["creator_id"][col["brand_id"] == brand_row].tolist())
    market = dataset.brands["market"][brand_row]
    for c in np.flatnonzero(dataset.creators["market"] == market):
        if c not in met:
            return str(dataset.brands.ids[brand_row]), str(dataset.creators.ids[c])
    raise AssertionError("no free creator")


@pytest.mark.parametrize("offset,status,label_changes", [
    (5.0, "declined", False),        # after the cut, inside the label window, not positive
    (5.0, "accepted", True),         # after the cut, inside the window, positive: a label (and nothing else)
    (QUICK.horizon_days + 5.0, "accepted", False),   # after the label window
])
def test_a_collaboration_after_the_cut_never_reaches_its_features(ranker_market, ranker_market_dir, tmp_path, cut,
                                                                   offset, status, label_changes):
    when, base = cut
    brand, creator = _pair(ranker_market, int(base.brands[0]))
    invited = when + offset
    other = load_dataset(_with_collaboration(ranker_market_dir, tmp_path / "m", brand, creator, _day(invited),
                                             status, _day(invited + 0.5)))
    again = training_cut(other, when, QUICK)
    assert np.array_equal(again.brands, base.brands)
    assert np.array_equal(again.groups, base.groups)
    np.testing.assert_array_equal(again.X, base.X)              # features: bit for bit
    changed = np.flatnonzero(again.y != base.y)
    if label_changes:
        # exactly one new positive label, if the creator is among the brand's candidates
        assert len(changed) <= 1 and again.y.sum() - base.y.sum() == len(changed)
        assert again.n_relevant.sum() == base.n_relevant.sum() + 1
    else:
        assert len(changed) == 0 and np.array_equal(again.n_relevant, base.n_relevant)


def test_a_collaboration_before_the_cut_does_change_the_features(ranker_market, ranker_market_dir, tmp_path, cut):
    """The check above can fail: the same edit before the cut reaches the features."""
    when, base = cut
    brand, creator = _pair(ranker_market, int(base.brands[0]))
    other = load_dataset(_with_collaboration(ranker_market_dir, tmp_path / "m", brand, creator, _day(when - 20),
                                             "declined", _day(when - 19.5)))
    again = training_cut(other, when, QUICK)
    assert again.X.shape != base.X.shape or not np.array_equal(np.nan_to_num(again.X), np.nan_to_num(base.X))


def test_validation_labels_never_overlap_training_labels(ranker_market):
    cuts = cut_times(ranker_market, QUICK)
    validation, training = cuts[0], cuts[1:]
    assert validation <= data_end(ranker_market) - QUICK.horizon_days
    assert all(t + QUICK.horizon_days <= validation for t in training)


def test_same_seed_same_model_and_same_ranking(ranker_market, learned):
    from creatormatch.ranker.train import with_ranker
    from creatormatch.recommend.matcher import Matcher

    again = fit_ranker(ranker_market, None, QUICK)
    assert again.booster_text == learned.model.ranker.booster_text
    assert again.calibration == learned.model.ranker.calibration
    other = with_ranker(Matcher(learned.model, use_ranker=False), again)
    for b in range(5):
        first, second = learned.rank(b, top=20), other.rank(b, top=20)
        np.testing.assert_array_equal(first.rows, second.rows)
        np.testing.assert_array_equal(first.score, second.score)


# ------------------------------------------------------------------ the acceptance model (plan's p_accept)


def test_the_acceptance_model_is_trained_calibrated_and_better_than_chance(learned):
    ranker = learned.model.ranker
    assert ranker.has_acceptance
    info = ranker.info["acceptance"]
    assert info["training_rows"] >= 200 and info["validation_rows"] >= 200
    # Platt scaling on the validation invitations: the mean probability is their yes-rate
    assert abs(info["validation_mean_probability"] - info["validation_yes_rate"]) < 0.02
    assert info["validation_auc"] > 0.55


def test_plan_reads_p_accept_from_the_acceptance_model_per_brand(learned):
    from creatormatch.pricing.acceptance import AcceptanceHistory, acceptance_probability, learned_acceptance

    assert learned_acceptance(learned)
    n = learned.model.sizes["creator"]
    stand_in = AcceptanceHistory(rate=np.full(n, 0.123), invitations=np.zeros(n, np.int64))
    for b in (0, 7, 19):
        ranking = learned.rank(b, top=30)
        p = acceptance_probability(learned, b, ranking.rows, stand_in, ranking.features)
        np.testing.assert_allclose(p, learned.model.ranker.accept_probability(ranking.features))
        assert ((p > 0) & (p < 1)).all() and not np.allclose(p, 0.123)
        assert len(np.unique(np.round(p, 9))) > 1          # a probability per pair, not one per brand
        # without the pairs' features: the documented stand-in
        np.testing.assert_allclose(acceptance_probability(learned, b, ranking.rows, stand_in), 0.123)


def test_the_acceptance_model_survives_save_and_load(learned, tmp_path):
    from creatormatch.recommend.matcher import Matcher

    path = learned.save(tmp_path / "m.npz")
    again = Matcher.load(path)
    X = learned.rank(3, top=20).features
    np.testing.assert_array_equal(again.model.ranker.accept_probability(X), learned.model.ranker.accept_probability(X))
