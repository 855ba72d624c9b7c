"""``creatormatch evaluate`` and ``creatormatch tune`` through click."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from creatormatch.cli import cli

ACCURACY = ("ndcg", "recall", "precision", "map", "mrr")
BEYOND = ("coverage", "gini", "longtail")


def _invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.slow
def test_evaluate_json_has_exactly_the_documented_shape(small_market: Path, tmp_path: Path) -> None:
    report = tmp_path / "report"
    result = _invoke("evaluate", "--data", str(small_market), "--k", "10", "--k", "50", "--no-tune",
                     "--format", "json", "--report", str(report))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["split_date", "n_brands", "n_cold_brands", "n_test_pairs", "models", "significance",
                          "oracle_ratio", "ndcg_ci", "ci_level", "thin_data", "calibration", "candidate_recall",
                          "feature_importance", "acceptance_importance"]
    assert data["ci_level"] == 0.95 and data["thin_data"]["conclusive"] is True
    for name, ci in data["ndcg_ci"].items():
        for k in (10, 50):
            low, high = ci[f"ndcg@{k}"]
            assert low <= data["models"][name][f"ndcg@{k}"] <= high
    assert len(data["split_date"]) == 10 and data["n_brands"] > 0 and data["n_test_pairs"] >= data["n_brands"]
    rankers = ["ranker", "ranker-no-mf", "ranker-no-graph", "ranker-no-history"]
    names = ["random", "popularity", "itemknn", "als", "bpr", "graph", "content", "blend", *rankers, "oracle"]
    assert list(data["models"]) == names  # blend_tuned needs tuning
    for m in data["models"].values():
        for k in (10, 50):
            for metric in ACCURACY + BEYOND:
                assert isinstance(m[f"{metric}@{k}"], float)
        assert 0.0 <= m["auc"] <= 1.0 and (m["cauc"] is None or 0.0 <= m["cauc"] <= 1.0)
        assert m["precision@10"] <= 1.0 and m["recall@10"] <= m["recall@50"] + 1e-12
    assert set(data["significance"]) == set(names) - {"ranker"}   # the reference is what match uses
    assert list(data["calibration"]) == ["ranker"]
    cal = data["calibration"]["ranker"]
    assert 0.0 <= cal["ece"] <= 1.0 and sum(b["count"] for b in cal["bins"]) == cal["pairs"] > 0
    assert set(data["candidate_recall"]) == set(rankers)
    assert all(0.0 < r <= 1.0 for r in data["candidate_recall"].values())
    assert set(data["feature_importance"]) == set(rankers) == set(data["acceptance_importance"])
    # the trees' gains, or -- when the validation kept none of their rounds -- the acceptance model's
    assert data["feature_importance"]["ranker"] or data["acceptance_importance"]["ranker"]
    assert all(set(p) == {"ndcg@10", "ndcg@50"} for p in data["significance"].values())
    assert set(data["oracle_ratio"]) == set(names) and data["oracle_ratio"]["oracle"] == 1.0
    # the report: markdown for people, the same JSON, and the plots
    assert json.loads((report / "metrics.json").read_text()) == data
    text = (report / "report.md").read_text()
    assert "## Accuracy" in text and "Wilcoxon" in text and "lorenz.png" in text
    assert "## Learned ranker" in text and "ECE" in text
    assert "What the collaborative parts add here" in text or "makes no significant difference here" in text
    for png in ("metric_vs_k.png", "lorenz.png", "ndcg.png", "reliability.png"):
        assert (report / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_evaluate_table_and_a_model_subset(small_market: Path) -> None:
    result = _invoke("evaluate", "--data", str(small_market), "--models", "popularity,blend", "--no-tune")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Split date ")
    assert [ln.split()[0] for ln in lines[2:4]] == ["popularity", "blend"]
    assert "(reference)" in lines[3]


def test_evaluate_errors_are_one_line_with_exit_code_2(small_market: Path) -> None:
    bad_model = CliRunner().invoke(cli, ["evaluate", "--data", str(small_market), "--models", "popularty"])
    assert bad_model.exit_code == 2 and "unknown model(s) popularty" in bad_model.output
    late = CliRunner().invoke(cli, ["evaluate", "--data", str(small_market), "--split-date", "2030-01-01"])
    assert late.exit_code == 2 and "earlier --split-date" in late.output
    assert "Traceback" not in late.output


@pytest.mark.slow
def test_tune_stores_the_chosen_settings_in_the_model(small_market: Path, tmp_path: Path) -> None:
    from creatormatch.data import load_dataset
    from creatormatch.recommend.matcher import Matcher

    out = tmp_path / "tuned.npz"
    result = _invoke("tune", "--data", str(small_market), "--out", str(out), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    matcher = Matcher.load(out, load_dataset(small_market).fingerprint)
    p = matcher.params
    assert p.weights == pytest.approx(data["params"]["weights"])
    assert sum(p.weights.values()) == pytest.approx(1.0, abs=1e-5)
    for key in ("missing", "mf_model", "factors", "regularization", "graph_alpha", "graph_beta"):
        assert getattr(p, key) == data["params"][key]
    assert matcher.model.extra["tuning"]["validation_split_dates"] == data["validation"]["validation_split_dates"]
    # every validation cut lies inside the data, the latest before its end
    assert np.datetime64(data["validation"]["validation_split_dates"][-1]) < np.datetime64("2026-01-01")


def test_every_command_has_help() -> None:
    for name in ("evaluate", "tune"):
        result = _invoke(name, "--help")
        assert result.exit_code == 0 and len(result.output) > 200
