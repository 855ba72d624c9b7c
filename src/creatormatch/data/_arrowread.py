"""Fast path of the CSV reader: Apache Arrow's multi-threaded parser for clean, simple files.

Taken only when a file has no quote character, no NUL byte and no blank line, so that
record ``i`` is exactly line ``i + 2`` and line numbers stay exact.  Arrow splits the
fields and parses numbers and ISO datetimes in C++; every cell it cannot parse (or a
record of the wrong width, or an over-long cell) sends the file back to the ``csv``
module path, which reports each problem with its line.  Both paths give identical
results (tested).

Why Arrow: the ``csv`` module creates one Python string per cell, about 0.5 µs each —
minutes for a market with 20M videos; Arrow parses the same files an order of magnitude
faster with no per-cell Python objects for numeric and date columns.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ._csvread import RawChunk
from .contract import FileSpec

try:  # optional accelerator: without it the csv-module path is used
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
except ImportError:  # pragma: no cover - exercised only where pyarrow is missing
    pa = None

BLOCK_BYTES = 1 << 25
_TYPED = {"int": "int", "float": "float", "date": "timestamp", "datetime": "timestamp"}


class UseSlowPath(Exception):
    """The fast path cannot read this file exactly; use the csv-module path."""


def available() -> bool:
    return pa is not None


def read_chunks(path: Path, header: list[str], spec: FileSpec, wanted: dict[str, int],
                limits: dict[str, int]) -> Iterator[RawChunk]:
    """Parse the whole file with Arrow, then yield it as ``RawChunk``s (one per record batch).

    Raises ``UseSlowPath`` before yielding anything if the file needs the exact path.
    """
    if pa is None:
        raise UseSlowPath("pyarrow not installed")
    names = [f"c{j}" for j in range(len(header))]  # positional: header names may repeat/blank
    keep = {name: f"c{j}" for name, j in wanted.items()}

    def invalid(_row: object) -> str:
        return "error"  # a record of the wrong width: Arrow raises, the exact path reports it

    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=BLOCK_BYTES, skip_rows=1, column_names=names,
                                           encoding="utf8"),
            parse_options=pacsv.ParseOptions(quote_char=False, invalid_row_handler=invalid,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in keep.values()},
                include_columns=list(keep.values()),
                strings_can_be_null=True, null_values=[""]),
        )
        batches = list(reader)
    except UseSlowPath:
        raise
    except (pa.ArrowException, OSError) as exc:
        raise UseSlowPath(str(exc)) from None
    for batch in batches:
        for name, c in keep.items():
            col = batch.column(c)
            if len(col) and col.null_count < len(col):
                longest = pc.max(pc.utf8_length(col)).as_py()
                if longest is not None and longest > limits[name]:
                    raise UseSlowPath("an over-long cell")
    first = 2
    while batches:
        batch = batches.pop(0)
        n = batch.num_rows
        columns: dict[str, np.ndarray] = {}
        typed: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for col_spec in spec.columns:
            c = keep.get(col_spec.name)
            if c is None:
                continue
            col = batch.column(c)
            kind = _TYPED.get(col_spec.kind)
            parsed = _typed(col, kind) if kind else None
            if parsed is not None:
                typed[col_spec.name] = parsed
            else:
                columns[col_spec.name] = _strings(col)
        line = np.arange(first, first + n, dtype=np.int64)
        first += n
        yield RawChunk(columns, line, [], np.zeros(0, np.int64), {}, typed)


def _strings(col: "pa.Array") -> np.ndarray:
    values = pc.fill_null(col, "").to_numpy(zero_copy_only=False)
    return np.array(values, dtype=str) if len(values) else np.array([], dtype="U1")


def _typed(col: "pa.Array", kind: str) -> tuple[np.ndarray, np.ndarray] | None:
    """``(values, empty)`` if Arrow parses every non-empty cell, else ``None``."""
    empty = col.is_null().to_numpy(zero_copy_only=False)
    try:
        if kind == "int":
            values = pc.fill_null(pc.cast(col, pa.int64()), -1).to_numpy()
        elif kind == "float":
            values = pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False)
            values = np.where(empty, np.nan, values)
        else:
            ts = pc.cast(col, pa.timestamp("s"))
            values = ts.to_numpy(zero_copy_only=False).astype("datetime64[s]")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None
    return values, empty
