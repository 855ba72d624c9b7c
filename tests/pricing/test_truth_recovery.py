"""On the generator's default market the estimate ranks creators like the hidden truth and its
80 % interval covers the truth about 80 % of the time (issue 14, "Must show")."""

from __future__ import annotations

import numpy as np
from scipy.stats import spearmanr

from creatormatch.pricing import expected_value_per_video


def test_truth_file_holds_the_expected_value_per_video(default_data) -> None:
    dataset, truth = default_data
    assert truth.creator_expected_gmv is not None
    assert truth.creator_expected_gmv.shape == (dataset.n_creators,)
    assert np.all(truth.creator_expected_gmv > 0)
    # on average the realised GMV of organic shoppable videos is the truth (within 10 %)
    v = dataset.videos
    shop = (v["product_id"] >= 0) & (v["collaboration_id"] < 0)
    c = v["creator_id"][shop]
    ratio = v["gmv"][shop].sum() / truth.creator_expected_gmv[c].sum()
    assert 0.9 < ratio < 1.1


def test_estimate_ranks_creators_like_the_truth(default_data) -> None:
    dataset, truth = default_data
    est = expected_value_per_video(dataset)
    well = est.evidence >= 10
    assert well.sum() >= 500
    rho = spearmanr(est.expected[well], truth.creator_expected_gmv[well])[0]
    assert rho >= 0.9


def test_interval_covers_the_truth_about_80_percent(default_data) -> None:
    dataset, truth = default_data
    est = expected_value_per_video(dataset)
    t = truth.creator_expected_gmv
    inside = (t >= est.low) & (t <= est.high)
    assert 0.75 <= inside.mean() <= 0.85


def test_interval_misses_fall_evenly_on_both_sides(default_data) -> None:
    # an estimate biased one way shows as misses on one side (before the measured log-mean
    # bias: truth below the interval 14 %, above 9 %)
    dataset, truth = default_data
    est = expected_value_per_video(dataset)
    t = truth.creator_expected_gmv
    below, above = (t < est.low).mean(), (t > est.high).mean()
    assert abs(below - above) <= 0.03
    assert abs(np.mean(np.log(t) - np.log(est.prior) + est.model.tau2 / 2)) <= 0.05   # peer levels unbiased

