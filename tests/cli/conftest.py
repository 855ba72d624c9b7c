"""A small generated market with a blend-only model in the session cache, for the CLI tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from creatormatch.cli import cli


@pytest.fixture(scope="session")
def small_market(tmp_path_factory) -> Path:
    """300 creators, 30 brands; its model (blend only, fast) is saved where 'match' finds it."""
    from creatormatch.synthetic.generator import generate_market
    from creatormatch.data.loader import load_dataset
    from creatormatch.recommend import Matcher
    from creatormatch.recommend.cache import cache_path

    out = tmp_path_factory.mktemp("cli-market")
    generate_market(out, 300, 30, seed=3)
    dataset = load_dataset(out)
    Matcher.from_dataset(dataset).save(cache_path(dataset.fingerprint))
    return out


@pytest.fixture
def run():
    """``run(*args)``: the command's ``Result`` (stdout and stderr apart)."""

    def invoke(*args: str):
        return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return invoke
