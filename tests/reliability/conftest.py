"""Shared helpers of the reliability tests: run the real ``creatormatch`` program in a
subprocess (its own cache folder, no debug tracebacks), measure a command's peak memory,
and write large synthetic datasets quickly."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from creatormatch.synthetic.generator import generate_market

TESTS = Path(__file__).resolve().parents[1]
DATA = TESTS / "data"

#: Runs the command given as its arguments, then writes the command's peak RSS (bytes) to
#: the file named by $CM_PEAK_FILE.  The wrapper is the only child of itself, so
#: RUSAGE_CHILDREN is exactly the peak of the command (not of every process pytest started).
_MEASURE = (
    "import os, resource, subprocess, sys\n"
    "rc = subprocess.run(sys.argv[1:]).returncode\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024\n"  # KiB on Linux
    "open(os.environ['CM_PEAK_FILE'], 'w').write(str(peak))\n"
    "sys.exit(rc)\n"
)

GIB = 1 << 30


@dataclass
class Run:
    """A finished ``creatormatch`` process."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    peak_rss: int | None = None

    def __str__(self) -> str:
        return (f"creatormatch {' '.join(self.args)} -> exit {self.returncode}\n"
                f"--- stdout\n{self.stdout[-3000:]}\n--- stderr\n{self.stderr[-3000:]}")


def cli_env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "CREATORMATCH_DEBUG"}
    env["CREATORMATCH_CACHE"] = str(cache)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def command(*args: str) -> list[str]:
    """The argv that runs ``creatormatch ARGS`` with the interpreter running the tests."""
    return [sys.executable, "-m", "creatormatch", *map(str, args)]


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def cm(cache_dir: Path, tmp_path: Path):
    """``cm(*args, timeout=..., measure=False) -> Run``: run the real program and wait."""

    def run(*args: str, timeout: float = 300, measure: bool = False) -> Run:
        env = cli_env(cache_dir)
        argv = command(*args)
        peak_file = tmp_path / "peak_rss"
        if measure:
            env["CM_PEAK_FILE"] = str(peak_file)
            argv = [sys.executable, "-c", _MEASURE, *argv]
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=timeout, cwd=tmp_path)
        peak = int(peak_file.read_text()) if measure else None
        return Run([str(a) for a in args], proc.returncode, proc.stdout, proc.stderr, peak)

    return run


@pytest.fixture(scope="module")
def small_market(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic market (300 creators, 20 brands)."""
    out = tmp_path_factory.mktemp("market_a")
    generate_market(out, 300, 20, seed=1)
    return out


@pytest.fixture(scope="module")
def other_market(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another market of the same shape (other seed: other data, other fingerprint)."""
    out = tmp_path_factory.mktemp("market_b")
    generate_market(out, 300, 20, seed=2)
    return out


@pytest.fixture
def overlay_broken(tmp_path: Path):
    """``overlay_broken(name)``: tests/data/valid with tests/data/broken/NAME laid over it."""

    def make(name: str) -> Path:
        out = tmp_path / f"broken-{name}"
        shutil.copytree(DATA / "valid", out)
        for f in (DATA / "broken" / name).iterdir():
            shutil.copy(f, out / f.name)
        return out

    return make


# --------------------------------------------------------------------------- big CSVs


def ids(prefix: str, n: int, width: int) -> np.ndarray:
    """``prefix`` + zero-padded numbers, e.g. ``C000007`` (vectorised)."""
    return np.char.add(prefix, np.char.zfill(np.arange(n).astype(str), width))


def write_csv(path: Path, columns: dict[str, np.ndarray | str]) -> None:
    """Write columns (arrays of one length, or a scalar repeated) as a CSV without quoting.

    Values must not contain commas, quotes or line breaks (the caller's ids and numbers)."""
    n = max(len(v) for v in columns.values() if not isinstance(v, str))
    cols = [np.full(n, v) if isinstance(v, str) else np.asarray(v).astype(str) for v in columns.values()]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        np.savetxt(fh, np.column_stack(cols), fmt="%s", delimiter=",", header=",".join(columns), comments="")
