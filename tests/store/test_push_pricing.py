"""``neo4j push`` writes the fair rate of ``creatormatch pricing`` on every Creator, and
``underpriced_creators.cypher`` reads exactly that fair rate (real server)."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from creatormatch.cli import cli
from creatormatch.pricing import PriceBook
from creatormatch.store import planner_query, push_results

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def pushed(store, loaded_sample):
    return push_results(store, loaded_sample, top=1, reasons=False, target_roas=2.5)


def test_creators_carry_the_same_fair_rate_as_pricing(store, loaded_sample, pushed):
    book = PriceBook.from_dataset(loaded_sample)
    fair = book.fair(2.5)
    rows = {r["id"]: r for r in store.read(
        "MATCH (c:Creator) RETURN c.creator_id AS id, c.fair_rate AS fair, c.fair_rate_low AS low, "
        "c.value_ratio AS ratio, c.underpriced AS under, c.expected_gmv_per_video AS gmv, "
        "c.pricing_evidence_videos AS n, c.pricing_target_roas AS roas")}
    assert len(rows) == len(loaded_sample.creators)
    ids = loaded_sample.creators.ids
    for i in range(0, len(ids), 37):
        r = rows[str(ids[i])]
        assert r["fair"] == pytest.approx(round(float(fair.fair_rate[i]), 2))
        assert r["low"] == pytest.approx(round(float(fair.fair_low[i]), 2))
        assert r["gmv"] == pytest.approx(round(float(book.value.expected[i]), 2))
        assert r["n"] == int(book.value.evidence[i]) and r["roas"] == 2.5
        if np.isfinite(book.rate[i]):
            assert r["under"] is bool(fair.underpriced[i])
        else:
            assert r["under"] is None and r["ratio"] is None


def test_underpriced_query_returns_the_flagged_creators_best_value_first(store, loaded_sample, pushed):
    query = planner_query("underpriced_creators")
    book = PriceBook.from_dataset(loaded_sample)
    fair = book.fair(2.5)
    market = "ID"
    rows = store.read(query.text, **query.parameters({"market": market, "limit": "100000"}))
    flagged = {str(c) for c in book.creator_ids[(book.market == market) & fair.underpriced]}
    assert rows and {r["creator_id"] for r in rows} == flagged
    ratios = [r["value_ratio"] for r in rows]
    assert ratios == sorted(ratios, reverse=True)
    assert all(r["fair_rate_low"] > r["rate_per_video"] for r in rows)
    some = store.read(query.text, **query.parameters({"market": market, "min_evidence": "20", "min_index": "50"}))
    assert all(r["evidence_videos"] >= 20 and r["mean_index"] >= 50 for r in some)


def test_push_command_takes_a_target_roas(store, loaded_sample, pushed, tmp_path, monkeypatch):
    monkeypatch.setenv("CREATORMATCH_CACHE", str(tmp_path / "cache"))
    res = CliRunner().invoke(cli, ["neo4j", "push", "--top", "1", "--no-reasons", "--target-roas", "4"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    roas = store.read("MATCH (c:Creator) RETURN DISTINCT c.pricing_target_roas AS r")
    assert [r["r"] for r in roas] == [4.0]
    bad = CliRunner().invoke(cli, ["neo4j", "push", "--target-roas", "0"])
    assert bad.exit_code == 2 and "target-roas" in bad.output
