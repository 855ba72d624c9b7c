"""Fixtures for the matching tests: a small generated market and a matcher built on it."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pytest

from creatormatch.synthetic.generator import generate_market
from creatormatch.data.loader import load_dataset
from creatormatch.recommend import Matcher


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


@pytest.fixture
def write_csv() -> Callable[[Path, Sequence[str], Iterable[Sequence[object]]], None]:
    """``write_csv(path, header, rows)``: a hand-made contract file for a test dataset."""
    return _write_csv


@pytest.fixture(scope="session")
def market_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("market")
    generate_market(out, 1500, 80, seed=7)
    return out


@pytest.fixture(scope="session")
def market(market_dir):
    return load_dataset(market_dir)


@pytest.fixture(scope="session")
def matcher(market) -> Matcher:
    return Matcher.from_dataset(market)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    """Never touch the user's ~/.cache during tests."""
    monkeypatch.setenv("CREATORMATCH_CACHE", str(tmp_path / "cache"))
