"""Fixtures for the evaluation tests: a hand-written tiny market and generated markets."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from creatormatch.data import contract

#: A tiny market whose split at 2024-03-01 is worked out by hand in test_protocol.py.
TINY = {
    "categories": [
        ("beauty", "Beauty", ""), ("beauty.skincare", "Skincare", "beauty"), ("beauty.makeup", "Makeup", "beauty"),
        ("fashion", "Fashion", ""),
    ],
    "creators": [
        ("C1", "one", "ID", 1000, "", "", "beauty.skincare"),
        ("C2", "two", "ID", 5000, "", "", "beauty.skincare"),
        ("C3", "three", "ID", 200, "", "", "beauty.makeup"),
        ("C4", "four", "ID", 80000, "", "", "fashion"),
        ("C5", "five", "MY", 3000, "", "", "beauty.skincare"),
        ("C6", "six", "MY", 3000, "", "", "fashion"),
    ],
    "brands": [
        ("B1", "Brand one", "ID", "beauty.skincare"),
        ("B2", "Brand two", "ID", "beauty"),
        ("B3", "Brand three", "MY", "fashion"),
    ],
    # id, brand, creator, campaign, invited_at, status, responded_at
    "collaborations": [
        ("X01", "B1", "C1", "", "2024-01-05T10:00:00", "completed", "2024-01-06T10:00:00"),
        ("X02", "B2", "C2", "", "2024-01-10T10:00:00", "declined", "2024-01-11T10:00:00"),
        ("X03", "B3", "C6", "", "2024-01-02T10:00:00", "completed", "2024-01-03T10:00:00"),
        # invited before the split, accepted after it: open at the split, so a test pair
        ("X04", "B1", "C2", "", "2024-02-27T10:00:00", "accepted", "2024-03-02T10:00:00"),
        ("X05", "B1", "C3", "", "2024-03-05T10:00:00", "accepted", "2024-03-05T12:00:00"),
        # already positive before the split: not a test pair
        ("X06", "B1", "C1", "", "2024-03-10T10:00:00", "completed", "2024-03-10T12:00:00"),
        # creator outside the brand's market: left out and counted
        ("X07", "B1", "C5", "", "2024-03-06T10:00:00", "accepted", "2024-03-06T12:00:00"),
        # B2 had no positive before: a cold-start test brand
        ("X08", "B2", "C4", "", "2024-03-07T10:00:00", "accepted", "2024-03-07T12:00:00"),
        ("X09", "B2", "C3", "", "2024-03-08T10:00:00", "declined", "2024-03-08T12:00:00"),
    ],
}


def write_dataset(root: Path, tables: dict[str, list[tuple]]) -> Path:
    """Write ``tables`` (rows in contract column order, missing trailing cells empty) as CSV files."""
    root.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        cols = [c.name for c in contract.spec(name).columns]
        with open(root / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(cols)
            for row in rows:
                w.writerow(list(row) + [""] * (len(cols) - len(row)))
    return root


@pytest.fixture
def dataset_writer():
    """``write_dataset`` for tests that build their own small market."""
    return write_dataset


@pytest.fixture
def tiny_dir(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "tiny", TINY)


@pytest.fixture(scope="session")
def default_market(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generator's default market: ``creatormatch generate`` without options (2000 creators,
    100 brands, seed 42)."""
    from creatormatch.synthetic.generator import generate_market

    out = tmp_path_factory.mktemp("default_market")
    generate_market(out, 2000, 100, seed=42)
    return out


@pytest.fixture(scope="session")
def small_market(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated market for quick end-to-end checks."""
    from creatormatch.synthetic.generator import generate_market

    out = tmp_path_factory.mktemp("small_market")
    generate_market(out, 600, 40, seed=5)
    return out
