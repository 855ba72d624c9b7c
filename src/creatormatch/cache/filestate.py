"""Whether a file changed since we last looked, from its metadata alone (git's index rule).

A ``FileState`` is what ``os.stat`` says about a file: size, mtime and ctime in
nanoseconds, inode and device.  A *record* keeps the states of a set of files together
with the moment it was written (its own mtime).  A file is **trusted unchanged** when

1. its state equals the recorded one, field for field, and
2. its mtime is strictly older than the record's own mtime.

Rule 2 is git's "racily clean" rule: a write that lands within the filesystem's timestamp
granularity of the moment we looked leaves the mtime unchanged, so a file whose mtime is
not older than the record is hashed again instead of trusted.  What this guarantees, and
what it does not, is written down in ``docs/cache.md``.
"""

from __future__ import annotations

import json
import os
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any

from .._atomic import write_atomically

__all__ = ["FileState", "file_state", "trusted_unchanged", "write_json_atomic", "read_json"]


@dataclass(frozen=True)
class FileState:
    """The metadata of one file that a content change must alter (or that we re-hash)."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    device: int

    def to_list(self) -> list[int]:
        return list(astuple(self))

    @classmethod
    def from_list(cls, values: list[int]) -> "FileState":
        return cls(*(int(v) for v in values))


def file_state(path: Path) -> FileState | None:
    """The ``FileState`` of ``path``, or None when it is not a regular file."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    if not os.path.isfile(path):
        return None
    return FileState(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def trusted_unchanged(now: FileState | None, recorded: FileState | None, record_mtime_ns: int) -> bool:
    """Whether a file may be trusted unchanged without reading it.

    Parameters
    ----------
    now : the file's state today (None: absent).
    recorded : its state when the record was made (None: it was absent).
    record_mtime_ns : the mtime of the record file itself.

    Returns
    -------
    bool : True when both are absent, or the states are equal and the file's mtime is
        strictly older than the record (not "racily clean").
    """
    if now is None or recorded is None:
        return now is None and recorded is None
    return now == recorded and now.mtime_ns < record_mtime_ns


def write_json_atomic(path: Path, data: dict[str, Any]) -> int:
    """Write ``data`` as JSON to ``path`` atomically (temporary file, fsync, rename).

    Returns the mtime (ns) of the written file: the moment later checks compare against.
    """
    write_atomically(path, lambda fh: fh.write(json.dumps(data, sort_keys=True).encode("utf-8")))
    return os.stat(path).st_mtime_ns


def read_json(path: Path) -> tuple[dict[str, Any], int] | None:
    """``(data, mtime_ns)`` of a JSON record, or None when it is missing or unreadable."""
    try:
        with open(path, "rb") as fh:
            mtime = os.fstat(fh.fileno()).st_mtime_ns
            data = json.loads(fh.read().decode("utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return (data, mtime) if isinstance(data, dict) else None
