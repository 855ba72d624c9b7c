"""Looking up brands, creators and categories by id, with close matches for typos."""

from __future__ import annotations

import difflib

import numpy as np

from ..errors import UsageError

__all__ = ["close_matches", "row_of"]


def close_matches(word: str, keys: np.ndarray, n: int = 5) -> list[str]:
    """Up to ``n`` ids resembling ``word`` (difflib ratio >= 0.6, best first, ties by id).

    ``keys`` are sorted.  Large id sets are searched only around the place where ``word``
    would sort (difflib over a million ids takes seconds); small ones completely.
    """
    if len(keys) == 0:
        return []
    if len(keys) <= 20_000:
        pool = keys
    else:
        at = int(np.searchsorted(keys, word))
        pool = keys[max(at - 100, 0):at + 100]
    lowered = [str(k) for k in pool if str(k).lower() == word.lower()]
    matcher = difflib.SequenceMatcher(b=word)
    scored = []
    for k in dict.fromkeys(str(x) for x in pool):
        matcher.set_seq1(k)
        if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6:
            r = matcher.ratio()
            if r >= 0.6:
                scored.append((-r, k))
    scored.sort()
    return list(dict.fromkeys(lowered + [k for _, k in scored]))[:n]


def row_of(keys: np.ndarray, key: str, what: str) -> int:
    """Row of ``key`` in the sorted ``keys``; ``UsageError`` naming close matches when unknown."""
    if len(keys):
        pos = int(np.searchsorted(keys, key))
        if pos < len(keys) and keys[pos] == key:
            return pos
    raise UsageError(_unknown(key, keys, what))


def _unknown(word: str, options: np.ndarray, what: str) -> str:
    near = close_matches(word, options)
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    return f"unknown {what} {word!r}{hint}"
