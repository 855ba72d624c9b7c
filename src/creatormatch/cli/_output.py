"""Spreadsheet-ready CSV output shared by ``match``, ``plan`` and ``pricing``.

Excel reads a CSV file as UTF-8 only when it starts with a byte-order mark, so handles
like ``zoë`` or ``ฝน`` come out right only with one.  The mark is written with
``--excel``, and by default when the output goes to a ``--out FILE.csv``; plain stdout
stays BOM-free for pipes and scripts.  Empty cells mean "not available".
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import click

__all__ = ["csv_text", "emit_text", "out_options", "BOM"]

BOM = "\ufeff"


def out_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--out FILE`` and ``--excel``."""
    func = click.option("--excel", is_flag=True,
                        help="Start CSV output with a UTF-8 byte-order mark so Excel reads it correctly "
                             "(the default for --out FILE.csv).")(func)
    return click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        metavar="FILE", help="Write the output to FILE instead of the screen.")(func)


def csv_text(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> str:
    """CSV with a header; None becomes an empty cell, booleans ``true``/``false``."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({k: _cell(r.get(k)) for k in columns})
    return buf.getvalue()


def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return v


def emit_text(text: str, out_path: Path | None, *, csv_output: bool, excel: bool) -> None:
    """Print ``text`` or write it to ``out_path`` (with a BOM for CSV when asked or when the
    file name ends in ``.csv``)."""
    bom = csv_output and (excel or (out_path is not None and out_path.suffix.lower() == ".csv"))
    if out_path is None:
        click.echo((BOM if bom else "") + text, nl=False)
        return
    with open(out_path, "w", encoding="utf-8", newline="") as fh:
        fh.write((BOM if bom else "") + text)
    click.echo(f"Wrote {out_path}", err=True)
