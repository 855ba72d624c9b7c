"""Fixtures for the graph tests: a tiny hand-written market and a small generated one."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from creatormatch.data.loader import load_dataset

TINY = {
    "categories": (["category_id", "name", "parent_id"], [
        ["K1", "Beauty", ""], ["K1a", "Skincare", "K1"], ["K2", "Tech", ""],
    ]),
    "creators": (["creator_id", "handle", "market", "followers", "primary_category", "rate_per_video"], [
        ["C1", "@one", "ID", "1000", "K1a", "50"], ["C2", "@two", "ID", "5000", "K1", ""],
        ["C3", "@three", "ID", "200", "K2", "10"], ["C4", "@four", "MY", "90000", "", "900"],
    ]),
    "brands": (["brand_id", "name", "market", "category_id"], [
        ["B1", "Glow", "ID", "K1a"], ["B2", "Gadget", "ID", "K2"], ["B3", "Lonely", "MY", ""],
    ]),
    "products": (["product_id", "brand_id", "category_id", "name"], [
        ["P1", "B1", "K1a", "Serum"], ["P2", "B2", "K2", "Charger"],
    ]),
    "campaigns": (["campaign_id", "brand_id", "product_id", "category_id", "start_date"], [
        ["M1", "B1", "P1", "K1a", "2024-01-01"],
    ]),
    "collaborations": (["collaboration_id", "brand_id", "creator_id", "campaign_id", "invited_at", "status", "gmv",
                        "rating"], [
        ["X1", "B1", "C1", "M1", "2024-01-02T00:00:00", "completed", "100", "5"],
        ["X2", "B1", "C1", "", "2024-03-02T00:00:00", "completed", "300", ""],
        ["X3", "B1", "C2", "M1", "2024-01-03T00:00:00", "accepted", "", ""],
        ["X4", "B2", "C2", "", "2024-01-04T00:00:00", "completed", "200", "1"],
        ["X5", "B2", "C3", "", "2024-01-05T00:00:00", "declined", "", ""],
    ]),
    "videos": (["video_id", "creator_id", "posted_at", "product_id"], [
        ["V1", "C1", "2024-02-01T00:00:00", "P1"], ["V2", "C1", "2024-02-02T00:00:00", "P1"],
        ["V3", "C3", "2024-02-03T00:00:00", "P2"], ["V4", "C4", "2024-02-04T00:00:00", ""],
    ]),
}


def write_tiny_market(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    for name, (header, rows) in TINY.items():
        with open(out / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows(rows)
    return out


@pytest.fixture(scope="session")
def tiny_market(tmp_path_factory):
    return load_dataset(write_tiny_market(tmp_path_factory.mktemp("tiny")))


@pytest.fixture(scope="session")
def small_market(tmp_path_factory):
    from creatormatch.synthetic.generator import generate_market

    out = tmp_path_factory.mktemp("small")
    generate_market(out, 600, 40, seed=3)
    return load_dataset(out)
