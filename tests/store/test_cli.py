"""The ``creatormatch neo4j`` commands against the real server (CliRunner)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from creatormatch.cli import cli
from creatormatch.data.loader import load_dataset

pytestmark = pytest.mark.neo4j


def run(*args: str):
    result = CliRunner().invoke(cli, ["neo4j", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_schema_load_status(store, valid_dir):
    out = run("schema")
    assert "creator_id" in out and "UNIQUENESS" in out and "creator_market" in out
    out = run("load", "--data", str(valid_dir))
    assert "Loaded" in out and "Creator 4" in out and "INVITED 4" in out
    again = run("load", "--data", str(valid_dir), "--batch-size", "1")
    assert again.splitlines()[-2:] == out.splitlines()[-2:]  # the same counts
    status = run("status")
    assert "5.26" in status and "gds" in status and "apoc" in status
    assert load_dataset(valid_dir).fingerprint in status and "last load complete" in status


def test_a_missing_dataset_folder_is_exit_2(store, tmp_path):
    result = CliRunner().invoke(cli, ["neo4j", "load", "--data", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "dataset folder not found" in result.output
