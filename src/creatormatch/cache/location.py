"""Where the cache lives, what is in it, and the lock that serialises building an entry.

Layout of ``$CREATORMATCH_CACHE`` (default ``~/.cache/creatormatch``)::

    <fingerprint>.npz          the match model of the dataset with that content fingerprint
    <fingerprint>.data/        its columnar copy: one Arrow IPC file per table + manifest.json
    folders/<key>.json         per dataset folder: file states and the fingerprint they had
    seals/<key>.json           per model file: its state when its digest was last verified
    locks/<name>.lock          advisory locks (flock) held while an entry is being built

Every file is written under a temporary name and renamed into place, so a reader sees an
old entry, a complete new one, or none.
"""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from ..errors import ModelError

__all__ = ["cache_dir", "model_entry", "data_entry", "folder_record", "seal_record", "entry_lock",
           "valid_fingerprint", "path_key", "ensure_writable", "warn_unwritable"]


def cache_dir() -> Path:
    """``$CREATORMATCH_CACHE`` or ``~/.cache/creatormatch``."""
    env = os.environ.get("CREATORMATCH_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "creatormatch"


def valid_fingerprint(fingerprint: str) -> bool:
    """Whether ``fingerprint`` can name a cache entry (hex digits, as the loader makes them)."""
    return bool(fingerprint) and all(ch in "0123456789abcdef" for ch in fingerprint.lower())


def _named(fingerprint: str, suffix: str) -> Path:
    if not fingerprint or any(ch in fingerprint for ch in "/\\<>:|*?\"") or fingerprint.startswith("."):
        raise ModelError(f"fingerprint {fingerprint!r} cannot name a cache file; pass an explicit model path")
    return cache_dir() / f"{fingerprint}{suffix}"


def model_entry(fingerprint: str) -> Path:
    """Where the model of the dataset with ``fingerprint`` is cached."""
    return _named(fingerprint, ".npz")


def data_entry(fingerprint: str) -> Path:
    """The folder holding the columnar copy of the dataset with ``fingerprint``."""
    return _named(fingerprint, ".data")


def path_key(path: Path) -> str:
    """A file name standing for the absolute, resolved ``path``."""
    return hashlib.sha256(str(Path(path).resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:32]


def folder_record(root: Path) -> Path:
    """The record of a dataset folder's file states."""
    return cache_dir() / "folders" / f"{path_key(root)}.json"


def seal_record(path: Path) -> Path:
    """The record of a model file's state when its digest was last verified."""
    return cache_dir() / "seals" / f"{path_key(path)}.json"


@contextmanager
def entry_lock(name: str) -> Iterator[bool]:
    """Hold the advisory lock ``locks/<name>.lock`` (blocking) while the block runs.

    Yields True when the lock is held, False when the cache cannot hold lock files (then
    the caller works without it: atomic renames still keep every entry whole).
    """
    import fcntl

    folder = cache_dir() / "locks"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError as exc:  # e.g. a filesystem without locks
            if exc.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL):
                raise
            yield False
            return
        yield True
    finally:
        os.close(fd)


_warned: set[str] = set()


def warn_unwritable(exc: OSError, say: Callable[[str], None]) -> None:
    """Say once per process that the cache cannot be written, and what that costs."""
    folder = str(cache_dir())
    if folder in _warned:
        return
    _warned.add(folder)
    reason = exc.strerror or str(exc)
    say(f"Note: the cache folder {folder} cannot be written ({reason}); working without it, so every "
        "command reads the CSV files and builds the model again. Set CREATORMATCH_CACHE to a writable folder.")


def ensure_writable(say: Callable[[str], None]) -> bool:
    """Whether the cache folder exists (created if need be) and accepts new files.

    Says once (``warn_unwritable``) when it does not.
    """
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".probe.", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        warn_unwritable(exc, say)
        return False
    return True


def remove_aside(path: Path) -> None:
    """Remove a cache entry (file or folder) while others may be reading it: rename it to a
    hidden ``.<name>.<pid>.<random>.removed`` first, so nobody opens half of it, then delete."""
    import shutil

    aside = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.removed")
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return
    if aside.is_dir():
        shutil.rmtree(aside, ignore_errors=True)
    else:
        aside.unlink(missing_ok=True)
