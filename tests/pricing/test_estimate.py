"""Expected GMV per video, fair rates, category multipliers, the acceptance stand-in: hand cases."""

from __future__ import annotations

import numpy as np
import pytest

from creatormatch.errors import UsageError
from creatormatch.pricing.categories import brand_factor, category_multipliers, creator_mix
from creatormatch.pricing.estimate import PSEUDO_VIDEOS, _bias_at, _hierarchical_means, log_mean_bias, posterior_value
from creatormatch.pricing.evidence import SalesEvidence
from creatormatch.pricing.fair_rate import fair_rates


def test_posterior_value_hand_example() -> None:
    # z = log 40, v = 1, p = log 10, tau^2 = 1: w = 1/2, post = log 20, var = 1/2
    exp, low, high = posterior_value(np.array([np.log(40.0)]), np.array([1.0]), np.array([np.log(10.0)]), 1.0)
    assert exp[0] == pytest.approx(20.0 * np.exp(0.25))
    q = 1.2815515655446004
    assert low[0] == pytest.approx(20.0 * np.exp(-q * np.sqrt(0.5)))
    assert high[0] == pytest.approx(20.0 * np.exp(q * np.sqrt(0.5)))


def test_no_evidence_gives_the_peer_level_with_the_prior_width() -> None:
    exp, low, high = posterior_value(np.array([np.nan]), np.array([np.inf]), np.array([np.log(10.0)]), 0.25)
    assert exp[0] == pytest.approx(10.0 * np.exp(0.125))
    assert np.log(high[0] / low[0]) == pytest.approx(2 * 1.2815515655446004 * 0.5)


def test_more_evidence_narrows_the_interval_and_moves_toward_the_record() -> None:
    z = np.full(3, np.log(100.0))
    v = 2.0 / (np.array([1, 10, 100]) + 0.5)
    exp, low, high = posterior_value(z, v, np.full(3, np.log(10.0)), 0.5)
    width = np.log(high / low)
    assert np.all(np.diff(width) < 0)
    assert np.all(np.diff(exp) > 0) and exp[-1] < 100.0 * 1.05


def test_hierarchical_means_pull_thin_groups_to_their_parent() -> None:
    # one level below "all": group 0 has 10 creators at 2.0, group 1 one creator at 12.0
    levels = [np.zeros(11, np.int64), np.array([0] * 10 + [1])]
    x = np.array([2.0] * 10 + [12.0])
    out = _hierarchical_means(levels, x, np.ones(11, bool))
    overall = x.mean()   # 32 / 11
    assert out[0] == pytest.approx((20.0 + 10 * overall) / 20)
    assert out[-1] == pytest.approx((12.0 + 10 * overall) / 11)


def test_fair_rates_hand_example() -> None:
    r = fair_rates(np.array([300.0, 300.0, 300.0, 90.0]), np.array([150.0, 150.0, 150.0, 30.0]),
                   np.array([600.0, 600.0, 600.0, 200.0]), np.array([40.0, np.nan, 0.0, 20.0]), 3.0)
    assert r.fair_rate.tolist() == [100.0, 100.0, 100.0, 30.0]
    assert r.fair_low.tolist() == [50.0, 50.0, 50.0, 10.0]
    assert r.value_ratio[0] == pytest.approx(2.5) and np.isnan(r.value_ratio[1]) and np.isnan(r.value_ratio[2])
    assert r.value_ratio[3] == pytest.approx(1.5)
    # flagged only when even the low bound is above the asked rate; never without a rate
    assert r.underpriced.tolist() == [True, False, True, False]


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf")])
def test_target_roas_must_be_positive(bad: float) -> None:
    with pytest.raises(UsageError):
        fair_rates(np.ones(1), np.ones(1), np.ones(1), np.ones(1), bad)


def test_category_multipliers_hand_example() -> None:
    # categories: 0 top "a" with child 1; 2 top "b".  Creator 0 estimated 10 per video.
    # two videos in 1 sold 30 each; one video in 2 sold 5.  Pseudo = 20 videos * mean estimate (10) = 200.
    ev = SalesEvidence(n=np.array([3.0]), total=np.array([65.0]), video_creator=np.array([0, 0, 0]),
                       video_gmv=np.array([30.0, 30.0, 5.0]), video_category=np.array([1, 1, 2]))
    parent = np.array([-1, 0, -1])
    r = category_multipliers(ev, np.array([10.0]), parent)
    r_top_a = (60 + 200) / (20 + 200)
    assert r[0] == pytest.approx((0 + 200 * r_top_a) / (0 + 200))
    assert r[1] == pytest.approx((60 + 200 * r_top_a) / (20 + 200))
    assert r[2] == pytest.approx((5 + 200 * ((5 + 200) / (10 + 200))) / (10 + 200))
    mix = creator_mix(ev, r, 2)
    assert mix[0] == pytest.approx((2 * r[1] + r[2]) / 3) and mix[1] == 1.0
    assert brand_factor(r, mix, 2, np.array([0, 1])) == pytest.approx([r[2] / mix[0], r[2]])
    assert brand_factor(r, mix, -1, np.array([0, 1])).tolist() == [1.0, 1.0]


def _alternating(creators: int = 20, videos: int = 40) -> SalesEvidence:
    """Each creator's videos in time order: 0, 2, 0, 2, ... (mean 1 per video)."""
    vc = np.repeat(np.arange(creators), videos)
    vg = np.tile(np.array([0.0, 2.0]), creators * videos // 2)
    n = np.full(creators, float(videos))
    return SalesEvidence(n, n.copy(), vc, vg, np.full(len(vc), -1, np.int64))


def test_log_mean_bias_hand_example() -> None:
    # 20 creators x 40 videos alternating 0, 2; crude peer level 1, h = 0.02, kappa = 2.
    # The whole record: log((40 + h) / (40 + h)) = 0, its own bias -kappa / (2 (40 + h)).
    ev = _alternating()
    h, kappa = PSEUDO_VIDEOS, 2.0
    b = log_mean_bias(ev, np.ones(20), kappa)
    tail = kappa / (2 * (40 + h))
    # n = 1: half the windows hold a 0, half a 2
    assert b[1] == pytest.approx(0.5 * (np.log(h / (1 + h)) + np.log((2 + h) / (1 + h))) - tail)
    # n = 2: every window is (0, 2), exactly the mean
    assert b[2] == pytest.approx(-tail)
    # n = 3: 13 whole windows per creator, starting on 0, 2, 0, ...: sums 2, 4, 2, ... (7 and 6 of them)
    w3 = (7 * np.log((2 + h) / (3 + h)) + 6 * np.log((4 + h) / (3 + h))) / 13
    assert b[3] == pytest.approx(w3 - tail)
    # windows of 21 or more need records of 42 videos: not measured
    assert np.isfinite(b[20]) and np.isnan(b[21])


def test_bias_between_and_beyond_the_measured_windows() -> None:
    bias = np.full(33, np.nan)
    bias[1:5] = [-1.0, -0.6, -0.4, -0.3]
    got = _bias_at(bias, np.array([1.0, 1.5, 4.0, 8.0]), kappa=2.0)
    assert got == pytest.approx([-1.0, -0.8, -0.3, -0.3 * 4 / 8])
    # nothing measured: the log-normal rule -kappa / (2 (n + h))
    assert _bias_at(np.full(33, np.nan), np.array([3.0]), 2.0)[0] == pytest.approx(-1.0 / (3 + PSEUDO_VIDEOS))

