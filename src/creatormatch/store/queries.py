"""The Cypher files: one query per file, loaded by name, shipped in the wheel.

In a wheel the ``cypher/`` folder of the repository is packaged as ``creatormatch/_cypher``
(``pyproject.toml``, hatch ``force-include``); in a source checkout or an editable install
it is ``<repo>/cypher``.  Layout::

    schema.cypher        constraints and indexes (several statements, ';'-separated)
    load/NAME.cypher     batched UNWIND ... MERGE loading of one node or edge type
    read/NAME.cypher     reading the graph back into a dataset
    push/NAME.cypher     writing indices and matches back
    gds/NAME.cypher      the GDS PageRank cross-check
    admin/NAME.cypher    counts, status, wiping
    queries/NAME.cypher  planner queries (``creatormatch neo4j query NAME``)

A planner query starts with a header of ``//`` comments: the first line is its title
(Neo4j Browser shows it as the favorite's name), then a ``:params`` line to paste into
Neo4j Browser, then a description, then one line per parameter::

    // :params {brand_id: 'B00001', limit: 10}
    // @param brand_id string  the brand whose matches to show
    // @param limit int = 10   how many rows
    // @param market string = ""   quoted defaults are unquoted ("" is empty)

Types are ``string``, ``int``, ``float``, ``bool`` and ``list`` (comma-separated strings);
a parameter without ``= default`` is required.

The ``:params`` line sets every parameter of the query at once (Browser's ``:params MAP``
replaces all parameters, so nothing is left over from an earlier query).  Browser reads
the map as relaxed JSON and sends every number as a float, so a query that needs an
integer converts it (``LIMIT toInteger($limit)``).  :func:`browser_params` reads such a
map the way Browser does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import UsageError

__all__ = ["cypher_root", "cypher", "schema_statements", "PlannerQuery", "QueryParam",
           "planner_queries", "planner_query", "browser_params", "browser_params_line", "browser_style"]

_NAME = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)?$")
_PARAM = re.compile(r"^@param\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>string|int|float|bool|list)"
                    r"(?:\s*=\s*(?P<default>\S+))?\s*(?P<help>.*)$")


def cypher_root() -> Path:
    """The folder holding the ``.cypher`` files (packaged copy first, else the checkout's)."""
    packaged = Path(__file__).resolve().parent.parent / "_cypher"
    if (packaged / "schema.cypher").is_file():
        return packaged
    return Path(__file__).resolve().parents[3] / "cypher"


@lru_cache(maxsize=None)
def cypher(name: str) -> str:
    """The text of ``<cypher_root>/<name>.cypher`` (``name`` like ``load/creators``).

    Raises ``KeyError`` for a name that is not a shipped file (names are checked, so a
    name can never reach outside the folder).
    """
    if not _NAME.match(name):
        raise KeyError(f"not a query name: {name!r}")
    path = cypher_root() / f"{name}.cypher"
    if not path.is_file():
        raise KeyError(f"no such Cypher file: {name}.cypher (in {cypher_root()})")
    return path.read_text(encoding="utf-8")


def schema_statements() -> list[str]:
    """The statements of ``schema.cypher``, comments removed, in file order."""
    lines = [ln for ln in cypher("schema").splitlines() if not ln.lstrip().startswith("//")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


@dataclass(frozen=True)
class QueryParam:
    """One declared parameter of a planner query."""

    name: str
    type: str
    default: Any
    required: bool
    help: str

    def convert(self, text: str) -> Any:
        """The value of ``--param name=text`` as this parameter's type."""
        try:
            return _convert(self.type, text)
        except ValueError:
            raise UsageError(f"{{option}} {self.name}={text!r}: expected {_TYPE_HELP[self.type]}", option="params") from None


_TYPE_HELP = {"string": "text", "int": "a whole number", "float": "a number", "bool": "true or false",
              "list": "comma-separated values"}


def _convert(kind: str, text: str) -> Any:
    if kind == "string":
        return text
    if kind == "int":
        return int(text)
    if kind == "float":
        value = float(text)
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(text)
        return value
    if kind == "bool":
        low = text.strip().lower()
        if low in ("true", "yes", "1"):
            return True
        if low in ("false", "no", "0"):
            return False
        raise ValueError(text)
    return [part.strip() for part in text.split(",") if part.strip()]


@dataclass(frozen=True)
class PlannerQuery:
    """A planner query: its file name, title, description, parameters and text."""

    name: str
    title: str
    description: str
    params: tuple[QueryParam, ...]
    text: str
    browser_line: str | None = None

    def parameters(self, given: dict[str, str]) -> dict[str, Any]:
        """Typed parameter values from ``name -> text`` pairs, defaults filled in.

        Raises ``UsageError`` for an unknown or missing parameter, or a bad value.
        """
        known = {p.name: p for p in self.params}
        unknown = sorted(set(given) - set(known))
        if unknown:
            names = ", ".join(known) or "none"
            raise UsageError(f"query {self.name!r} has no parameter {unknown[0]!r} (its parameters: {names})")
        values: dict[str, Any] = {}
        for p in self.params:
            if p.name in given:
                values[p.name] = p.convert(given[p.name])
            elif p.required:
                raise UsageError(f"query {self.name!r} needs {{option}} {p.name}=... ({p.help or p.type})", option="params")
            else:
                values[p.name] = p.default
        return values


def _parse_header(name: str, text: str) -> PlannerQuery:
    comments: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("//"):
            break
        comments.append(stripped[2:].strip())
    if not comments or not comments[0]:
        raise ValueError(f"queries/{name}.cypher has no header comment (first line: its title)")
    params: list[QueryParam] = []
    description: list[str] = []
    browser_line: str | None = None
    for line in comments[1:]:
        if line.startswith(":params"):
            browser_line = line
        elif line.startswith("@param"):
            m = _PARAM.match(line)
            if not m:
                raise ValueError(f"queries/{name}.cypher: cannot read parameter line {line!r}")
            default = m.group("default")
            if default is not None and len(default) >= 2 and default[0] == default[-1] and default[0] in "\"'":
                default = default[1:-1]  # a quoted default: "" is the empty string
            params.append(QueryParam(m.group("name"), m.group("type"),
                                     None if default is None else _convert(m.group("type"), default),
                                     default is None, m.group("help").strip()))
        else:
            description.append(line)
    return PlannerQuery(name, comments[0], "\n".join(description).strip(), tuple(params), text, browser_line)


def planner_queries() -> list[PlannerQuery]:
    """Every planner query in ``queries/``, sorted by name."""
    folder = cypher_root() / "queries"
    return [planner_query(p.stem) for p in sorted(folder.glob("*.cypher"))]


def planner_query(name: str) -> PlannerQuery:
    """The planner query ``name``; ``UsageError`` naming the available ones if unknown."""
    try:
        text = cypher(f"queries/{name}")
    except KeyError:
        available = ", ".join(p.stem for p in sorted((cypher_root() / "queries").glob("*.cypher")))
        raise UsageError(f"unknown query {name!r}; available: {available}") from None
    return _parse_header(name, text)


def browser_params_line(text: str) -> str | None:
    """The ``:params {...}`` line of a ``.cypher`` file's header (without ``//``), if any."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("//"):
            break
        body = stripped[2:].strip()
        if body.startswith(":params"):
            return body
    return None


def browser_params(line: str) -> dict[str, Any]:
    """The parameters that Neo4j Browser 5.24 sets for ``:params {...}``.

    Browser parses the map as relaxed JSON: keys may be unquoted, strings use ``'`` or
    ``"``, and values are numbers, strings, ``true``/``false``/``null``, lists and maps.
    Every number becomes a JavaScript number, which Browser sends to the server as a
    float -- so ``{limit: 10}`` arrives as ``10.0``, and this function returns ``10.0``
    too.

    >>> browser_params(":params {brand_id: 'B00001', limit: 10}")
    {'brand_id': 'B00001', 'limit': 10.0}

    Raises ``ValueError`` for anything else.
    """
    body = line.strip()
    if not body.startswith(":params"):
        raise ValueError(f"not a :params line: {line!r}")
    parser = _RelaxedJson(body[len(":params"):].strip())
    value = parser.value()
    parser.end()
    if not isinstance(value, dict):
        raise ValueError(f":params needs a map: {line!r}")
    return value


class _RelaxedJson:
    """A recursive-descent reader for the relaxed JSON Browser accepts in ``:params``."""

    _NUMBER = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
    _WORD = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")

    def __init__(self, text: str):
        self.text, self.pos = text, 0

    def _skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def _peek(self) -> str:
        self._skip()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _expect(self, char: str) -> None:
        if self._peek() != char:
            raise ValueError(f"expected {char!r} at {self.pos} in {self.text!r}")
        self.pos += 1

    def end(self) -> None:
        if self._peek():
            raise ValueError(f"unexpected text at {self.pos} in {self.text!r}")

    def value(self) -> Any:
        char = self._peek()
        if char == "{":
            return self._map()
        if char == "[":
            return self._list()
        if char in "'\"":
            return self._string()
        number = self._NUMBER.match(self.text, self.pos)
        if number:
            self.pos = number.end()
            return float(number.group())
        word = self._WORD.match(self.text, self.pos)
        if word and word.group() in ("true", "false", "null"):
            self.pos = word.end()
            return {"true": True, "false": False, "null": None}[word.group()]
        raise ValueError(f"cannot read a value at {self.pos} in {self.text!r}")

    def _string(self) -> str:
        quote = self.text[self.pos]
        out: list[str] = []
        self.pos += 1
        while self.pos < len(self.text):
            char = self.text[self.pos]
            self.pos += 1
            if char == "\\" and self.pos < len(self.text):
                out.append(self.text[self.pos])
                self.pos += 1
            elif char == quote:
                return "".join(out)
            else:
                out.append(char)
        raise ValueError(f"unterminated string in {self.text!r}")

    def _key(self) -> str:
        if self._peek() in "'\"":
            return self._string()
        word = self._WORD.match(self.text, self.pos)
        if not word:
            raise ValueError(f"expected a key at {self.pos} in {self.text!r}")
        self.pos = word.end()
        return word.group()

    def _map(self) -> dict[str, Any]:
        self._expect("{")
        out: dict[str, Any] = {}
        while self._peek() != "}":
            key = self._key()
            self._expect(":")
            out[key] = self.value()
            if self._peek() != ",":
                break
            self.pos += 1
        self._expect("}")
        return out

    def _list(self) -> list[Any]:
        self._expect("[")
        out: list[Any] = []
        while self._peek() != "]":
            out.append(self.value())
            if self._peek() != ",":
                break
            self.pos += 1
        self._expect("]")
        return out


def browser_style() -> Path:
    """The Neo4j Browser style file (GraSS) shipped with the queries: ``browser/creatormatch.grass``."""
    return cypher_root() / "browser" / "creatormatch.grass"
