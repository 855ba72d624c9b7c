"""Thin data: a plain warning below the documented minimums, no tuning, and bootstrap
intervals for NDCG in every case."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from creatormatch.cli import cli
from creatormatch.evaluate.uncertainty import (
    MIN_TEST_BRANDS, MIN_TEST_PAIRS, MIN_VALIDATION_BRANDS, bootstrap_mean_ci, thin_data,
)


def _slow_bootstrap(values: np.ndarray, level: float, resamples: int, seed: int) -> tuple[float, float]:
    """The obvious reference: one resample at a time."""
    rng = np.random.default_rng(seed)
    n = len(values)
    means = []
    for _ in range(resamples):
        idx = rng.integers(0, n, size=(1, n))[0]
        means.append(float(np.mean(values[idx])))
    tail = (1 - level) / 2
    return tuple(float(q) for q in np.quantile(means, [tail, 1 - tail]))


def test_bootstrap_equals_the_slow_reference(rng: np.random.Generator) -> None:
    values = rng.random(37)
    fast = bootstrap_mean_ci(values, level=0.9, resamples=300, seed=5)
    slow = _slow_bootstrap(values, 0.9, 300, 5)
    assert fast == pytest.approx(slow)


def test_bootstrap_hand_cases() -> None:
    assert bootstrap_mean_ci(np.array([0.2])) == (0.2, 0.2)
    assert all(np.isnan(bootstrap_mean_ci(np.array([]))))
    assert bootstrap_mean_ci(np.array([0.3, np.nan, 0.3])) == (0.3, 0.3)
    # 0/1 values, n = 400: the mean's standard error is 0.025, so the 95% interval is about +-0.049
    low, high = bootstrap_mean_ci(np.array([0.0, 1.0] * 200))
    assert high - low == pytest.approx(2 * 1.96 * 0.025, abs=0.01)
    # more brands, narrower interval
    wide = bootstrap_mean_ci(np.array([0.0, 1.0] * 5))
    assert wide[1] - wide[0] > 2 * (high - low)


def test_thin_data_minimums() -> None:
    assert thin_data(MIN_TEST_PAIRS, MIN_TEST_BRANDS, MIN_VALIDATION_BRANDS) == []
    assert thin_data(MIN_TEST_PAIRS, MIN_TEST_BRANDS, None) == []
    short = thin_data(9, 8, 7)
    assert len(short) == 3 and short[0].startswith("9 test pairs") and short[1].startswith("8 test brands")
    assert thin_data(MIN_TEST_PAIRS - 1, 100, 100) == [f"{MIN_TEST_PAIRS - 1} test pairs (at least "
                                                       f"{MIN_TEST_PAIRS} needed)"]


@pytest.fixture(scope="module")
def ten_brands(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from creatormatch.synthetic.generator import generate_market

    out = tmp_path_factory.mktemp("ten_brands")
    generate_market(out, 300, 10, seed=3)
    return out


def test_evaluate_on_ten_brands_warns_and_keeps_defaults(ten_brands: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    table = runner.invoke(cli, ["evaluate", "--data", str(ten_brands), "--report", str(tmp_path / "r")],
                          catch_exceptions=False)
    assert table.exit_code == 0
    out = table.stdout
    assert "WARNING: too little data: these figures cannot support a conclusion" in out
    assert "test brands (at least 20 needed)" in out
    assert "ndcg@10 95% CI" in out.splitlines()[1]
    blend = next(line for line in out.splitlines() if line.startswith("blend "))
    assert blend.rstrip().endswith("]") and "[" in blend
    report = (tmp_path / "r" / "report.md").read_text()
    assert "**Warning:** too little data" in report and "95% CI" in report

    res = runner.invoke(cli, ["evaluate", "--data", str(ten_brands), "--format", "json"], catch_exceptions=False)
    data = json.loads(res.stdout)
    thin = data["thin_data"]
    assert thin["conclusive"] is False and thin["warning"].startswith("too little data")
    assert any("test brands" in s for s in thin["shortfalls"])
    assert "blend_tuned" not in data["models"]                     # no tuning on a few brands
    for name, m in data["models"].items():
        low, high = data["ndcg_ci"][name]["ndcg@10"]
        assert low <= m["ndcg@10"] <= high


def test_tune_refuses_thin_data(ten_brands: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["tune", "--data", str(ten_brands), "--out", str(tmp_path / "m.npz")])
    assert res.exit_code == 2 and "too little data to tune" in res.output
    assert not (tmp_path / "m.npz").exists()
