"""Writing a file so that readers see either the old one or the whole new one.

``write_atomically(path, write)`` calls ``write(fh)`` on a temporary file beside ``path``
(hidden, ``.<name>.<random>.tmp``, so a damaged leftover is recognisable), flushes and
fsyncs it, then renames it over ``path``.  A crash or an exception at any point leaves
``path`` untouched and removes the temporary file (the exception is re-raised).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

__all__ = ["write_atomically"]


def write_atomically(path: Path, write: Callable[[BinaryIO], None]) -> Path:
    """Write ``path`` through ``write(binary file)``: temporary file, fsync, rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path
