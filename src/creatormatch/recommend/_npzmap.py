"""Write an uncompressed ``.npz`` whose arrays are 64-byte aligned, and read its members
as memory-mapped numpy arrays.

``np.savez`` stores every array as a ``.npy`` member of a zip archive without
compression.  ``NpzMap`` parses the zip's central directory (at the end of the file) and
each member's local and ``.npy`` headers, then returns ``np.frombuffer`` views of one
read-only ``mmap`` of the file: nothing is decompressed or copied, and pages are read
only when an array is used.

Structural checks done when the archive is opened (they cost a few microseconds per
member, not a read of the data): the central directory is present and readable, every
member is stored uncompressed, has a ``.npy`` header, and its data lies inside the file
and exactly fills the member.  So a truncated archive is refused.  A changed byte inside
an array is *not* seen here; the model's digest (``model.py``) covers that.
"""

from __future__ import annotations

import mmap
import re
import struct
import zipfile
from typing import BinaryIO

import numpy as np

__all__ = ["NpzMap", "NpzDamaged", "write_aligned_npz"]

_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_MAGIC = b"PK\x03\x04"


class NpzDamaged(ValueError):
    """The archive cannot be mapped: truncated, compressed, or not an ``.npz`` of arrays."""


class NpzMap:
    """A read-only, memory-mapped view of the arrays of an uncompressed ``.npz`` file.

    Parameters
    ----------
    fh : an open binary file handle; the map stays valid after the handle is closed and
        even if the path is renamed over meanwhile (it maps the file the handle opened).

    Attributes
    ----------
    files : member names without the ``.npy`` suffix, in archive order.
    size : the file's size in bytes.
    """

    def __init__(self, fh: BinaryIO):
        fh.seek(0, 2)
        self.size = fh.tell()
        if self.size == 0:
            raise NpzDamaged("the file is empty")
        try:
            with zipfile.ZipFile(fh) as zf:
                infos = zf.infolist()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise NpzDamaged(f"not a readable .npz archive ({exc})") from None
        self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        self._members: dict[str, tuple[np.dtype, tuple[int, ...], bool, int]] = {}
        for info in infos:
            name = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
            self._members[name] = self._locate(info)
        self.files = list(self._members)

    def _locate(self, info: zipfile.ZipInfo) -> tuple[np.dtype, tuple[int, ...], bool, int]:
        if info.compress_type != zipfile.ZIP_STORED:
            raise NpzDamaged(f"member {info.filename} is compressed; only uncompressed archives can be mapped")
        at = info.header_offset
        if at + _LOCAL_HEADER.size > self.size:
            raise NpzDamaged(f"member {info.filename} lies past the end of the file")
        fields = _LOCAL_HEADER.unpack_from(self._map, at)
        if fields[0] != _LOCAL_MAGIC:
            raise NpzDamaged(f"member {info.filename} has no local header")
        start = at + _LOCAL_HEADER.size + fields[-2] + fields[-1]
        end = start + info.file_size
        if end > self.size:
            raise NpzDamaged(f"member {info.filename} is cut short (the file is truncated)")
        parsed = _plain_npy_header(self._map, start, end)
        if parsed is not None:
            dtype, shape, fortran, data_at = parsed
        else:
            view = _Reader(self._map, start, end)
            try:
                version = np.lib.format.read_magic(view)
                if version == (1, 0):
                    shape, fortran, dtype = np.lib.format.read_array_header_1_0(view)
                else:
                    shape, fortran, dtype = np.lib.format.read_array_header_2_0(view)
            except Exception as exc:  # numpy's header parser raises ValueError, SyntaxError, TokenError...
                raise NpzDamaged(f"member {info.filename} has no valid .npy header ({exc})") from None
            data_at = view.pos
        if dtype.hasobject:
            raise NpzDamaged(f"member {info.filename} holds Python objects; refused")
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if data_at + count * dtype.itemsize != end:
            raise NpzDamaged(f"member {info.filename}: its data does not fill the member exactly")
        return dtype, tuple(shape), bool(fortran), data_at

    def __contains__(self, name: str) -> bool:
        return name in self._members

    def __getitem__(self, name: str) -> np.ndarray:
        """The array ``name``: a read-only view of the mapped file (no copy)."""
        dtype, shape, fortran, at = self._members[name]
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        flat = np.frombuffer(self._map, dtype=dtype, count=count, offset=at) if count else np.zeros(0, dtype)
        return flat.reshape(shape, order="F" if fortran else "C")

    def close(self) -> None:
        """Drop our reference to the map (arrays still in use keep it alive)."""
        self._members = {}


#: The one-line header ``np.lib.format.write_array`` writes for a plain dtype, e.g.
#: ``{'descr': '<f8', 'fortran_order': False, 'shape': (100000,), }`` (padded with spaces).
_PLAIN_HEADER = re.compile(r"\{'descr': '([<>|=][A-Za-z]\d*)', 'fortran_order': (False|True), "
                           r"'shape': \(((?:\d+, ?)*\d*)\), \}\s*$")


def _plain_npy_header(buf: mmap.mmap, at: int, end: int) -> tuple[np.dtype, tuple[int, ...], bool, int] | None:
    """``(dtype, shape, fortran, data offset)`` of the ``.npy`` member at ``buf[at:end]`` when
    its header is numpy's plain one-line form; None otherwise (numpy's own parser decides).

    numpy's parser evaluates the header as a Python literal, about 70 us a member; a model
    has about 300 members, so a new process spent 20 ms (more under load) on headers alone.
    """
    if end - at < 10 or buf[at:at + 6] != b"\x93NUMPY":
        return None
    major = buf[at + 6]
    if major == 1:
        (size,), start = struct.unpack_from("<H", buf, at + 8), at + 10
    elif major in (2, 3):
        (size,), start = struct.unpack_from("<I", buf, at + 8), at + 12
    else:
        return None
    if start + size > end:
        return None
    found = _PLAIN_HEADER.match(buf[start:start + size].decode("latin1" if major < 3 else "utf-8", "replace"))
    if found is None:
        return None
    shape = tuple(int(x) for x in found.group(3).replace(" ", "").split(",") if x)
    return np.dtype(found.group(1)), shape, found.group(2) == "True", start + size


class _Reader:
    """A minimal file-like reader over ``buf[start:end]`` for numpy's header parsers."""

    def __init__(self, buf: mmap.mmap, start: int, end: int):
        self.buf, self.pos, self.end = buf, start, end

    def read(self, n: int = -1) -> bytes:
        stop = self.end if n < 0 else min(self.end, self.pos + n)
        out = self.buf[self.pos:stop]
        self.pos = stop
        return out


_ALIGN = 64
_PAD_ID = 0xCA7A  # a private zip extra-field id: padding only


def write_aligned_npz(fh, arrays: dict[str, np.ndarray]) -> None:
    """``np.savez`` (uncompressed, readable by ``np.load``) with each member's data aligned
    to 64 bytes: a zip extra field pads the local header (``.npy`` headers are themselves
    padded to 64 bytes), so every array can be mapped in place."""
    with zipfile.ZipFile(fh, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, arr in arrays.items():
            arr = np.ascontiguousarray(arr)
            member = f"{name}.npy"
            at = zf.fp.tell() if hasattr(zf, "fp") and zf.fp is not None else fh.tell()
            fixed = 30 + len(member.encode()) + 20  # local header, name, zip64 extra (forced below)
            pad = (-(at + fixed + 4)) % _ALIGN
            info = zipfile.ZipInfo(member, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            info.extra = struct.pack("<HH", _PAD_ID, pad) + bytes(pad)
            with zf.open(info, "w", force_zip64=True) as out:
                np.lib.format.write_array(out, arr, allow_pickle=False)
