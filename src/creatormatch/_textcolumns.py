"""Text columns stored as UTF-8 bytes and decoded on first access.

A model (``recommend.model``) and the cached creator tables (``cache.indexstore``) keep
text (ids, handles, markets) as UTF-8 bytes in memory-mapped files; ``TextColumns`` reads
like a ``dict`` of numpy unicode arrays and decodes a column only when it is first used,
so a command that shows ten creators never decodes a million handles.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["Undecoded", "TextColumns", "is_ascii", "encode_text"]


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
