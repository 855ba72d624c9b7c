"""Load throughput into Neo4j: batched ``UNWIND $rows ... MERGE`` against naive row-by-row MERGE.

Generates a small synthetic market (or takes ``--data DIR``), then on the running server
(``NEO4J_*`` settings, default the local one from ``scripts/neo4j-local start``):

1. **batched**: empties the graph and runs the real loader (``creatormatch.store.load_graph``),
   timing every step; relationships/s = relationships created / seconds.
2. **naive**: empties the graph, loads the nodes the collaborations link (batched, not
   timed), then sends ``--naive-rows`` collaborations one per transaction -- the same
   ``load/collaborations.cypher`` query with a one-row batch, i.e. one MERGE, one round
   trip and one commit per relationship, as a row-by-row client would.

It reports relationships/s of the whole batched load, of its INVITED step alone, and of
the naive INVITED load, and the ratio batched/naive on the same INVITED relationships.
It also says whether the driver's Rust packer (``neo4j-rust-ext``) is installed: without
it, packing the parameters in Python is about half of the client's time.

    python benchmarks/neo4j_load.py                          # 5,000 creators, ~50k collaborations
    python benchmarks/neo4j_load.py --creators 20000 --json results.json
    python benchmarks/neo4j_load.py --data datasets/sample

The graph is wiped twice: do not point it at a database you want to keep.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import platform
import tempfile
import time
from pathlib import Path

from creatormatch.data.generator import generate_market
from creatormatch.data.loader import load_dataset
from creatormatch.store import StoreConfig, connect, cypher, graph_counts, load_graph, wipe_graph
from creatormatch.store import rows as R
from creatormatch.store.loader import apply_schema, load_plan


def _rels(store) -> int:
    return sum(graph_counts(store)[1].values())


def batched(store, dataset, batch_size: int) -> dict:
    wipe_graph(store)
    apply_schema(store)
    marks: dict[str, float] = {}
    start = {}

    def progress(step: str, done: int, total: int) -> None:
        now = time.perf_counter()
        start.setdefault(step, now)
        marks[step] = now - start[step]

    began = time.perf_counter()
    summary = load_graph(store, dataset, batch_size=batch_size, progress=progress, schema=False)
    seconds = time.perf_counter() - began
    nodes, rels = graph_counts(store)
    total_rels = sum(rels.values())
    invited = rels.get("INVITED", 0)
    # the INVITED step's time runs from its first progress call (rows built) to its last batch
    invited_seconds = marks.get("collaborations", float("nan"))
    return {
        "seconds": round(seconds, 3), "rows": summary.total_rows, "transactions": summary.transactions,
        "nodes": sum(nodes.values()), "relationships": total_rels,
        "relationships_per_s": round(total_rels / seconds, 1),
        "invited": invited, "invited_seconds": round(invited_seconds, 3),
        "invited_per_s": round(invited / invited_seconds, 1) if invited_seconds else None,
        "steps_seconds": {k: round(v, 3) for k, v in marks.items()},
    }


def naive(store, dataset, n_rows: int) -> dict:
    wipe_graph(store)
    apply_schema(store)
    plan = [s for s in load_plan(dataset) if s.name in ("categories", "category_parents", "creators", "brands", "products", "campaigns")]
    for step in plan:  # the end nodes, batched and not timed
        query = cypher(step.query)
        for batch in R.batches(step.rows(), 5_000):
            store.write(query, rows=batch)
    rows = list(itertools.islice(R.collaboration_rows(dataset), n_rows))
    query = cypher("load/collaborations")
    began = time.perf_counter()
    for row in rows:  # one MERGE, one round trip, one commit per relationship
        store.write(query, rows=[row])
    seconds = time.perf_counter() - began
    return {"rows": len(rows), "seconds": round(seconds, 3), "invited_per_s": round(len(rows) / seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="dataset folder (default: generate a market)")
    parser.add_argument("--creators", type=int, default=5_000)
    parser.add_argument("--brands", type=int, default=250)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batch-size", type=int, default=5_000)
    parser.add_argument("--naive-rows", type=int, default=2_000, help="collaborations sent one by one")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.data
        if folder is None:
            folder = Path(tmp) / "market"
            generate_market(folder, args.creators, args.brands, seed=args.seed, videos_per_creator=10,
                            invitations_per_creator=10)
        dataset = load_dataset(folder)
    counts = {k: len(t) for k, t in dataset.tables.items()}
    rust = importlib.util.find_spec("neo4j._rust") is not None
    print(f"market: {counts}")
    print(f"driver packer: {'Rust (neo4j-rust-ext)' if rust else 'pure Python (pip install neo4j-rust-ext for ~4x faster packing)'}")
    with connect(StoreConfig.from_env()) as store:
        b = batched(store, dataset, args.batch_size)
        print(f"batched: {b['relationships']:,} relationships ({b['nodes']:,} nodes) in {b['seconds']:.1f}s "
              f"= {b['relationships_per_s']:,.0f} relationships/s; INVITED step {b['invited']:,} in "
              f"{b['invited_seconds']:.2f}s = {b['invited_per_s']:,.0f}/s")
        n = naive(store, dataset, args.naive_rows)
        print(f"naive:   {n['rows']:,} INVITED one per transaction in {n['seconds']:.1f}s = {n['invited_per_s']:,.0f}/s")
        ratio = b["invited_per_s"] / n["invited_per_s"]
        print(f"ratio:   batched INVITED / naive INVITED = {ratio:,.1f}x")
        wipe_graph(store)
    result = {"market": counts, "rust_packer": rust, "batch_size": args.batch_size, "batched": b, "naive": n,
              "ratio_invited": round(ratio, 1), "cpus": os.cpu_count(), "load_average": os.getloadavg(),
              "python": platform.python_version()}
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    print(json.dumps({"relationships_per_s": b["relationships_per_s"], "invited_per_s": b["invited_per_s"],
                      "naive_per_s": n["invited_per_s"], "ratio": result["ratio_invited"],
                      "load_average": [round(x, 2) for x in os.getloadavg()]}))


if __name__ == "__main__":
    main()
