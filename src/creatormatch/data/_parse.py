"""Vectorised parsing of string columns into typed numpy arrays.

Each parser takes a unicode array of stripped cells and returns ``(values, bad)``:
the typed array (with the missing-value sentinel where a cell was empty or bad) and a
boolean mask of cells that could not be parsed.  Emptiness is handled by the caller.
"""

from __future__ import annotations

import warnings

import numpy as np

from .contract import STATUSES
from .markets import is_market, replace_aliases

_STATUS_SORTED = np.array(sorted(STATUSES))
_STATUS_CODE = np.array([STATUSES.index(s) for s in sorted(STATUSES)], dtype=np.int8)
_MIN_TIME = np.datetime64("1900-01-01T00:00:00", "s")
_MAX_TIME = np.datetime64("2100-01-01T00:00:00", "s")


def parse_int(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whole numbers (``12``, ``+12``, ``1_000`` is refused); empty cells become -1."""
    out = np.full(cells.shape, -1, dtype=np.int64)
    bad = np.zeros(cells.shape, dtype=bool)
    filled = cells != ""
    if not filled.any():
        return out, bad
    vals = cells[filled]
    # numpy accepts '1_000' and surrounding blanks; refuse anything but optional sign + digits
    digits = np.char.isdigit(np.char.lstrip(vals, "+-"))
    ok_sign = np.char.count(vals, "-") + np.char.count(vals, "+") <= 1
    shape_ok = digits & ok_sign & (np.char.str_len(vals) <= 18)
    parsed = np.full(vals.shape, -1, dtype=np.int64)
    if shape_ok.any():
        parsed[shape_ok] = vals[shape_ok].astype(np.int64)
    out[filled] = parsed
    bad[filled] = ~shape_ok
    return out, bad


def parse_float(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Finite decimals (``1.5``, ``2e3``); NaN/inf/text are bad; empty cells become NaN."""
    out = np.full(cells.shape, np.nan, dtype=np.float64)
    bad = np.zeros(cells.shape, dtype=bool)
    filled = cells != ""
    if not filled.any():
        return out, bad
    vals = cells[filled]
    try:
        parsed = vals.astype(np.float64)
        ok = np.ones(vals.shape, dtype=bool)
    except ValueError:
        parsed = np.full(vals.shape, np.nan)
        ok = np.zeros(vals.shape, dtype=bool)
        for i, v in enumerate(vals.tolist()):  # only on a chunk that has a bad cell
            try:
                parsed[i] = float(v)
                ok[i] = True
            except ValueError:
                pass
    ok &= np.isfinite(parsed)
    # numpy also parses '1_000'; keep decimal notation only
    ok &= np.char.count(vals, "_") == 0
    parsed[~ok] = np.nan
    out[filled] = parsed
    bad[filled] = ~ok
    return out, bad


def _split_offsets(vals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split a trailing ``Z`` / ``+HH:MM`` / ``-HH:MM`` off ISO datetimes.

    Returns the local part and the offset in seconds (local = UTC + offset).  Runs only
    on the cells that carry an offset.
    """
    local: list[str] = []
    offset: list[int] = []
    for v in vals.tolist():
        if v.endswith("Z"):
            local.append(v[:-1])
            offset.append(0)
        elif len(v) > 6 and v[-6] in "+-" and v[-3] == ":" and v[-5:-3].isdigit() and v[-2:].isdigit():
            sign = -1 if v[-6] == "-" else 1
            local.append(v[:-6])
            offset.append(sign * (int(v[-5:-3]) * 3600 + int(v[-2:]) * 60))
        else:
            local.append(v)
            offset.append(0)
    return np.array(local, dtype=vals.dtype), np.array(offset, dtype=np.int64)


def parse_datetime(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ISO 8601 dates or datetimes (``2024-05-01``, ``2024-05-01T10:30:00[Z|+07:00]``).

    Offsets are converted to UTC.  Years outside 1900..2099 and ``NaT`` are bad.  Empty
    cells become NaT.
    """
    out = np.full(cells.shape, np.datetime64("NaT"), dtype="datetime64[s]")
    bad = np.zeros(cells.shape, dtype=bool)
    filled = cells != ""
    if not filled.any():
        return out, bad
    vals = cells[filled]
    offset = np.zeros(vals.shape, dtype=np.int64)
    flagged = np.char.endswith(vals, "Z") | (np.char.str_len(vals) > 19) & (
        (np.char.find(vals, "+", 16) >= 0) | (np.char.find(vals, "-", 16) >= 0))
    if flagged.any():
        vals = vals.copy()
        vals[flagged], offset[flagged] = _split_offsets(vals[flagged])
    # numpy reads 'NaT' as not-a-time, reads other zones with a warning, and cannot encode
    # non-ASCII: only digits and the ISO separators reach it
    shape_ok = (np.char.str_len(vals) >= 10) & _only_chars(vals, _ISO_CHARS)
    parsed = np.full(vals.shape, np.datetime64("NaT"), dtype="datetime64[s]")
    ok = shape_ok.copy()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            parsed[shape_ok] = vals[shape_ok].astype("datetime64[s]")
    except (ValueError, UserWarning, DeprecationWarning):
        ok[:] = False
        for i in np.flatnonzero(shape_ok).tolist():  # only on a chunk that has a bad cell
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("error")
                    parsed[i] = np.datetime64(str(vals[i]), "s")
                ok[i] = True
            except (ValueError, UserWarning, DeprecationWarning):
                pass
    parsed = parsed - offset.astype("timedelta64[s]")
    ok &= ~np.isnat(parsed)
    ok[ok] &= (parsed[ok] >= _MIN_TIME) & (parsed[ok] < _MAX_TIME)
    parsed[~ok] = np.datetime64("NaT")
    out[filled] = parsed
    bad[filled] = ~ok
    return out, bad


_ISO_CHARS = np.array(sorted(map(ord, "0123456789-:T .")), dtype=np.uint32)


def _only_chars(vals: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Cells made only of ``allowed`` characters (given as sorted code points)."""
    if len(vals) == 0:
        return np.zeros(0, bool)
    width = max(vals.dtype.itemsize // 4, 1)
    codes = np.ascontiguousarray(vals).view(np.uint32).reshape(len(vals), width)
    pos = np.minimum(np.searchsorted(allowed, codes), len(allowed) - 1)
    return ((allowed[pos] == codes) | (codes == 0)).all(axis=1)


def parse_status(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Collaboration status names (lower case) -> ``int8`` codes into ``STATUSES``."""
    pos = np.searchsorted(_STATUS_SORTED, cells)
    pos = np.minimum(pos, len(_STATUS_SORTED) - 1)
    ok = _STATUS_SORTED[pos] == cells
    code = np.where(ok, _STATUS_CODE[pos], -1).astype(np.int8)
    return code, ~ok & (cells != "")


def parse_market(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ISO 3166-1 alpha-2 codes (``data.markets``); lower case is accepted and upper-cased,
    a known alias (``UK``) becomes its ISO code (``GB``; the loader warns)."""
    upper = np.char.upper(cells).astype("U2")
    ok = (np.char.str_len(cells) == 2) & is_market(upper)
    upper, _ = replace_aliases(upper)
    return np.where(ok, upper, ""), ~ok & (cells != "")
