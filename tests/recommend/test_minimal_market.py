"""Matching works on a dataset with only the three required files (and on empty markets)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from creatormatch.cli import cli
from creatormatch.data.loader import load_dataset
from creatormatch.recommend import Matcher, MatchFilters, load_model, save_model


@pytest.fixture
def minimal_dir(tmp_path, write_csv):
    rng = np.random.default_rng(1)
    creators = [[f"C{i:03d}", f"@c{i}", "ID" if i < 30 else "MY", str(100 * (i + 1)), "" if i % 7 else "42"]
                for i in range(40)]
    brands = [[f"B{j}", f"Brand {j}", "ID", "K9"] for j in range(6)] + [["B9", "Alone", "SG", ""]]
    collabs = []
    statuses = ["completed", "accepted", "declined", "expired", "completed", "invited"]
    for n in range(120):
        b, c = int(rng.integers(0, 6)), int(rng.integers(0, 30))
        collabs.append([f"X{n:04d}", f"B{b}", f"C{c:03d}", f"2024-{1 + n % 12:02d}-01T10:00:00",
                        statuses[n % 6]])
    write_csv(tmp_path / "creators.csv", ["creator_id", "handle", "market", "followers", "rate_per_video"], creators)
    write_csv(tmp_path / "brands.csv", ["brand_id", "name", "market", "category_id"], brands)
    write_csv(tmp_path / "collaborations.csv", ["collaboration_id", "brand_id", "creator_id", "invited_at", "status"],
           collabs)
    return tmp_path


def test_required_files_only(minimal_dir, tmp_path):
    d = load_dataset(minimal_dir)
    assert not d.has("videos") and not d.has("categories")
    m = Matcher.from_dataset(d)
    res = m.match("B1", MatchFilters(), top=5)
    assert res
    for r in res:
        assert r.market == "ID"
        assert r.components["graph"] is not None
        assert r.components["uplift"] is None            # needs videos: not available, never 0 or 50
    # the brand's category exists only as a reference: no creator has a category
    assert all(r.components["category_fit"] is None for r in res)
    # round trip through the artifact
    again = Matcher(load_model(save_model(m.model, tmp_path / "m.npz"), d.fingerprint))
    assert [r.to_dict() for r in again.match("B1", MatchFilters(), top=5)] == [r.to_dict() for r in res]
    e = m.explain("B1", res[0].creator_id)
    assert e.score == pytest.approx(res[0].score)
    assert m.similar(res[0].creator_id, top=3)


def test_brand_in_a_market_without_creators(minimal_dir):
    m = Matcher.from_dataset(load_dataset(minimal_dir))
    assert m.match("B9", MatchFilters(), top=5) == []            # SG has no creators
    assert len(m.rank(m.brand_row("B9")).rows) == 0
    res = m.match("B9", MatchFilters(market="any"), top=5)
    assert len(res) == 5 and all(r.components["graph"] is None and r.components["mf"] is None for r in res)


def test_cli_on_minimal_dataset(minimal_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("CREATORMATCH_CACHE", str(tmp_path / "cache"))
    runner = CliRunner()
    res = runner.invoke(cli, ["match", "--data", str(minimal_dir), "--brand", "B9"], catch_exceptions=False)
    assert res.exit_code == 0 and "no creator passes the filters" in res.stdout
    res = runner.invoke(cli, ["match", "--data", str(minimal_dir), "--brand", "B2", "--category", "K9",
                              "--format", "json"], catch_exceptions=False)
    assert res.exit_code == 0 and json.loads(res.stdout) == {"B2": []}
