"""The out-of-time pricing evaluation beats the follower-tier baseline with p < 0.01."""

from __future__ import annotations

import numpy as np
import pytest

from creatormatch.errors import UsageError
from creatormatch.pricing.evaluate import evaluate_pricing, follower_tier_baseline


def test_estimate_beats_the_follower_tier_baseline(default_data) -> None:
    dataset, _ = default_data
    e = evaluate_pricing(dataset)
    ours, typical, base = (e.metrics[k] for k in ("estimate", "estimate_typical", "follower_tier_median"))
    assert e.n_test >= 500
    assert ours["spearman"] > base["spearman"]
    assert e.p_bootstrap_spearman < 0.01
    assert typical["mape"] < base["mape"]
    assert e.p_wilcoxon < 0.01
    # the predictive 80 % interval covers about 80 % of the realised GMV
    assert 0.7 <= ours["coverage_predictive"] <= 0.9


def test_follower_tier_baseline_is_the_tier_median(overlay) -> None:
    from creatormatch.data.loader import load_dataset

    d = load_dataset(overlay())
    med, lo, hi = follower_tier_baseline(d)
    assert med.shape == (5,)
    assert np.all((lo <= med) | np.isnan(med)) and np.all((med <= hi) | np.isnan(med))


def test_split_dates_without_data_are_usage_errors(default_data) -> None:
    dataset, _ = default_data
    with pytest.raises(UsageError, match="earlier"):
        evaluate_pricing(dataset, split_date="2099-01-01")
    with pytest.raises(UsageError, match="later"):
        evaluate_pricing(dataset, split_date="1990-01-01")
