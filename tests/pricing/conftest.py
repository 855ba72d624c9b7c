"""Fixtures of the pricing tests: a generated CI-sized market with its truth."""

from __future__ import annotations

from pathlib import Path

import pytest

from creatormatch.synthetic.generator import generate_market
from creatormatch.data.loader import load_dataset
from creatormatch.synthetic.truth import load_truth


@pytest.fixture(scope="session")
def default_market(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generator's default market (2,000 creators, 100 brands, seed 42, defaults otherwise)."""
    out = tmp_path_factory.mktemp("pricing_market")
    generate_market(out, 2000, 100, seed=42)
    return out


@pytest.fixture(scope="session")
def default_data(default_market: Path):
    return load_dataset(default_market), load_truth(default_market)
