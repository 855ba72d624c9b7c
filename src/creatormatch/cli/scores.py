"""``creatormatch scores``, ``scorecard`` and ``influencers``: the transparent creator indices."""

from __future__ import annotations

from pathlib import Path

import click

from ..indices.table import (INFLUENCER_COLUMNS, SCORE_COLUMNS, SORT_KEYS, influencer_rows, score_order, score_rows_at,
                             unavailable_notes)
from .datacmds import load_for_cli
from .options import (
    category_option, data_option, effective_top, format_option, market_option, out_options, top_option,
)
from .output import echo_err, emit_text, export, format_rows, json_text


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

#: Short table titles; the CSV/JSON columns keep their full names.
_SHORT = {
    "creator_id": "creator", "market": "mkt", "cooperation_index": "coop", "consistency_index": "consist",
    "diligence_index": "dilig", "content_volume_index": "volume", "content_success_index": "success",
    "sales_uplift_index": "uplift", "top_category": "top category", "top_category_influence": "infl",
    "evidence_collaborations": "n_collab", "evidence_videos": "n_video",
}
#: The table shows each index once, by its ``<index>_index`` name.
_TABLE_COLUMNS = tuple(c for c in SCORE_COLUMNS if c not in ("content_volume", "content_success", "sales_uplift"))
_TABLE_COLUMNS = _TABLE_COLUMNS[:7] + _TABLE_COLUMNS[-3:] + _TABLE_COLUMNS[7:-3]


@click.command()
@data_option
@market_option
@category_option()
@top_option(None)
@click.option("--sort", "sort", type=click.Choice(SORT_KEYS), default="cooperation", show_default=True,
              help="Order by this index, highest first ('influence': in --category, else the top category).")
@format_option("table", "csv", "json")
@out_options
def scores(data_dir: Path | None, market: str | None, category: str | None, top: int | None, sort: str, fmt: str,
           out_path: Path | None = None, excel: bool = False) -> None:
    """Creator indices, 0-100 within each creator's market.

    Index columns (<index>_index) are percentiles among the creators of the same market;
    an empty cell (null in JSON) means not available -- never 0 or 50; the reason is
    printed (in JSON: "not_available" of each row).  CSV/JSON also keep the first names
    of three columns (content_volume, content_success, sales_uplift).  The evidence
    columns count the invitations with an outcome and the videos behind the values.
    --category keeps creators active in C or a category below it.  Formulas: docs/indices.md.
    """
    from ..vocabulary import Vocabulary

    dataset = load_for_cli(data_dir)
    vocabulary = Vocabulary.of_dataset(dataset)
    m = vocabulary.market(market, allow_any=True) if market else None
    c = vocabulary.category_rows(category) if category else None
    indices = compute_indices(dataset)
    order = score_order(dataset, indices, market=None if m == "any" else m, category=c, sort=sort)
    n = effective_top(top, fmt)
    shown = score_rows_at(dataset, indices, order[:n] if n else order)   # only the rows shown are built
    if fmt == "table":  # JSON rows carry the reasons in "not_available"; CSV stays one table
        for note in unavailable_notes(indices):
            echo_err(f"Note: {note}")
    export(shown, SCORE_COLUMNS, fmt, out_path=out_path, excel=excel, left_out=len(order) - len(shown),
           table=lambda: _table(shown, _TABLE_COLUMNS, len(order)))


@click.command()
@click.argument("creator_id", metavar="CREATOR")
@data_option
@format_option("table", "text", "json")
def scorecard(creator_id: str, data_dir: Path | None, fmt: str) -> None:
    """A creator's indices in plain words: the inputs behind each, the percentile among
    peers in the market, and what would raise it.

    CREATOR is a creator_id or a handle, any case.  --format text is the old name of table.
    """
    from ..cache.indexstore import cached_creator_tables
    from ..indices import scorecard as build_scorecard
    from ..vocabulary import Vocabulary

    dataset = load_for_cli(data_dir)
    row = Vocabulary.of_dataset(dataset).creator(creator_id)
    tables = cached_creator_tables(dataset, say=echo_err)   # indices and price book, one read
    card = build_scorecard(dataset, tables.indices, row, prices=tables.prices)
    emit_text(json_text(card.to_dict()) if fmt == "json" else card.render().rstrip("\n") + "\n")


@click.command()
@category_option(required=True)
@data_option
@market_option
@top_option(None)
@format_option("table", "csv", "json")
@out_options
def influencers(category: str, data_dir: Path | None, market: str | None, top: int | None, fmt: str,
                out_path: Path | None = None, excel: bool = False) -> None:
    """Category leaders by influence: reach, engagement and sales in the category and
    centrality in its slice of the brand-creator graph.

    C covers the categories below it: each creator is listed once, in the category of C's
    subtree where it is most influential (the 'category' column).  'influence' is 0-100
    among creators active in that category and the same market.
    """
    from ..vocabulary import Vocabulary

    dataset = load_for_cli(data_dir)
    vocabulary = Vocabulary.of_dataset(dataset)
    c = vocabulary.category_rows(category)
    m = vocabulary.market(market, allow_any=True) if market else None
    rows = influencer_rows(dataset, compute_indices(dataset), c, market=None if m == "any" else m, top=None)
    n = effective_top(top, fmt)
    shown = rows[:n] if n else rows
    export(shown, INFLUENCER_COLUMNS, fmt, out_path=out_path, excel=excel, left_out=len(rows) - len(shown),
           table=lambda: _table(shown, INFLUENCER_COLUMNS, len(rows)))


def _table(rows: list[dict], columns: tuple[str, ...], total: int) -> str:
    text = format_rows(rows, columns, _SHORT, empty="No creators match.")
    if len(rows) < total:
        text += f"\n({len(rows):,} of {total:,} creators; --top 0 for all)"
    return text


COMMANDS = [scores, scorecard, influencers]
