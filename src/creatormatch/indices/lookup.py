"""Find a creator, category or market by what a user typed, or say what they may have meant.

Every resolver raises ``UsageError`` for an unknown name, listing close matches
(``difflib``) so a typo is one step from fixed.
"""

from __future__ import annotations

import difflib

import numpy as np

from ..data.dataset import Dataset
from ..errors import UsageError

__all__ = ["resolve_creator", "resolve_category", "resolve_market", "close_matches"]

#: How many sorted ids around the typed one are compared with difflib (keeps a miss fast
#: with a million creators).
_NEIGHBOURS = 500


def resolve_creator(dataset: Dataset, text: str) -> int:
    """Row of the creator ``text`` names: its ``creator_id``, else its handle (with or without @)."""
    creators = dataset.creators
    wanted = text.strip()
    row = int(creators.position(wanted)[0])
    if row >= 0:
        return row
    ids = creators.ids
    lower = np.char.lower(ids)
    hit = np.flatnonzero(lower == wanted.lower())
    if len(hit) == 1:
        return int(hit[0])
    handles = creators["handle"]
    handle = wanted[1:] if wanted.startswith("@") else wanted
    hit = np.flatnonzero(np.char.lower(handles) == handle.lower()) if handle else np.zeros(0, np.int64)
    if len(hit) == 1:
        return int(hit[0])
    if len(hit) > 1:
        raise UsageError(f"handle '{handle}' belongs to {len(hit)} creators; use a creator_id: "
                         + ", ".join(map(str, ids[hit[:10]])))
    pos = int(np.searchsorted(ids, wanted))
    nearby = ids[max(pos - _NEIGHBOURS, 0): pos + _NEIGHBOURS].tolist()
    lowered = np.char.lower(handles)
    prefix = handle[:3].lower()
    similar_handles = handles[np.char.startswith(lowered, prefix)][:5000].tolist() if prefix else []
    starting = sorted(handles[np.char.startswith(lowered, handle.lower())].tolist())[:3] if handle else []
    matches = close_matches(wanted, nearby, n=5, cutoff=0.6)
    matches += ["@" + h for h in dict.fromkeys(starting + close_matches(handle, similar_handles, n=3, cutoff=0.6))]
    raise UsageError(f"unknown creator '{wanted}'" + _did_you_mean(matches))


def resolve_category(dataset: Dataset, text: str) -> int:
    """Row of the category ``text`` names (its ``category_id`` or its name, any case)."""
    cats = dataset.categories
    wanted = text.strip()
    if cats is None or len(cats) == 0:
        raise UsageError(f"unknown category '{wanted}': this dataset has no categories")
    row = int(cats.position(wanted)[0])
    if row >= 0:
        return row
    ids = cats.ids
    names = cats["name"]
    for column in (ids, names):
        hit = np.flatnonzero(np.char.lower(column) == wanted.lower())
        if len(hit) == 1:
            return int(hit[0])
    choices = ids.tolist() + [n for n in names.tolist() if n]
    raise UsageError(f"unknown category '{wanted}'" + _did_you_mean(close_matches(wanted, choices, n=5, cutoff=0.5)))


def resolve_market(dataset: Dataset, text: str) -> str:
    """The market code ``text`` names (case-insensitive), if any creator is in it."""
    wanted = text.strip().upper()
    markets = np.unique(dataset.creators["market"]).tolist()
    if wanted in markets:
        return wanted
    matches = close_matches(wanted, markets, n=3, cutoff=0.5)
    hint = _did_you_mean(matches) if matches else ""
    raise UsageError(f"unknown market '{text.strip()}'{hint}; markets in this dataset: {', '.join(markets)}")


def close_matches(word: str, candidates: list[str], n: int = 5, cutoff: float = 0.6) -> list[str]:
    """The ``n`` candidates most similar to ``word`` (``difflib`` ratio, case-insensitive),
    ties broken by closeness in length, then alphabetically -- deterministic."""
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word.lower())
    scored = []
    for cand in dict.fromkeys(candidates):
        matcher.set_seq1(cand.lower())
        if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff:
            ratio = matcher.ratio()
            if ratio >= cutoff:
                scored.append((-ratio, abs(len(cand) - len(word)), cand))
    return [cand for *_, cand in sorted(scored)[:n]]


def _did_you_mean(matches: list[str]) -> str:
    shown = [f"'{m}'" if ("," in m or " " in m) else m for m in matches]
    return f"; did you mean: {', '.join(shown)}?" if matches else "; no close match"
