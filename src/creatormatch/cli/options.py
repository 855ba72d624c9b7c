"""The options commands share, defined once: the same name, type and help everywhere.

Each is a decorator (``@data_option``) or a decorator factory where a command chooses a
default (``top_option(10)``) or the formats it offers (``format_option("table", "json")``);
the help text never changes with the command.  ``tests/cli/test_options.py`` walks every
command's ``--help`` and checks it.

Meanings, the same in every command:

``--data DIR``
    the dataset folder (default: the bundled sample).  Commands that took the folder as
    a positional argument (``validate``, ``info``) still do.
``--top N``
    how many results: the first N, ``0`` = all.  Lists (``scores``, ``influencers``,
    ``pricing``, ``brands``, ``creators``) show 20 in a table and export every row as CSV
    or JSON; ranked answers (``match``, ``similar``, ``neo4j push``) default to 10 per
    brand or creator in every format, and a CSV/JSON export says on stderr what it left out.
``--format table|csv|json``
    a table for people, or CSV/JSON with exact numbers.
``--out FILE`` / ``--excel``
    write the output to FILE (CSV with a byte-order mark for Excel, ``cli.output``).
``--market M``, ``--category C``, ``--brand B``, ``--creator C``
    names resolved by ``creatormatch.vocabulary``: ids or names in any case, categories
    with the categories below them, ISO 3166-1 market codes (``UK`` read as ``GB``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import click

__all__ = [
    "FORMATS", "brand_option", "category_option", "creator_option", "data_option", "format_option",
    "lenient_options", "market_option", "model_option", "out_options", "ranker_option", "resolve_data_dir",
    "source_option", "target_roas_option", "top_option", "data_argument",
]

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]

#: Every ``--format`` a command may offer (``scorecard`` also takes its old name ``text`` for ``table``).
FORMATS = ("table", "csv", "json")

DATA_HELP = "Dataset folder (contract v1). Default: the bundled sample market."
TOP_HELP = ("Show the first N results (0 = all). Lists: 20 in a table, every row in CSV/JSON; match and "
            "similar: 10 per brand or creator, and CSV/JSON say on stderr what was left out.")
FORMAT_HELP = "Output format: a table for people, or CSV/JSON with exact numbers."
MARKET_HELP = ("Market M: an ISO 3166-1 code such as ID or GB, any case (UK is read as GB); 'any' for every "
               "market. Default: every market, or the brand's or creator's own where there is one.")
CATEGORY_HELP = "Category C: its id or name, any case; it covers the categories below it."
BRAND_HELP = "Brand B: its id or name, any case (repeat --brand for several where a command takes several)."
CREATOR_HELP = "Creator C: its id or handle, any case."
OUT_HELP = "Write the output to FILE instead of the screen."
EXCEL_HELP = ("Start CSV output with a UTF-8 byte-order mark so Excel reads it correctly "
              "(the default for --out FILE.csv).")
MODEL_HELP = ("A model file from 'creatormatch build'. Default: the cached model of the dataset "
              "(built on first use; cache in $CREATORMATCH_CACHE or ~/.cache/creatormatch).")
SOURCE_HELP = ("Read the dataset from the CSV folder (--data) or from the Neo4j graph (connection from "
               "NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE; load it first with 'creatormatch neo4j load').")
RANKER_HELP = ("auto: rank with the model's learned ranker (a calibrated probability that the pair becomes a "
               "collaboration) when it has one; none: the weighted blend of the components.")
LENIENT_HELP = ("Drop bad rows (and rows that refer to them) instead of refusing the dataset; they are written "
                "with their reasons to --rejects.")
REJECTS_HELP = "Where --lenient writes the rejected rows."
ROAS_HELP = ("Return the brand wants: attributed sales per unit of fee. fair_rate = expected GMV per video / X "
             "(default 3).")


def data_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--data DIR``: the dataset folder; defaults to the bundled sample."""
    return click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None, metavar="DIR",
                        help=DATA_HELP)(func)


def data_argument(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--data DIR`` plus the older positional ``[DATA_DIR]`` (the same folder; give one)."""
    func = data_option(func)
    return click.argument("data_dir_arg", required=False, type=click.Path(path_type=Path), metavar="[DATA_DIR]")(func)


def resolve_data_dir(data_dir: Path | None, data_dir_arg: Path | None = None) -> Path:
    """The dataset folder to read: ``--data``, the positional folder, or the bundled sample."""
    from ..data.sample import sample_path

    if data_dir is not None and data_dir_arg is not None and Path(data_dir) != Path(data_dir_arg):
        raise click.UsageError(f"two dataset folders given ({data_dir_arg} and --data {data_dir}); give one")
    chosen = data_dir if data_dir is not None else data_dir_arg
    return chosen if chosen is not None else sample_path()


def top_option(default: int | None) -> Decorator:
    """``--top N`` (0 = all).  ``default`` None: 20 in a table, every row in CSV/JSON
    (``effective_top``)."""
    return click.option("--top", "top", type=click.IntRange(min=0), default=default, show_default=default is not None,
                        metavar="N", help=TOP_HELP)


def effective_top(top: int | None, fmt: str, table_default: int = 20) -> int | None:
    """The number of rows a list shows: ``top`` (0 = all: None); when not given, 20 in a
    table and every row in CSV/JSON."""
    if top is None:
        return table_default if fmt == "table" else None
    return top or None


def format_option(*choices: str, default: str = "table") -> Decorator:
    """``--format``: how results are printed (``choices`` among ``FORMATS``)."""
    return click.option("--format", "fmt", type=click.Choice(choices), default=default, show_default=True,
                        help=FORMAT_HELP)


def market_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--market M``: an ISO 3166-1 code (resolved by ``Vocabulary.market``) or ``any``."""
    return click.option("--market", "market", default=None, metavar="M", help=MARKET_HELP)(func)


def category_option(required: bool = False) -> Decorator:
    """``--category C``: a category id or name, covering the categories below it."""
    return click.option("--category", "category", default=None, required=required, metavar="C", help=CATEGORY_HELP)


def brand_option(multiple: bool = False) -> Decorator:
    """``--brand B``: a brand id or name (``multiple``: repeatable, passed as ``brands``)."""
    if multiple:
        return click.option("--brand", "brands", multiple=True, required=True, metavar="B", help=BRAND_HELP)
    return click.option("--brand", "brand", required=True, metavar="B", help=BRAND_HELP)


def creator_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--creator C``: a creator id or handle."""
    return click.option("--creator", "creator", required=True, metavar="C", help=CREATOR_HELP)(func)


def out_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--out FILE`` and ``--excel`` (``cli.output.emit_text`` honours them)."""
    func = click.option("--excel", is_flag=True, help=EXCEL_HELP)(func)
    return click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        metavar="FILE", help=OUT_HELP)(func)


def model_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--model FILE``: a saved model instead of the cached one."""
    return click.option("--model", "model_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        metavar="FILE", help=MODEL_HELP)(func)


def source_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--source csv|neo4j``: where the dataset is read from."""
    return click.option("--source", type=click.Choice(["csv", "neo4j"]), default="csv", show_default=True,
                        help=SOURCE_HELP)(func)


def ranker_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--ranker auto|none``: the learned ranker or the blend."""
    return click.option("--ranker", type=click.Choice(["auto", "none"]), default="auto", show_default=True,
                        help=RANKER_HELP)(func)


def lenient_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--lenient`` and ``--rejects FILE``."""
    func = click.option("--rejects", type=click.Path(path_type=Path), default=Path("rejects.csv"), show_default=True,
                        metavar="FILE", help=REJECTS_HELP)(func)
    return click.option("--lenient", is_flag=True, help=LENIENT_HELP)(func)


def target_roas_option(default: float | None) -> Decorator:
    """``--target-roas X``: the return on the fee a fair rate is computed for."""
    return click.option("--target-roas", "target_roas", type=float, default=default, show_default=default is not None,
                        metavar="X", help=ROAS_HELP)
