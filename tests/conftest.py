"""Shared fixtures: paths to the hand-written datasets, generated markets (made once per
session), the session's model cache and a seeded random generator."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session", autouse=True)
def _session_cache(tmp_path_factory):
    """No test reads or writes the user's ~/.cache/creatormatch: a model or index copy left
    there by another version would change what a command prints.  Tests that need their own
    cache still set CREATORMATCH_CACHE themselves (monkeypatch wins over this)."""
    import os

    before = os.environ.get("CREATORMATCH_CACHE")
    os.environ["CREATORMATCH_CACHE"] = str(tmp_path_factory.mktemp("creatormatch-cache"))
    yield
    if before is None:
        os.environ.pop("CREATORMATCH_CACHE", None)
    else:
        os.environ["CREATORMATCH_CACHE"] = before


@pytest.fixture(scope="session")
def partial_copy():
    """``benchmarks/partial_data.derive(market, out, kind)``: a copy of a generated market with
    the invitation outcomes (``outcomes``) or everything but posts and mentions (``posts``)
    left out -- a benchmark tool, imported from its folder."""
    import sys

    folder = str(Path(__file__).resolve().parents[1] / "benchmarks")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    from partial_data import derive

    return derive


@pytest.fixture(scope="session")
def generated_market(tmp_path_factory):
    """Factory ``generated_market(n_creators, n_brands, seed, **options) -> Path``: the folder
    of ``synthetic.generate_market`` with those arguments, generated once per test session
    and shared by every test folder that asks for the same market.  The folder is shared:
    a test that changes files copies it first (``shutil.copytree``)."""
    made: dict[tuple, Path] = {}

    def make(n_creators: int, n_brands: int, seed: int, **options) -> Path:
        key = (n_creators, n_brands, seed, tuple(sorted(options.items())))
        if key not in made:
            from creatormatch.synthetic.generator import generate_market

            out = tmp_path_factory.mktemp(f"market-{n_creators}-{n_brands}-{seed}") / "market"
            generate_market(out, n_creators, n_brands, seed=seed, **options)
            made[key] = out
        return made[key]

    return make


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261127)


@pytest.fixture
def valid_dir() -> Path:
    return DATA / "valid"


@pytest.fixture
def data_root() -> Path:
    """``tests/data``: the hand-written datasets."""
    return DATA


@pytest.fixture
def overlay(tmp_path: Path):
    """Make a copy of ``tests/data/valid`` with the files of ``tests/data/<part>`` laid over it."""

    def make(*parts: str) -> Path:
        out = tmp_path / "dataset"
        shutil.copytree(DATA / "valid", out)
        for part in parts:
            for f in (DATA / part).iterdir():
                shutil.copy(f, out / f.name)
        return out

    return make
