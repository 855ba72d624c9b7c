"""Fixtures for the Neo4j store tests.

Unit tests here need no server.  Tests marked ``neo4j`` talk to the real local server
(``scripts/neo4j-local start``; ``scripts/test`` starts it).  Without a reachable server
they are skipped locally with the reason, and **fail** when ``CI=true``.  Every test
module that uses ``store`` starts from an empty graph (schema kept).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from creatormatch.data.loader import load_dataset
from creatormatch.data.sample import sample_path
from creatormatch.errors import StoreError


@pytest.fixture(scope="session")
def neo4j_store():
    """One connection for the whole session (``StoreConfig.from_env()``)."""
    from creatormatch.store import StoreConfig, connect

    try:
        store = connect(StoreConfig.from_env())
    except StoreError as exc:
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(f"Neo4j must be reachable in CI (scripts/test starts it): {exc}")
        pytest.skip(f"Neo4j is not reachable: {exc}")
    yield store
    store.close()


@pytest.fixture(scope="module")
def store(neo4j_store):
    """The session's connection, on a graph wiped at the start of the module."""
    from creatormatch.store import wipe_graph

    wipe_graph(neo4j_store)
    return neo4j_store


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return sample_path()


@pytest.fixture(scope="session")
def sample(sample_dir):
    """The bundled sample market, loaded from its CSV folder."""
    return load_dataset(sample_dir)


@pytest.fixture(scope="module")
def loaded_sample(store, sample):
    """The sample loaded into the (wiped) graph once per module; returns the dataset."""
    from creatormatch.store import load_graph

    load_graph(store, sample)
    return sample


def csv_counts(dataset) -> dict[str, int]:
    """Rows per table of a dataset (derived tables included: they become nodes too)."""
    return {name: len(table) for name, table in dataset.tables.items()}
