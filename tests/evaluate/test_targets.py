"""The issue's targets on the generator's default market (``creatormatch generate`` with no
options: 2000 creators, 100 brands, seed 42), with every model tuned on the training period.

The figures are in docs/evaluation.md; the assertions keep a margin below them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from creatormatch.data import load_dataset
from creatormatch.evaluate.baselines import COLLABORATIVE
from creatormatch.evaluate.run import run_evaluation


@pytest.fixture(scope="module")
def default_evaluation(default_market: Path):
    return run_evaluation(load_dataset(default_market), ks=(10,)).to_json()


@pytest.mark.slow
def test_blend_beats_every_collaborative_baseline_clearly(default_evaluation) -> None:
    models = default_evaluation["models"]
    blend = models["blend"]["ndcg@10"]
    best = max(models[name]["ndcg@10"] for name in COLLABORATIVE)
    assert blend >= 1.6 * best  # issue: >= 1.3x; measured 2.3x
    for name in COLLABORATIVE:
        assert default_evaluation["significance"][name]["ndcg@10"] < 0.002  # issue: < 0.01


@pytest.mark.slow
def test_blend_is_not_below_graph_or_content(default_evaluation) -> None:
    models = default_evaluation["models"]
    blend = models["blend"]["ndcg@10"]
    assert blend >= models["graph"]["ndcg@10"] + 0.03
    # content alone is close: the generator decides invitations by category, so the
    # collaborative components add little here (docs/evaluation.md, "What limits the blend")
    assert blend >= models["content"]["ndcg@10"]
    assert models["blend_tuned"]["ndcg@10"] >= models["graph"]["ndcg@10"] + 0.03


@pytest.mark.slow
def test_blend_reaches_the_oracle_share(default_evaluation) -> None:
    # the oracle ranks by the true invitation x acceptance probability (docs/evaluation.md, "Oracle")
    ratios = default_evaluation["oracle_ratio"]
    assert ratios["blend"] >= 0.65  # issue: >= 0.6; measured 0.74
    assert ratios["blend_tuned"] >= 0.65  # measured 0.72
    assert ratios["oracle"] == 1.0
    # a ceiling: no model comes close to it (largest measured: blend 0.74)
    assert all(r <= 0.9 for name, r in ratios.items() if name != "oracle")


@pytest.mark.slow
def test_intervals_are_narrow_and_no_thin_data_warning(default_evaluation) -> None:
    """The default market holds enough brands to conclude: no warning, and NDCG intervals
    over brands about +-0.05 wide (measured: widths 0.03-0.10), so the blend's interval lies
    wholly above those of random and popularity."""
    thin = default_evaluation["thin_data"]
    assert thin["conclusive"] is True and thin["shortfalls"] == [] and thin["warning"] is None
    ci = default_evaluation["ndcg_ci"]
    for name, m in default_evaluation["models"].items():
        low, high = ci[name]["ndcg@10"]
        assert low <= m["ndcg@10"] <= high
        assert high - low < 0.12, name
    assert ci["blend"]["ndcg@10"][0] > max(ci["random"]["ndcg@10"][1], ci["popularity"]["ndcg@10"][1])
    assert "blend_tuned" in default_evaluation["models"]      # enough validation brands: tuned
