"""Benchmark of the learned ranker: build with the ranker, match latency, candidate recall.

    python benchmarks/ranker.py --sizes S,M [--bench-dir /tmp/creatormatch-bench]
    python benchmarks/ranker.py --sizes L --stages match    # re-time matching on the last build

For each size (the markets of ``benchmarks/run.py``: S 10k creators / 1k brands, M 100k /
10k, L 1M / 100k, generated there when missing) it measures, each in a fresh process so
peak RSS is the stage's own:

* ``build``: load + the engine's model + the ranker's training cuts + LightGBM + save
  (``creatormatch build`` as a library call), wall time, peak RSS, the time per step, and
  the candidate recall of the validation and training cuts;
* ``match``: the model loaded and warmed up, then ``Matcher.match(brand, top=10)`` with
  reasons and contributions for 1,000 random brands: p50 / p99 in milliseconds.

Results go to ``benchmarks/ranker-results.json``; the table printed at the end is the one
in BENCHMARKS.md.  Timings are wall clock on a shared 2-core machine: read them as orders
of magnitude.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SIZES = {"S": (10_000, 1_000), "M": (100_000, 10_000), "L": (1_000_000, 100_000)}
RESULTS = REPO / "benchmarks" / "ranker-results.json"


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def stage_build(data: Path, work: Path) -> dict[str, Any]:
    from creatormatch.data import load_dataset
    from creatormatch.ranker.train import build_with_ranker

    steps: dict[str, float] = {}
    last = [time.perf_counter(), "load"]

    def progress(message: str) -> None:
        now = time.perf_counter()
        key = last[1] if not last[1].startswith("  ") else "ranker"
        steps[key] = steps.get(key, 0.0) + now - last[0]
        last[0], last[1] = now, message

    t0 = time.perf_counter()
    ds = load_dataset(data)
    progress("engine model")
    matcher = build_with_ranker(ds, progress=lambda m: progress(m if not m.startswith("  ") else "  ranker"))
    progress("save")
    path = matcher.save(work / "ranker-model.npz")
    progress("done")
    steps.pop("done", None)
    info = matcher.model.ranker.info if matcher.model.ranker is not None else {}
    recall = info.get("candidate_recall", {})
    return {"seconds": time.perf_counter() - t0, "steps": {k.strip(): round(v, 2) for k, v in steps.items()},
            "model_mib": path.stat().st_size / 2**20, "ranker": matcher.model.ranker is not None,
            "validation_recall": recall.get("validation"), "training_recall": recall.get("training"),
            "training_rows": info.get("training_rows"), "chosen": info.get("chosen")}


def stage_match(data: Path, work: Path) -> dict[str, Any]:
    from creatormatch.recommend import Matcher

    t0 = time.perf_counter()
    matcher = Matcher.load(work / "ranker-model.npz")
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    matcher.warm_up()
    t_warm = time.perf_counter() - t0
    rng = np.random.default_rng(1)
    n = len(matcher.brand["id"])
    brands = rng.choice(n, size=min(1000, n), replace=False)
    matcher.match(int(brands[0]), top=10)   # first call: imports lightgbm, builds the booster
    times = []
    for b in brands.tolist():
        t = time.perf_counter()
        matcher.match(b, top=10)
        times.append((time.perf_counter() - t) * 1000)
    return {"seconds": float(np.sum(times)) / 1000, "load_seconds": t_load, "warm_up_seconds": t_warm,
            "brands": len(times), "match_ms_p50": float(np.percentile(times, 50)),
            "match_ms_p99": float(np.percentile(times, 99)), "ranker": matcher.use_ranker}


STAGES = {"build": stage_build, "match": stage_match}


def _ensure_market(size: str, bench: Path) -> Path:
    data = bench / f"market-{size}"
    if not (data / "creators.csv").is_file():
        from creatormatch.synthetic.generator import generate_market

        creators, brands = SIZES[size]
        generate_market(data, creators, brands, seed=11)   # the markets of benchmarks/run.py
    return data


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="S")
    ap.add_argument("--bench-dir", default="/tmp/creatormatch-bench")
    ap.add_argument("--stages", default=",".join(STAGES),
                    help="stages to run (default all); the others keep their earlier results, e.g. "
                         "'--stages match' re-times matching on the model the last build saved")
    ap.add_argument("--stage", help=argparse.SUPPRESS)
    ap.add_argument("--size", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    bench = Path(args.bench_dir)
    if args.stage:   # child process: one stage
        work = bench / f"work-{args.size}"
        work.mkdir(parents=True, exist_ok=True)
        out = STAGES[args.stage](bench / f"market-{args.size}", work)
        out["peak_rss_mib"] = _peak_rss_mib()
        print(json.dumps(out))
        return 0
    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    for size in args.sizes.split(","):
        _ensure_market(size, bench)
        wanted = [s for s in args.stages.split(",") if s]
        unknown = set(wanted) - set(STAGES)
        if unknown:
            raise SystemExit(f"unknown stages {sorted(unknown)}; choose among {', '.join(STAGES)}")
        results[size] = {k: v for k, v in results.get(size, {}).items() if k not in wanted}
        for stage in wanted:
            t0 = time.perf_counter()
            proc = subprocess.run([sys.executable, __file__, "--stage", stage, "--size", size,
                                   "--bench-dir", str(bench)], capture_output=True, text=True)
            if proc.returncode != 0:
                results[size][stage] = {"error": proc.stderr.strip().splitlines()[-3:]}
                continue
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            r["wall_seconds"] = time.perf_counter() - t0
            results[size][stage] = r
            print(size, stage, json.dumps(r), flush=True)
        # re-read: another run (another size) may have written meanwhile
        merged = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
        merged[size] = results[size]
        results = {k: merged[k] for k in ("S", "M", "L") if k in merged}
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print("\n| size | build with ranker (s) | build peak RSS (MiB) | candidate recall (validation cut) | "
          "match p50 (ms) | match p99 (ms) |")
    print("|---|---|---|---|---|---|")
    for size, r in results.items():
        b, m = r.get("build", {}), r.get("match", {})
        print(f"| {size} | {b.get('seconds', float('nan')):.1f} | {b.get('peak_rss_mib', float('nan')):,.0f} | "
              f"{b.get('validation_recall')} | {m.get('match_ms_p50', float('nan')):.1f} | "
              f"{m.get('match_ms_p99', float('nan')):.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
