"""``creatormatch scores``, ``scorecard`` and ``influencers``: the transparent creator indices."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import click

from ..display import format_table
from ..indices.lookup import resolve_category, resolve_creator, resolve_market
from ..indices.table import (
    INFLUENCER_COLUMNS, SCORE_COLUMNS, SORT_KEYS, influencer_rows, score_rows, unavailable_notes,
)
from ._common import data_option, echo_err, format_option
from .datacmds import load_for_cli


def compute_indices(dataset):
    """The creator indices of ``dataset``: computed once per dataset content, then read
    from the cache (``cache.indexstore``)."""
    from ..cache.indexstore import cached_indices

    return cached_indices(dataset, say=echo_err)


def price_book(dataset):
    """The price book of ``dataset`` (a ``Dataset`` or ``cache.DatasetRef``), cached beside
    its indices (``cache.indexstore``)."""
    from ..cache.indexstore import cached_price_book

    return cached_price_book(dataset, say=echo_err)

_SHORT = {
    "creator_id": "creator", "handle": "handle", "market": "mkt", "followers": "followers",
    "cooperation_index": "coop", "consistency_index": "consist", "diligence_index": "dilig",
    "content_volume": "volume", "content_success": "success", "sales_uplift": "uplift",
    "top_category": "top category", "top_category_influence": "infl",
    "evidence_collaborations": "n_collab", "evidence_videos": "n_video",
}


@click.command()
@data_option
@click.option("--market", "market", default=None, metavar="M", help="Only creators of this market (e.g. ID).")
@click.option("--category", "category", default=None, metavar="C",
              help="Only creators active in this category (id or name).")
@click.option("--top", "top", type=click.IntRange(min=0), default=20, show_default=True,
              help="Show the first N creators (0 = all).")
@click.option("--sort", "sort", type=click.Choice(SORT_KEYS), default="cooperation", show_default=True,
              help="Order by this index, highest first ('influence': in --category, else the top category).")
@format_option("table", "csv", "json")
def scores(data_dir: Path | None, market: str | None, category: str | None, top: int, sort: str, fmt: str) -> None:
    """Creator indices, 0-100 within each creator's market.

    Index columns are percentiles among the creators of the same market; an empty cell
    (null in JSON) means not available -- never 0 or 50; the reason is printed (in JSON:
    "not_available" of each row).  The evidence columns count the
    invitations with an outcome and the videos behind the values.  Formulas: docs/indices.md.
    """
    dataset = load_for_cli(data_dir)
    m = resolve_market(dataset, market) if market else None
    c = resolve_category(dataset, category) if category else None
    indices = compute_indices(dataset)
    rows = score_rows(dataset, indices, market=m, category=c, sort=sort, top=top or None)
    if fmt == "table":  # JSON rows carry the reasons in "not_available"; CSV stays one table
        for note in unavailable_notes(indices):
            click.echo(f"Note: {note}", err=True)
    _emit(rows, SCORE_COLUMNS, fmt)


@click.command()
@click.argument("creator_id")
@data_option
@format_option("text", "json", default="text")
def scorecard(creator_id: str, data_dir: Path | None, fmt: str) -> None:
    """A creator's indices in plain words: the inputs behind each, the percentile among
    peers in the market, and what would raise it.

    CREATOR_ID is a creator_id or a handle.
    """
    dataset = load_for_cli(data_dir)
    row = resolve_creator(dataset, creator_id)
    from ..indices import scorecard as build_scorecard

    from ..cache.indexstore import cached_creator_tables

    tables = cached_creator_tables(dataset, say=echo_err)   # indices and price book, one read
    card = build_scorecard(dataset, tables.indices, row, prices=tables.prices)
    if fmt == "json":
        click.echo(json.dumps(card.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(card.render())


@click.command()
@click.option("--category", "category", required=True, metavar="C", help="Category id or name.")
@data_option
@click.option("--market", "market", default=None, metavar="M", help="Only creators of this market.")
@click.option("--top", "top", type=click.IntRange(min=0), default=20, show_default=True,
              help="Show the first N creators (0 = all).")
@format_option("table", "csv", "json")
def influencers(category: str, data_dir: Path | None, market: str | None, top: int, fmt: str) -> None:
    """Category leaders by influence: reach, engagement and sales in the category and
    centrality in its slice of the brand-creator graph.

    'influence' is 0-100 among creators active in the category and the same market.
    """
    dataset = load_for_cli(data_dir)
    c = resolve_category(dataset, category)
    m = resolve_market(dataset, market) if market else None
    rows = influencer_rows(dataset, compute_indices(dataset), c, market=m, top=top or None)
    _emit(rows, INFLUENCER_COLUMNS, fmt)


def _emit(rows: list[dict[str, Any]], columns: tuple[str, ...], fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row[c] is None else row[c] for c in columns])
        click.echo(buf.getvalue(), nl=False)
    else:
        click.echo(_table(rows, columns))


def _table(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    if not rows:
        return "No creators match."
    heads = [_SHORT.get(c, c) for c in columns]
    cells = [[_cell(row[c]) for c in columns] for row in rows]
    numeric = [all(isinstance(row[c], (int, float)) or row[c] is None for row in rows) for c in columns]
    return format_table(heads, cells, ["right" if num else "left" for num in numeric])


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) >= 1 or value == 0 else f"{value:.3g}"
    if isinstance(value, int):
        return f"{value:,}" if value >= 10_000 else str(value)
    return str(value)


COMMANDS = [scores, scorecard, influencers]
