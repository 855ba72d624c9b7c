"""Seals: "this file had this digest when it had this state", so an unchanged file's full
digest check (a read of every byte) runs once per state, not at every load.

A seal (``seals/<key>.json``) holds the file's absolute path, its ``FileState``, the
digest verified and a reference time (the moment verification began, minus the racy
margin).  ``sealed_digest`` returns the digest only while the file keeps that state and
is older than the reference -- the rule of ``filestate`` (docs/cache.md).
"""

from __future__ import annotations

import time
from pathlib import Path

from . import location
from .filestate import FileState, file_state, read_json, trusted_unchanged, write_json_atomic

__all__ = ["sealed_digest", "seal", "reference_now"]

#: A file modified less than this before it was verified is verified again next time
#: (see ``ingest.RACY_MARGIN_NS``).
_MARGIN_NS = 2_000_000_000


def reference_now() -> int:
    """The reference time of a verification starting now."""
    return time.time_ns() - _MARGIN_NS


def sealed_digest(path: Path) -> str | None:
    """The digest ``path`` was verified to have, if its state has not changed since."""
    try:
        found = read_json(location.seal_record(path))
        if found is None:
            return None
        record, _ = found
        if record.get("path") != str(Path(path).resolve()):
            return None
        if trusted_unchanged(file_state(path), FileState.from_list(record["state"]), int(record["reference_ns"])):
            return str(record["digest"])
    except (OSError, KeyError, TypeError, ValueError):
        return None
    return None


def seal(path: Path, digest: str, state: FileState | None, reference_ns: int) -> None:
    """Record that ``path``, in ``state`` (taken before verifying), has ``digest``.

    Nothing is recorded when the file changed meanwhile or the cache cannot be written
    (the next load verifies again).
    """
    if not digest or state is None or file_state(path) != state:
        return
    try:
        write_json_atomic(location.seal_record(path), {"path": str(Path(path).resolve()), "state": state.to_list(),
                                                       "digest": digest, "reference_ns": reference_ns})
    except OSError:
        pass
