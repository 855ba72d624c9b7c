"""``creatormatch brands`` and ``creatormatch creators``: find the ids to use elsewhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import click

from .datacmds import load_for_cli
from .options import category_option, data_option, effective_top, format_option, market_option, out_options, top_option
from .output import export, format_rows

_SEARCH_HELP = "Only rows whose id or name (handle for creators) contains TEXT, any case; else the closest names."
_HEADS = {"collaborations": "collabs", "category_id": "cat id"}


def _list_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options of ``brands`` and ``creators``: the shared filters, --search, --top, output."""
    for option in reversed((data_option, market_option, category_option(),
                            click.option("--search", default=None, metavar="TEXT", help=_SEARCH_HELP),
                            top_option(None), format_option("table", "csv", "json"), out_options)):
        func = option(func)
    return func


def _list(kind: str, data_dir: Path | None, market: str | None, category: str | None, search: str | None,
          top: int | None, fmt: str, out_path: Path | None, excel: bool) -> None:
    from ..data.catalog import BRAND_COLUMNS, CREATOR_COLUMNS, brand_rows, creator_rows
    from ..vocabulary import Vocabulary

    dataset = load_for_cli(data_dir)
    vocabulary = Vocabulary.of_dataset(dataset)
    m = vocabulary.market(market, allow_any=True) if market else None
    cats = vocabulary.category_rows(category) if category else None
    lister, columns = (brand_rows, BRAND_COLUMNS) if kind == "brands" else (creator_rows, CREATOR_COLUMNS)
    rows = lister(dataset, market=None if m == "any" else m, categories=cats, search=search)
    n = effective_top(top, fmt)
    shown = rows[:n] if n else rows
    def table() -> str:
        text = format_rows(shown, columns, _HEADS, empty=f"No {kind} match.")
        if len(shown) < len(rows):
            text += f"\n({len(shown):,} of {len(rows):,} {kind}; --top 0 for all)"
        return text

    export(shown, columns, fmt, out_path=out_path, excel=excel, table=table, left_out=len(rows) - len(shown))


@click.command()
@_list_options
def brands(data_dir: Path | None, market: str | None, category: str | None, search: str | None, top: int | None,
           fmt: str, out_path: Path | None, excel: bool) -> None:
    """List brands with their ids, market and category, to use with --brand.

    --category keeps brands whose category is C or below it.  Columns: brand_id, name,
    market, category_id, category, products, collaborations.

    \b
    Examples:
        creatormatch brands --search sobel
        creatormatch brands --market GB --category beauty --format csv
    """
    _list("brands", data_dir, market, category, search, top, fmt, out_path, excel)


@click.command()
@_list_options
def creators(data_dir: Path | None, market: str | None, category: str | None, search: str | None, top: int | None,
             fmt: str, out_path: Path | None, excel: bool) -> None:
    """List creators with their ids, handle, market and primary category, to use with --creator.

    --category keeps creators whose primary category is C or below it.  Columns:
    creator_id, handle, market, followers, category_id, category, collaborations.

    \b
    Examples:
        creatormatch creators --search anna
        creatormatch creators --market VN --category beauty --top 0
    """
    _list("creators", data_dir, market, category, search, top, fmt, out_path, excel)


COMMANDS = [brands, creators]
