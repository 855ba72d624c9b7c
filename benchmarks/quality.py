"""Match quality on several generated markets: one ``evaluate`` per seed, then the brands pooled.

    python benchmarks/quality.py                                   # seeds 42,1,2,3,4 at 2,000 / 100
    python benchmarks/quality.py --seeds 42,1,2 --taste-weight 2.4 --json taste.json
    python benchmarks/quality.py --seeds 42,1,2 --taste-weight 2.4 --invitations-per-creator 40 \
        --models content,graph,als,blend,ranker,ranker-no-mf,ranker-no-graph,ranker-no-history
    python benchmarks/quality.py --seeds 42,1,2,3,4,5,6,7,8 --reference oracle-no-taste \
        --models content,blend,ranker,oracle --json ceiling.json   # what any model could reach
    python benchmarks/quality.py --partial posts --models content,blend,ranker   # posts and mentions only

Each seed's market is generated with ``creatormatch generate`` (kept in ``--workdir``, so
reruns skip it) and evaluated with ``evaluate.run_evaluation``, every baseline tuned on
the training period exactly as ``creatormatch evaluate`` does.  The script prints

* one row per market: NDCG@10 of every model, the reference model's two-sided Wilcoxon
  p-value against each (the per-brand test ``evaluate`` reports, with ``--reference`` as
  the reference) and its oracle ratio;
* a pooled row: the per-brand NDCG@10 of all markets side by side (each market's brands
  are distinct, so the pairs stay independent), the mean difference of the reference
  against each model and the Wilcoxon p-value over the pooled brands.  One 100-brand
  market has 60-70 test brands, and the reference's NDCG moves by about +/- 0.02 with
  its training details there (docs/evaluation.md); pooling five markets is what tells a
  consistent difference from that noise.

Run it after a change to the ranker, on more seeds than the ones the change was tried on.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

DEFAULT_MODELS = ("content", "graph", "als", "blend", "ranker")


def _market(workdir: Path, seed: int, creators: int, brands: int, taste: float | None,
            invitations: float | None = None) -> Path:
    name = (f"q-{creators}-{brands}-s{seed}" + (f"-taste{taste:g}" if taste is not None else "")
            + (f"-inv{invitations:g}" if invitations is not None else ""))
    path = workdir / name
    if not (path / "collaborations.csv").is_file():
        cmd = [sys.executable, "-m", "creatormatch", "generate", "--out", str(path), "--creators", str(creators),
               "--brands", str(brands), "--seed", str(seed), "--force"]
        if taste is not None:
            cmd += ["--taste-weight", str(taste)]
        if invitations is not None:
            cmd += ["--invitations-per-creator", str(invitations)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", default="42,1,2,3,4")
    ap.add_argument("--creators", type=int, default=2000)
    ap.add_argument("--brands", type=int, default=100)
    ap.add_argument("--taste-weight", type=float, default=None)
    ap.add_argument("--invitations-per-creator", type=float, default=None,
                    help="generator's invitations per creator (default 10): more answers per creator "
                         "make the hidden taste visible in who said yes to whom")
    ap.add_argument("--partial", choices=("outcomes", "posts"), default=None,
                    help="evaluate a partial copy of each market (benchmarks/partial_data.py): 'outcomes' keeps "
                         "only the accepted and completed collaborations, 'posts' also drops products, views, "
                         "orders, GMV and fees")
    ap.add_argument("--models", default=",".join(DEFAULT_MODELS))
    ap.add_argument("--reference", default="ranker")
    ap.add_argument("--workdir", default="/tmp/creatormatch-quality")
    ap.add_argument("--json", default=None, help="also write the figures to this file")
    args = ap.parse_args(argv)

    from creatormatch.data import load_dataset
    from creatormatch.evaluate.run import run_evaluation
    from creatormatch.evaluate.significance import wilcoxon_p

    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    models = [m for m in args.models.split(",") if m]
    ref = args.reference
    if ref not in models:
        models.append(ref)
    others = [m for m in models if m != ref]
    rows, pooled = [], {m: [] for m in models}
    for seed in (int(s) for s in args.seeds.split(",")):
        path = _market(workdir, seed, args.creators, args.brands, args.taste_weight,
                       args.invitations_per_creator)
        if args.partial:
            from partial_data import derive

            path = derive(path, workdir / f"{path.name}-partial-{args.partial}", args.partial)
        t0 = time.perf_counter()
        ev = run_evaluation(load_dataset(path), models=models, truth_root=path)
        per = {m: np.asarray(r.per_brand["ndcg@10"], np.float64) for m, r in ev.models.items()}
        for m in models:
            pooled[m].append(per[m])
        row = {"seed": seed, "test_brands": int(len(per[ref])), "seconds": round(time.perf_counter() - t0, 1),
               "ndcg@10": {m: round(float(np.nanmean(per[m])), 4) for m in models},
               "p_vs": {m: wilcoxon_p(per[ref], per[m]) for m in others},
               "oracle_ratio": {m: round(float(v), 3) for m, v in ev.oracle_ratio.items()}}
        rows.append(row)
        print(json.dumps(row), flush=True)

    allv = {m: np.concatenate(pooled[m]) for m in models}
    summary = {"markets": len(rows), "test_brands": int(len(allv[ref])),
               "mean": {m: round(float(np.nanmean(allv[m])), 4) for m in models},
               "mean_difference": {m: round(float(np.nanmean(allv[ref] - allv[m])), 4) for m in others},
               "p_vs": {m: wilcoxon_p(allv[ref], allv[m]) for m in others},
               "markets_at_or_above": {m: sum(r["ndcg@10"][ref] >= r["ndcg@10"][m] for r in rows) for m in others}}
    print(f"\n| market | test brands | {' | '.join(models)} | " + " | ".join(f"p vs {m}" for m in others)
          + f" | {ref} / oracle |")
    print("|" + "---|" * (3 + len(models) + len(others)))
    for r in rows:
        print(f"| seed {r['seed']} | {r['test_brands']} | "
              + " | ".join(f"{r['ndcg@10'][m]:.3f}" for m in models) + " | "
              + " | ".join(f"{r['p_vs'][m]:.2g}" for m in others) + f" | {r['oracle_ratio'].get(ref, float('nan')):.2f} |")
    print(f"| pooled ({summary['markets']} markets) | {summary['test_brands']} | "
          + " | ".join(f"{summary['mean'][m]:.3f}" for m in models) + " | "
          + " | ".join(f"{summary['p_vs'][m]:.2g}" for m in others) + " | |")
    print("\n" + ", ".join(f"{ref} - {m}: {summary['mean_difference'][m]:+.4f} "
                            f"(at or above on {summary['markets_at_or_above'][m]} of {len(rows)} markets)"
                            for m in others))
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), "markets": rows, "pooled": summary}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
