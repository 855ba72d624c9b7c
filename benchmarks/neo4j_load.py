"""Load throughput into Neo4j: batched ``UNWIND $rows ... MERGE`` against naive row-by-row MERGE.

Generates a small synthetic market (or takes ``--data DIR``), then on the running server
(``NEO4J_*`` settings, default the local one from ``scripts/neo4j-local start``):

1. **batched**: empties the graph and runs the real loader (``creatormatch.store.load_graph``),
   timing every step; relationships/s = relationships created / seconds.  The first
   ("cold") run also compiles the queries and warms the server's JIT; the graph is then
   emptied and the load timed again ("warm", the steady state a long load runs at), with
   ``--workers`` connections (the default of ``creatormatch neo4j load``) and with one.
   Then the same data is loaded again over itself ("reload": every MERGE finds its
   node or relationship and updates it), which is what a daily refresh does.
2. **naive**: empties the graph, loads the nodes the collaborations link (batched, not
   timed), then sends ``--naive-rows`` collaborations one per transaction -- the same
   ``load/collaborations.cypher`` query with a one-row batch, i.e. one MERGE, one round
   trip and one commit per relationship, as a row-by-row client would.

3. **server ceiling**: the server alone creates relationships like INVITED (same number of
   properties, no parameters sent, plain CREATE) from the loaded nodes -- an upper bound
   no client can beat on this machine at this moment.

It reports relationships/s of the whole batched load, of its INVITED step alone, of the
naive INVITED load and of the server ceiling, and the ratio batched/naive on the same
INVITED relationships.
It also says whether the driver's Rust packer (``neo4j-rust-ext``) is installed: without
it, packing the parameters in Python is about half of the client's time.

    python benchmarks/neo4j_load.py                          # 20,000 creators, ~200k collaborations
    python benchmarks/neo4j_load.py --creators 5000 --brands 250 --json results.json
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

from creatormatch.synthetic.generator import generate_market
from creatormatch.data.loader import load_dataset
from creatormatch.store import StoreConfig, connect, cypher, graph_counts, load_graph, wipe_graph
from creatormatch.store import rows as R
from creatormatch.store.loader import DEFAULT_BATCH_SIZE, DEFAULT_WORKERS, apply_schema, load_plan


def _rels(store) -> int:
    return sum(graph_counts(store)[1].values())


def batched(store, dataset, batch_size: int, workers: int, wipe: bool = True) -> dict:
    if wipe:
        wipe_graph(store)
    apply_schema(store)
    marks: dict[str, float] = {}
    start = {}

    def progress(step: str, done: int, total: int) -> None:
        now = time.perf_counter()
        start.setdefault(step, now)
        marks[step] = now - start[step]

    began = time.perf_counter()
    summary = load_graph(store, dataset, batch_size=batch_size, progress=progress, schema=False, workers=workers)
    seconds = time.perf_counter() - began
    nodes, rels = graph_counts(store)
    total_rels = sum(rels.values())
    invited = rels.get("INVITED", 0)
    # the INVITED step's time runs from its first progress call (rows built) to its last batch
    invited_seconds = marks.get("collaborations", float("nan"))
    return {
        "workers": workers, "seconds": round(seconds, 3), "rows": summary.total_rows, "retries": summary.retries, "transactions": summary.transactions,
        "nodes": sum(nodes.values()), "relationships": total_rels,
        "relationships_per_s": round(total_rels / seconds, 1),
        "invited": invited, "invited_seconds": round(invited_seconds, 3),
        "invited_per_s": round(invited / invited_seconds, 1) if invited_seconds else None,
        "steps_seconds": {k: round(v, 3) for k, v in marks.items()},
    }


def _median(runs: list[dict]) -> dict:
    """The run of median duration (the upper one of an even count)."""
    return sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]


def naive(store, dataset, n_rows: int) -> dict:
    wipe_graph(store)
    apply_schema(store)
    plan = [s for s in load_plan(dataset) if s.name in ("categories", "category_parents", "creators", "brands", "products", "campaigns")]
    for step in plan:  # the end nodes, batched and not timed
        query = cypher(step.query)
        for batch in R.batches(step.rows(None), 5_000):
            store.write(query, rows=batch)
    rows = list(itertools.islice(R.collaboration_rows(dataset), n_rows))
    query = cypher("load/collaborations")
    began = time.perf_counter()
    for row in rows:  # one MERGE, one round trip, one commit per relationship
        store.write(query, rows=[row])
    seconds = time.perf_counter() - began
    return {"rows": len(rows), "seconds": round(seconds, 3), "invited_per_s": round(len(rows) / seconds, 1)}


#: Server-side only: relationships with INVITED's properties between existing nodes, from
#: nothing but two numbers (a benchmark query, not part of the library's .cypher files).
CEILING_QUERY = """
MATCH (b:Brand) WITH collect(b) AS brands
MATCH (c:Creator) WITH brands, collect(c) AS creators
UNWIND range(0, $n - 1) AS i
WITH brands[i % size(brands)] AS b, creators[(i * 7919) % size(creators)] AS c, i
CREATE (b)-[r:BENCHMARK_INVITED {collaboration_id: 'bench-' + toString(i)}]->(c)
SET r.campaign_id = 'K', r.status = 'accepted', r.deliverables_promised = 1, r.deliverables_delivered = 1,
    r.fee = 1.5, r.gmv = 2.5, r.rating = 4.0, r.invited_at = datetime('2024-03-01T09:00:00Z'),
    r.responded_at = datetime('2024-03-01T10:00:00Z'), r.due_at = datetime('2024-03-10T00:00:00Z'),
    r.delivered_at = datetime('2024-03-09T00:00:00Z')
RETURN count(*) AS rows
"""
CEILING_CLEANUP = "MATCH ()-[r:BENCHMARK_INVITED]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS"


def ceiling(store, n: int, batch: int) -> dict:
    """Relationships/s the server reaches alone (needs the nodes of a batched load)."""
    store.write(CEILING_QUERY, n=min(batch, n))  # compile and warm up
    store.run_autocommit(CEILING_CLEANUP)
    began = time.perf_counter()
    done = 0
    while done < n:
        done += int(store.write(CEILING_QUERY, n=min(batch, n - done))[0]["rows"])
    seconds = time.perf_counter() - began
    store.run_autocommit(CEILING_CLEANUP)
    return {"rows": done, "seconds": round(seconds, 3), "per_s": round(done / seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="dataset folder (default: generate a market)")
    parser.add_argument("--creators", type=int, default=20_000)
    parser.add_argument("--brands", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="connections writing at once")
    parser.add_argument("--naive-rows", type=int, default=2_000, help="collaborations sent one by one")
    parser.add_argument("--repeat", type=int, default=3,
                        help="timed warm loads per setting; the median one is reported")
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
    packer = "Rust (neo4j-rust-ext)" if rust else "pure Python (pip install neo4j-rust-ext packs ~4x faster)"
    print(f"driver packer: {packer}")
    with connect(StoreConfig.from_env()) as store:
        cold = batched(store, dataset, args.batch_size, args.workers)
        runs = {"single": [], "parallel": []}
        for _ in range(max(args.repeat, 1)):  # alternate, so a slow spell hits both settings
            runs["single"].append(batched(store, dataset, args.batch_size, 1))
            runs["parallel"].append(batched(store, dataset, args.batch_size, args.workers))
        single, b = _median(runs["single"]), _median(runs["parallel"])
        reload = batched(store, dataset, args.batch_size, args.workers, wipe=False)
        for label, r in (("cold", cold), ("warm, 1 worker", single), (f"warm, {args.workers} workers", b),
                         (f"reload, {args.workers} workers", reload)):
            retried = f" ({r['retries']} transactions retried)" if r["retries"] else ""
            print(f"batched ({label}): {r['relationships']:,} relationships ({r['nodes']:,} nodes) in "
                  f"{r['seconds']:.1f}s = {r['relationships_per_s']:,.0f} relationships/s; INVITED step "
                  f"{r['invited']:,} in {r['invited_seconds']:.2f}s = {r['invited_per_s']:,.0f}/s{retried}")
        for label, key in (("1 worker", "single"), (f"{args.workers} workers", "parallel")):
            rates = ", ".join(f"{r['relationships_per_s']:,.0f}" for r in runs[key])
            print(f"  warm runs, {label}: {rates} relationships/s (median reported)")
        top = ceiling(store, b["invited"], args.batch_size)
        print(f"ceiling: the server alone creates {top['rows']:,} INVITED-like relationships in "
              f"{top['seconds']:.1f}s = {top['per_s']:,.0f}/s")
        n = naive(store, dataset, args.naive_rows)
        print(f"naive:   {n['rows']:,} INVITED one per transaction in {n['seconds']:.1f}s = {n['invited_per_s']:,.0f}/s")
        ratio = b["invited_per_s"] / n["invited_per_s"]
        print(f"ratio:   batched (warm) INVITED / naive INVITED = {ratio:,.1f}x")
        wipe_graph(store)
    result = {"market": counts, "rust_packer": rust, "batch_size": args.batch_size, "workers": args.workers,
              "batched_cold": cold, "batched_one_worker": single, "batched": b, "reload": reload,
              "warm_runs_per_s": {k: [r["relationships_per_s"] for r in v] for k, v in runs.items()},
              "naive": n, "server_ceiling": top,
              "ratio_invited": round(ratio, 1), "cpus": os.cpu_count(), "load_average": os.getloadavg(),
              "python": platform.python_version()}
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    print(json.dumps({"relationships_per_s": b["relationships_per_s"], "invited_per_s": b["invited_per_s"],
                      "one_worker_relationships_per_s": single["relationships_per_s"],
                      "reload_relationships_per_s": reload["relationships_per_s"],
                      "cold_relationships_per_s": cold["relationships_per_s"], "server_ceiling_per_s": top["per_s"],
                      "naive_per_s": n["invited_per_s"], "ratio": result["ratio_invited"],
                      "load_average": [round(x, 2) for x in os.getloadavg()]}))


if __name__ == "__main__":
    main()
