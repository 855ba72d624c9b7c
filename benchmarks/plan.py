"""Benchmark of ``creatormatch plan``: 100 brands planned together at size M.

Usage::

    python benchmarks/plan.py [--size M] [--brands 100] [--workdir /tmp/creatormatch-bench-plan]

Generates the market (seed 11, as ``benchmarks/run.py``) and builds its match model once
in ``--workdir`` (set-up, not timed; with the learned ranker and its acceptance model, as
``creatormatch build`` does, so p_accept comes from the acceptance model), then times, in
one process:

* ``price book``: ``PriceBook.from_dataset`` + ``acceptance_history`` (once per dataset);
* ``plan``: ``plan_campaigns`` for ``--brands`` brands drawn at random (seed 0) -- ranking
  each brand's 100 best candidates, pricing them, the MILP with the sharing constraint
  and the MILP of every brand alone (the cost of the constraint);

and compares the plan with the greedy heuristic on the same instance (its gap).  The
result replaces the "Planning" section of ``BENCHMARKS.md`` (between its markers; run
this after ``benchmarks/run.py``, which rewrites the file) and is printed as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SIZES = {"S": (10_000, 1_000), "M": (100_000, 10_000), "L": (1_000_000, 100_000)}
TARGET_SECONDS = 10.0
START, END = "<!-- plan:start -->", "<!-- plan:end -->"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="M", choices=sorted(SIZES))
    ap.add_argument("--brands", type=int, default=100)
    ap.add_argument("--budget", type=float, default=5000.0)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/creatormatch-bench-plan"))
    ap.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    args = ap.parse_args()

    from creatormatch.data import load_dataset
    from creatormatch.synthetic.generator import generate_market
    from creatormatch.pricing import PriceBook
    from creatormatch.pricing.acceptance import acceptance_history
    from creatormatch.pricing.campaign import plan_campaigns
    from creatormatch.pricing.plan import greedy_plan
    from creatormatch.recommend import Matcher

    n_creators, n_brands = SIZES[args.size]
    data = args.workdir / args.size
    if not (data / "creators.csv").exists():
        generate_market(data, n_creators, n_brands, seed=11)
    dataset = load_dataset(data)
    model = args.workdir / f"{args.size}-model.npz"
    matcher = Matcher.load(model, dataset.fingerprint) if model.exists() else None
    if matcher is None or matcher.model.ranker is None or not matcher.model.ranker.has_acceptance:
        # what `creatormatch build` makes: the engine with its learned ranker and acceptance model
        from creatormatch.ranker.train import build_with_ranker

        matcher = build_with_ranker(dataset)
        matcher.save(model)
    brands = [str(b) for b in np.random.default_rng(0).choice(dataset.brands.ids, args.brands, replace=False)]

    t = time.perf_counter()
    book = PriceBook.from_dataset(dataset)
    history = acceptance_history(dataset)
    book_seconds = time.perf_counter() - t
    load_before = os.getloadavg()[0]
    t, cpu = time.perf_counter(), time.process_time()
    plan = plan_campaigns(matcher, book, history, brands, args.budget, max_videos=3, max_brands=1)
    plan_seconds, plan_cpu = time.perf_counter() - t, time.process_time() - cpu
    greedy = greedy_plan(plan.inputs)
    s = plan.summary()
    result = {
        "size": args.size, "creators": n_creators, "brands_planned": args.brands, "budget_per_brand": args.budget,
        "price_book_seconds": round(book_seconds, 3), "plan_seconds": round(plan_seconds, 3),
        "plan_cpu_seconds": round(plan_cpu, 3), "load_average_1min": round(max(load_before, os.getloadavg()[0]), 2),
        "pairs": plan.inputs.n_pairs, "milp_variables": plan.inputs.n_pairs * plan.inputs.max_videos,
        "greedy_expected_gmv": round(greedy.objective, 2),
        "greedy_gap_to_milp": round(1 - greedy.objective / plan.result.objective, 5) if plan.result.objective else 0.0,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1), **s,
    }
    print(json.dumps(result, indent=2))
    _write(args.out, result)


def _write(path: Path, r: dict) -> None:
    met = "met" if r["plan_seconds"] <= TARGET_SECONDS else "MISSED"
    section = "\n".join([
        START,
        f"## Planning ({r['size']}: {r['creators']:,} creators)",
        "",
        f"Measured by `python benchmarks/plan.py --size {r['size']} --brands {r['brands_planned']}` on "
        f"{platform.processor() or platform.machine()}, {time.strftime('%Y-%m-%d')}: "
        f"`creatormatch plan` for {r['brands_planned']} random brands (seed 0), budget {r['budget_per_brand']:,.0f} "
        "each, at most 3 videos per creator and 1 brand per creator, 100 candidates per brand.",
        "",
        "| target | measured | |",
        "|---|---|---|",
        f"| planning {r['brands_planned']} brands at {r['size']} <= {TARGET_SECONDS:.0f} s "
        f"(ranking, pricing, MILP together and MILP per brand alone) | {r['plan_seconds']:.2f} s "
        f"({r['plan_cpu_seconds']:.2f} s CPU; 1-minute load average {r['load_average_1min']:.1f} on this machine) "
        f"| {met} |",
        "",
        "| figure | value |",
        "|---|---|",
        f"| price book + acceptance stand-in (once per dataset) | {r['price_book_seconds']:.2f} s |",
        f"| (brand, creator) pairs / MILP variables | {r['pairs']:,} / {r['milp_variables']:,} |",
        f"| solver, optimality gap | {r['solver']}, {r['optimality_gap']:.4%} |",
        f"| expected GMV (shared) / planned alone / cost of the sharing constraint | "
        f"{r['expected_gmv']:,.0f} / {r['expected_gmv_planned_alone']:,.0f} / {r['cost_of_sharing_constraint']:,.0f} |",
        f"| greedy heuristic: expected GMV, gap to the MILP | {r['greedy_expected_gmv']:,.0f}, "
        f"{r['greedy_gap_to_milp']:.2%} |",
        f"| creators chosen, videos | {r['creators_chosen']:,}, {r['videos']:,} |",
        f"| exposure Gini: chosen creators / all candidates | {r['exposure_gini_chosen']:.3f} / "
        f"{r['exposure_gini_candidates']:.3f} |",
        f"| peak RSS of the process (dataset and model loaded) | {r['peak_rss_mib']:,.0f} MiB |",
        END,
    ])
    text = path.read_text() if path.exists() else ""
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text)


if __name__ == "__main__":
    main()
