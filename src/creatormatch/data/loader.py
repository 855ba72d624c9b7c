"""The strict loader: a dataset folder (contract v1) in, a validated columnar ``Dataset`` out.

Two phases:

1. **Parse** each file on its own: encoding, header, field counts, required values,
   numbers, dates, statuses, markets, bounds.
2. **Relate** files in contract order: duplicate keys, references to other files,
   and rules across columns (``responded_at``/``delivered_at`` not before ``invited_at``,
   ``deliverables_delivered`` <= ``deliverables_promised``, a video's collaboration belongs to
   the same creator, no category is its own ancestor).

Default mode refuses the dataset with a ``DataError`` listing every problem as
``FILE:LINE: column 'NAME': what is wrong (value 'V')`` (at most 20 per file plus a count of
the rest).  Lenient mode drops each bad row, and every row that refers to a dropped row,
writes them with their reasons to ``rejects.csv`` and reports the counts: rows read =
rows loaded + rows rejected, for every file.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import DataError, Problem, UsageError
from . import _arrowread, _parse
from ._csvread import FileUnreadable, RawChunk, check_encoding, iter_chunks, raw_records, read_header
from . import contract
from .contract import FILES, Column, FileSpec
from .dataset import MISSING_INT, Dataset, LoadReport, Table
from .markets import ALIASES
from ..progress import RowProgress as Progress

__all__ = ["load_dataset", "LoadReport"]

_EMPTY = "required value is empty"
#: Longest cell accepted per column kind, in characters (numpy string columns are as wide
#: as their widest cell, so this bounds memory: 1M handles take at most 1M x 4 x 500 bytes).
MAX_CHARS = {"id": 100, "ref": 100, "text": 500, "market": 100, "int": 100, "float": 100,
             "date": 100, "datetime": 100, "status": 100}

_PARSERS = {
    "int": _parse.parse_int,
    "float": _parse.parse_float,
    "date": _parse.parse_datetime,
    "datetime": _parse.parse_datetime,
    "status": _parse.parse_status,
    "market": _parse.parse_market,
}
_WHAT = {
    "int": "not a whole number",
    "float": "not a finite number",
    "date": "not an ISO date (YYYY-MM-DD)",
    "datetime": "not an ISO datetime (YYYY-MM-DDTHH:MM:SS)",
    "status": "unknown status; expected one of invited, accepted, declined, expired, completed, cancelled",
    "market": "not an ISO 3166-1 alpha-2 market code (e.g. ID, GB, US; UK is read as GB)",
}



@dataclass
class _Found:
    """Problems found in one file: row positions, column, message and the offending values."""

    rows: np.ndarray
    column: str | None
    message: str
    values: np.ndarray | None


@dataclass
class _FileState:
    spec: FileSpec
    path: Path
    columns: dict[str, np.ndarray]
    line: np.ndarray
    found: list[_Found] = field(default_factory=list)
    bad: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    # records that could not even be split into the right number of fields
    unsplit: list[tuple[int, str]] = field(default_factory=list)
    unsplit_keys: list[str] = field(default_factory=list)

    def flag(self, rows: np.ndarray, column: str | None, message: str, values: np.ndarray | None = None) -> None:
        rows = np.asarray(rows)
        if rows.dtype == bool:
            rows = np.flatnonzero(rows)
        if len(rows) == 0:
            return
        self.found.append(_Found(rows, column, message, None if values is None else np.asarray(values)))
        self.bad[rows] = True

    @property
    def n_problems(self) -> int:
        return sum(len(f.rows) for f in self.found) + len(self.unsplit)


def load_dataset(root: str | Path, *, lenient: bool = False, rejects_path: str | Path | None = None,
                 progress: Progress | None = None) -> Dataset:
    """Load and validate the dataset folder ``root``.

    Parameters
    ----------
    root : folder holding ``creators.csv``, ``brands.csv``, ``collaborations.csv`` and the
        optional files of contract v1.
    lenient : drop bad rows (and rows that refer to them) instead of refusing the dataset.
    rejects_path : where lenient mode writes the dropped rows (default ``./rejects.csv``).
    progress : called as ``progress(file_name, rows_done)`` while reading.

    Returns
    -------
    Dataset, whose ``report`` (a ``LoadReport``) says what was read, kept and rejected.

    Raises
    ------
    DataError : the dataset breaks the contract (strict mode), or a file is unusable as a
        whole (wrong encoding, missing header column, empty) in either mode.
    UsageError : ``root`` is not a folder.
    """
    root = Path(root)
    if not root.is_dir():
        raise UsageError(f"dataset folder not found: {root}")
    digest = hashlib.sha256(b"creatormatch-dataset-v1")
    report = LoadReport()
    fatal: list[Problem] = []
    states: dict[str, _FileState] = {}
    for spec_ in FILES:
        path = root / spec_.filename
        if not path.is_file():
            if spec_.required:
                fatal.append(Problem(spec_.filename, 0, None, "required file is missing"))
            continue
        try:
            state = _read_file(spec_, path, digest, report, progress)
        except FileUnreadable as exc:
            fatal.append(exc.problem)
            continue
        if state is not None:
            states[spec_.name] = state
    if fatal:
        raise DataError(fatal, summary=f"{root}: the dataset cannot be read:")

    derived = _derive_missing(states, root)
    tables: dict[str, Table] = {}
    raw_keys: dict[str, np.ndarray] = {}
    for spec_ in FILES:
        if spec_.name in derived:
            tables[spec_.name] = derived[spec_.name]
            continue
        state = states.get(spec_.name)
        if state is None:
            continue
        _relate(state, tables, raw_keys, lenient)
        keep = ~state.bad if lenient else np.ones(len(state.line), bool)
        tables[spec_.name] = _finish(state, keep)
        raw_keys[spec_.name] = np.concatenate([state.columns[spec_.key], np.array(state.unsplit_keys, dtype=str)])

    total = sum(s.n_problems for s in states.values())
    for name, state in states.items():
        report.rows_read[name] = len(state.line) + len(state.unsplit)
        report.rows_loaded[name] = len(tables[name]) if lenient or total == 0 else len(state.line)
        report.rows_rejected[name] = report.rows_read[name] - report.rows_loaded[name]
    if total and not lenient:
        problems, more = _render(states)
        raise DataError(problems, more, summary=(
            f"{root}: {total} problem{'s' if total != 1 else ''} found; the dataset was not loaded (fix "
            f"{'them' if total != 1 else 'it'}):"),
            hint=("lenient", "Or use {option} to drop the bad rows and load the rest."))
    if total:
        report.rejects_path = _write_rejects(states, Path(rejects_path or "rejects.csv"))
        emptied = [name for name in report.rows_read
                   if contract.spec(name).required and report.rows_read[name] and not report.rows_loaded[name]]
        if emptied:
            problems, more = _render({name: states[name] for name in emptied})
            whole = " and of ".join(f"{name}.csv ({report.rows_read[name]:,} of {report.rows_read[name]:,})"
                                    for name in emptied)
            raise DataError(problems, more, summary=(
                f"{root}: every row of {whole} was rejected, so nothing can be loaded; every rejected row and its "
                f"reasons: {report.rejects_path}. The first problems:"))
    dataset = Dataset(root=root, tables=tables, fingerprint=digest.hexdigest()[:16],
                      warnings=report.warnings, derived=frozenset(derived), report=report)
    return dataset


# ---------------------------------------------------------------- phase 1: parse


def _read_file(spec_: FileSpec, path: Path, digest: "hashlib._Hash", report: LoadReport,
               progress: Progress | None) -> _FileState:
    digest.update(spec_.filename.encode())
    scan = check_encoding(path, digest)
    if scan.size == 0:
        raise FileUnreadable(Problem(path.name, 0, None, "file is empty; expected a header row and data rows"))
    header = [h.strip() for h in read_header(path)]
    seen: set[str] = set()
    for name in header:
        if name in seen and name:
            raise FileUnreadable(Problem(path.name, 1, name, "column appears twice in the header"))
        seen.add(name)
    missing = [c.name for c in spec_.columns if c.required and c.name not in seen]
    if missing:
        hint = _case_hint(missing[0], header)
        raise FileUnreadable(Problem(path.name, 1, missing[0], "required column is missing from the header" + hint))
    extra = [h for h in header if h not in {c.name for c in spec_.columns}]
    if extra:
        report.warnings.append(f"{path.name}: ignoring column(s) not in the contract: {', '.join(map(repr, extra))}")
    wanted = {c.name: header.index(c.name) for c in spec_.columns if c.name in seen}

    parts: dict[str, list[np.ndarray]] = {c.name: [] for c in spec_.columns}
    lines: list[np.ndarray] = []
    found: list[_Found] = []
    unsplit: list[tuple[int, str]] = []
    unsplit_keys: list[str] = []
    key_at = wanted[spec_.key]
    aliased: dict[str, list[int]] = {}
    offset = 0
    limits = {c.name: MAX_CHARS[c.kind] for c in spec_.columns}
    chunks: Iterable[RawChunk] | None = None
    if scan.one_record_per_line and _arrowread.available():
        fast = _arrowread.read_chunks(path, header, spec_, wanted, limits)
        try:  # the fast path decides before its first chunk; after that it only streams
            first = next(fast, None)
            chunks = itertools.chain([first] if first is not None else [], fast)
        except _arrowread.UseSlowPath:
            chunks = None
    if chunks is None:
        chunks = iter_chunks(path, header, wanted, scan.has_nul, limits, scan.has_quote)
    for chunk in chunks:
        n = len(chunk.line)
        for line, width, fields in chunk.bad_width:
            unsplit.append((line, f"has {width} field(s); the header has {len(header)}"))
            if key_at < len(fields) and fields[key_at].strip():
                unsplit_keys.append(fields[key_at].strip())
        if len(chunk.nul_lines) and n:
            rows = np.unique(np.searchsorted(chunk.line, chunk.nul_lines, side="right") - 1)
            rows = rows[rows >= 0]
            found.append(_Found(rows + offset, None, "contains a NUL byte", None))
        for col in spec_.columns:
            if col.name in chunk.typed:
                values, empty = chunk.typed[col.name]
                problems = _check_typed(col, values, empty)
                parts[col.name].append(values)
                for rows, message in problems:
                    found.append(_Found(rows + offset, col.name, message, _shown(values[rows], empty[rows])))
                continue
            raw = chunk.columns.get(col.name)
            if raw is None:
                raw = np.full(n, "", dtype="U1")
            values, problems = _parse_column(col, raw)
            if col.kind == "market":
                _note_aliases(aliased, np.char.upper(np.char.strip(raw)), chunk.line)
            if col.name in chunk.too_long:
                rows, lengths = chunk.too_long[col.name]
                problems = [(r[~np.isin(r, rows)], m) for r, m in problems]
                found.append(_Found(rows + offset, col.name,
                                    f"value is too long (at most {limits[col.name]} characters)",
                                    lengths.astype(str)))
            parts[col.name].append(values)
            for rows, message in problems:
                shown = None if message == _EMPTY else raw[rows]
                found.append(_Found(rows + offset, col.name, message, shown))
        lines.append(chunk.line)
        offset += n
        if progress:
            progress(spec_.name, offset)
    if offset == 0 and not unsplit:
        raise FileUnreadable(Problem(path.name, 0, None, "has a header but no data rows; remove the file or add rows"))
    columns = {name: _concat(chunks, spec_.column(name)) for name, chunks in parts.items()}
    line = np.concatenate(lines) if lines else np.zeros(0, np.int64)
    state = _FileState(spec_, path, columns, line, bad=np.zeros(len(line), bool), unsplit=unsplit,
                       unsplit_keys=unsplit_keys)
    for alias, (count, first) in sorted(aliased.items()):
        report.warnings.append(f"{path.name}:{first}: market '{alias}' read as '{ALIASES[alias]}' (the ISO 3166-1 "
                               f"code) on {count:,} row{'s' if count != 1 else ''}")
    for f in found:
        state.flag(f.rows, f.column, f.message, f.values)
    return state


def _note_aliases(aliased: dict[str, list[int]], cells: np.ndarray, lines: np.ndarray) -> None:
    """Count the market aliases (``UK``) among ``cells``, with the first line of each."""
    for alias in ALIASES:
        at = np.flatnonzero(cells == alias)
        if len(at):
            entry = aliased.setdefault(alias, [0, int(lines[at[0]])])
            entry[0] += len(at)


def _case_hint(name: str, header: list[str]) -> str:
    """Why a required column may look missing: its case, or another delimiter than a comma."""
    for h in header:
        if h.lower() == name.lower():
            return f" (found '{h}': column names are case-sensitive)"
    for sep, what in ((";", "semicolons"), ("\t", "tabs"), ("|", "'|'")):
        if any(sep in h for h in header) and any(name in h.split(sep) for h in header):
            return (f" (the header looks separated by {what}, not commas: contract-v1 files are comma-separated; "
                    "save the file as CSV with commas)")
    return ""


def _parse_column(col: Column, raw: np.ndarray) -> tuple[np.ndarray, list[tuple[np.ndarray, str]]]:
    """Parse one column chunk; return its values and ``(rows, message)`` problems."""
    problems: list[tuple[np.ndarray, str]] = []
    cells = raw if col.kind == "text" else np.char.strip(raw)
    empty = (np.char.strip(cells) == "") if col.kind == "text" else (cells == "")
    if col.required and empty.any():
        problems.append((np.flatnonzero(empty), _EMPTY))
    if col.kind in ("id", "ref", "text"):
        return cells, problems
    values, bad = _PARSERS[col.kind](cells)
    if bad.any():
        problems.append((np.flatnonzero(bad), _WHAT[col.kind]))
    if col.kind in ("int", "float"):
        problems.extend(_out_of_bounds(col, values, ~bad & ~empty))
    return values, problems


def _out_of_bounds(col: Column, values: np.ndarray, ok: np.ndarray) -> list[tuple[np.ndarray, str]]:
    """Rows among ``ok`` whose value is below ``col.min`` or above ``col.max``."""
    problems: list[tuple[np.ndarray, str]] = []
    if col.min is not None:
        low = ok & (values < col.min)
        if low.any():
            problems.append((np.flatnonzero(low), "negative value" if col.min == 0 else f"below {col.min:g}"))
    if col.max is not None:
        high = ok & (values > col.max)
        if high.any():
            problems.append((np.flatnonzero(high), f"above {col.max:g}"))
    return problems


def _check_typed(col: Column, values: np.ndarray, empty: np.ndarray) -> list[tuple[np.ndarray, str]]:
    """The checks of ``_parse_column`` for a column the fast path already parsed."""
    problems: list[tuple[np.ndarray, str]] = []
    if col.required and empty.any():
        problems.append((np.flatnonzero(empty), _EMPTY))
    if col.kind in ("date", "datetime"):
        bad = ~empty & (np.isnat(values) | (values < _parse._MIN_TIME) | (values >= _parse._MAX_TIME))
        if bad.any():
            problems.append((np.flatnonzero(bad), _WHAT[col.kind]))
            values[bad] = np.datetime64("NaT")
        return problems
    if col.kind == "float":
        bad = ~empty & ~np.isfinite(values)
        if bad.any():
            problems.append((np.flatnonzero(bad), _WHAT["float"]))
            values[bad] = np.nan
    ok = ~empty & (np.isfinite(values) if col.kind == "float" else True)
    problems.extend(_out_of_bounds(col, values, ok))
    return problems


def _shown(values: np.ndarray, empty: np.ndarray) -> np.ndarray | None:
    """How a parsed value is shown in a problem message ('' for an empty cell)."""
    if empty.all():
        return None
    return np.where(empty, "", values.astype(str))


def _concat(chunks: list[np.ndarray], col: Column) -> np.ndarray:
    if chunks:
        return np.concatenate(chunks)
    empty_dtypes = {"int": np.int64, "float": np.float64, "date": "datetime64[s]",
                    "datetime": "datetime64[s]", "status": np.int8, "market": "U2"}
    return np.zeros(0, dtype=empty_dtypes.get(col.kind, "U1"))


# ---------------------------------------------------------------- phase 2: relate


def _derive_missing(states: dict[str, _FileState], root: Path) -> dict[str, Table]:
    """Key-only tables for absent optional files that other files refer to."""
    derived: dict[str, Table] = {}
    for spec_ in FILES:
        if spec_.name in states or spec_.required:
            continue
        refs = [s.columns[c.name] for s in states.values() for c in s.spec.columns
                if c.kind == "ref" and c.ref == spec_.name]
        ids = np.unique(np.concatenate(refs)) if refs else np.zeros(0, "U1")
        ids = ids[ids != ""]
        if len(ids) == 0:
            continue
        columns: dict[str, np.ndarray] = {}
        for col in spec_.columns:
            columns[col.name] = ids if col.kind == "id" else _empty_column(col, len(ids))
        derived[spec_.name] = Table(spec_.name, columns, np.zeros(len(ids), np.int64))
    return derived


def _empty_column(col: Column, n: int) -> np.ndarray:
    if col.kind == "ref":
        return np.full(n, -1, np.int32)
    if col.kind == "int":
        return np.full(n, MISSING_INT, np.int64)
    if col.kind == "float":
        return np.full(n, np.nan)
    if col.kind in ("date", "datetime"):
        return np.full(n, np.datetime64("NaT"), "datetime64[s]")
    return np.full(n, "", "U1")


def _relate(state: _FileState, tables: dict[str, Table], raw_keys: dict[str, np.ndarray], lenient: bool) -> None:
    spec_ = state.spec
    keys = state.columns[spec_.key]
    _flag_duplicates(state, keys)
    cols = state.columns
    if spec_.name == "creators" and "observed_to" in cols and "observed_from" in cols:
        start, end = cols["observed_from"], cols["observed_to"]
        early = ~np.isnat(start) & ~np.isnat(end) & (end < start)
        state.flag(early, "observed_to", "is before observed_from", end[early].astype(str))
    if spec_.name == "collaborations":
        invited = cols["invited_at"]
        for name in ("responded_at", "delivered_at"):
            early = ~np.isnat(cols[name]) & ~np.isnat(invited) & (cols[name] < invited)
            state.flag(early, name, "is before invited_at", cols[name][early].astype(str))
        promised, delivered = cols["deliverables_promised"], cols["deliverables_delivered"]
        over = (promised >= 0) & (delivered > promised)
        state.flag(over, "deliverables_delivered", "is more than deliverables_promised",
                   np.char.add(np.char.add(delivered[over].astype(str), " > "), promised[over].astype(str)))
    for col in spec_.columns:
        if col.kind != "ref":
            continue
        ids = cols[col.name]
        if col.ref == spec_.name:  # categories.parent_id refers to the same file
            order = np.argsort(keys, kind="stable")
            pos = _lookup(keys[order], ids)
            pos = np.where(pos >= 0, order[np.maximum(pos, 0)], -1)  # rows in file order
            missing = (ids != "") & (pos < 0)
            state.flag(missing, col.name, f"unknown {col.ref[:-1]} id (not in {col.ref}.csv)", ids[missing])
            cols[col.name] = pos.astype(np.int32)
            continue
        table = tables.get(col.ref)  # type: ignore[arg-type]
        target_keys = table.ids if table is not None else np.zeros(0, "U1")
        pos = _lookup(target_keys, ids)
        missing = (ids != "") & (pos < 0)
        if missing.any():
            raw = raw_keys.get(col.ref, np.zeros(0, "U1"))  # type: ignore[arg-type]
            was_rejected = missing & np.isin(ids, raw) if len(raw) else np.zeros_like(missing)
            state.flag(missing & ~was_rejected, col.name,
                       f"unknown {_singular(col.ref)} id (not in {col.ref}.csv)", ids[missing & ~was_rejected])
            state.flag(was_rejected, col.name, f"refers to a rejected row of {col.ref}.csv", ids[was_rejected])
        cols[col.name] = pos.astype(np.int32)
    if spec_.name == "categories":
        _flag_cycles(state)
        if lenient:
            _flag_orphans(state)
    if spec_.name == "videos" and "collaborations" in tables:
        collab = cols["collaboration_id"]
        linked = collab >= 0
        owner = np.full(len(collab), -1, np.int64)
        owner[linked] = tables["collaborations"]["creator_id"][collab[linked]]
        other = linked & (owner != cols["creator_id"])
        state.flag(other, "collaboration_id", "belongs to another creator's collaboration",
                   tables["collaborations"].ids[collab[other]] if other.any() else None)


def _singular(name: str | None) -> str:
    return {"categories": "category"}.get(name or "", (name or "")[:-1])


def _lookup(sorted_keys: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Positions of ``ids`` in ``sorted_keys``; -1 for unknown or empty."""
    if len(sorted_keys) == 0:
        return np.full(len(ids), -1, np.int64)
    pos = np.minimum(np.searchsorted(sorted_keys, ids), len(sorted_keys) - 1)
    return np.where((sorted_keys[pos] == ids) & (ids != ""), pos, -1)


def _flag_duplicates(state: _FileState, keys: np.ndarray) -> None:
    order = np.argsort(keys, kind="stable")
    s = keys[order]
    dup = np.flatnonzero(s[1:] == s[:-1]) + 1
    if len(dup) == 0:
        return
    # the first occurrence (lowest line) stays; later ones are the duplicates
    first = order[np.searchsorted(s, s[dup])]
    rows = order[dup]
    name = state.spec.key
    for r, f in zip(rows.tolist()[:1000], first.tolist()[:1000]):
        state.flag(np.array([r]), name, f"duplicate id (first seen on line {state.line[f]})", keys[[r]])
    if len(rows) > 1000:
        state.flag(rows[1000:], name, "duplicate id", keys[rows[1000:]])


def _flag_cycles(state: _FileState) -> None:
    """Categories whose parent chain never reaches a root."""
    parent = state.columns["parent_id"].astype(np.int64)
    node = parent.copy()
    for _ in range(len(parent).bit_length() + 1):
        step = node >= 0
        node[step] = parent[node[step]]
        if not step.any():
            return
    cyclic = node >= 0
    state.flag(cyclic, "parent_id", "category is its own ancestor (cycle)", state.columns["category_id"][cyclic])


def _flag_orphans(state: _FileState) -> None:
    """Lenient mode: a category whose parent is dropped is dropped too (never silently re-rooted)."""
    parent = state.columns["parent_id"].astype(np.int64)
    while True:
        orphan = ~state.bad & (parent >= 0) & state.bad[np.maximum(parent, 0)]
        if not orphan.any():
            return
        state.flag(orphan, "parent_id", "refers to a rejected row of categories.csv",
                   state.columns["category_id"][parent[orphan]])


def _finish(state: _FileState, keep: np.ndarray) -> Table:
    """The kept rows as a ``Table`` sorted by key, with references renumbered."""
    cols = {k: v[keep] for k, v in state.columns.items()}
    line = state.line[keep]
    order = np.argsort(cols[state.spec.key], kind="stable")
    cols = {k: v[order] for k, v in cols.items()}
    if state.spec.name == "categories":
        # parent_id pointed at positions of the unsorted, unfiltered rows
        new_pos = np.full(len(keep), -1, np.int64)
        new_pos[np.flatnonzero(keep)[order]] = np.arange(len(order))
        p = cols["parent_id"].astype(np.int64)
        cols["parent_id"] = np.where(p >= 0, new_pos[np.maximum(p, 0)], -1).astype(np.int32)
    return Table(state.spec.name, cols, line[order])


# ---------------------------------------------------------------- reporting


def _problems_of(state: _FileState) -> list[Problem]:
    out: list[Problem] = []
    name = state.path.name
    for line, message in state.unsplit:
        out.append(Problem(name, line, None, message))
    for f in state.found:
        vals = f.values
        for i, r in enumerate(f.rows.tolist()):
            value = None if vals is None or i >= len(vals) else str(vals[i])
            out.append(Problem(name, int(state.line[r]), f.column, f.message, value))
    return out


def _render(states: dict[str, _FileState]) -> tuple[list[Problem], dict[str, int]]:
    problems: list[Problem] = []
    more: dict[str, int] = {}
    for spec_ in FILES:
        state = states.get(spec_.name)
        if state is None or not state.n_problems:
            continue
        found = sorted(_problems_of_limited(state), key=lambda p: (p.line, p.column or ""))
        problems.extend(found[: DataError.MAX_PER_FILE])
        if state.n_problems > DataError.MAX_PER_FILE:
            more[state.path.name] = state.n_problems - DataError.MAX_PER_FILE
    return problems, more


def _problems_of_limited(state: _FileState) -> list[Problem]:
    """Problems of ``state`` on its earliest lines only (cheap when there are millions)."""
    if state.n_problems <= 10 * DataError.MAX_PER_FILE:
        return _problems_of(state)
    rows = np.concatenate([f.rows for f in state.found]) if state.found else np.zeros(0, np.int64)
    cutoff = np.sort(state.line[rows])[: DataError.MAX_PER_FILE][-1] if len(rows) else 0
    trimmed = _FileState(state.spec, state.path, state.columns, state.line, bad=state.bad,
                         unsplit=[u for u in state.unsplit if u[0] <= max(cutoff, 1)][: DataError.MAX_PER_FILE])
    for f in state.found:
        sel = state.line[f.rows] <= cutoff
        if sel.any():
            trimmed.found.append(_Found(f.rows[sel], f.column, f.message,
                                        None if f.values is None else f.values[sel]))
    return _problems_of(trimmed)


def _write_rejects(states: dict[str, _FileState], path: Path) -> Path:
    """Write every rejected row, with its reasons and its original record, to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "line", "reasons", "record"])
        for spec_ in FILES:
            state = states.get(spec_.name)
            if state is None or not state.n_problems:
                continue
            reasons: dict[int, list[str]] = {}
            for p in _problems_of(state):
                text = f"column '{p.column}': {p.message}" if p.column else p.message
                reasons.setdefault(p.line, []).append(text)
            records = raw_records(state.path, set(reasons))
            for line in sorted(reasons):
                writer.writerow([state.path.name, line, "; ".join(reasons[line]), records.get(line, "")])
    tmp.replace(path)
    return path
