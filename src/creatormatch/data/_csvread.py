"""Read one CSV file into string columns, in chunks, with the line each record starts on.

This is the only place that touches raw bytes.  It checks the encoding first (a fast
pass over the bytes, which also feeds the dataset fingerprint), then parses records with
the standard ``csv`` module and turns each chunk of records into numpy unicode arrays, so
no Python object per row outlives its chunk.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import Problem

CHUNK_ROWS = 262_144
_BLOCK = 1 << 24

csv.field_size_limit(2**31 - 1)  # a 100 MB field is legal CSV; size is checked later


class FileUnreadable(Exception):
    """The file cannot be parsed at all; ``problem`` says where and why."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


@dataclass
class RawChunk:
    """Records ``start`` .. of one file as string columns (only the columns asked for)."""

    columns: dict[str, np.ndarray]
    line: np.ndarray
    bad_width: list[tuple[int, int, list[str]]]  # (line, n_fields, fields) of records with the wrong width
    nul_lines: np.ndarray  # lines of records that contained a NUL byte (replaced by U+FFFD)
    too_long: dict[str, tuple[np.ndarray, np.ndarray]]  # column -> (rows, lengths) of cells over the limit
    typed: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)  # already parsed: (values, empty)


@dataclass
class FileScan:
    """What the byte-level pass learned about a file."""

    size: int
    has_nul: bool
    has_quote: bool
    has_blank_line: bool

    @property
    def one_record_per_line(self) -> bool:
        """Record ``i`` is exactly line ``i + 2`` (no quotes, no NULs, no blank lines)."""
        return not (self.has_quote or self.has_nul or self.has_blank_line)


def check_encoding(path: Path, digest: "hashlib._Hash") -> FileScan:
    """Verify ``path`` is UTF-8 (optionally with a BOM); feed its bytes to ``digest``.

    Raises ``FileUnreadable`` at the first invalid byte, naming its line.
    """
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    lines_before = 0
    size = 0
    has_nul = has_quote = has_blank = False
    previous_end = b"\n"  # a file starting with a blank line has one too
    with path.open("rb") as fh:
        while True:
            block = fh.read(_BLOCK)
            final = not block
            try:
                decoder.decode(block, final=final)
            except UnicodeDecodeError as exc:
                line = lines_before + block.count(b"\n", 0, max(exc.start, 0)) + 1
                bad = block[exc.start: exc.start + 4]
                raise FileUnreadable(Problem(
                    path.name, line, None,
                    f"bytes are not valid UTF-8 at byte {size + exc.start}; save the file as UTF-8",
                    bad.hex(" "),
                )) from None
            if final:
                return FileScan(size, has_nul, has_quote, has_blank)
            digest.update(block)
            size += len(block)
            lines_before += block.count(b"\n")
            has_nul = has_nul or b"\x00" in block
            has_quote = has_quote or b'"' in block
            joined = previous_end[-2:] + block
            has_blank = has_blank or b"\n\n" in joined or b"\n\r\n" in joined or b"\r\r" in joined
            previous_end = block[-2:]


def _denul(lines: Iterator[str], nul_lines: list[int]) -> Iterator[str]:
    """Replace NUL characters (which older ``csv`` versions refuse) and remember where."""
    for n, text in enumerate(lines, start=1):
        if "\x00" in text:
            nul_lines.append(n)
            text = text.replace("\x00", "\ufffd")
        yield text


def read_header(path: Path) -> list[str]:
    """The header fields of ``path``, as written (BOM removed); ``[]`` for an empty file."""
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        nul_lines: list[int] = []
        reader = csv.reader(_denul(fh, nul_lines), strict=False)
        try:
            return next(reader)
        except StopIteration:
            return []
        except csv.Error as exc:
            raise FileUnreadable(Problem(path.name, 1, None, f"the header is not valid CSV: {exc}")) from None


def iter_chunks(path: Path, header: list[str], wanted: dict[str, int], has_nul: bool,
                limits: dict[str, int], has_quote: bool = True,
                chunk_rows: int = CHUNK_ROWS) -> Iterator[RawChunk]:
    """Yield the data records of ``path`` in chunks of string columns.

    ``wanted`` maps a column name to its position in the header.  Records whose field
    count differs from the header's are returned in ``bad_width`` instead.  A cell longer
    than ``limits[column]`` characters is blanked and reported in ``too_long``: numpy
    string columns are as wide as their widest cell, so one 100 MB cell must not widen
    a million rows.  Without quotes in the file (``has_quote=False``) record ``i`` is on
    line ``i + 2`` and records are pulled in bulk, several times faster.
    """
    width = len(header)
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        nul_lines: list[int] = []
        source: Iterator[str] = _denul(fh, nul_lines) if has_nul else fh
        reader = csv.reader(source, strict=False)
        try:
            next(reader)
        except StopIteration:
            return
        consumed = 1  # physical lines read so far (fast path only)
        while True:
            try:
                if has_quote:
                    rows, starts = _take_tracking_lines(reader, chunk_rows)
                else:
                    rows = list(itertools.islice(reader, chunk_rows))
                    starts = np.arange(consumed + 1, consumed + 1 + len(rows), dtype=np.int64)
                    consumed += len(rows)
            except csv.Error as exc:
                raise FileUnreadable(Problem(path.name, reader.line_num, None, f"not valid CSV: {exc}")) from None
            if not rows:
                return
            n_taken = len(rows)
            widths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
            bad: list[tuple[int, int, list[str]]] = []
            good = widths == width
            if not good.all():
                for i in np.flatnonzero(~good & (widths > 0)).tolist():  # a blank line is no record
                    bad.append((int(starts[i]), int(widths[i]), rows[i]))
                keep = np.flatnonzero(good)
                rows = [rows[i] for i in keep.tolist()]
                starts = starts[keep]
            fields = list(zip(*rows)) if rows else [()] * width
            columns: dict[str, np.ndarray] = {}
            too_long: dict[str, tuple[np.ndarray, np.ndarray]] = {}
            for name, j in wanted.items():
                cells = fields[j]
                limit = limits[name]
                if cells and max(map(len, cells)) > limit:
                    lengths = np.fromiter(map(len, cells), dtype=np.int64, count=len(cells))
                    over = np.flatnonzero(lengths > limit)
                    too_long[name] = (over, lengths[over])
                    cells = list(cells)
                    for i in over.tolist():
                        cells[i] = ""
                columns[name] = np.array(cells, dtype=str) if cells else np.array([], dtype="U1")
            nul = np.array(nul_lines, dtype=np.int64)
            nul_lines.clear()
            yield RawChunk(columns, starts, bad, nul, too_long)
            if n_taken < chunk_rows:
                return


def _take_tracking_lines(reader: "csv._reader", n: int) -> tuple[list[list[str]], np.ndarray]:
    """Up to ``n`` records and the line each starts on (quoted fields may span lines)."""
    rows: list[list[str]] = []
    starts: list[int] = []
    last = reader.line_num
    for row in reader:
        rows.append(row)
        starts.append(last + 1)
        last = reader.line_num
        if len(rows) >= n:
            break
    return rows, np.array(starts, dtype=np.int64)


def raw_records(path: Path, lines: set[int]) -> dict[int, str]:
    """Re-read the CSV records that start on ``lines`` (for rejects.csv), in one pass."""
    found: dict[int, str] = {}
    if not lines:
        return found
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(_denul(fh, []), strict=False)
        last = 0
        for row in reader:
            if last + 1 in lines:
                found[last + 1] = ",".join(_quote(v) for v in row)
            last = reader.line_num
    return found


def _quote(value: str) -> str:
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value
