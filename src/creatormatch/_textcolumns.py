"""Text columns stored as UTF-8 bytes and decoded on first access.

A model (``recommend.model``) and the cached creator tables (``cache.indexstore``) keep
text (ids, handles, markets) as UTF-8 bytes in memory-mapped files; ``TextColumns`` reads
like a ``dict`` of numpy unicode arrays and decodes a column only when it is first used,
so a command that shows ten creators never decodes a million handles.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["Undecoded", "TextColumns", "is_ascii", "encode_text", "text_at", "text_equals", "text_equals_at", "text_position"]


def encode_text(arr: np.ndarray) -> np.ndarray:
    """A unicode array as UTF-8 bytes (numpy's unicode arrays spend 4 bytes per character)."""
    return np.char.encode(arr, "utf-8")


def is_ascii(text: np.ndarray) -> bool:
    """Whether every string of a unicode array is ASCII (its UTF-8 bytes are its characters)."""
    return bool(len(text) == 0 or (np.strings.str_len(np.char.encode(text, "utf-8")) == np.strings.str_len(text)).all())


class Undecoded:
    """A text column still as stored: UTF-8 bytes (``ascii``: every string is ASCII)."""

    __slots__ = ("raw", "ascii")

    def __init__(self, raw: np.ndarray, ascii: bool):
        self.raw, self.ascii = raw, ascii

    def __len__(self) -> int:
        return len(self.raw)

    def decode(self) -> np.ndarray:
        # ASCII bytes convert in C; other text needs a real UTF-8 decode
        return self.raw.astype("U") if self.ascii else np.char.decode(self.raw, "utf-8")


class TextColumns(dict):
    """The columns of one id table, text decoded on first access: a command that shows ten
    creators never decodes a million handles.  Reads like a plain ``dict``."""

    def __getitem__(self, key: str) -> np.ndarray:
        value = dict.__getitem__(self, key)
        if isinstance(value, Undecoded):
            value = value.decode()
            dict.__setitem__(self, key, value)
        return value

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self else default

    def __iter__(self):
        return iter(list(dict.keys(self)))

    def items(self):  # type: ignore[override]
        return [(k, self[k]) for k in dict.keys(self)]

    def values(self):  # type: ignore[override]
        return [self[k] for k in dict.keys(self)]

    def lengths(self) -> dict[str, int]:
        """Rows of every column, without decoding any."""
        return {k: len(v) for k, v in dict.items(self)}


def _stored(columns: Any, key: str) -> Any:
    return dict.__getitem__(columns, key) if isinstance(columns, TextColumns) else columns[key]


def text_at(columns: Any, key: str, row: int) -> str:
    """``str(columns[key][row])`` without decoding the whole column (one row's bytes only)."""
    value = _stored(columns, key)
    if isinstance(value, Undecoded):
        return bytes(value.raw[row]).decode("utf-8")
    return str(value[row])


def text_equals(columns: Any, key: str, text: str) -> np.ndarray:
    """``columns[key] == text`` as a boolean mask, compared on the stored bytes when the
    column is still undecoded."""
    return text_equals_at(columns, key, slice(None), text)


def text_equals_at(columns: Any, key: str, rows: np.ndarray | slice, text: str) -> np.ndarray:
    """``columns[key][rows] == text`` without decoding the whole column."""
    value = _stored(columns, key)
    if isinstance(value, Undecoded):
        return value.raw[rows] == text.encode("utf-8")
    return np.asarray(value)[rows] == text


def text_position(columns: Any, key: str, text: str) -> int:
    """Row of ``text`` in the sorted column ``columns[key]``, -1 when absent.  An undecoded
    column is searched on its bytes: UTF-8 orders like the code points numpy sorts by."""
    value = _stored(columns, key)
    keys, wanted = (value.raw, text.encode("utf-8")) if isinstance(value, Undecoded) else (value, text)
    if len(keys) == 0:
        return -1
    pos = int(np.searchsorted(keys, wanted))
    return pos if pos < len(keys) and keys[pos] == wanted else -1
