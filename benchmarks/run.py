"""Market-scale benchmark harness: time and peak memory of every stage at sizes S, M and L.

Usage::

    python benchmarks/run.py --sizes S,M,L [--workdir /tmp/cm-bench] [--out BENCHMARKS.md]
    python benchmarks/run.py --sizes S --quick          # the smoke run the test suite does

Each stage runs in its own process (``--stage NAME``) so its peak RSS is its own.  A stage
process first restores the dataset from a pickle written by the ``load`` stage (set-up, not
timed), then times only its stage.  Side-by-side ratios are measured in the same process on
the same data, so machine noise cancels.  Results go to ``BENCHMARKS.md`` (a table per size)
and ``benchmarks/results.json``.  See ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import pickle
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

SIZES = {  # creators, brands
    "S": (10_000, 1_000),
    "M": (100_000, 10_000),
    "L": (1_000_000, 100_000),
}
STAGES = ["load", "indices", "centrality", "mf", "build", "save_load", "match", "evaluate", "cli"]
#: Stages without a scaling exponent (their time is a sum of unlike parts).
NO_EXPONENT = {"cli"}
#: The CLI commands the ``cli`` stage times as new processes (placeholders filled per market).
CLI_COMMANDS = {
    "match": ["match", "--brand", "BRAND", "--top", "10"],
    "explain": ["explain", "--brand", "BRAND", "--creator", "CREATOR"],
    "similar": ["similar", "--creator", "CREATOR"],
    "scores": ["scores", "--top", "20"],
    "scorecard": ["scorecard", "CREATOR"],
}
MF_FACTORS, MF_ITERATIONS = 64, 15
REPO = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------- helpers


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def _dataset(work: Path):
    with (work / "dataset.pkl").open("rb") as fh:
        return pickle.load(fh)


def _params(**kw):
    from creatormatch.recommend import MatchParams

    return MatchParams(factors=MF_FACTORS, iterations=MF_ITERATIONS, **kw)


# ---------------------------------------------------------------- stages (each in its own process)


def stage_load(data: Path, work: Path, quick: bool) -> dict[str, Any]:
    from creatormatch.data import load_dataset

    seconds, ds = _timed(lambda: load_dataset(data))
    rows = {name: len(t) for name, t in ds.tables.items() if name not in ds.derived}
    with (work / "dataset.pkl").open("wb") as fh:
        pickle.dump(ds, fh, protocol=pickle.HIGHEST_PROTOCOL)
    out: dict[str, Any] = {"seconds": seconds, "rows": rows,
                           "mb_per_s": sum(p.stat().st_size for p in data.glob("*.csv")) / 1e6 / seconds}
    if not quick and rows["creators"] <= 100_000:
        # a plain reader of the same files: csv.reader, every cell kept as a Python string
        import csv

        def plain() -> int:
            n = 0
            for f in sorted(data.glob("*.csv")):
                with f.open(newline="", encoding="utf-8") as fh:
                    n += len(list(csv.reader(fh)))
            return n

        base, _ = _timed(plain)
        out["plain_csv_seconds"] = base
        out["ratio_plain_over_ours"] = base / seconds
    return out


def stage_indices(data: Path, work: Path, quick: bool) -> dict[str, Any]:
    from creatormatch.indices import compute_indices

    ds = _dataset(work)
    seconds, _ = _timed(lambda: compute_indices(ds))
    return {"seconds": seconds}


def stage_centrality(data: Path, work: Path, quick: bool) -> dict[str, Any]:
    from creatormatch.graph.build import build_market_graph
    from creatormatch.graph.centrality import global_pagerank
    from creatormatch.graph.pagerank import pagerank
    from creatormatch.graph.walk import TypedWalk
    from creatormatch.recommend.confidence import confidence_matrix
    from creatormatch.recommend.model import graph_collaboration_weights

    ds = _dataset(work)
    p = _params()
    t_graph, graph = _timed(lambda: build_market_graph(
        ds, collaboration_weights=graph_collaboration_weights(confidence_matrix(ds, p))))
    t_pr, _ = _timed(lambda: global_pagerank(graph, alpha=p.pagerank_alpha))
    walk = TypedWalk(graph)
    rng = np.random.default_rng(0)
    brands = rng.choice(ds.n_brands, size=min(200 if not quick else 20, ds.n_brands), replace=False)
    market = ds.creators["market"]
    scopes = {m: walk.scope(np.flatnonzero(market == m), key=m) for m in np.unique(market)}
    times = []
    for b in brands.tolist():
        scope = scopes.get(str(ds.brands["market"][b]))
        if scope is None or walk.degree["brand"][b] == 0:
            continue
        t, _ = _timed(lambda: walk.scores("brand", b, scope, alpha=p.graph_alpha, steps=p.graph_steps))
        times.append(t * 1000)
    adj = graph.adjacency()
    out: dict[str, Any] = {
        "seconds": t_graph + t_pr, "graph_build_seconds": t_graph, "pagerank_seconds": t_pr,
        "nodes": int(adj.shape[0]), "edges": int(adj.nnz),
        "brand_graph_ms_p50": float(np.percentile(times, 50)) if times else None,
        "brand_graph_ms_p99": float(np.percentile(times, 99)) if times else None,
    }
    if not quick and ds.n_creators <= 100_000:
        import networkx as nx

        t_nx_build, g = _timed(lambda: nx.from_scipy_sparse_array(adj, create_using=nx.DiGraph))
        ours_t, ours = _timed(lambda: pagerank(adj, alpha=0.85, tol=1e-6))
        nx_t, ref = _timed(lambda: nx.pagerank(g, alpha=0.85, tol=1e-6))
        ref_arr = np.array([ref[i] for i in range(adj.shape[0])])
        out.update(networkx_pagerank_seconds=nx_t, networkx_graph_build_seconds=t_nx_build,
                   our_pagerank_seconds=ours_t, ratio_networkx_over_ours=nx_t / ours_t,
                   pagerank_max_abs_diff=float(np.abs(ref_arr - ours).max()))
    return out


def stage_mf(data: Path, work: Path, quick: bool) -> dict[str, Any]:
    import implicit
    from threadpoolctl import threadpool_limits

    from creatormatch.recommend.confidence import confidence_matrix
    from creatormatch.recommend.mf import fit_factors

    ds = _dataset(work)
    p = _params()
    t_conf, conf = _timed(lambda: confidence_matrix(ds, p))
    t_fit, _ = _timed(lambda: fit_factors(conf, p))

    def bare() -> None:
        with threadpool_limits(1, "blas"):
            model = implicit.als.AlternatingLeastSquares(
                factors=p.factors, regularization=p.regularization, alpha=p.alpha,
                iterations=p.iterations, random_state=p.random_state, use_gpu=False)
            model.fit(conf, show_progress=False)

    t_bare, _ = _timed(bare)
    return {"seconds": t_conf + t_fit, "confidence_seconds": t_conf, "fit_seconds": t_fit,
            "bare_implicit_fit_seconds": t_bare, "ratio_ours_over_bare": (t_conf + t_fit) / t_bare,
            "nnz": int(conf.nnz), "factors": p.factors, "iterations": p.iterations}


def stage_build(data: Path, work: Path, quick: bool) -> dict[str, Any]:
    """The whole build a planner runs: load + validate + indices + centrality + MF + save."""
    from creatormatch.data import load_dataset
    from creatormatch.recommend import Matcher

    steps: dict[str, float] = {}
    last = [time.perf_counter(), "start"]

    def progress(message: str) -> None:
        now = time.perf_counter()
        steps[last[1]] = steps.get(last[1], 0.0) + now - last[0]
        last[0], last[1] = now, message

    t0 = time.perf_counter()
    ds = load_dataset(data)
    t_load = time.perf_counter() - t0
    last[0] = time.perf_counter()
    matcher = Matcher.from_dataset(ds, _params(), progress=progress)
    progress("save")
    path = matcher.save(work / "model.npz")
    progress("done")
    steps.pop("start", None)
    steps.pop("done", None)
    total = time.perf_counter() - t0
    return {"seconds": total, "load_seconds": t_load, "steps": steps,
            "model_mib": path.stat().st_size / 2**20}


def stage_save_load(data: Path, work: Path, quick: bool) -> dict[str, Any]:
    from creatormatch.recommend import Matcher

    t_load, matcher = _timed(lambda: Matcher.load(work / "model.npz"))
    t_save, _ = _timed(lambda: matcher.save(work / "model-copy.npz"))
    (work / "model-copy.npz").unlink()
    return {"seconds": t_save + t_load, "save_seconds": t_save, "load_seconds": t_load}


def stage_match(data: Path, work: Path, quick: bool) -> dict[str, Any]:
    import implicit
    from threadpoolctl import threadpool_limits

    from creatormatch.recommend import Matcher

    t_load, matcher = _timed(lambda: Matcher.load(work / "model.npz"))
    t_warm, _ = _timed(matcher.warm_up)
    rng = np.random.default_rng(1)
    n_brands = len(matcher.brand["id"])
    brands = rng.choice(n_brands, size=min(1000 if not quick else 50, n_brands), replace=False)
    times = []
    for b in brands.tolist():
        t, _ = _timed(lambda: matcher.match(b, top=10))
        times.append(t * 1000)
    # bare implicit recommend on the same brands and matrix (no filters, no blend, no reasons)
    f = matcher.model.factors
    conf = matcher.model.confidence
    import scipy.sparse as sp

    user_items = sp.csr_matrix(conf)
    model = implicit.cpu.als.AlternatingLeastSquares(factors=f.brand.shape[1])
    model.user_factors = np.ascontiguousarray(f.brand, dtype=np.float32)
    model.item_factors = np.ascontiguousarray(f.creator, dtype=np.float32)
    bare = []
    with threadpool_limits(1, "blas"):
        for b in brands.tolist():
            t, _ = _timed(lambda: model.recommend(b, user_items[b], N=10))
            bare.append(t * 1000)
    p50, p99 = float(np.percentile(times, 50)), float(np.percentile(times, 99))
    return {"seconds": float(np.sum(times)) / 1000, "model_load_seconds": t_load, "warm_up_seconds": t_warm,
            "brands": len(times), "match_ms_p50": p50, "match_ms_p99": p99,
            "bare_recommend_ms_p50": float(np.percentile(bare, 50)),
            "ratio_match_over_bare_p50": p50 / float(np.percentile(bare, 50))}


def stage_evaluate(data: Path, work: Path, quick: bool) -> dict[str, Any]:
    from creatormatch.evaluate import run_evaluation

    ds = _dataset(work)
    models = ["popularity", "als", "graph", "blend"] if not quick else ["popularity", "blend"]
    seconds, result = _timed(lambda: run_evaluation(ds, models=models, ks=[10], tune=False))
    return {"seconds": seconds, "models": models,
            "ndcg@10": {m: result["models"][m]["ndcg@10"] for m in models}}


def _cli_run(args: list[str], cache: Path) -> tuple[float, float, int]:
    """Run ``creatormatch ARGS`` as a new process: (wall seconds, peak RSS MiB, exit code).

    The peak RSS is the child's own (``wait4`` rusage), not this process's.  The child may
    write Python bytecode (``PYTHONDONTWRITEBYTECODE`` is dropped), as an installed
    creatormatch does: otherwise every run compiles the package's modules again.
    """
    env = {**os.environ, "CREATORMATCH_CACHE": str(cache)}
    env.pop("CREATORMATCH_DEBUG", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cmd = [sys.executable, "-m", "creatormatch", *args]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024.0, proc.returncode


def _first_ids(data: Path) -> dict[str, str]:
    """A brand with collaborations and one of its creators, read from the CSV heads."""
    with (data / "collaborations.csv").open(encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split(",")
        first = dict(zip(header, fh.readline().rstrip("\n").split(",")))
    return {"BRAND": first["brand_id"], "CREATOR": first["creator_id"]}


def stage_cli(data: Path, work: Path, quick: bool, commands_only: bool = False) -> dict[str, Any]:
    """End-to-end CLI wall time and peak RSS of new processes, after first use, warm page cache.

    1. ``validate`` with no cache at all (the cache folder cannot be created), once to warm
       the page cache, then timed: what every command paid before the cache -- read, parse,
       validate the CSV files;
    2. ``validate`` on an empty cache: first use -- the same plus writing the columnar copy;
    3. ``build`` into the cache, then one warm-up run of every command (it verifies the new
       model's digest once and seals it);
    4. each command ``runs`` times; p50 and max of wall time, max of peak RSS.  For scale:
       ``creatormatch --version`` and a bare ``import numpy, scipy.sparse, click``.

    ``commands_only``: only step 4, on the cache an earlier full run of this stage left
    (its model and ingest), e.g. to re-time the commands after a CLI change that leaves the
    model as it is; the first-use figures are kept from that run.
    """
    import shutil

    cache = work / "cli-cache"
    ids = _first_ids(data)
    out: dict[str, Any] = {}
    t_total = time.perf_counter()
    if commands_only:
        if not list(cache.glob("*.npz")):
            raise SystemExit(f"--cli-commands-only needs the cache of an earlier cli run in {cache}")
        out["commands_only"] = True
    else:
        shutil.rmtree(cache, ignore_errors=True)
    blocker = work / "no-cache-here"
    blocker.write_text("a file: the cache folder cannot be created under it\n")
    if not quick and not commands_only:
        _cli_run(["validate", str(data)], blocker / "cache")  # warm the page cache with the CSV files
    if not commands_only:
        wall, rss, rc = _cli_run(["validate", str(data)], blocker / "cache")
        assert rc == 0, "validate without a cache failed"
        out.update(no_cache_load_seconds=wall, no_cache_load_rss_mib=rss)
        wall, rss, rc = _cli_run(["validate", str(data)], cache)
        assert rc == 0, "first-use validate failed"
        out.update(first_use_ingest_seconds=wall, first_use_ingest_rss_mib=rss,
                   ingest_over_load=wall / out["no_cache_load_seconds"])
        # the quick smoke run checks the harness, not the ranker: a blend-only model builds in
        # seconds where training the ranker at S takes minutes (benchmarks/ranker.py measures it)
        wall, rss, rc = _cli_run(["build", "--data", str(data)] + (["--ranker", "none"] if quick else []), cache)
        assert rc == 0, "build failed"
        out.update(build_seconds=wall, build_rss_mib=rss)
        time.sleep(2.1)  # past the racily-clean margin of the files just written (docs/cache.md)
    runs = 1 if quick else 7
    floor = [_cli_run(["--version"], cache)[0] for _ in range(runs)]
    out["version_p50_seconds"] = float(np.median(floor))
    imports = []
    for _ in range(runs):  # the floor of any command that touches the model: interpreter + numpy + scipy.sparse
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import numpy, scipy.sparse, click"], check=True)
        imports.append(time.perf_counter() - t)
    out["import_floor_p50_seconds"] = float(np.median(imports))
    out["load_average_1min"] = os.getloadavg()[0]
    for name, template in CLI_COMMANDS.items():
        args = [ids.get(a, a) for a in template] + ["--data", str(data)]
        wall, _, rc = _cli_run(args, cache)  # warm-up: page cache, model seal
        assert rc == 0, f"{name} failed"
        walls, peaks = [], []
        for _ in range(runs):
            wall, rss, rc = _cli_run(args, cache)
            assert rc == 0, f"{name} failed"
            walls.append(wall)
            peaks.append(rss)
        out[f"{name}_p50_seconds"] = float(np.median(walls))
        out[f"{name}_max_seconds"] = float(np.max(walls))
        out[f"{name}_peak_rss_mib"] = float(np.max(peaks))
    out["load_average_1min_end"] = os.getloadavg()[0]
    out["runs"] = runs
    out["seconds"] = time.perf_counter() - t_total
    return out


STAGE_FUNCS: dict[str, Callable[[Path, Path, bool], dict[str, Any]]] = {
    "load": stage_load, "indices": stage_indices, "centrality": stage_centrality, "mf": stage_mf,
    "build": stage_build, "save_load": stage_save_load, "match": stage_match, "evaluate": stage_evaluate,
    "cli": stage_cli,
}


def run_stage(stage: str, data: Path, work: Path, quick: bool, cli_commands_only: bool = False) -> dict[str, Any]:
    if stage == "cli" and cli_commands_only:
        result = stage_cli(data, work, quick, commands_only=True)
    else:
        result = STAGE_FUNCS[stage](data, work, quick)
    result["peak_rss_mib"] = _peak_rss_mib()
    return result


# ---------------------------------------------------------------- driver


def generate(size: str, workdir: Path, seed: int) -> Path:
    from creatormatch.synthetic.generator import generate_market

    n_creators, n_brands = SIZES[size]
    out = workdir / f"market-{size}"
    if (out / "creators.csv").is_file():
        return out
    print(f"[{size}] generating {n_creators:,} creators, {n_brands:,} brands ...", file=sys.stderr, flush=True)
    generate_market(out, n_creators, n_brands, seed)
    return out


def spawn(stage: str, data: Path, work: Path, quick: bool, cli_commands_only: bool = False) -> dict[str, Any]:
    out = work / f"{stage}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--stage", stage, "--data", str(data),
           "--work", str(work), "--result", str(out)] + (["--quick"] if quick else []) + \
        (["--cli-commands-only"] if cli_commands_only else [])
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        return {"error": (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["failed"], "wall_seconds": wall}
    result = json.loads(out.read_text())
    result["wall_seconds"] = wall
    return result


def machine() -> dict[str, Any]:
    import importlib.metadata as md

    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = {}
    for pkg in ("creatormatch", "numpy", "scipy", "implicit", "networkx", "pyarrow", "neo4j"):
        try:
            versions[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            versions[pkg] = "not installed"
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gib": round(mem, 1), "python": platform.python_version(),
            "versions": versions}


def exponents(results: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Scaling exponent e of time ~ size^e between consecutive sizes (size = creators)."""
    out: dict[str, dict[str, float]] = {}
    sizes = [s for s in ("S", "M", "L") if s in results]
    for a, b in zip(sizes, sizes[1:]):
        ratio = SIZES[b][0] / SIZES[a][0]
        for stage in STAGES:
            if stage in NO_EXPONENT:
                continue
            ta = results[a].get(stage, {}).get("seconds")
            tb = results[b].get(stage, {}).get("seconds")
            if ta and tb and ta > 0:
                out.setdefault(stage, {})[f"{a}->{b}"] = math.log(tb / ta) / math.log(ratio)
    return out


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        if v != 0 and abs(v) < 1e-3:
            return f"{v:.1e}"
        return f"{v:,.3f}" if abs(v) < 10 else f"{v:,.1f}"
    return str(v)


def targets(results: dict[str, dict[str, Any]], exps: dict[str, dict[str, float]]) -> list[tuple[str, str, str]]:
    """The issue's targets (size L unless noted) against what was measured: (target, measured, verdict)."""
    rows: list[tuple[str, str, str]] = []

    def get(size: str, stage: str, key: str) -> Any:
        return results.get(size, {}).get(stage, {}).get(key)

    def check(name: str, value: Any, ok: Callable[[Any], bool], unit: str = "") -> None:
        if value is None:
            rows.append((name, "not measured", "—"))
        else:
            rows.append((name, f"{_fmt(value)}{unit}", "met" if ok(value) else "MISSED"))

    check("whole build (load, validate, indices, centrality, MF 64x15, save) <= 600 s",
          get("L", "build", "seconds"), lambda v: v <= 600, " s")
    check("whole build peak RSS <= 12 GiB", get("L", "build", "peak_rss_mib"), lambda v: v <= 12 * 1024, " MiB")
    check("all indices <= 60 s", get("L", "indices", "seconds"), lambda v: v <= 60, " s")
    check("personalised graph scores for one brand <= 50 ms (p99, cold category cache)",
          get("L", "centrality", "brand_graph_ms_p99"), lambda v: v <= 50, " ms")
    check("match p50 <= 20 ms", get("L", "match", "match_ms_p50"), lambda v: v <= 20, " ms")
    check("match p99 <= 100 ms", get("L", "match", "match_ms_p99"), lambda v: v <= 100, " ms")
    check("our PageRank >= 20x faster than networkx.pagerank on M",
          get("M", "centrality", "ratio_networkx_over_ours"), lambda v: v >= 20, "x")
    check("... with the same result (max abs diff < 1e-6)",
          get("M", "centrality", "pagerank_max_abs_diff"), lambda v: v < 1e-6)
    for stage in STAGES:
        for step, e in exps.get(stage, {}).items():
            check(f"scaling exponent of {stage} ({step}) <= 1.15", e, lambda v: v <= 1.15)
    check("CLI `match` at M, new process after first use: p50 wall <= 0.5 s",
          get("M", "cli", "match_p50_seconds"), lambda v: v <= 0.5, " s")
    check("CLI `match` at L: p50 wall <= 1.0 s", get("L", "cli", "match_p50_seconds"), lambda v: v <= 1.0, " s")
    check("CLI `match` at L: peak RSS <= 2 GiB", get("L", "cli", "match_peak_rss_mib"), lambda v: v <= 2048, " MiB")
    check("CLI `scores --top 20` at L: p50 wall <= 2 s", get("L", "cli", "scores_p50_seconds"),
          lambda v: v <= 2.0, " s")
    check("first-use ingest at L <= 1.10 x the load without a cache",
          get("L", "cli", "ingest_over_load"), lambda v: v <= 1.10, "x")
    return rows


def write_markdown(path: Path, info: dict[str, Any], results: dict[str, dict[str, Any]],
                   exps: dict[str, dict[str, float]]) -> None:
    lines = ["# Benchmarks", "",
             "Measured by `python benchmarks/run.py` on this machine (see benchmarks/README.md). "
             "Each stage ran in its own process; peak RSS is that process's maximum resident set "
             "(it includes restoring the dataset the stage needs).", "",
             f"Machine: {info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB RAM, Python {info['python']}. "
             "Versions: " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()) + ".", "",
             "## Targets", "", "| target | measured | |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {v} |" for t, m, v in targets(results, exps)]
    notes = REPO / "benchmarks" / "NOTES.md"
    if notes.is_file():
        lines += ["", notes.read_text().strip()]
    lines.append("")
    for size, res in results.items():
        c, b = SIZES[size]
        rows = res.get("load", {}).get("rows", {})
        lines += [f"## Size {size}: {c:,} creators, {b:,} brands", ""]
        if rows:
            lines += ["Rows: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()), ""]
        lines += ["| stage | seconds | peak RSS (MiB) | scaling exponent | details |", "|---|---|---|---|---|"]
        for stage in STAGES:
            r = res.get(stage)
            if r is None or stage == "cli":
                continue
            if "error" in r:
                lines.append(f"| {stage} | failed | — | — | {' '.join(r['error'])} |")
                continue
            exp = "; ".join(f"{k}: {v:.2f}" for k, v in exps.get(stage, {}).items() if k.endswith(size))
            details = ", ".join(f"{k}={_fmt(v)}" for k, v in r.items()
                                if k not in ("seconds", "peak_rss_mib", "rows", "wall_seconds") and not isinstance(v, dict))
            nested = "; ".join(f"{k}: " + ", ".join(f"{kk} {_fmt(vv)}" for kk, vv in v.items())
                               for k, v in r.items() if isinstance(v, dict) and k != "rows")
            lines.append(f"| {stage} | {_fmt(r['seconds'])} | {_fmt(r['peak_rss_mib'])} | {exp or '—'} | "
                         f"{details}{'; ' + nested if nested else ''} |")
        lines.append("")
        lines += _cli_table(size, res)
    text = "\n".join(lines) + "\n"
    # the planning section is benchmarks/plan.py's (between its markers): keep it
    start, end = "<!-- plan:start -->", "<!-- plan:end -->"
    old = path.read_text() if path.is_file() else ""
    if start in old and end in old:
        text += "\n" + start + old.split(start, 1)[1].split(end, 1)[0] + end + "\n"
    path.write_text(text)


def _cli_table(size: str, res: dict[str, Any]) -> list[str]:
    """The ``cli`` stage of one size: each command as a new process, beside the in-process figure."""
    r = res.get("cli")
    if r is None:
        return []
    if "error" in r:
        return [f"CLI stage failed: {' '.join(r['error'])}", ""]
    match = res.get("match", {})
    in_process = {
        "match": (f"`Matcher.match` p50 {_fmt(match.get('match_ms_p50'))} ms after a model load of "
                  f"{_fmt(match.get('model_load_seconds'))} s" if "match_ms_p50" in match else ""),
        "scores": (f"`compute_indices` {_fmt(res['indices']['seconds'])} s (paid by every `scores` before the cache)"
                   if "seconds" in res.get("indices", {}) else ""),
        "scorecard": "",
    }
    lines = [f"### CLI, end to end (size {size}): new processes, warm page cache, after first use", "",
             f"Each command run {r.get('runs')} times after one warm-up run (`cli` stage of `benchmarks/run.py`). "
             f"For scale: `creatormatch --version` takes {_fmt(r.get('version_p50_seconds'))} s and a bare "
             f"`python -c 'import numpy, scipy.sparse, click'` {_fmt(r.get('import_floor_p50_seconds'))} s (p50); "
             f"1-minute load average during the runs: {_fmt(r.get('load_average_1min'))}"
             + (f" at the start, {_fmt(r['load_average_1min_end'])} at the end" if "load_average_1min_end" in r else "")
             + f" on {os.cpu_count()} cores" + (f"; machine: {r['machine']}" if r.get("machine") else "") + ".", "",
             "| command | p50 wall (s) | max wall (s) | peak RSS (MiB) | in-process, same data |", "|---|---|---|---|---|"]
    for name, template in CLI_COMMANDS.items():
        if f"{name}_p50_seconds" not in r:
            continue
        shown = " ".join(a for a in template if a not in ("BRAND", "CREATOR"))
        lines.append(f"| `{shown}` | {_fmt(r[f'{name}_p50_seconds'])} | {_fmt(r[f'{name}_max_seconds'])} | "
                     f"{_fmt(r[f'{name}_peak_rss_mib'])} | {in_process.get(name, '')} |")
    if r.get("commands_only"):
        lines += ["", "The commands were re-timed with `--cli-commands-only` on the cache of the full run whose "
                  "first-use figures follow."]
    lines += ["", f"First use: `validate` without a cache (read, parse, validate: what every command paid before) "
              f"{_fmt(r.get('no_cache_load_seconds'))} s; with an empty cache (the same plus writing the columnar "
              f"copy) {_fmt(r.get('first_use_ingest_seconds'))} s, ratio {_fmt(r.get('ingest_over_load'))}; "
              f"then `build` into the cache {_fmt(r.get('build_seconds'))} s.", ""]
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="S,M", help="comma-separated sizes among S, M, L (default S,M)")
    ap.add_argument("--stages", default=",".join(STAGES), help="comma-separated stages")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/creatormatch-bench"))
    ap.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    ap.add_argument("--json", type=Path, default=REPO / "benchmarks" / "results.json")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--quick", action="store_true", help="fewer brands, no side-by-side baselines (smoke test)")
    ap.add_argument("--render-only", action="store_true", help="rewrite --out from --json without measuring")
    ap.add_argument("--cli-commands-only", action="store_true",
                    help="cli stage: re-time only the commands, on the cache of an earlier full cli run "
                         "(its first-use figures are kept)")
    ap.add_argument("--stage", help=argparse.SUPPRESS)
    ap.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.stage:  # child process
        result = run_stage(args.stage, args.data, args.work, args.quick, args.cli_commands_only)
        args.result.write_text(json.dumps(result, indent=2, default=float))
        return 0

    if args.render_only:
        saved = json.loads(args.json.read_text())
        write_markdown(args.out, saved["machine"], saved["results"], saved["exponents"])
        return 0
    stages = [s for s in args.stages.split(",") if s]
    results: dict[str, dict[str, Any]] = {}
    earlier_machine = None
    if args.json.is_file():  # keep sizes measured in earlier runs
        saved = json.loads(args.json.read_text())
        results, earlier_machine = saved.get("results", {}), saved.get("machine")
    for size in [s.strip().upper() for s in args.sizes.split(",")]:
        data = generate(size, args.workdir, args.seed)
        work = args.workdir / f"work-{size}"
        work.mkdir(parents=True, exist_ok=True)
        results.setdefault(size, {})
        for stage in stages:
            print(f"[{size}] {stage} ...", file=sys.stderr, flush=True)
            earlier = results[size].get(stage, {})
            results[size][stage] = spawn(stage, data, work, args.quick, args.cli_commands_only and stage == "cli")
            if stage == "cli" and args.cli_commands_only and "error" not in results[size][stage]:
                kept = {k: v for k, v in earlier.items() if k.startswith(("no_cache", "first_use", "ingest", "build"))}
                results[size][stage] = {**kept, **results[size][stage]}
            r = results[size][stage]
            print(f"[{size}] {stage}: " + (f"{r['seconds']:.2f} s, peak {r['peak_rss_mib']:.0f} MiB"
                                          if "error" not in r else f"FAILED {r['error']}"), file=sys.stderr, flush=True)
    results = {s: results[s] for s in ("S", "M", "L") if s in results}
    info = machine()
    rerun_all = set(stages) == set(STAGES) and all(s in args.sizes.upper() for s in results)
    if earlier_machine is not None and not rerun_all and earlier_machine.get("cpu") != info["cpu"]:
        # the stages not rerun were measured on the earlier machine: keep it in the header and
        # name this machine in each stage measured now
        for size in [s.strip().upper() for s in args.sizes.split(",")]:
            for stage in stages:
                if "error" not in results[size][stage]:
                    results[size][stage]["machine"] = info["cpu"]
        info = earlier_machine
    exps = exponents(results)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"machine": info, "results": results, "exponents": exps}, indent=2, default=float))
    write_markdown(args.out, info, results, exps)
    failed = [(s, st) for s, r in results.items() for st, v in r.items() if "error" in v]
    print(f"wrote {args.out} and {args.json}" + (f"; FAILED stages: {failed}" if failed else ""), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
