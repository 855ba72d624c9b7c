"""Fixtures of the pricing tests: a generated CI-sized market with its truth."""

from __future__ import annotations

from pathlib import Path

import pytest

from creatormatch.data.loader import load_dataset
from creatormatch.synthetic.truth import load_truth


@pytest.fixture(scope="session")
def default_market(generated_market) -> Path:
    """The generator's default market (2,000 creators, 100 brands, seed 42, defaults otherwise),
    the same folder as the evaluation tests' (``generated_market``)."""
    return generated_market(2000, 100, seed=42)


@pytest.fixture(scope="session")
def default_data(default_market: Path):
    return load_dataset(default_market), load_truth(default_market)
