"""Fixtures of the cache tests: a private cache folder, a small market copied per test
with its files dated an hour back (so the metadata check can trust them), and a runner
for the real ``creatormatch`` program."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from creatormatch.synthetic.generator import generate_market

HOUR_NS = 3600 * 10**9


def age(folder: Path, ns: int = HOUR_NS) -> None:
    """Date every file of ``folder`` ``ns`` back (as if written long before the command)."""
    then = time.time_ns() - ns
    for p in folder.iterdir():
        if p.is_file():
            os.utime(p, ns=(then, then))


@pytest.fixture(scope="session")
def small_market_src(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cache_market") / "market"
    generate_market(out, 300, 20, seed=3)
    return out


@pytest.fixture
def market(small_market_src: Path, tmp_path: Path) -> Path:
    out = tmp_path / "market"
    shutil.copytree(small_market_src, out)
    age(out)
    return out


@pytest.fixture
def cache(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CREATORMATCH_CACHE", str(folder))
    return folder


def cli_env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "CREATORMATCH_DEBUG"}
    env["CREATORMATCH_CACHE"] = str(cache)
    return env


def command(*args: object) -> list[str]:
    return [sys.executable, "-m", "creatormatch", *map(str, args)]


@pytest.fixture
def cm(cache: Path, tmp_path: Path):
    """``cm(*args) -> CompletedProcess``: the real program, with the test's cache folder."""

    def run(*args: object, env_cache: Path | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(command(*args), capture_output=True, text=True, timeout=300, cwd=tmp_path,
                              env=cli_env(env_cache or cache))

    return run
