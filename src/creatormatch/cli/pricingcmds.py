"""``creatormatch pricing`` and ``creatormatch plan``: fair rates and budgeted campaign plans."""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np

from ..pricing.fair_rate import DEFAULT_TARGET_ROAS
from .options import (
    brand_option, category_option, data_option, effective_top, format_option, market_option, model_option,
    out_options, target_roas_option, top_option,
)
from .output import echo_err, emit_text, export


def _category_members(dataset, category: str) -> np.ndarray:
    """Creators whose primary category is ``category`` or below it (boolean per creator)."""
    from ..vocabulary import Vocabulary

    inside = Vocabulary.of_dataset(dataset).category_rows(category)
    return np.isin(dataset.creators["primary_category"].astype(np.int64), inside)


def _fmt(v, spec: str = ",.2f") -> str:
    return "-" if v is None else format(v, spec)


@click.command()
@data_option
@market_option
@category_option()
@click.option("--underpriced", "only_underpriced", is_flag=True,
              help="Only creators whose fair rate, even at its low bound, is above their asked rate.")
@target_roas_option(DEFAULT_TARGET_ROAS)
@top_option(None)
@format_option("table", "csv", "json")
@out_options
def pricing(data_dir: Path | None, market: str | None, category: str | None, only_underpriced: bool,
            target_roas: float, top: int | None, fmt: str, out_path: Path | None, excel: bool) -> None:
    """Expected GMV per shoppable video, fair rate and value for money of every creator.

    expected_gmv_per_video is learnt from the creator's own delivered sales (shoppable
    videos, completed collaborations), shrunk toward creators of the same size tier,
    market and category; low/high bound an 80% interval.  fair_rate = expected GMV / X
    (--target-roas); value_ratio = fair_rate / rate_per_video; underpriced = the low
    bound of the fair rate is above the asked rate.  Empty cells: not available.
    Best value for money first; --category keeps creators whose primary category is C or
    below it.  Formulas: docs/pricing.md.
    """
    from ..pricing import PRICING_COLUMNS
    from ..pricing.fair_rate import check_target_roas
    from ..vocabulary import Vocabulary
    from .datacmds import load_for_cli
    from .scores import price_book

    check_target_roas(target_roas)
    dataset = load_for_cli(data_dir)
    m = Vocabulary.of_dataset(dataset).market(market, allow_any=True) if market else None
    members = _category_members(dataset, category) if category else None
    book = price_book(dataset)
    rows, fair = book.select(market=None if m == "any" else m, category_members=members,
                             underpriced=only_underpriced, target_roas=target_roas, top=None)
    n = effective_top(top, fmt)
    records = book.rows(rows[:n] if n else rows, fair)
    if fmt != "table":
        export(records, PRICING_COLUMNS, fmt, out_path=out_path, excel=excel, left_out=len(rows) - len(records))
    else:
        lines = [f"{'creator':<10} {'handle':<20} {'mkt':<3} {'followers':>10} {'rate':>9} {'exp. GMV':>10} "
                 f"{'80% interval':>21} {'fair rate':>10} {'value':>6} {'under':>5} {'videos':>6}"]
        for r in records:
            interval = f"{_fmt(r['expected_gmv_low'], ',.0f')}-{_fmt(r['expected_gmv_high'], ',.0f')}"
            under = "-" if r["underpriced"] is None else ("yes" if r["underpriced"] else "no")
            lines.append(f"{r['creator_id']:<10} {r['handle'][:20]:<20} {r['market']:<3} {r['followers']:>10,} "
                         f"{_fmt(r['rate_per_video']):>9} {_fmt(r['expected_gmv_per_video']):>10} {interval:>21} "
                         f"{_fmt(r['fair_rate']):>10} {_fmt(r['value_ratio'], '.2f'):>6} {under:>5} "
                         f"{r['evidence_videos']:>6}")
        if not records:
            lines.append("  no creator matches")
        if len(records) < len(rows):
            lines.append(f"({len(records):,} of {len(rows):,} creators; --top 0 for all)")
        lines.append(f"fair rate at a target return of {fair.target_roas:g}x; formulas: docs/pricing.md")
        emit_text("\n".join(lines) + "\n", out_path)
    if not records:
        echo_err("No creator matches the filters.")



@click.command()
@brand_option(multiple=True)
@click.option("--budget", type=float, required=True, metavar="X",
              help="Budget of each brand for creator fees (rate_per_video x videos); never exceeded.")
@click.option("--max-videos-per-creator", "max_videos", type=int, default=3, show_default=True, metavar="N",
              help="At most N videos from one creator for one brand.")
@click.option("--max-brands-per-creator", "max_brands", type=int, default=1, show_default=True, metavar="K",
              help="A creator is planned for at most K of the brands.")
@category_option()
@click.option("--candidates", type=int, default=None, metavar="N",
              help="Best-ranked creators per brand the plan chooses from (default 100).")
@target_roas_option(DEFAULT_TARGET_ROAS)
@data_option
@model_option
@format_option("table", "csv", "json")
@out_options
def plan(brands: tuple[str, ...], budget: float, max_videos: int, max_brands: int, category: str | None,
         candidates: int | None, target_roas: float, data_dir: Path | None, model_path: Path | None, fmt: str,
         out_path: Path | None, excel: bool) -> None:
    """Choose creators and a number of videos per brand that maximise the expected GMV
    within the budget, giving each creator to at most --max-brands-per-creator brands.

    Expected GMV of v videos = p_accept x (value of one video for the brand's category) x
    (1 + 0.8 + ... + 0.8^(v-1)); cost = rate_per_video x v, counted in full.  Solved
    exactly as a multiple-choice knapsack with scipy's MILP solver (HiGHS).  p_accept is
    a stand-in until the learned ranker lands: the creator's acceptance record, shrunk
    toward its market.  Also reports the exposure Gini of the chosen creators and what
    the sharing constraint cost against planning each brand alone.  See docs/pricing.md.
    """
    from ..errors import UsageError
    from ..pricing.acceptance import acceptance_history
    from ..pricing.campaign import CANDIDATES, PLAN_COLUMNS, plan_campaigns
    from ..pricing.fair_rate import check_target_roas
    from ..recommend.cache import load_or_build
    from .matchcmds import load_source
    from .scores import price_book

    if not np.isfinite(budget) or budget < 0:
        raise UsageError(f"{{option}} must be a number of at least 0 (got {budget:g})", option="budget")
    if max_videos < 1:
        raise UsageError("{option} must be at least 1", option="max_videos")
    if max_brands < 1:
        raise UsageError("{option} must be at least 1", option="max_brands")
    if candidates is not None and candidates < 1:
        raise UsageError("{option} must be at least 1", option="candidates")
    check_target_roas(target_roas)
    dataset = load_source(data_dir, "csv")
    matcher = load_or_build(dataset, model_path=model_path, progress=echo_err)
    brand_ids = list(dict.fromkeys(str(matcher.brand["id"][matcher.brand_row(b)]) for b in brands))
    book = matcher.model.prices if matcher.model.prices is not None else price_book(dataset)
    result = plan_campaigns(matcher, book, acceptance_history(dataset), brand_ids,
                            budget, max_videos=max_videos, max_brands=max_brands, category=category,
                            candidates=candidates or CANDIDATES, target_roas=target_roas)
    s = result.summary()
    note = (f"{s['creators_chosen']} creators, {s['videos']} videos, expected GMV {s['expected_gmv']:,.2f}; "
            f"planned alone {s['expected_gmv_planned_alone']:,.2f} (the sharing constraint costs "
            f"{s['cost_of_sharing_constraint']:,.2f}); exposure Gini {s['exposure_gini_chosen']:.3f} among the chosen, "
            f"{s['exposure_gini_candidates']:.3f} over all candidates; solver {s['solver']}, gap {s['optimality_gap']:.2%}")
    if fmt != "table":
        export(result.rows(), PLAN_COLUMNS, fmt, out_path=out_path, excel=excel, json_value=result.to_json())
        echo_err(note)
    else:
        lines = []
        for b, entry in result.to_json().items():
            lines.append(f"Plan for {b}: spent {entry['spent']:,.2f} of {entry['budget']:,.2f}, "
                         f"expected GMV {entry['expected_gmv']:,.2f}")
            if not entry["creators"]:
                lines.append("  no creator fits the budget")
            for c in entry["creators"]:
                videos = f"{c['videos']} video{'s' if c['videos'] != 1 else ' '}"
                lines.append(f"  {c['creator_id']:<10} {videos}  cost {c['cost']:>10,.2f}  "
                             f"p_accept {c['p_accept']:.2f}  expected GMV {c['expected_gmv']:>11,.2f}")
                lines.extend(f"      - {r}" for r in c["reasons"][1:3])
            lines.append("")
        lines.append(note)
        emit_text("\n".join(lines) + "\n", out_path)


COMMANDS = [pricing, plan]
