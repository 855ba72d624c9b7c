"""The columnar copy of a validated dataset: one uncompressed Arrow IPC file per table.

A copy is a folder (``<fingerprint>.data/`` in the cache)::

    creators.arrow, brands.arrow, ...   one record batch each; every numpy column of the
                                        ``Table`` plus its ``line`` column
    manifest.json                       written last: format, versions, fingerprint,
                                        warnings, derived tables and, per file, its size,
                                        state and CRC-32

Columns keep their numpy bits exactly: numbers as Arrow integers and floats, text
(numpy ``U``) as fixed-size binary of the same width, dates as ``int64`` seconds with the
numpy dtype in the field metadata.  Reading maps each file (``pyarrow.memory_map``) and
wraps the Arrow buffers as numpy arrays without copying: opening a copy costs
milliseconds whatever its size, and pages come in as the command touches them.  The
arrays are read-only.

``read_copy`` checks what is cheap (manifest, versions, every file's size and Arrow
footer, row counts) and re-reads a file against its CRC-32 only when its state (size,
mtime, ctime, inode) differs from the one recorded after writing it; ``verify_copy``
re-reads every byte.
"""

from __future__ import annotations

import os
import shutil
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from ..data.dataset import Dataset, Table
from . import location
from .filestate import FileState, file_state, read_json, write_json_atomic

__all__ = ["COPY_FORMAT", "COPY_VERSION", "CopyDamaged", "write_copy", "read_copy", "verify_copy", "crc32_of"]

COPY_FORMAT = "creatormatch-columnar"
COPY_VERSION = 1
_MANIFEST = "manifest.json"
_LINE = "__line__"


class CopyDamaged(Exception):
    """A columnar copy is missing, incomplete, damaged or of another version (rebuild it)."""


def crc32_of(path: Path) -> int:
    """CRC-32 of a file's bytes."""
    crc = 0
    with open(path, "rb") as fh:
        while block := fh.read(1 << 24):
            crc = zlib.crc32(block, crc)
    return crc


def _arrow_column(values: np.ndarray):
    import pyarrow as pa

    a = np.ascontiguousarray(values)
    meta = {b"numpy_dtype": a.dtype.str.encode()}
    if a.dtype.kind in "iuf":
        return pa.array(a), meta
    if a.dtype.kind == "M":
        return pa.array(a.view(np.int64)), meta
    if a.dtype.kind in "US":
        width = max(a.dtype.itemsize, 1)
        if a.dtype.itemsize == 0:
            a = a.astype(f"{a.dtype.kind}1")
        return pa.FixedSizeBinaryArray.from_buffers(pa.binary(width), len(a), [None, pa.py_buffer(a)]), meta
    if a.dtype.kind == "b":
        return pa.array(a.view(np.uint8)), meta
    raise TypeError(f"cannot store a column of dtype {a.dtype} in the columnar copy")


def _write_table(table: Table, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.ipc as ipc

    fields, arrays = [], []
    for name, values in [*table.columns.items(), (_LINE, table.line)]:
        arr, meta = _arrow_column(values)
        fields.append(pa.field(name, arr.type, nullable=False, metadata=meta))
        arrays.append(arr)
    schema = pa.schema(fields, metadata={b"table": table.name.encode()})
    batch = pa.record_batch(arrays, schema=schema)
    with open(path, "wb") as fh:
        with ipc.new_file(fh, schema) as writer:
            writer.write_batch(batch)
        fh.flush()
        os.fsync(fh.fileno())


def write_copy(dataset: Dataset, folder: Path, creatormatch_version: str) -> Path:
    """Write the columnar copy of ``dataset`` to ``folder`` atomically.

    The copy is written into a hidden temporary folder beside ``folder`` and renamed into
    place.  When another process renamed its copy first, that one is kept (both hold the
    same data: the name is the content fingerprint) and ours is removed.

    Returns ``folder``.  Raises ``OSError`` when the cache cannot be written.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.with_name(f".{folder.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    tmp.mkdir()
    try:
        files: dict[str, Any] = {}
        for name, table in dataset.tables.items():
            path = tmp / f"{name}.arrow"
            _write_table(table, path)
            state = file_state(path)
            assert state is not None
            files[name] = {"file": path.name, "rows": len(table), "size": state.size, "crc32": crc32_of(path),
                           "state": state.to_list()}
        manifest = {
            "format": COPY_FORMAT, "version": COPY_VERSION, "creatormatch_version": creatormatch_version,
            "fingerprint": dataset.fingerprint, "source": str(dataset.root), "warnings": list(dataset.warnings),
            "derived": sorted(dataset.derived), "tables": files,
        }
        write_json_atomic(tmp / _MANIFEST, manifest)
        _fsync_dir(tmp)
        try:
            os.rename(tmp, folder)
        except OSError:
            if _sound(folder, creatormatch_version):  # another process won the race with the same content
                shutil.rmtree(tmp, ignore_errors=True)
                return folder
            location.remove_aside(folder)  # a damaged or outdated entry: move it aside, then take its place
            os.rename(tmp, folder)
        _fsync_dir(folder.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def _sound(folder: Path, creatormatch_version: str) -> bool:
    """Whether ``folder`` holds a copy that ``read_copy`` accepts."""
    try:
        read_copy(folder, folder, creatormatch_version)
    except (CopyDamaged, OSError, KeyError, ValueError):
        return False
    return True


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a copy; ``CopyDamaged`` when it is missing or not a copy of ours."""
    found = read_json(folder / _MANIFEST)
    if found is None:
        raise CopyDamaged(f"{folder}: no readable manifest")
    manifest = found[0]
    if manifest.get("format") != COPY_FORMAT or manifest.get("version") != COPY_VERSION:
        raise CopyDamaged(f"{folder}: another format ({manifest.get('format')} {manifest.get('version')})")
    return manifest


def _column_array(column, field) -> np.ndarray:
    dtype = np.dtype(field.metadata[b"numpy_dtype"].decode())
    chunks = column.chunks
    if len(chunks) != 1:
        raise CopyDamaged(f"column {field.name} has {len(chunks)} chunks; expected 1")
    chunk = chunks[0]
    n = len(chunk)
    data = chunk.buffers()[1]
    if n == 0:
        return np.zeros(0, dtype)
    start = chunk.offset * dtype.itemsize
    if data is None or data.size < start + n * dtype.itemsize:
        raise CopyDamaged(f"column {field.name} is shorter than its {n} rows")
    return np.frombuffer(data, dtype=dtype, count=n, offset=start)


def read_copy(folder: Path, root: Path, creatormatch_version: str) -> Dataset:
    """Open the copy in ``folder`` as a ``Dataset`` (read-only, memory-mapped arrays).

    ``root`` becomes ``Dataset.root`` (the folder the data came from).  Raises
    ``CopyDamaged`` when the copy is incomplete, truncated or of another version.
    """
    import pyarrow as pa
    import pyarrow.ipc as ipc

    manifest = read_manifest(folder)
    if manifest.get("creatormatch_version") != creatormatch_version:
        raise CopyDamaged(f"{folder}: written by creatormatch {manifest.get('creatormatch_version')}")
    tables: dict[str, Table] = {}
    for name, entry in manifest["tables"].items():
        path = folder / entry["file"]
        state = file_state(path)
        if state is None or state.size != entry["size"]:
            raise CopyDamaged(f"{path}: missing or of another size than written")
        if state.to_list() != entry.get("state") and crc32_of(path) != entry["crc32"]:
            raise CopyDamaged(f"{path}: its bytes changed since it was written (CRC-32 mismatch)")
        try:
            reader = ipc.open_file(pa.memory_map(str(path), "r"))
            batch = reader.read_all()
        except (pa.ArrowInvalid, OSError) as exc:
            raise CopyDamaged(f"{path}: {exc}") from None
        if batch.num_rows != entry["rows"]:
            raise CopyDamaged(f"{path}: {batch.num_rows} rows, expected {entry['rows']}")
        columns = {f.name: _column_array(batch.column(i), f) for i, f in enumerate(batch.schema)}
        line = columns.pop(_LINE)
        tables[name] = Table(name, columns, line)
    dataset = Dataset(root=root, tables=tables, fingerprint=manifest["fingerprint"],
                      warnings=list(manifest.get("warnings", [])), derived=frozenset(manifest.get("derived", [])))
    return dataset


def verify_copy(folder: Path) -> list[str]:
    """Every problem of the copy in ``folder`` (full re-read of every file); ``[]`` when sound."""
    try:
        manifest = read_manifest(folder)
    except CopyDamaged as exc:
        return [str(exc)]
    problems = []
    for entry in manifest["tables"].values():
        path = folder / entry["file"]
        state: FileState | None = file_state(path)
        if state is None:
            problems.append(f"{path}: missing")
        elif state.size != entry["size"]:
            problems.append(f"{path}: {state.size} bytes, written as {entry['size']}")
        elif crc32_of(path) != entry["crc32"]:
            problems.append(f"{path}: its bytes changed since it was written (CRC-32 mismatch)")
    return problems
