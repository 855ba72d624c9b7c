"""Partial real-world data: honest "not available" with the precise reason, per-creator
observation windows, and cooperation on mention-only data -- on hand-made datasets."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from creatormatch.cli import cli
from creatormatch.data.loader import load_dataset
from creatormatch.indices import compute_indices, scorecard

T0 = datetime(2024, 6, 1)


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S")


def _creator(cid: str, **extra: str) -> dict[str, str]:
    return {"creator_id": cid, "handle": cid.lower(), "market": "ID", "followers": "1000", **extra}


def _posts(cid: str, days: list[float], **cells: str) -> list[dict[str, str]]:
    return [{"video_id": f"{cid}-{i}", "creator_id": cid, "posted_at": _iso(T0 + timedelta(days=d)), **cells}
            for i, d in enumerate(days)]


def _run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def scraped(tmp_path: Path, write_tables) -> Path:
    """Posts of a 'last 10 posts' scrape, no products, no views, mention-only collaborations.

    P and Q post every 2 days (P's last ten end on day 100, Q's on day 40: Q went quiet);
    R posts every 6 days; an old pinned post of S on day -2400 stretches the dataset's span.
    P tagged three brands once each, Q tagged one brand three times, R none.
    """
    creators = [_creator(c) for c in ("P", "Q", "R", "S")]
    videos = (_posts("P", [82 + 2 * i for i in range(10)], likes="10", comments="1")
              + _posts("Q", [22 + 2 * i for i in range(10)], likes="10", comments="1")
              + _posts("R", [46 + 6 * i for i in range(10)], likes="10", comments="1")
              + _posts("S", [-2400] + [90 + i for i in range(9)], likes="10", comments="1"))
    brands = [{"brand_id": b, "name": b, "market": "ID"} for b in ("LUX1", "LUX2", "LUX3")]
    collabs = [{"collaboration_id": f"M{i}", "brand_id": b, "creator_id": c, "invited_at": _iso(T0 + timedelta(days=d)),
                "status": "completed"}
               for i, (c, b, d) in enumerate([("P", "LUX1", 84), ("P", "LUX2", 90), ("P", "LUX3", 96),
                                              ("Q", "LUX1", 24), ("Q", "LUX1", 30), ("Q", "LUX1", 36)])]
    return write_tables(tmp_path / "scraped",
                        {"creators": creators, "brands": brands, "collaborations": collabs, "videos": videos})


def test_no_products_makes_diligence_not_available(scraped: Path) -> None:
    ix = compute_indices(load_dataset(scraped))
    d = ix.diligence
    assert not d.available and np.isnan(d.score).all()          # never 50 for everyone
    assert d.reason.startswith("no products")
    assert ix.sales_uplift.reason.startswith("no products")


def test_videos_without_views_say_no_views(scraped: Path) -> None:
    dataset = load_dataset(scraped)
    ix = compute_indices(dataset)
    assert not ix.content_success.available and ix.content_success.reason.startswith("no views")
    card = scorecard(dataset, ix, 0).to_dict()
    success = next(c for c in card["cards"] if c["name"] == "content_success")
    assert success["reason"].startswith("no views") and "not part of this dataset" not in success["facts"][0]
    diligence = next(c for c in card["cards"] if c["name"] == "diligence")
    assert diligence["reason"].startswith("no products")


def test_reasons_in_scores_and_scorecard_cli(scraped: Path) -> None:
    res = _run("scores", "--data", str(scraped), "--format", "json")
    assert res.exit_code == 0
    rows = json.loads(res.stdout)
    for row in rows:
        assert row["diligence_index"] is None and row["not_available"]["diligence_index"].startswith("no products")
        assert row["not_available"]["content_success"].startswith("no views")
    table = _run("scores", "--data", str(scraped))
    assert "diligence is not available in this dataset: no products" in table.output
    assert "content_success is not available in this dataset: no views" in table.output
    card = _run("scorecard", "P", "--data", str(scraped))
    assert "Diligence: not available" in card.stdout and "not available: no products" in card.stdout
    assert "not available: no views" in card.stdout and "videos.csv is not part" not in card.stdout


def test_last_ten_posts_give_equal_volume_at_equal_rate(scraped: Path) -> None:
    ix = compute_indices(load_dataset(scraped))
    v = ix.content_volume
    P, Q, R = 0, 1, 2
    # 9 waits of 2 days in 18 days: one post per 2 days for both, whatever span they cover
    assert v.components["videos_per_week"][P] == pytest.approx(3.5)
    assert v.components["videos_per_week"][Q] == pytest.approx(3.5)
    assert v.components["videos_per_week"][R] == pytest.approx(7 / 6)
    assert v.score[P] == v.score[Q] and v.raw[P] == pytest.approx(v.raw[Q])
    assert v.score[R] < v.score[P]


def test_declared_window_counts_every_post_in_it(tmp_path: Path, write_tables) -> None:
    """A declared scrape window: posts inside count (none opens it), outside ones do not."""
    creators = [_creator("A", observed_from=_iso(T0), observed_to=_iso(T0 + timedelta(days=20))),
                _creator("B")]
    videos = _posts("A", [0, 5, 10, 30]) + _posts("B", [0, 5, 10])
    brands = [{"brand_id": "X", "name": "X", "market": "ID"}]
    collabs = [{"collaboration_id": "K", "brand_id": "X", "creator_id": "B", "invited_at": _iso(T0),
                "status": "completed"}]
    root = write_tables(tmp_path / "declared",
                        {"creators": creators, "brands": brands, "collaborations": collabs, "videos": videos})
    c = compute_indices(load_dataset(root)).content_volume.components
    assert c["window_days"][0] == pytest.approx(20.0) and c["window_posts"][0] == 3.0    # day 30 is outside
    # B: opened by its first post (and an invitation at the same time): 2 posts in 10 days
    assert c["window_days"][1] == pytest.approx(10.0) and c["window_posts"][1] == 2.0


def test_mention_only_cooperation(scraped: Path) -> None:
    ix = compute_indices(load_dataset(scraped))
    co = ix.cooperation
    P, Q, R, S = range(4)
    assert co.available
    # every creator seen posting has a value: tagging no brand is evidence, not "nothing known"
    assert not np.isnan(co.score).any()
    assert co.evidence.tolist() == [13, 13, 10, 10]
    # three brands once each beat one brand three times, which beats none; never 0 for P
    assert co.raw[P] > co.raw[Q] > co.raw[R] == pytest.approx(co.raw[S])
    assert co.score[P] == 100.0
    assert co.components["collaboration_rate_per_post"].tolist() == [0.3, 0.3, 0.0, 0.0]
    assert co.components["brand_rate_per_post"].tolist() == [0.3, 0.1, 0.0, 0.0]


def test_invitations_all_open_say_so(tmp_path: Path, write_tables) -> None:
    root = write_tables(tmp_path / "open", {
        "creators": [_creator("A")], "brands": [{"brand_id": "X", "name": "X", "market": "ID"}],
        "collaborations": [{"collaboration_id": "K", "brand_id": "X", "creator_id": "A", "invited_at": _iso(T0),
                            "status": "invited"}]})
    co = compute_indices(load_dataset(root)).cooperation
    assert not co.available and co.reason.startswith("no invitations with an outcome")


def test_a_window_that_ends_before_it_starts_is_refused(tmp_path: Path, write_tables) -> None:
    creators = [_creator("A", observed_from=_iso(T0 + timedelta(days=5)), observed_to=_iso(T0))]
    root = write_tables(tmp_path / "backwards", {
        "creators": creators, "brands": [{"brand_id": "X", "name": "X", "market": "ID"}],
        "collaborations": [{"collaboration_id": "K", "brand_id": "X", "creator_id": "A", "invited_at": _iso(T0),
                            "status": "completed"}]})
    res = _run("validate", str(root))
    assert res.exit_code == 2
    assert "creators.csv:2: column 'observed_to': is before observed_from" in res.output
