"""Everything a command prints: tables for people, CSV and JSON exports, notes and progress.

* **Tables** (``format_rows``) show numbers for people: thousands separators, one or
  three decimals, never ``1.33e-04`` (``number``); ``-`` means not available.
* **CSV and JSON** carry the exact values; an empty CSV cell / JSON null means not
  available.  An export is never silently cut: ``export`` writes every row it is given
  and, when the command left rows out (``--top``), says on stderr how many and how to get
  them.
* **Excel** reads a CSV file as UTF-8 only when it starts with a byte-order mark: it is
  written with ``--excel``, and by default to a ``--out FILE.csv``; plain stdout stays
  BOM-free for pipes and scripts.
* **Progress** lines go to stderr (``ProgressBar``, ``timed_status``, ``row_counter``).
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import click

from ..display import format_table

__all__ = [
    "BOM", "ProgressBar", "csv_text", "echo_err", "emit_text", "export", "format_rows", "json_text", "number",
    "plural", "row_counter", "table_cell", "timed_status",
]

BOM = "\ufeff"


def echo_err(message: str) -> None:
    """``message`` on stderr."""
    click.echo(message, err=True)


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """``"1 brand"``, ``"2 brands"``, ``"1,500 categories"``.

    >>> plural(1, "brand"), plural(3, "entry", "entries")
    ('1 brand', '3 entries')
    """
    word = singular if n == 1 else (plural_form or singular + "s")
    return f"{n:,} {word}"


# --------------------------------------------------------------------------- numbers in tables


def number(value: float | int | None, digits: int | None = None) -> str:
    """A number as a table shows it: ``-`` for None/NaN; integers with thousands separators;
    ``digits`` decimals when given; else 0 decimals from 1,000 up, 1 from 1 up, 3 below 1,
    and ``<0.001`` for a tiny non-zero value -- never scientific notation.

    >>> number(1182581.0), number(12.345), number(0.000133), number(0.25, 2), number(None)
    ('1,182,581', '12.3', '<0.001', '0.25', '-')
    """
    if value is None or isinstance(value, bool):
        return "-" if value is None else ("yes" if value else "no")
    if isinstance(value, int):
        return f"{value:,}"
    v = float(value)
    if not math.isfinite(v):
        return "-"
    if digits is not None:
        return f"{v:,.{digits}f}"
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 1 or a == 0:
        return f"{v:.1f}"
    if a < 0.0005:
        return "<0.001" if v > 0 else ">-0.001"
    return f"{v:.3f}"


def table_cell(value: Any) -> str:
    """One cell of a table: ``number`` for numbers, ``-`` for None, text as it is."""
    if value is None or isinstance(value, (bool, int, float)):
        return number(value)
    return str(value)


def format_rows(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], heads: Mapping[str, str] | None = None,
                *, empty: str = "No rows.") -> str:
    """A table of ``rows`` (dicts) over ``columns``; numeric columns right-aligned;
    ``heads`` gives short titles."""
    if not rows:
        return empty
    heads = heads or {}
    titles = [heads.get(c, c) for c in columns]
    cells = [[table_cell(row.get(c)) for c in columns] for row in rows]
    numeric = [all(isinstance(row.get(c), (int, float)) or row.get(c) is None for row in rows) for c in columns]
    return format_table(titles, cells, ["right" if num else "left" for num in numeric])


# --------------------------------------------------------------------------- CSV and JSON


def csv_text(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """CSV with a header; None (and NaN) becomes an empty cell, booleans ``true``/``false``."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({k: _csv_cell(r.get(k)) for k in columns})
    return buf.getvalue()


def _csv_cell(v: Any) -> Any:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False, default=str)
    return v


def json_text(value: Any) -> str:
    """``value`` as indented JSON (UTF-8 text kept as it is), with a final newline."""
    return json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n"


def emit_text(text: str, out_path: Path | None = None, *, csv_output: bool = False, excel: bool = False) -> None:
    """Print ``text`` or write it to ``out_path`` (with a BOM for CSV when asked or when the
    file name ends in ``.csv``)."""
    bom = csv_output and (excel or (out_path is not None and out_path.suffix.lower() == ".csv"))
    if out_path is None:
        click.echo((BOM if bom else "") + text, nl=False)
        return
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with open(out_path, "w", encoding="utf-8", newline="") as fh:
        fh.write((BOM if bom else "") + text)
    echo_err(f"Wrote {out_path}")


def export(rows: list[dict[str, Any]], columns: Sequence[str], fmt: str, *, out_path: Path | None = None,
           excel: bool = False, table: Callable[[], str] | None = None, json_value: Any = None,
           left_out: int = 0, get_all: str = "--top 0") -> None:
    """Write ``rows`` as ``fmt`` (table, csv or json) to the screen or ``out_path``.

    ``table`` renders the table (default: ``format_rows``); ``json_value`` replaces the
    list of rows in JSON (a command's documented shape).  ``left_out``: rows the command
    did not include; a CSV/JSON export then says so on stderr with ``get_all``.
    """
    if fmt == "json":
        emit_text(json_text(rows if json_value is None else json_value), out_path)
    elif fmt == "csv":
        emit_text(csv_text(rows, columns), out_path, csv_output=True, excel=excel)
    else:
        text = table() if table is not None else format_rows(rows, columns)
        emit_text(text.rstrip("\n") + "\n", out_path)
    if fmt != "table" and left_out > 0:
        echo_err(f"Note: {plural(left_out, 'more row')} left out of this {fmt.upper()}; {get_all} for all of them.")


# --------------------------------------------------------------------------- progress on stderr


def row_counter() -> Callable[[str, int], None] | None:
    """A per-file row counter on stderr for loading a dataset, shown only on a terminal."""
    if not sys.stderr.isatty():
        return None
    last: dict[str, int] = {}

    def show(name: str, rows: int) -> None:
        if rows - last.get(name, 0) >= 250_000 or name not in last:
            last[name] = rows
            click.echo(f"\r  reading {name}.csv: {rows:,} rows", err=True, nl=False)

    return show


def timed_status() -> Callable[[str], None]:
    """Status lines on stderr with the elapsed time.  Steps ``"...: i/n"`` are all shown on a
    terminal; elsewhere (a log file) only the first and the last of each series."""
    began = time.perf_counter()
    tty = sys.stderr.isatty()

    def say(message: str) -> None:
        tail = message.rsplit(":", 1)[-1].strip().split()[0] if ":" in message else ""
        done, _, total = tail.replace(",", "").partition("/")
        if not tty and done.isdigit() and total.isdigit() and done not in ("1", total):
            return
        click.echo(f"[{time.perf_counter() - began:6.1f} s] {message}", err=True)

    return say


class ProgressBar:
    """One progress bar per step on stderr (only on a terminal; otherwise one line per step).

    Called as ``progress(step, done, total)``; ``close()`` ends the last bar.
    """

    def __init__(self, verb: str):
        self.verb = verb
        self.step: str | None = None
        self.bar: Any = None
        self.done = 0
        self.tty = sys.stderr.isatty()

    def __call__(self, step: str, done: int, total: int) -> None:
        if step != self.step:
            self.close()
            self.step = step
            self.done = 0
            if self.tty:
                self.bar = click.progressbar(length=max(total, 1), label=f"{self.verb} {step:<16}", file=sys.stderr,
                                             show_pos=True, show_percent=False, show_eta=True, width=30)
                self.bar.__enter__()
            elif total:
                echo_err(f"{self.verb} {step}: {total:,} rows")
        if self.bar is not None:
            self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        """End the current bar."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
