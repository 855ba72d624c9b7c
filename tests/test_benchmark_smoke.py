"""The benchmark harness runs end to end at size S (a smoke test: nothing is timed or gated), and
BENCHMARKS.md is exactly what it renders."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_harness_runs_at_size_s(tmp_path: Path) -> None:
    out, results = tmp_path / "BENCHMARKS.md", tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--sizes", "S", "--quick",
         "--workdir", str(tmp_path / "work"), "--out", str(out), "--json", str(results)],
        capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(results.read_text())
    stages = data["results"]["S"]
    for stage in ("load", "indices", "centrality", "mf", "build", "save_load", "match", "evaluate"):
        assert "error" not in stages[stage], (stage, stages[stage])
        assert stages[stage]["seconds"] > 0 and stages[stage]["peak_rss_mib"] > 0
    assert stages["load"]["rows"]["creators"] == 10_000
    assert stages["match"]["brands"] > 0
    assert "## Size S" in out.read_text()


def test_benchmarks_md_is_what_the_harness_renders(tmp_path: Path) -> None:
    """BENCHMARKS.md is rendered from benchmarks/results.json and benchmarks/NOTES.md (plus the
    planning section, kept in place): a section written into BENCHMARKS.md alone would be lost
    by the next run, so the committed file must be exactly what a re-render gives."""
    out = tmp_path / "BENCHMARKS.md"
    committed = (REPO / "BENCHMARKS.md").read_text(encoding="utf-8")
    out.write_text(committed, encoding="utf-8")          # the planning section is kept from the file
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--render-only", "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert out.read_text(encoding="utf-8") == committed, \
        "BENCHMARKS.md differs from its rendering: move hand-written sections into benchmarks/NOTES.md"
