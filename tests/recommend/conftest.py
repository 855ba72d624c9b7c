"""Fixtures for the matching tests: a small generated market and a matcher built on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from creatormatch.data.generator import generate_market
from creatormatch.data.loader import load_dataset
from creatormatch.recommend import Matcher


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
