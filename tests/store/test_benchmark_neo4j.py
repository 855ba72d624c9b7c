"""benchmarks/neo4j_load.py runs end to end on a tiny market (a smoke test: nothing is gated)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.neo4j

REPO = Path(__file__).resolve().parents[2]


def test_load_benchmark_runs(store, tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "neo4j_load.py"), "--creators", "100", "--brands", "8",
         "--naive-rows", "20", "--repeat", "1", "--json", str(out)],
        capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(out.read_text())
    assert result["batched"]["relationships"] > 0 and result["batched"]["relationships_per_s"] > 0
    assert result["naive"]["rows"] == 20 and result["ratio_invited"] > 0
    assert "relationships/s" in proc.stdout
