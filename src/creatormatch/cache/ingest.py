"""Ingest once: a dataset folder is validated the first time it is seen, then read from
its columnar copy until a file changes.

``open_dataset(root)`` returns a ``DatasetRef`` at once; its ``fingerprint`` and
``load()`` do only the work needed:

1. The folder's record (``folders/<key>.json``) holds, for every contract file, the
   ``FileState`` it had and the fingerprint of the content.  When every file (present or
   absent) still has its recorded state and is older than the record's reference time,
   the recorded fingerprint is the answer: no file is read.
2. Otherwise the files are hashed again (the loader's fingerprint, one fast pass).  A
   fingerprint that has a copy already (a file was only touched, or renamed back) re-uses
   it; the record is refreshed.
3. Otherwise the folder is loaded and validated (``data.load_dataset``) and its copy
   written to ``<fingerprint>.data/``, under a lock so that concurrent first runs ingest
   once.

The guarantee and its limits are in ``docs/cache.md``.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Callable

from .. import __version__
from ..data.contract import FILES
from ..data.dataset import Dataset
from ..errors import UsageError
from . import location
from .columnar import CopyDamaged, read_copy, write_copy
from .filestate import FileState, file_state, read_json, trusted_unchanged, write_json_atomic
from ..progress import RowProgress as Progress
from ..progress import Say

__all__ = ["DatasetRef", "open_dataset", "fingerprint_and_loader", "content_fingerprint", "RECORD_VERSION", "RACY_MARGIN_NS"]

RECORD_VERSION = 1
#: A file modified less than this long before its content was hashed is hashed again next
#: time (git's "racily clean" rule, with room for filesystems whose timestamps are coarse:
#: FAT keeps 2 s, ext4 the kernel's tick).
RACY_MARGIN_NS = 2_000_000_000



def content_fingerprint(root: Path) -> str:
    """The fingerprint ``data.load_dataset`` gives the folder, from the bytes alone.

    SHA-256 over a fixed prefix and, for each contract file present (in contract order),
    its name and its bytes; the first 16 hex digits.  No parsing, no validation.
    """
    digest = hashlib.sha256(b"creatormatch-dataset-v1")
    for spec in FILES:
        path = root / spec.filename
        if not path.is_file():
            continue
        digest.update(spec.filename.encode())
        with open(path, "rb") as fh:
            while block := fh.read(1 << 24):
                digest.update(block)
    return digest.hexdigest()[:16]


def _states(root: Path) -> dict[str, FileState | None]:
    return {spec.filename: file_state(root / spec.filename) for spec in FILES}


class DatasetRef:
    """A dataset folder whose fingerprint and data are obtained on demand, through the cache.

    Attributes
    ----------
    root : the dataset folder.
    use_cache : False when the cache folder cannot be written (then every load validates
        the CSV files again).
    how : how the fingerprint and data were obtained, so far: ``"unknown"`` (nothing done
        yet), ``"metadata"`` (every file unchanged: fingerprint from the record, no file
        read), ``"rehashed"`` (files hashed again, the existing copy re-used),
        ``"ingested"`` (CSV files loaded, validated and copied) or ``"csv"`` (loaded
        without a cache).
    """

    def __init__(self, root: Path, say: Say, progress: Progress | None, use_cache: bool):
        self.root = root
        self.use_cache = use_cache
        self._say = say
        self._progress = progress
        self._fingerprint: str | None = None
        self._dataset: Dataset | None = None
        self._reference_ns = time.time_ns() - RACY_MARGIN_NS
        self._states = _states(root)
        self._record_current = False
        self._stale = False  # a record exists but some file's state changed: hash before loading
        self.how = "unknown"
        if use_cache:
            self._fingerprint = self._from_record()
            if self._fingerprint is not None:
                self.how = "metadata"

    # ------------------------------------------------------------------ the record

    def _from_record(self) -> str | None:
        try:
            found = read_json(location.folder_record(self.root))
        except OSError:
            return None
        if found is None:
            return None
        record, _ = found
        try:
            if record.get("version") != RECORD_VERSION or record.get("root") != str(self.root.resolve()):
                return None
            reference = int(record["reference_ns"])
            files = record["files"]
            for name, now in self._states.items():
                then = files.get(name)
                if not trusted_unchanged(now, None if then is None else FileState.from_list(then), reference):
                    self._stale = True
                    return None
            fingerprint = str(record["fingerprint"])
        except (KeyError, TypeError, ValueError):
            return None
        if not location.valid_fingerprint(fingerprint):
            return None
        self._record_current = True
        return fingerprint

    def _write_record(self, fingerprint: str) -> None:
        if not self.use_cache or self._record_current:
            return
        if _states(self.root) != self._states:  # changed while we read it: decide again next time
            return
        record = {"version": RECORD_VERSION, "root": str(self.root.resolve()), "fingerprint": fingerprint,
                  "reference_ns": self._reference_ns,
                  "files": {k: (None if v is None else v.to_list()) for k, v in self._states.items()}}
        try:
            write_json_atomic(location.folder_record(self.root), record)
            self._record_current = True
        except OSError as exc:
            self._cannot_write(exc)

    def _cannot_write(self, exc: OSError) -> None:
        self.use_cache = False
        location.warn_unwritable(exc, self._say)

    # ------------------------------------------------------------------ public

    @property
    def fingerprint(self) -> str:
        """The content fingerprint: from the record when every file is unchanged, else by
        hashing the files (when they were seen before) or loading them."""
        if self._fingerprint is None:
            if self._stale and self.root.is_dir():
                self._fingerprint = content_fingerprint(self.root)
                self.how = "rehashed"
            else:
                self._fingerprint = self.load().fingerprint
        return self._fingerprint

    def load(self) -> Dataset:
        """The validated dataset: from its columnar copy when there is a sound one, else
        loaded from the CSV files (and, when the cache is writable, copied)."""
        if self._dataset is not None:
            return self._dataset
        if not self.root.is_dir():
            raise UsageError(f"dataset folder not found: {self.root}")
        if self.use_cache and self._fingerprint is None and self._stale:
            try:  # files were touched or edited: the content decides whether the copy still holds
                self._fingerprint = content_fingerprint(self.root)
                self.how = "rehashed"
            except OSError:
                pass  # the loader names the unreadable file
        if self.use_cache and self._fingerprint is not None:
            self._dataset = self._read_copy(self._fingerprint, quiet=False)
            if self._dataset is not None:
                return self._dataset
        if not self.use_cache:
            self._dataset = self._load_csv()
            self._fingerprint = self._dataset.fingerprint
            self.how = "csv"
            return self._dataset
        with location.entry_lock(f"ingest-{location.path_key(self.root)}"):
            if self._fingerprint is None:  # another process may have ingested it while we waited
                self._states = _states(self.root)
                self._fingerprint = self._from_record()
                self.how = "metadata" if self._fingerprint is not None else self.how
            if self._fingerprint is not None:
                self._dataset = self._read_copy(self._fingerprint, quiet=True)
            if self._dataset is None:
                self._dataset = self._ingest()
        return self._dataset

    # ------------------------------------------------------------------ steps

    def _read_copy(self, fingerprint: str, quiet: bool) -> Dataset | None:
        folder = location.data_entry(fingerprint)
        if not folder.exists():
            return None
        try:
            dataset = read_copy(folder, self.root, __version__)
        except CopyDamaged as exc:
            if not quiet:
                self._say(f"Cached copy of the dataset not usable ({exc}); reading the CSV files again.")
            return None
        except OSError:
            return None
        self._write_record(fingerprint)
        return dataset

    def _load_csv(self) -> Dataset:
        from ..data.loader import load_dataset

        return load_dataset(self.root, progress=self._progress)

    def _ingest(self) -> Dataset:
        dataset = self._load_csv()
        self._fingerprint = dataset.fingerprint
        self.how = "ingested"
        if not location.valid_fingerprint(dataset.fingerprint):
            return dataset
        try:
            write_copy(dataset, location.data_entry(dataset.fingerprint), __version__)
        except OSError as exc:
            self._cannot_write(exc)
            return dataset
        self._write_record(dataset.fingerprint)
        return dataset


def open_dataset(root: str | Path, say: Say | None = None, progress: Progress | None = None) -> DatasetRef:
    """A ``DatasetRef`` for the folder ``root``, using the cache when it can be written.

    Parameters
    ----------
    root : the dataset folder (contract v1).
    say : receives one-line notices (a damaged copy, an unwritable cache).
    progress : ``progress(file_name, rows_done)`` while CSV files are read.

    Examples
    --------
    >>> ref = open_dataset("my-market/")          # doctest: +SKIP
    >>> ref.fingerprint                            # no file read when nothing changed
    >>> dataset = ref.load()                       # memory-mapped columnar copy
    """
    speak = say or (lambda _m: None)
    root = Path(root)
    return DatasetRef(root, speak, progress, location.ensure_writable(speak))


def fingerprint_and_loader(data: "Dataset | DatasetRef") -> tuple[str, Callable[[], Dataset]]:
    """The fingerprint of a ``Dataset`` or ``DatasetRef`` and a function giving its data
    (for a ``DatasetRef``: loaded only when called)."""
    if isinstance(data, DatasetRef):
        return data.fingerprint, data.load
    return data.fingerprint, lambda: data
