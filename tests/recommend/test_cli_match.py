"""``creatormatch build / match / explain / similar`` through click's CliRunner."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from click.testing import CliRunner

from creatormatch.cli import cli
from creatormatch.cli.matchcmds import INDEX_FIELDS, PRICE_FIELDS
from creatormatch.recommend import COMPONENTS
from creatormatch.recommend.cache import cache_path

MATCH_KEYS = ["rank", "creator_id", "handle", "market", "followers", "score", "components", "reasons"]


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture(scope="module")
def model_file(matcher, tmp_path_factory):
    return matcher.save(tmp_path_factory.mktemp("model") / "model.npz")


@pytest.fixture
def built(model_file, market):
    """The model of ``market`` in this test's (empty) cache, as ``creatormatch build`` leaves it."""
    path = cache_path(market.fingerprint)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(model_file.read_bytes())
    return path


def test_build_writes_the_cache_and_explicit_out(run, market_dir, market, tmp_path):
    res = run("build", "--data", str(market_dir))
    assert res.exit_code == 0
    assert "Saved model to" in res.stdout
    assert "matrix factorisation" in res.stderr                   # progress goes to stderr
    assert cache_path(market.fingerprint).is_file()
    out = tmp_path / "models" / "m.npz"
    res = run("build", "--data", str(market_dir), "--out", str(out), "--mf", "bpr", "--factors", "8")
    assert res.exit_code == 0 and out.is_file()


def test_match_json_shape_exactly(run, market_dir, built, market):
    b1, b2 = market.brands["brand_id"][3], market.brands["brand_id"][9]
    res = run("match", "--data", str(market_dir), "--brand", b1, "--brand", b2, "--top", "5", "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert list(data) == [b1, b2]
    for brand, items in data.items():
        assert len(items) == 5
        assert [it["rank"] for it in items] == [1, 2, 3, 4, 5]
        for it in items:
            # issue 14 only adds keys; issue 15 adds the index components on the 0-100 scale of 'scores'
            assert list(it) == MATCH_KEYS + list(PRICE_FIELDS) + list(INDEX_FIELDS.values())
            for comp, name in INDEX_FIELDS.items():
                value = it["components"][comp]
                assert (it[name] is None) == (value is None)
                assert value is None or abs(it[name] - 100 * value) <= 0.05 + 1e-9
            assert list(it["components"]) == list(COMPONENTS)
            assert isinstance(it["creator_id"], str) and isinstance(it["handle"], str)
            assert isinstance(it["followers"], int) and isinstance(it["score"], float)
            assert all(v is None or isinstance(v, float) for v in it["components"].values())
            assert isinstance(it["reasons"], list) and all(isinstance(r, str) for r in it["reasons"])
        assert [it["score"] for it in items] == sorted((it["score"] for it in items), reverse=True)


def test_match_builds_when_no_model_is_cached(run, market_dir, market):
    assert not cache_path(market.fingerprint).exists()
    b = market.brands["brand_id"][3]
    res = run("match", "--data", str(market_dir), "--brand", b, "--format", "json")
    assert res.exit_code == 0
    assert "Building the match model" in res.stderr
    assert cache_path(market.fingerprint).is_file()
    assert len(json.loads(res.stdout)[b]) == 10


def test_match_table_and_csv(run, market_dir, built, market):
    b = market.brands["brand_id"][3]
    res = run("match", "--data", str(market_dir), "--brand", b, "--top", "3")
    assert res.exit_code == 0
    assert f"Creators for {market.brands['name'][3]} ({b}" in res.stdout
    assert "score" in res.stdout and "fit" in res.stdout
    res = run("match", "--data", str(market_dir), "--brand", b, "--top", "3", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert len(rows) == 3
    # the published columns in their order, then what later versions added at the end
    assert list(rows[0]) == ["brand_id", "rank", "creator_id", "handle", "market", "followers", "score",
                             *COMPONENTS, "reasons", *PRICE_FIELDS, *INDEX_FIELDS.values(), "yes_if_invited"]


def test_match_filters_on_the_command_line(run, market_dir, built, market):
    b = market.brands["brand_id"][3]
    res = run("match", "--data", str(market_dir), "--brand", b, "--market", "any", "--min-followers", "5000",
              "--max-rate", "500", "--top", "20", "--format", "json")
    assert res.exit_code == 0
    rows = [market.creators.position(it["creator_id"])[0] for it in json.loads(res.stdout)[b]]
    assert all(market.creators["followers"][r] >= 5000 for r in rows)
    assert all(market.creators["rate_per_video"][r] <= 500 for r in rows)


def test_unknown_brand_exits_2_with_suggestions(run, market_dir, built):
    res = run("match", "--data", str(market_dir), "--brand", "B0003")
    assert res.exit_code == 2
    assert "unknown brand 'B0003'" in res.stderr and "did you mean" in res.stderr
    assert "Traceback" not in res.output
    res = run("match", "--data", str(market_dir), "--brand", "B00003", "--market", "ZZ")
    assert res.exit_code == 2 and "unknown market" in res.stderr


def test_model_of_other_data_exits_2(run, market_dir, built, tmp_path):
    from creatormatch.recommend import load_model, save_model

    model = load_model(built)
    model.fingerprint = "0000000000000000"
    other = save_model(model, tmp_path / "other.npz")
    res = run("match", "--data", str(market_dir), "--brand", "B00003", "--model", str(other))
    assert res.exit_code == 2
    assert "built from other data" in res.stderr
    broken = tmp_path / "broken.npz"
    broken.write_bytes(built.read_bytes()[:5000])
    res = run("match", "--data", str(market_dir), "--brand", "B00003", "--model", str(broken))
    assert res.exit_code == 2 and "rebuild" in res.stderr


def test_explain_and_similar(run, market_dir, built, market):
    b = market.brands["brand_id"][3]
    top = json.loads(run("match", "--data", str(market_dir), "--brand", b, "--top", "1", "--format", "json").stdout)
    c = top[b][0]["creator_id"]
    res = run("explain", "--data", str(market_dir), "--brand", b, "--creator", c)
    assert res.exit_code == 0
    assert "rank 1 of" in res.stdout and "Strongest graph paths" in res.stdout and "MF score" in res.stdout
    data = json.loads(run("explain", "--data", str(market_dir), "--brand", b, "--creator", c,
                          "--format", "json").stdout)
    assert data["rank"] == 1 and data["creator_id"] == c
    assert [x["name"] for x in data["components"]] == list(COMPONENTS)
    res = run("similar", "--data", str(market_dir), "--creator", c, "--top", "4", "--format", "json")
    assert res.exit_code == 0
    sims = json.loads(res.stdout)[c]
    assert len(sims) == 4 and c not in [s["creator_id"] for s in sims]
    assert run("similar", "--data", str(market_dir), "--creator", c).exit_code == 0
    res = run("explain", "--data", str(market_dir), "--brand", b, "--creator", "nobody")
    assert res.exit_code == 2 and "unknown creator" in res.stderr


@pytest.mark.parametrize("command", ["build", "match", "explain", "similar"])
def test_help(run, command):
    res = run(command, "--help")
    assert res.exit_code == 0
    assert len(res.stdout.splitlines()) > 5
    assert "--data" in res.stdout


def test_match_output_is_stable(run, market_dir, built, market):
    b = market.brands["brand_id"][3]
    a = run("match", "--data", str(market_dir), "--brand", b, "--format", "json").stdout
    again = run("match", "--data", str(market_dir), "--brand", b, "--format", "json").stdout
    assert a == again
    assert np.isfinite([it["score"] for it in json.loads(a)[b]]).all()
