"""Reading the graph back into a ``Dataset``: the same tables, columns and conventions as
``load_dataset`` gives for the CSV folder that was loaded.

So ``compute_indices(read_dataset(store))`` and a model built from it are exactly those
of the CSV folder (tested on the bundled sample).  Each table is read by one
``read/<table>.cypher`` query, checked, sorted by its key, and its references turned
into row positions -- the conventions of ``creatormatch.data.dataset``.

What read-back recovers, and how:

* the properties stored by ``load/*.cypher`` (contract column names), references from the
  relationships (a product's ``brand_id`` from ``(:Brand)-[:SELLS]->``, ...);
* videos from the ``VideoLog`` lists of each creator;
* ``derived`` tables (an optional file that was absent, known only by the ids other files
  referenced) are recognised by their nodes having none of the file's required values;
* ``fingerprint``: the CSV fingerprint recorded by the load when the content digest of
  what was read equals the recorded one, else a fingerprint of the content;
* ``Table.line`` is 0 (a graph has no CSV lines); ``warnings`` is empty.

A graph edited by hand that breaks the contract -- a missing required value, a second
parent category, an unknown status -- is refused with a ``StoreError`` naming the
first offending node.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from ..data.contract import FILES, STATUSES, Column, FileSpec
from ..data.dataset import MISSING_INT, Dataset, Table
from ..errors import StoreError
from ._digest import content_digest
from .config import StoreConfig
from .connection import Neo4jStore
from .queries import cypher
from .rows import VIDEO_LIST_COLUMNS

__all__ = ["read_dataset", "read_dataset_from_neo4j"]

_LABEL = {"categories": "Category", "creators": "Creator", "brands": "Brand", "products": "Product",
          "campaigns": "Campaign", "collaborations": "INVITED relationship", "videos": "video"}
_STATUS_CODE = {s: i for i, s in enumerate(STATUSES)}


def read_dataset(store: Neo4jStore, progress: Callable[[str], None] | None = None) -> Dataset:
    """Read the graph of ``store`` into a validated ``Dataset``.

    Parameters
    ----------
    store : an open connection holding a graph written by ``load_graph``.
    progress : called with each table's name before it is read.

    Raises
    ------
    StoreError : the graph holds no creators, brands or collaborations, or breaks the
        dataset contract somewhere (the message names the node and property).
    """
    tables: dict[str, Table] = {}
    derived: set[str] = set()
    for spec in FILES:
        if progress:
            progress(spec.name)
        if spec.name == "videos":
            videos = _videos_table(store, tables)
            if videos is not None:
                tables["videos"] = videos
            continue
        raw = store.read_columns(cypher(f"read/{spec.name}"))
        n = len(raw.get(spec.key, []))
        if n == 0:
            if spec.required:
                raise StoreError(f"the graph holds no {_LABEL[spec.name]} data ({spec.name}); load a dataset "
                                 "first with 'creatormatch neo4j load'")
            continue
        is_derived = _looks_derived(spec, raw)
        if is_derived:
            derived.add(spec.name)
        tables[spec.name] = _table(spec, raw, tables, is_derived)
    dataset = Dataset(root=_root(store), tables=tables, derived=frozenset(derived))
    digest = content_digest(dataset)
    info = store.read(cypher("read/dataset_info"))
    recorded = info[0] if info else {}
    if recorded.get("content_digest") == digest and recorded.get("fingerprint"):
        dataset.fingerprint = str(recorded["fingerprint"])
    else:
        dataset.fingerprint = digest[:16]
    return dataset


def read_dataset_from_neo4j(config: StoreConfig | None = None,
                            progress: Callable[[str], None] | None = None) -> Dataset:
    """Connect with ``config`` (default: ``StoreConfig.from_env()``), read the graph, close.

    The entry point for ``--source neo4j`` in other commands.
    """
    from .connection import connect

    with connect(config) as store:
        return read_dataset(store, progress)


def _root(store: Neo4jStore) -> Path:
    netloc = urlsplit(store.config.uri).netloc
    return Path(f"neo4j:{store.config.database}@{netloc}")


class _VideoParts:
    """``VideoLog`` parts as numpy arrays, converted one part at a time as they stream in."""

    INTS = ("views", "likes", "comments", "shares", "orders")

    def __init__(self) -> None:
        self.columns: dict[str, list[np.ndarray]] = {name: [] for name in (*VIDEO_LIST_COLUMNS, "creator_id")}

    def add(self, row: list[Any]) -> None:
        creator_id, part, *lists = row
        where = f"VideoLog (creator_id {creator_id!r}, part {part!r})"
        if not all(isinstance(x, list) for x in lists) or len({len(x) for x in lists}) != 1:
            raise StoreError(f"{where}: its video lists are missing or of different lengths; reload the dataset "
                             "with 'creatormatch neo4j load'")
        n = len(lists[0])
        for name, values in zip(VIDEO_LIST_COLUMNS, lists):
            kind = "U" if name in ("video_id", "product_id", "collaboration_id") else "f" if name == "gmv" else "i"
            arr = np.array(values, dtype=str) if kind == "U" else np.asarray(values)
            if n and kind != "U" and not (arr.dtype.kind == kind or (kind == "f" and arr.dtype.kind == "i")):
                raise StoreError(f"{where}: {name} holds values that are not {'numbers' if kind == 'f' else 'whole numbers'}")
            if kind == "U" and n and not all(isinstance(v, str) for v in values):
                raise StoreError(f"{where}: {name} holds values that are not text")
            self.columns[name].append(arr.astype({"U": arr.dtype, "f": np.float64, "i": np.int64}[kind]) if n else
                                      np.zeros(0, {"U": "U1", "f": np.float64, "i": np.int64}[kind]))
        self.columns["creator_id"].append(np.full(n, str(creator_id)))


def _videos_table(store: Neo4jStore, tables: dict[str, Table]) -> Table | None:
    """The videos table from the ``VideoLog`` parts (None when the graph has none)."""
    spec = FILES[[s.name for s in FILES].index("videos")]
    parts = store.read_fold(cypher("read/videos"), _VideoParts, _VideoParts.add)
    if not parts.columns["video_id"]:
        return None
    raw = {name: np.concatenate(chunks) for name, chunks in parts.columns.items()}
    order = np.argsort(raw["video_id"], kind="stable")
    raw = {name: values[order] for name, values in raw.items()}
    ids = raw["video_id"]
    if (ids == "").any():
        raise StoreError("a VideoLog holds a video without a video_id; reload with 'creatormatch neo4j load'")
    dup = np.flatnonzero(ids[1:] == ids[:-1])
    if len(dup):
        raise StoreError(f"two videos share video_id {str(ids[dup[0]])!r} (left over from an earlier load of other "
                         "data?); reload with 'creatormatch neo4j load --replace'")
    columns: dict[str, np.ndarray] = {"video_id": ids}
    for col in spec.columns[1:]:
        values = raw[col.name]
        if col.kind == "ref":
            columns[col.name] = _refs(spec, col, values, ids, tables)
        elif col.kind == "datetime":
            columns[col.name] = values.astype("datetime64[s]")
        elif col.kind == "int":
            bad = np.flatnonzero(values < MISSING_INT)
            if len(bad):
                raise _fail(spec, col, str(ids[bad[0]]), f"is negative ({int(values[bad[0]])})")
            columns[col.name] = values
        else:
            columns[col.name] = values
    return Table("videos", columns, np.zeros(len(ids), np.int64))


def _looks_derived(spec: FileSpec, raw: dict[str, list[Any]]) -> bool:
    """A table whose nodes carry none of the file's required non-key values was created
    from references only (the optional file was absent when it was loaded)."""
    if spec.required:
        return False
    required = [c.name for c in spec.columns[1:] if c.required]
    return bool(required) and all(_empty(v) for name in required for v in raw[name])


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == ""


def _table(spec: FileSpec, raw: dict[str, list[Any]], done: dict[str, Table], is_derived: bool) -> Table:
    keys = raw[spec.key]
    what = _LABEL[spec.name]
    for i, k in enumerate(keys):
        if not isinstance(k, str) or k == "":
            raise StoreError(f"a {what} has no valid {spec.key} ({k!r}); every node needs its key")
    key_arr = np.array(keys, dtype=str)
    order = np.argsort(key_arr, kind="stable")
    key_arr = key_arr[order]
    dup = np.flatnonzero(key_arr[1:] == key_arr[:-1])
    if len(dup):
        raise StoreError(f"two {what}s share {spec.key} {str(key_arr[dup[0]])!r} (left over from an earlier "
                         "load of other data?); reload with 'creatormatch neo4j load --replace'")
    columns: dict[str, np.ndarray] = {spec.key: key_arr}
    for col in spec.columns[1:]:
        values = [raw[col.name][i] for i in order.tolist()]
        columns[col.name] = _column(spec, col, values, key_arr, done)
    table = Table(spec.name, columns, np.zeros(len(key_arr), np.int64))
    if not is_derived:
        _check_required(spec, table)
    return table


def _fail(spec: FileSpec, col: Column, key: str, problem: str) -> StoreError:
    return StoreError(f"{_LABEL[spec.name]} {spec.key}={str(key)!r}: {col.name} {problem}; fix it in the graph or "
                      "reload the dataset with 'creatormatch neo4j load'")


def _column(spec: FileSpec, col: Column, values: list[Any], keys: np.ndarray, done: dict[str, Table]) -> np.ndarray:
    kind = col.kind
    if kind == "ref":
        return _refs(spec, col, values, keys, done)
    if kind in ("text", "market", "id"):
        bad = next((i for i, v in enumerate(values) if v is not None and not isinstance(v, str)), None)
        if bad is not None:
            raise _fail(spec, col, keys[bad], f"is not text ({values[bad]!r})")
        arr = np.array(["" if v is None else v for v in values], dtype=str)
        return arr if len(arr) else np.zeros(0, "U1")
    if kind == "int":
        bad = next((i for i, v in enumerate(values)
                    if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 0)), None)
        if bad is not None:
            raise _fail(spec, col, keys[bad], f"is not a whole number >= 0 ({values[bad]!r})")
        return np.array([MISSING_INT if v is None else v for v in values], dtype=np.int64)
    if kind == "float":
        bad = next((i for i, v in enumerate(values)
                    if v is not None and (not isinstance(v, (int, float)) or isinstance(v, bool))), None)
        if bad is not None:
            raise _fail(spec, col, keys[bad], f"is not a number ({values[bad]!r})")
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    if kind in ("date", "datetime"):
        bad = next((i for i, v in enumerate(values) if v is not None and not isinstance(v, int)), None)
        if bad is not None:
            raise _fail(spec, col, keys[bad], f"is not a Neo4j {kind.upper()} ({values[bad]!r})")
        seconds = np.array([0 if v is None else v for v in values], dtype=np.int64)
        out = seconds.astype("datetime64[s]")
        out[np.array([v is None for v in values], dtype=bool)] = np.datetime64("NaT")
        return out
    if kind == "status":
        codes = [_STATUS_CODE.get(v, -1) if isinstance(v, str) else -1 for v in values]
        bad = next((i for i, c in enumerate(codes) if c < 0 and values[i] is not None), None)
        if bad is not None:
            raise _fail(spec, col, keys[bad], f"is not one of {', '.join(STATUSES)} ({values[bad]!r})")
        return np.array(codes, dtype=np.int8)
    raise ValueError(f"unknown column kind {kind!r}")


def _refs(spec: FileSpec, col: Column, values: list[Any] | np.ndarray, keys: np.ndarray,
          done: dict[str, Table]) -> np.ndarray:
    """Ids (or lists of at most one id, from relationships; or a text array with "" for
    none) -> row positions, -1 = none."""
    if isinstance(values, np.ndarray):
        return _positions(spec, col, values, keys, done)
    ids: list[str] = []
    for i, v in enumerate(values):
        if isinstance(v, list):
            if len(v) > 1:
                raise _fail(spec, col, keys[i], f"has {len(v)} relationships where at most one is allowed "
                                                f"({', '.join(map(repr, sorted(map(str, v))))})")
            v = v[0] if v else None
        if v is not None and not isinstance(v, str):
            raise _fail(spec, col, keys[i], f"is not an id ({v!r})")
        ids.append(v or "")
    return _positions(spec, col, np.array(ids, dtype=str) if ids else np.zeros(0, "U1"), keys, done)


def _positions(spec: FileSpec, col: Column, wanted: np.ndarray, keys: np.ndarray, done: dict[str, Table]) -> np.ndarray:
    target = keys if col.ref == spec.name else (done[col.ref].ids if col.ref in done else np.zeros(0, "U1"))
    if len(target) == 0:
        pos = np.full(len(wanted), -1, np.int64)
    else:
        pos = np.minimum(np.searchsorted(target, wanted), len(target) - 1)
        pos = np.where((target[pos] == wanted) & (wanted != ""), pos, -1)
    unknown = np.flatnonzero((pos < 0) & (wanted != ""))
    if len(unknown):
        i = int(unknown[0])
        raise _fail(spec, col, keys[i], f"refers to {str(wanted[i])!r}, which is not in the graph")
    return pos.astype(np.int32)


def _check_required(spec: FileSpec, table: Table) -> None:
    for col in spec.columns[1:]:
        if not col.required:
            continue
        values = table[col.name]
        if col.kind in ("text", "market"):
            missing = np.char.strip(values) == "" if col.kind == "text" else values == ""
        elif col.kind == "ref":
            missing = values < 0
        elif col.kind in ("date", "datetime"):
            missing = np.isnat(values)
        elif col.kind == "int":
            missing = values < 0
        elif col.kind == "float":
            missing = np.isnan(values)
        else:  # status
            missing = values < 0
        if missing.any():
            i = int(np.flatnonzero(missing)[0])
            raise _fail(spec, col, str(table.ids[i]), "is missing but required")
