"""Expected GMV per video, fair rates, category multipliers, the acceptance stand-in: hand cases."""

from __future__ import annotations

import numpy as np
import pytest

from creatormatch.errors import UsageError
from creatormatch.pricing.categories import brand_factor, category_multipliers, creator_mix
from creatormatch.pricing.estimate import _hierarchical_means, posterior_value
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
