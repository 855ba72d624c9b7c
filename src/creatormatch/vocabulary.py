"""One resolver for what a user types: brands, creators, categories and markets.

Every command finds things the same way (``Vocabulary``):

* **brands** by ``brand_id`` or name; **creators** by ``creator_id`` or handle (with or
  without ``@``); **categories** by ``category_id`` or name -- each in any case, with
  surrounding blanks ignored;
* a **category** always stands for itself and every category below it
  (``Vocabulary.category_rows``);
* a **market** is an ISO 3166-1 alpha-2 code (``data.markets``); a known alias such as
  ``UK`` is read as its ISO code (``GB``) with a ``CreatorMatchWarning``;
* an unknown name raises ``UsageError`` with suggestions that are really close: the
  ``difflib`` ratio of the *normalised* names (``normalise_name``) is at least
  ``SUGGEST_CUTOFF``, so a typo ("beuty") finds "Beauty" and "nonsense" finds nothing.

The resolver is pure: it is built from arrays (of a ``Dataset`` or of a saved model) and
never prints; errors name the kind of thing, never a command-line flag.

>>> v = Vocabulary(brand_ids=np.array(["B1", "B2"]), brand_names=np.array(["Sobel Store", "Acme"]))
>>> v.brand("sobel store"), v.brand("b2")
(0, 1)
"""

from __future__ import annotations

import difflib
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from .data.markets import canonical_market
from .errors import CreatorMatchWarning, UsageError

if TYPE_CHECKING:
    from .data.dataset import Dataset

__all__ = ["Vocabulary", "SUGGEST_CUTOFF", "normalise_name", "suggest", "category_subtree"]

#: The least ``difflib`` ratio of two normalised names for one to be suggested for the other.
SUGGEST_CUTOFF = 0.75
#: Above this many candidates, suggestions compare only a slice of them (a miss stays fast
#: with a million creators): ids sorted near the typed one, names sharing its first letter.
_POOL = 20_000
_NEIGHBOURS = 500

_NOT_WORD = re.compile(r"[\W_]+")


def normalise_name(text: str) -> str:
    """``text`` as names are compared: Unicode-normalised (NFKC), case-folded, a leading
    ``@`` dropped, and every run of punctuation or blanks one space.

    >>> normalise_name("  Sobel-Store ")
    'sobel store'
    """
    folded = unicodedata.normalize("NFKC", text).casefold().strip()
    return _NOT_WORD.sub(" ", folded.removeprefix("@")).strip()


def suggest(word: str, candidates: list[str], n: int = 5, cutoff: float = SUGGEST_CUTOFF) -> list[str]:
    """The ``n`` candidates closest to ``word``: ``difflib`` ratio of the normalised names
    at least ``cutoff``, best first, ties by closeness in length then alphabetically.

    >>> suggest("beuty", ["Beauty", "Womenswear"]), suggest("nonsense", ["Beauty", "Womenswear"])
    (['Beauty'], [])
    """
    target = normalise_name(word)
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(target)
    scored = []
    for cand in dict.fromkeys(c for c in candidates if c):
        matcher.set_seq1(normalise_name(cand))
        if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff:
            ratio = matcher.ratio()
            if ratio >= cutoff:
                scored.append((-ratio, abs(len(cand) - len(word)), cand))
    return [cand for *_, cand in sorted(scored)[:n]]


def category_subtree(parent: np.ndarray, row: int) -> np.ndarray:
    """Rows of category ``row`` and of every category below it (sorted), given each
    category's ``parent`` row (-1 for a root)."""
    parent = np.asarray(parent, np.int64)
    inside = np.zeros(len(parent), bool)
    inside[row] = True
    for _ in range(len(parent)):
        grown = inside | ((parent >= 0) & inside[np.maximum(parent, 0)])
        if np.array_equal(grown, inside):
            break
        inside = grown
    return np.flatnonzero(inside)


def _empty() -> np.ndarray:
    return np.zeros(0, dtype="U1")


@dataclass(frozen=True)
class Vocabulary:
    """The names a user may type, from a dataset (``of_dataset``) or a model (``of_tables``).

    Id arrays are sorted (as in a ``Dataset``); the other arrays are aligned with them.
    ``markets`` are the markets creators are in (an unknown or empty market is named as
    such; any ISO code is accepted when ``markets`` is empty).
    """

    brand_ids: np.ndarray = field(default_factory=_empty)
    brand_names: np.ndarray = field(default_factory=_empty)
    creator_ids: np.ndarray = field(default_factory=_empty)
    creator_handles: np.ndarray = field(default_factory=_empty)
    category_ids: np.ndarray = field(default_factory=_empty)
    category_names: np.ndarray = field(default_factory=_empty)
    category_parent: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    markets: tuple[str, ...] = ()
    #: every creator's market, when ``markets`` is to be derived on first use (a million
    #: creators take a sort; most commands never name a market)
    creator_markets: np.ndarray | None = None

    @cached_property
    def known_markets(self) -> tuple[str, ...]:
        """The markets creators are in: ``markets``, else those of ``creator_markets``."""
        if self.markets or self.creator_markets is None:
            return self.markets
        return tuple(map(str, np.unique(self.creator_markets).tolist()))

    @classmethod
    def of_dataset(cls, dataset: "Dataset") -> "Vocabulary":
        """The vocabulary of a loaded dataset."""
        cats = dataset.categories
        cr, br = dataset.creators, dataset.brands
        return cls(
            brand_ids=br.ids, brand_names=br["name"], creator_ids=cr.ids,
            creator_handles=cr["handle"] if "handle" in cr else _empty(),
            category_ids=cats.ids if cats is not None else _empty(),
            category_names=cats["name"] if cats is not None else _empty(),
            category_parent=cats["parent_id"] if cats is not None else np.zeros(0, np.int64),
            creator_markets=cr["market"])

    @classmethod
    def of_tables(cls, tables: dict[str, dict[str, Any]]) -> "Vocabulary":
        """The vocabulary of a saved model's ``tables`` (``recommend.model.MatchModel``)."""
        cr, br, cat = tables["creator"], tables["brand"], tables["category"]
        return cls(brand_ids=br["id"], brand_names=br.get("name", _empty()), creator_ids=cr["id"],
                   creator_handles=cr.get("handle", _empty()), category_ids=cat["id"],
                   category_names=cat.get("name", _empty()), category_parent=cat.get("parent", np.zeros(0, np.int64)),
                   creator_markets=cr["market"])

    # ------------------------------------------------------------------ brands, creators, categories

    def brand(self, text: str) -> int:
        """Row of the brand ``text`` names: its ``brand_id`` or its name, any case."""
        return _resolve("brand", self.brand_ids, self.brand_names, text)

    def creator(self, text: str) -> int:
        """Row of the creator ``text`` names: its ``creator_id`` or its handle (``@`` optional), any case."""
        return _resolve("creator", self.creator_ids, self.creator_handles, text)

    def category(self, text: str) -> int:
        """Row of the category ``text`` names: its ``category_id`` or its name, any case."""
        if len(self.category_ids) == 0:
            raise UsageError(f"unknown category '{text.strip()}': this dataset has no categories")
        return _resolve("category", self.category_ids, self.category_names, text)

    def category_rows(self, text: str) -> np.ndarray:
        """Rows of the category ``text`` names and of every category below it."""
        return category_subtree(self.category_parent, self.category(text))

    # ------------------------------------------------------------------ markets

    def market(self, text: str, *, allow_any: bool = False) -> str:
        """The ISO 3166-1 code ``text`` names (any case; ``"any"`` too when ``allow_any``).

        A known alias (``UK``) is read as its code (``GB``) with a ``CreatorMatchWarning``.
        ``UsageError`` when ``text`` is not a market, or no creator of this data is in it.
        """
        typed = text.strip()
        if allow_any and typed.lower() == "any":
            return "any"
        found = canonical_market(typed)
        known = ", ".join(self.known_markets) or "none"
        extra = " (or 'any')" if allow_any else ""
        if found is None:
            raise UsageError(f"unknown market '{typed}': not an ISO 3166-1 alpha-2 code; "
                             f"markets in this dataset: {known}{extra}")
        code, alias = found
        if alias is not None:
            warnings.warn(f"market '{typed}' read as '{code}' (the ISO 3166-1 code)", CreatorMatchWarning,
                          stacklevel=2)
        if self.known_markets and code not in self.known_markets:
            raise UsageError(f"no creator is in market '{code}'; markets in this dataset: {known}{extra}")
        return code


def _resolve(kind: str, ids: np.ndarray, names: np.ndarray, text: str) -> int:
    """Row of ``text`` among sorted ``ids`` (exactly, then any case), else among ``names``."""
    wanted = text.strip()
    if len(ids):
        pos = int(np.searchsorted(ids, wanted))
        if pos < len(ids) and ids[pos] == wanted:
            return pos
    folded = wanted.casefold()
    lower_ids = np.char.lower(ids.astype(str)) if len(ids) else ids
    hit = np.flatnonzero(lower_ids == folded) if len(ids) else np.zeros(0, np.int64)
    if len(hit) == 1:
        return int(hit[0])
    target = normalise_name(wanted)
    if len(names) and target:
        plain = wanted.removeprefix("@").casefold()
        hit = np.flatnonzero(np.char.lower(names.astype(str)) == plain)
        if len(hit) == 0 and len(names) <= _POOL:  # punctuation and blanks: compare normalised names
            hit = np.flatnonzero(np.array([normalise_name(n) for n in names.tolist()], dtype=str) == target)
        if len(hit) == 1:
            return int(hit[0])
        if len(hit) > 1:
            shown = ", ".join(map(str, ids[hit[:10]])) + (", ..." if len(hit) > 10 else "")
            raise UsageError(f"{len(hit)} {kind}s are named '{wanted}'; name one by its {kind}_id: {shown}")
    raise UsageError(f"unknown {kind} '{wanted}'" + _did_you_mean(_suggestions(wanted, ids, names)))


def _suggestions(wanted: str, ids: np.ndarray, names: np.ndarray) -> list[str]:
    if len(ids) <= _POOL:
        id_pool = ids.tolist()
    else:
        at = int(np.searchsorted(ids, wanted))
        id_pool = ids[max(at - _NEIGHBOURS, 0):at + _NEIGHBOURS].tolist()
    name_pool: list[str] = []
    if len(names):
        start = normalise_name(wanted)[:1]
        name_pool = names.tolist() if len(names) <= _POOL else \
            [n for n in names[np.char.startswith(np.char.lower(names.astype(str)), start)][:_POOL].tolist()]
    seen: dict[str, str] = {}
    for cand in suggest(wanted, name_pool, n=3) + suggest(wanted, id_pool, n=3):  # a name and an id alike: once
        seen.setdefault(normalise_name(cand), cand)
    return list(seen.values())


def _did_you_mean(matches: list[str]) -> str:
    shown = [f"'{m}'" if ("," in m or " " in m) else m for m in matches]
    return f"; did you mean: {', '.join(shown)}?" if matches else "; no close match"
