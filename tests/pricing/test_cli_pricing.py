"""``creatormatch pricing`` and ``plan`` on the command line: exact columns and JSON shape,
spreadsheet CSV, hard constraints of the plan."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from click.testing import CliRunner

from creatormatch.cli import cli
from creatormatch.pricing import PRICING_COLUMNS

COLUMNS = ["creator_id", "handle", "market", "followers", "rate_per_video", "expected_gmv_per_video",
           "expected_gmv_low", "expected_gmv_high", "fair_rate", "value_ratio", "underpriced", "evidence_videos"]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CREATORMATCH_CACHE", str(tmp_path / "cache"))


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_pricing_csv_columns_exactly(default_market) -> None:
    assert list(PRICING_COLUMNS) == COLUMNS
    res = run("pricing", "--data", str(default_market), "--top", "0", "--format", "csv")
    assert res.exit_code == 0, res.output
    assert not res.stdout.startswith("\ufeff")            # stdout for pipes: no BOM unless --excel
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert list(rows[0]) == COLUMNS
    assert len(rows) == 2000
    for r in rows:
        assert r["underpriced"] in ("true", "false", "")
        if r["rate_per_video"] == "":
            assert r["value_ratio"] == "" and r["underpriced"] == ""
        low, mid, high = (float(r[k]) for k in ("expected_gmv_low", "expected_gmv_per_video", "expected_gmv_high"))
        assert low <= mid <= high


def test_pricing_filters_and_order(default_market) -> None:
    res = run("pricing", "--data", str(default_market), "--market", "id", "--underpriced", "--target-roas", "4",
              "--top", "0", "--format", "json")
    rows = json.loads(res.stdout)
    assert rows and all(r["market"] == "ID" and r["underpriced"] is True for r in rows)
    # underpriced: the low bound of the fair rate (low / 4) is above the asked rate
    assert all(r["expected_gmv_low"] / 4 > r["rate_per_video"] - 0.01 for r in rows)
    ratios = [r["value_ratio"] for r in rows]
    assert ratios == sorted(ratios, reverse=True)


def test_excel_csv_has_a_bom(default_market, tmp_path) -> None:
    res = run("pricing", "--data", str(default_market), "--top", "3", "--format", "csv", "--excel")
    assert res.stdout.startswith("\ufeffcreator_id,")
    out = tmp_path / "p.csv"
    res = run("pricing", "--data", str(default_market), "--top", "3", "--format", "csv", "--out", str(out))
    assert res.exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfcreator_id,")
    assert len(raw.decode("utf-8-sig").splitlines()) == 4


@pytest.fixture(scope="module")
def plan_json(default_market, tmp_path_factory):
    from creatormatch.data.loader import load_dataset

    import os
    os.environ["CREATORMATCH_CACHE"] = str(tmp_path_factory.mktemp("plan_cache"))
    try:
        d = load_dataset(default_market)
        brands = [str(b) for b in d.brands.ids[:6]]
        res = CliRunner().invoke(cli, ["plan", "--data", str(default_market), "--budget", "1500",
                                       "--max-videos-per-creator", "2", "--max-brands-per-creator", "1",
                                       "--format", "json", *sum((["--brand", b] for b in brands), [])],
                                 catch_exceptions=False)
    finally:
        del os.environ["CREATORMATCH_CACHE"]
    assert res.exit_code == 0, res.output
    return brands, json.loads(res.stdout), d


def test_plan_json_shape_exactly(plan_json) -> None:
    brands, data, _ = plan_json
    assert list(data) == brands
    for entry in data.values():
        assert list(entry) == ["budget", "spent", "expected_gmv", "creators"]
        assert entry["budget"] == 1500.0
        for c in entry["creators"]:
            assert list(c) == ["creator_id", "videos", "cost", "p_accept", "expected_gmv", "reasons"]
            assert isinstance(c["videos"], int) and 1 <= c["videos"] <= 2
            assert 0 <= c["p_accept"] <= 1 and all(isinstance(r, str) for r in c["reasons"])
        assert entry["spent"] == pytest.approx(sum(c["cost"] for c in entry["creators"]), abs=0.011)
        assert entry["expected_gmv"] == pytest.approx(sum(c["expected_gmv"] for c in entry["creators"]), abs=0.011)


def test_plan_never_exceeds_budget_or_the_brand_cap(plan_json) -> None:
    _, data, d = plan_json
    seen: dict[str, int] = {}
    for entry in data.values():
        assert entry["spent"] <= entry["budget"] + 1e-6
        for c in entry["creators"]:
            seen[c["creator_id"]] = seen.get(c["creator_id"], 0) + 1
            rate = d.creators["rate_per_video"][d.creators.position(c["creator_id"])[0]]
            assert c["cost"] == pytest.approx(rate * c["videos"], abs=0.011)
    assert max(seen.values()) == 1


def test_plan_csv_uses_the_shared_column_names(default_market) -> None:
    from creatormatch.data.loader import load_dataset

    b = str(load_dataset(default_market).brands.ids[0])
    res = run("plan", "--data", str(default_market), "--brand", b, "--budget", "800", "--format", "csv")
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert rows and {"creator_id", "rate_per_video", "fair_rate", "value_ratio", "expected_gmv_per_video",
                     "p_accept", "videos", "cost"} <= set(rows[0])
    assert sum(float(r["cost"]) for r in rows) <= 800
    assert "exposure Gini" in res.stderr and "sharing constraint" in res.stderr


def test_zero_budget_plans_nothing(default_market) -> None:
    from creatormatch.data.loader import load_dataset

    b = str(load_dataset(default_market).brands.ids[1])
    res = run("plan", "--data", str(default_market), "--brand", b, "--budget", "0", "--format", "json")
    data = json.loads(res.stdout)
    assert all(c["cost"] == 0 for c in data[b]["creators"])
    assert np.isclose(data[b]["spent"], 0.0)


def test_scorecard_tells_the_fair_rate(default_market) -> None:
    from creatormatch.data.loader import load_dataset

    c = str(load_dataset(default_market).creators.ids[5])
    res = run("scorecard", c, "--data", str(default_market))
    assert "Fair rate" in res.stdout and "fair rate = expected GMV per video / 3" in res.stdout
    card = json.loads(run("scorecard", c, "--data", str(default_market), "--format", "json").stdout)
    assert set(card["pricing"]) >= {"fair_rate", "rate_per_video", "expected_gmv_per_video", "underpriced"}
