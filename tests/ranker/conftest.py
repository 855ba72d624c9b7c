"""Fixtures for the learned ranker: one small generated market and a ranker trained on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from creatormatch.data.loader import load_dataset
from creatormatch.ranker.train import RankerParams, build_with_ranker

#: small and quick: one objective, small trees, few rounds (the defaults are for real data);
#: the residual trees always trained, so the tests read them (``auto`` leaves them out when
#: there is an acceptance model; ``learned_default`` below)
QUICK = RankerParams(horizon_days=90.0, cuts=3, objectives=("binary",), num_leaves=(15,), max_rounds=120,
                     early_stopping_rounds=20, candidates=100, residual_trees="on")


@pytest.fixture(scope="session")
def ranker_market_dir(generated_market) -> Path:
    return generated_market(1200, 60, seed=11)


@pytest.fixture(scope="session")
def ranker_market(ranker_market_dir):
    return load_dataset(ranker_market_dir)


@pytest.fixture(scope="session")
def learned(ranker_market):
    """A ``Matcher`` whose model carries a trained ranker."""
    matcher = build_with_ranker(ranker_market, params=QUICK)
    assert matcher.use_ranker, "the ranker must train on this market"
    return matcher


@pytest.fixture(scope="session")
def learned_default(ranker_market):
    """A ``Matcher`` with the ranker trained as ``build`` trains it (``residual_trees`` auto)."""
    from dataclasses import replace

    matcher = build_with_ranker(ranker_market, params=replace(QUICK, residual_trees="auto"))
    assert matcher.use_ranker, "the ranker must train on this market"
    return matcher


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    """Never touch the user's ~/.cache during tests."""
    monkeypatch.setenv("CREATORMATCH_CACHE", str(tmp_path / "cache"))
