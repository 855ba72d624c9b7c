"""``creatormatch pricing`` and ``creatormatch plan``: fair rates and budgeted campaign plans."""

from __future__ import annotations

import json
from pathlib import Path

import click
import numpy as np

from ..pricing.fair_rate import DEFAULT_TARGET_ROAS
from ._common import data_option, echo_err, format_option
from ._output import csv_text, emit_text, out_options


def _roas_option(func):
    return click.option("--target-roas", "target_roas", type=float, default=DEFAULT_TARGET_ROAS, show_default=True,
                        metavar="X", help="Return the brand wants: attributed sales per unit of fee. "
                                          "fair_rate = expected GMV per video / X.")(func)


def _category_members(dataset, category: str) -> np.ndarray:
    """Creators whose primary category is ``category`` or below it (boolean per creator)."""
    from ..indices.lookup import resolve_category

    k = resolve_category(dataset, category)
    parent = dataset.categories["parent_id"].astype(np.int64)
    inside = np.zeros(len(parent), bool)
    inside[k] = True
    for _ in range(64):
        grown = inside | (parent >= 0) & inside[np.maximum(parent, 0)]
        if np.array_equal(grown, inside):
            break
        inside = grown
    primary = dataset.creators["primary_category"].astype(np.int64)
    return (primary >= 0) & inside[np.maximum(primary, 0)]


def _fmt(v, spec: str = ",.2f") -> str:
    return "-" if v is None else format(v, spec)


@click.command()
@data_option
@click.option("--market", default=None, metavar="M", help="Only creators of this market (e.g. ID).")
@click.option("--category", default=None, metavar="C", help="Only creators whose primary category is C or below it.")
@click.option("--underpriced", "only_underpriced", is_flag=True,
              help="Only creators whose fair rate, even at its low bound, is above their asked rate.")
@_roas_option
@click.option("--top", type=click.IntRange(min=0), default=20, show_default=True,
              help="Show the first N creators, best value for money first (0 = all).")
@format_option("table", "csv", "json")
@out_options
def pricing(data_dir: Path | None, market: str | None, category: str | None, only_underpriced: bool,
            target_roas: float, top: int, fmt: str, out_path: Path | None, excel: bool) -> None:
    """Expected GMV per shoppable video, fair rate and value for money of every creator.

    expected_gmv_per_video is learnt from the creator's own delivered sales (shoppable
    videos, completed collaborations), shrunk toward creators of the same size tier,
    market and category; low/high bound an 80% interval.  fair_rate = expected GMV / X
    (--target-roas); value_ratio = fair_rate / rate_per_video; underpriced = the low
    bound of the fair rate is above the asked rate.  Empty cells: not available.
    Formulas: docs/pricing.md.
    """
    from ..indices.lookup import resolve_market
    from ..pricing import PRICING_COLUMNS, PriceBook
    from ..pricing.fair_rate import check_target_roas
    from .datacmds import load_for_cli

    check_target_roas(target_roas)
    dataset = load_for_cli(data_dir)
    m = resolve_market(dataset, market) if market else None
    members = _category_members(dataset, category) if category else None
    book = PriceBook.from_dataset(dataset)
    rows, fair = book.select(market=m, category_members=members, underpriced=only_underpriced,
                             target_roas=target_roas, top=top or None)
    records = book.rows(rows, fair)
    if fmt == "json":
        emit_text(json.dumps(records, indent=2, ensure_ascii=False) + "\n", out_path, csv_output=False, excel=False)
    elif fmt == "csv":
        emit_text(csv_text(records, PRICING_COLUMNS), out_path, csv_output=True, excel=excel)
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
        lines.append(f"fair rate at a target return of {fair.target_roas:g}x; formulas: docs/pricing.md")
        emit_text("\n".join(lines) + "\n", out_path, csv_output=False, excel=False)
    if not records:
        echo_err("No creator matches the filters.")


COMMANDS = [pricing]
