"""``creatormatch scores``, ``scorecard`` and ``influencers`` through click's CliRunner."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from creatormatch.cli import cli

COLUMNS = [
    "creator_id", "handle", "market", "followers", "cooperation_index", "consistency_index",
    "diligence_index", "content_volume", "content_success", "sales_uplift", "top_category",
    "top_category_influence", "evidence_collaborations", "evidence_videos",
    # extended (issue 15): every index also by its <index>_index name, as in match and Neo4j
    "content_volume_index", "content_success_index", "sales_uplift_index",
]


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("command", ["scores", "scorecard", "influencers"])
def test_help(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output and len(result.output.splitlines()) > 5


def test_scores_csv_columns_exactly(small_market_dir: Path) -> None:
    result = run("scores", "--data", str(small_market_dir), "--format", "csv", "--top", "0")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == COLUMNS
    assert len(rows) == 1 + 400
    for row in rows[1:]:
        for cell in row[4:10]:
            assert cell == "" or 0.0 <= float(cell) <= 100.0


def test_scores_json_keys_and_nulls(hand_dir: Path) -> None:
    result = run("scores", "--data", str(hand_dir), "--format", "json", "--top", "0")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    # the public columns, then why each empty index is empty
    assert [list(r) for r in rows] == [COLUMNS + ["not_available"]] * 4
    by_id = {r["creator_id"]: r for r in rows}
    assert by_id["C"]["not_available"]["cooperation_index"] == "no invitations with an outcome"
    assert by_id["A"]["not_available"] == {}
    # C has nothing: every index null, never 0 or 50
    for col in COLUMNS[4:10]:
        assert by_id["C"][col] is None
    assert by_id["C"]["top_category"] is None and by_id["C"]["top_category_influence"] is None
    assert by_id["A"]["cooperation_index"] == 100.0 and by_id["B"]["cooperation_index"] == 0.0
    assert by_id["A"]["evidence_collaborations"] == 4 and by_id["A"]["evidence_videos"] == 4
    assert by_id["A"]["top_category"] == "beauty.skincare"
    # sorted by cooperation, unavailable last, ties by id
    assert [r["creator_id"] for r in rows] == ["A", "B", "C", "D"]


def test_scores_without_videos_leaves_cells_empty(hand_no_videos: Path) -> None:
    result = run("scores", "--data", str(hand_no_videos), "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    for row in rows:
        for col in ("diligence_index", "content_volume", "content_success", "sales_uplift", "evidence_videos"):
            assert row[col] == ""


def test_scores_filters_and_sort(small_market_dir: Path) -> None:
    result = run("scores", "--data", str(small_market_dir), "--market", "id", "--sort", "content_success",
                 "--top", "5", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 5 and {r["market"] for r in rows} == {"ID"}
    values = [r["content_success"] for r in rows]
    assert values == sorted(values, reverse=True)
    table = run("scores", "--data", str(small_market_dir), "--category", "Skincare", "--sort", "influence")
    assert table.exit_code == 0 and "coop" in table.output


def test_unknown_names_exit_2_with_close_matches(small_market_dir: Path) -> None:
    data = ["--data", str(small_market_dir)]
    result = run("scorecard", "C000001", *data)
    assert result.exit_code == 2
    assert "unknown creator 'C000001'" in result.output and "C0000001" in result.output
    result = run("influencers", "--category", "skin care", *data)
    assert result.exit_code == 2 and "Skincare" in result.output
    result = run("scores", "--market", "XX", *data)
    assert result.exit_code == 2 and "GB" in result.output
    assert "Traceback" not in result.output


def test_scorecard_text_and_json(hand_dir: Path) -> None:
    result = run("scorecard", "A", "--data", str(hand_dir))
    assert result.exit_code == 0, result.output
    text = result.output
    assert "answered 3 of 4 invitations" in text
    assert "median reply 4 h" in text
    assert "Cooperation: 100 / 100" in text
    assert "To raise it" in text
    assert "Skincare" in text
    card = json.loads(run("scorecard", "@citra", "--data", str(hand_dir), "--format", "json").stdout)
    assert card["creator_id"] == "C"
    assert all(not c["available"] and c["score"] is None for c in card["cards"])


def test_influencers(small_market_dir: Path) -> None:
    result = run("influencers", "--category", "beauty.skincare", "--data", str(small_market_dir),
                 "--top", "5", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert 0 < len(rows) <= 5
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    raws = [r["influence_raw"] for r in rows]
    assert raws == sorted(raws, reverse=True)
    assert all(0 < r["influence"] <= 100 and r["activity_share"] > 0 for r in rows)
    by_market = run("influencers", "--category", "beauty.skincare", "--market", "ID", "--data", str(small_market_dir))
    assert by_market.exit_code == 0 and "ID" in by_market.output
