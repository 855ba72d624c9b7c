"""The Neo4j server crashes in the middle of ``creatormatch neo4j load`` and comes back: running
the load again leaves exactly the dataset -- every node and relationship count equals the
CSV counts, nothing lost, nothing duplicated.

This stops and restarts the suite's real local server (``scripts/neo4j-local``), so it runs
last in the store tests and waits until the server answers again before it ends.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from creatormatch.synthetic.generator import generate_market
from creatormatch.data.loader import load_dataset
from creatormatch.store import graph_counts

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
SERVER = REPO / "scripts" / "neo4j-local"


def _server(action: str) -> None:
    # after a crash the server first replays the transaction log since its last checkpoint
    # (every 15 minutes): minutes, after a long session of loads
    env = {**os.environ, "NEO4J_START_TIMEOUT": "600"}
    proc = subprocess.run([str(SERVER), action], capture_output=True, text=True, timeout=700, env=env)
    assert proc.returncode == 0, f"neo4j-local {action} failed: {proc.stdout}{proc.stderr}"


def _kill_server() -> None:
    """Kill the server process outright (a crash, not a graceful stop that would let the
    load's last transactions finish first)."""
    import signal

    home = Path(os.environ.get("NEO4J_HOME_DIR", REPO / ".neo4j"))
    pid = int("".join(ch for ch in (home / "neo4j.pid").read_text() if ch.isdigit()))
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.2)


@pytest.mark.skipif(not SERVER.is_file(), reason="needs the local server script")
def test_load_interrupted_by_a_server_crash_completes_exactly_when_run_again(store, tmp_path: Path) -> None:
    data = tmp_path / "market"
    generate_market(data, 8000, 400, seed=9, videos_per_creator=6, invitations_per_creator=20)
    ds = load_dataset(data)
    load = [sys.executable, "-m", "creatormatch", "neo4j", "load", "--data", str(data)]

    first = subprocess.Popen(load, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(4.0)  # the schema is in and batches are flowing
        assert first.poll() is None, "the load ended before the crash; make the market larger"
        _kill_server()
        out, err = first.communicate(timeout=300)
        assert first.returncode == 2, err  # one clear error line, no traceback
        assert "Traceback" not in err
    finally:
        if first.poll() is None:
            first.kill()
        _server("start")  # always: the rest of the suite needs the server

    again = subprocess.run(load, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    nodes, rels = graph_counts(store)
    assert nodes["Creator"] == len(ds.creators) and nodes["Brand"] == len(ds.brands)
    assert nodes["Product"] == len(ds.products) and nodes["Campaign"] == len(ds.campaigns)
    assert nodes["Category"] == len(ds.categories)
    assert rels["INVITED"] == len(ds.collaborations)
    assert rels["SELLS"] == len(ds.products) and rels["RUNS"] == len(ds.campaigns)
    # and once more: idempotent
    subprocess.run(load, capture_output=True, text=True, timeout=600, check=True)
    assert graph_counts(store) == (nodes, rels)
