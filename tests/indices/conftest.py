"""Fixtures of the index tests: a tiny hand-computed market and a generated one."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from creatormatch.data.contract import SPECS

# A tiny market whose index inputs are worked out by hand in test_indices_hand.py.
#
#   creator A (ID): 4 invitations -- 2 completed (X), 1 declined (Y), 1 expired (Y);
#                   3 own videos two days apart + 1 deliverable
#   creator B (ID): 3 invitations, all expired; a single own video
#   creator C (ID): nothing at all
#   creator D (GB): 1 invitation still open
HAND = {
    "categories": [
        {"category_id": "beauty", "name": "Beauty", "parent_id": ""},
        {"category_id": "beauty.skincare", "name": "Skincare", "parent_id": "beauty"},
        {"category_id": "food", "name": "Food", "parent_id": ""},
    ],
    "creators": [
        {"creator_id": "A", "handle": "anna", "market": "ID", "followers": "1000", "joined_at": "",
         "rate_per_video": "", "primary_category": "beauty.skincare"},
        {"creator_id": "B", "handle": "budi", "market": "ID", "followers": "99", "joined_at": "",
         "rate_per_video": "", "primary_category": "food"},
        {"creator_id": "C", "handle": "citra", "market": "ID", "followers": "5000", "joined_at": "",
         "rate_per_video": "", "primary_category": ""},
        {"creator_id": "D", "handle": "dave", "market": "GB", "followers": "100", "joined_at": "",
         "rate_per_video": "", "primary_category": ""},
    ],
    "brands": [
        {"brand_id": "X", "name": "Xylo", "market": "ID", "category_id": "beauty.skincare"},
        {"brand_id": "Y", "name": "Yumm", "market": "ID", "category_id": "food"},
    ],
    "products": [
        {"product_id": "PX", "brand_id": "X", "category_id": "beauty.skincare", "name": "Serum", "price": "10"},
        {"product_id": "PY", "brand_id": "Y", "category_id": "food", "name": "Chips", "price": "2"},
    ],
    "collaborations": [
        # A: completed a day early, replied in 2 h, 2 of 2 delivered, rating 5
        {"collaboration_id": "K1", "brand_id": "X", "creator_id": "A", "invited_at": "2024-01-01T00:00:00",
         "status": "completed", "responded_at": "2024-01-01T02:00:00", "due_at": "2024-01-10T00:00:00",
         "delivered_at": "2024-01-09T00:00:00", "deliverables_promised": "2", "deliverables_delivered": "2",
         "fee": "50", "gmv": "100", "rating": "5"},
        # A: declined Y after 4 h
        {"collaboration_id": "K2", "brand_id": "Y", "creator_id": "A", "invited_at": "2024-01-05T00:00:00",
         "status": "declined", "responded_at": "2024-01-05T04:00:00"},
        # A: X came back; completed two days late, replied in 6 h, 1 of 2 delivered, rating 4
        {"collaboration_id": "K3", "brand_id": "X", "creator_id": "A", "invited_at": "2024-02-01T00:00:00",
         "status": "completed", "responded_at": "2024-02-01T06:00:00", "due_at": "2024-02-10T00:00:00",
         "delivered_at": "2024-02-12T00:00:00", "deliverables_promised": "2", "deliverables_delivered": "1",
         "fee": "50", "gmv": "20", "rating": "4"},
        {"collaboration_id": "K4", "brand_id": "Y", "creator_id": "A", "invited_at": "2024-02-05T00:00:00",
         "status": "expired"},
        {"collaboration_id": "K5", "brand_id": "X", "creator_id": "B", "invited_at": "2024-01-02T00:00:00",
         "status": "expired"},
        {"collaboration_id": "K6", "brand_id": "Y", "creator_id": "B", "invited_at": "2024-01-03T00:00:00",
         "status": "expired"},
        {"collaboration_id": "K7", "brand_id": "Y", "creator_id": "B", "invited_at": "2024-01-04T00:00:00",
         "status": "expired"},
        {"collaboration_id": "K8", "brand_id": "X", "creator_id": "D", "invited_at": "2024-03-01T00:00:00",
         "status": "invited"},
    ],
    "videos": [
        {"video_id": "V1", "creator_id": "A", "posted_at": "2024-01-01T00:00:00", "views": "500", "likes": "40",
         "comments": "5", "shares": "5", "product_id": "PX", "orders": "2", "gmv": "20"},
        {"video_id": "V2", "creator_id": "A", "posted_at": "2024-01-03T00:00:00", "views": "300", "likes": "20",
         "comments": "0", "shares": "0"},
        {"video_id": "V3", "creator_id": "A", "posted_at": "2024-01-05T00:00:00", "views": "100", "likes": "9",
         "comments": "0", "shares": "0"},
        {"video_id": "V4", "creator_id": "A", "posted_at": "2024-01-08T00:00:00", "views": "1000", "likes": "100",
         "comments": "0", "shares": "0", "product_id": "PX", "collaboration_id": "K1", "orders": "8", "gmv": "80"},
        {"video_id": "V5", "creator_id": "B", "posted_at": "2024-01-11T00:00:00", "views": "50", "likes": "1",
         "comments": "0", "shares": "0", "product_id": "PY", "orders": "0", "gmv": "0"},
    ],
}


def write_dataset(root: Path, tables: dict[str, list[dict[str, str]]], *, skip: tuple[str, ...] = ()) -> Path:
    """Write ``tables`` as contract CSV files into ``root`` (missing cells are empty)."""
    root.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        if name in skip:
            continue
        columns = [c.name for c in SPECS[name].columns]
        with open(root / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([row.get(c, "") for c in columns])
    return root


@pytest.fixture
def hand_tables() -> dict[str, list[dict[str, str]]]:
    """A fresh copy of ``HAND`` to modify."""
    return {name: [dict(row) for row in rows] for name, rows in HAND.items()}


@pytest.fixture
def write_tables():
    """``write_tables(root, tables, skip=())``: write contract CSV files (see ``write_dataset``)."""
    return write_dataset


@pytest.fixture
def hand_dir(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "hand", HAND)


@pytest.fixture
def hand_no_videos(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "hand_novideos", HAND, skip=("videos",))


@pytest.fixture(scope="session")
def market_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated market of 3,000 creators and 150 brands (with its truth file)."""
    from creatormatch.synthetic.generator import generate_market

    out = tmp_path_factory.mktemp("market3k")
    generate_market(out, 3000, 150, seed=2026)
    return out


@pytest.fixture(scope="session")
def small_market_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated market of 400 creators (row-order and CLI tests)."""
    from creatormatch.synthetic.generator import generate_market

    out = tmp_path_factory.mktemp("market400")
    generate_market(out, 400, 30, seed=7)
    return out
