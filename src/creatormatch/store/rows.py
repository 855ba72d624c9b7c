"""Dataset arrays -> row dicts for ``UNWIND $rows AS row`` (pure functions, no server).

The graph model is drawn in ``docs/graph-model.md``.  Every row is a plain dict of
Python values the driver sends as parameters:

* ``None`` for a missing value.  Loaders write properties with ``SET n += row.props``,
  so a value that became empty in a newer dataset *removes* the stored property.
* ``date`` and ``datetime`` columns as ISO 8601 text (``2024-05-01``,
  ``2024-05-01T10:30:00Z``) at the top level of the row, never inside ``props``: each
  ``load/*.cypher`` file converts them with ``date(row.x)`` / ``datetime(row.x)`` (both give
  null for null), so they are stored as Neo4j ``DATE`` and ``DATETIME`` (UTC).  Text is
  used because the driver packs Python datetimes about 50 times slower than strings.
* collaboration statuses as their names (``"completed"``), references as the referenced
  row's id.

Property keys are the contract's column names (``creatormatch.data.contract``), so
the allow-list of keys is the contract itself; labels and relationship types live in
the ``.cypher`` files.  Videos are stored per creator in ``VideoLog`` nodes holding the
columns as lists (missing values there use the dataset's own sentinels, because a Neo4j
list cannot hold ``null``: -1 for counts, NaN for ``gmv``, ``""`` for references), plus
one aggregated ``FEATURED`` edge per creator and product.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from ..data.contract import STATUSES, Column
from ..data.dataset import Dataset, Table

__all__ = [
    "NODE_TABLES", "EDGE_REFS", "VIDEO_LIST_COLUMNS", "VIDEO_PART_SIZE",
    "column_values", "node_rows", "key_rows", "collaboration_rows", "video_log_rows", "video_log_count",
    "video_prune_rows", "featured_pairs", "featured_rows", "featured_count", "creator_index_rows", "brand_match_rows",
    "dataset_info_props", "batches",
]

UTC = _dt.timezone.utc
_TEMPORAL = ("date", "datetime")

#: Node tables and their label (the label is written in each ``load/*.cypher`` file).
NODE_TABLES: dict[str, str] = {
    "categories": "Category", "creators": "Creator", "brands": "Brand", "products": "Product",
    "campaigns": "Campaign",
}
#: Reference columns stored as relationships rather than properties, per node table.
EDGE_REFS: dict[str, tuple[str, ...]] = {
    "categories": ("parent_id",),                             # SUBCATEGORY_OF
    "creators": ("primary_category",),                        # PRIMARY_CATEGORY
    "brands": ("category_id",),                               # MAIN_CATEGORY
    "products": ("brand_id", "category_id"),                  # SELLS (from the brand), IN_CATEGORY
    "campaigns": ("brand_id", "product_id", "category_id"),   # RUNS (from the brand), PROMOTES, IN_CATEGORY
}
#: Columns of ``videos.csv`` kept as parallel lists on each ``VideoLog`` node.
VIDEO_LIST_COLUMNS: tuple[str, ...] = (
    "video_id", "posted_at", "views", "likes", "comments", "shares", "product_id", "collaboration_id",
    "orders", "gmv",
)
#: Most videos one ``VideoLog`` node holds; a creator with more gets several parts.
VIDEO_PART_SIZE = 2_000
#: Table rows turned into Python values at a time (bounds memory on large tables).
CHUNK = 20_000


# --------------------------------------------------------------------------- values


def column_values(dataset: Dataset, table: Table, column: Column) -> list[Any]:
    """One column as Python values for the driver, ``None`` where missing.

    ``ref`` columns become the referenced rows' ids, ``status`` its name, ``date``
    ``"YYYY-MM-DD"`` and ``datetime`` ``"YYYY-MM-DDTHH:MM:SSZ"`` (UTC).
    """
    values = table[column.name]
    kind = column.kind
    if kind == "ref":
        target = dataset.tables.get(column.ref or "")
        ids = target.ids if target is not None else np.zeros(0, "U1")
        return _ref_ids(values, ids)
    if kind in ("id", "text", "market"):
        return [v if v != "" else None for v in values.tolist()]
    if kind == "int":
        return [v if v >= 0 else None for v in values.astype(np.int64).tolist()]
    if kind == "float":
        return [None if v != v else v for v in values.astype(np.float64).tolist()]
    if kind == "date":
        return _iso(values, "D")
    if kind == "datetime":
        return _iso(values, "s")
    if kind == "status":
        return [STATUSES[int(v)] if v >= 0 else None for v in values.tolist()]
    raise ValueError(f"unknown column kind {kind!r}")


def _iso(values: np.ndarray, unit: str) -> list[str | None]:
    """ISO 8601 text of ``datetime64`` values (``unit`` "D": dates; "s": UTC datetimes ending
    in ``Z``), None for NaT."""
    values = np.asarray(values).astype(f"datetime64[{unit}]")
    text = np.datetime_as_string(values, unit=unit, timezone="UTC" if unit == "s" else "naive")
    return [None if t == "NaT" else t for t in text.tolist()]


def _ref_ids(rows: np.ndarray, ids: np.ndarray) -> list[str | None]:
    rows = np.asarray(rows, np.int64)
    if len(ids) == 0:
        return [None] * len(rows)
    names = ids[np.maximum(rows, 0)].tolist()
    return [n if r >= 0 else None for n, r in zip(names, rows.tolist())]


def _columns(dataset: Dataset, table: Table, names: Iterable[str]) -> dict[str, list[Any]]:
    spec = table.spec
    return {name: column_values(dataset, table, spec.column(name)) for name in names}


# --------------------------------------------------------------------------- nodes and edges


def _chunks(n: int, chunk: int, subset: np.ndarray | None = None) -> Iterator[slice | np.ndarray]:
    """Pieces of at most ``chunk`` rows: slices of ``0..n``, or of ``subset`` (row positions)."""
    if subset is None:
        for lo in range(0, n, chunk):
            yield slice(lo, min(lo + chunk, n))
        return
    for lo in range(0, len(subset), chunk):
        yield subset[lo:lo + chunk]


def node_rows(dataset: Dataset, name: str, chunk: int = CHUNK,
              subset: np.ndarray | None = None) -> Iterator[dict[str, Any]]:
    """Rows for ``load/<name>.cypher``: the key, ``props`` (every non-key, non-edge,
    non-temporal column), and at the top level the ids of the referenced nodes
    (``EDGE_REFS``) and the ISO text of the date columns.  Built ``chunk`` table rows at a
    time, so memory stays bounded on large tables.  ``subset``: only these table rows
    (positions, in the order given).

    >>> # next(node_rows(ds, "creators")) == {"creator_id": "C001", "props": {"handle":
    >>> #     "glowwithmaya", "market": "ID", "followers": 15000, "rate_per_video": 120.5},
    >>> #     "primary_category": "beauty.skincare", "joined_at": "2023-04-01"}
    """
    table = dataset.tables[name]
    spec = table.spec
    top = [c.name for c in spec.columns[1:] if c.name in EDGE_REFS[name] or c.kind in _TEMPORAL]
    props = [c.name for c in spec.columns[1:] if c.name not in top]
    for part in _chunks(len(table), chunk, subset):
        sub = table.take(part)
        yield from _rows(spec.key, sub.ids.tolist(), _columns(dataset, sub, props), _columns(dataset, sub, top))


def _rows(key: str, keys: list[str], props: dict[str, list[Any]], top: dict[str, list[Any]]) -> list[dict[str, Any]]:
    rows = []
    prop_items = list(props.items())
    top_items = list(top.items())
    for i, k in enumerate(keys):
        row: dict[str, Any] = {key: k, "props": {p: v[i] for p, v in prop_items}}
        for name, values in top_items:
            row[name] = values[i]
        rows.append(row)
    return rows


def key_rows(dataset: Dataset, name: str) -> Iterator[dict[str, Any]]:
    """Rows for ``load/<name>_keys.cypher``: only the key, for a table the loader derived
    from references because its file was absent (nothing else is known about it)."""
    table = dataset.tables[name]
    key = table.spec.key
    return ({key: k} for k in table.ids.tolist())


def collaboration_rows(dataset: Dataset, chunk: int = CHUNK,
                       subset: np.ndarray | None = None) -> Iterator[dict[str, Any]]:
    """Rows for ``load/collaborations.cypher``: ``collaboration_id``, the two ends
    (``brand_id``, ``creator_id``) and the ISO text of the datetime columns at the top
    level, ``props`` with every other column (``campaign_id`` as an id: an edge cannot
    point at a node).  ``subset``: only these table rows (positions)."""
    table = dataset.collaborations
    spec = table.spec
    top = ["brand_id", "creator_id"] + [c.name for c in spec.columns if c.kind in _TEMPORAL]
    props = [c.name for c in spec.columns[1:] if c.name not in top]
    for part in _chunks(len(table), chunk, subset):
        sub = table.take(part)
        yield from _rows("collaboration_id", sub.ids.tolist(), _columns(dataset, sub, props),
                         _columns(dataset, sub, top))


# --------------------------------------------------------------------------- videos


def _video_order(videos: Table) -> np.ndarray:
    """Videos ordered by (creator row, posted_at, video_id) -- the table is in video_id order
    and ``lexsort`` is stable."""
    return np.lexsort((videos["posted_at"], videos["creator_id"]))


def _group_starts(keys: np.ndarray) -> np.ndarray:
    """Start positions of runs of equal ``keys`` (sorted), plus the end."""
    if len(keys) == 0:
        return np.zeros(1, np.int64)
    change = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    return np.concatenate([[0], change, [len(keys)]]).astype(np.int64)


def video_log_rows(dataset: Dataset, part_size: int = VIDEO_PART_SIZE,
                   subset: np.ndarray | None = None) -> Iterator[dict[str, Any]]:
    """Rows for ``load/video_logs.cypher``: one ``VideoLog`` per creator and part.

    A creator's videos, sorted by ``posted_at`` then ``video_id``, are cut into parts of
    at most ``part_size``; part ``k`` holds videos ``k*part_size ..``.  ``props`` holds the
    columns as lists (``VIDEO_LIST_COLUMNS`` but ``posted_at``; missing: -1, NaN, ``""``)
    and totals for browsing: ``videos``, ``total_views``, ``total_orders``, ``total_gmv``.
    ``posted_at`` (a list), ``first_posted_at`` and ``last_posted_at`` are ISO text at the
    top level of the row.  Rows are made one at a time (20M videos never become Python
    objects at once).  ``subset``: only the videos of these creators (row positions).
    """
    videos = dataset.videos
    if videos is None or not dataset.has("videos") or len(videos) == 0:
        return
    order = _video_order(videos)
    creator = videos["creator_id"][order].astype(np.int64)
    creator_ids = dataset.creators.ids
    refs = {name: dataset.tables[videos.spec.column(name).ref or ""].ids for name in ("product_id", "collaboration_id")}
    starts = _group_starts(creator)
    groups = np.arange(len(starts) - 1)
    if subset is not None:
        wanted = np.zeros(dataset.n_creators, bool)
        wanted[np.asarray(subset, np.int64)] = True
        groups = groups[wanted[creator[starts[:-1]]]]
    for g in groups.tolist():
        lo, hi = int(starts[g]), int(starts[g + 1])
        cid = str(creator_ids[creator[lo]])
        for part, a in enumerate(range(lo, hi, part_size)):
            rows_ = order[a:min(a + part_size, hi)]
            props: dict[str, Any] = {}
            for name in VIDEO_LIST_COLUMNS:
                col = videos[name][rows_]
                if name in refs:
                    ids = refs[name]
                    props[name] = np.where(col >= 0, ids[np.maximum(col, 0)] if len(ids) else "", "").tolist()
                elif name != "posted_at":
                    props[name] = col.tolist()
            views, orders, gmv = videos["views"][rows_], videos["orders"][rows_], videos["gmv"][rows_]
            props.update({
                "videos": len(rows_),
                "total_views": _total(views, views >= 0),
                "total_orders": _total(orders, orders >= 0),
                "total_gmv": _total(gmv, ~np.isnan(gmv)),
            })
            posted = _iso(videos["posted_at"][rows_], "s")
            yield {"creator_id": cid, "part": part, "props": props, "posted_at": posted,
                   "first_posted_at": posted[0], "last_posted_at": posted[-1]}


def video_log_count(dataset: Dataset, part_size: int = VIDEO_PART_SIZE) -> int:
    """How many rows ``video_log_rows`` gives."""
    videos = dataset.videos
    if videos is None or not dataset.has("videos") or len(videos) == 0:
        return 0
    counts = np.bincount(videos["creator_id"].astype(np.int64), minlength=dataset.n_creators)
    return int((-(-counts // part_size)).sum())


def _total(values: np.ndarray, known: np.ndarray) -> int | float | None:
    """Sum of the known values; None when none is known."""
    if not known.any():
        return None
    return values[known].sum().item()


def video_prune_rows(dataset: Dataset, part_size: int = VIDEO_PART_SIZE,
                     pairs: tuple[np.ndarray, np.ndarray] | None = None) -> Iterator[dict[str, Any]]:
    """Rows for ``load/videos_prune.cypher``: per creator, how many ``VideoLog`` parts it now
    has and which products it featured, so stale parts and ``FEATURED`` edges from an
    earlier load are removed.  Every creator gets a row (a creator may have lost all its
    videos).  Nothing when the dataset has no ``videos.csv`` (then stored videos stay).
    ``pairs``: ``featured_pairs(dataset)`` when the caller has it already."""
    videos = dataset.videos
    if videos is None or not dataset.has("videos"):
        return
    n = dataset.n_creators
    counts = np.bincount(videos["creator_id"].astype(np.int64), minlength=n)[:n]
    parts = (-(-counts // part_size)).tolist()
    pair_creator, pair_product = featured_pairs(dataset) if pairs is None else pairs
    bounds = np.searchsorted(pair_creator, np.arange(n + 1))
    product_ids = dataset.products.ids if dataset.products is not None else np.zeros(0, "U1")
    for i, cid in enumerate(dataset.creators.ids.tolist()):
        featured = product_ids[pair_product[bounds[i]:bounds[i + 1]]].tolist() if bounds[i + 1] > bounds[i] else []
        yield {"creator_id": cid, "parts": int(parts[i]), "product_ids": featured}


def featured_pairs(dataset: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (creator row, product row) pairs of shoppable videos, sorted."""
    videos = dataset.videos
    if videos is None or dataset.products is None or not dataset.has("videos"):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    shop = videos["product_id"] >= 0
    pairs = np.unique(np.stack([videos["creator_id"][shop].astype(np.int64),
                                videos["product_id"][shop].astype(np.int64)]), axis=1)
    return pairs[0], pairs[1]


def featured_count(dataset: Dataset) -> int:
    """How many rows ``featured_rows`` gives."""
    return len(featured_pairs(dataset)[0])


def featured_rows(dataset: Dataset, subset: np.ndarray | None = None,
                  chunk: int = CHUNK) -> Iterator[dict[str, Any]]:
    """Rows for ``load/featured.cypher``: one aggregated ``FEATURED`` edge per creator and
    product that appears in at least one of the creator's videos, in the order of
    ``featured_pairs``.

    ``props``: ``videos`` (count), ``views``, ``likes``, ``comments``, ``shares``,
    ``orders``, ``gmv`` (sums of the known values; None when none is known);
    ``first_posted_at`` and ``last_posted_at`` as ISO text at the top level of the row.
    ``subset``: only these pairs (positions in ``featured_pairs``).
    """
    videos = dataset.videos
    products = dataset.products
    if videos is None or products is None or not dataset.has("videos") or len(videos) == 0:
        return
    shop = np.flatnonzero(videos["product_id"] >= 0)
    if len(shop) == 0:
        return
    creator = videos["creator_id"][shop].astype(np.int64)
    product = videos["product_id"][shop].astype(np.int64)
    order = np.lexsort((product, creator))
    creator, product, rows_ = creator[order], product[order], shop[order]
    pair = creator * max(len(products), 1) + product
    starts = _group_starts(pair)[:-1]
    sums: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name in ("views", "likes", "comments", "shares", "orders", "gmv"):
        col = videos[name][rows_]
        known = ~np.isnan(col) if name == "gmv" else col >= 0
        sums[name] = (np.add.reduceat(np.where(known, col, 0), starts),
                      np.add.reduceat(known.astype(np.int64), starts) > 0)
    posted = videos["posted_at"][rows_].astype(np.int64)
    first = np.minimum.reduceat(posted, starts)
    last = np.maximum.reduceat(posted, starts)
    count = np.diff(np.append(starts, len(pair)))
    creator_ids, product_ids = dataset.creators.ids, products.ids
    for part in _chunks(len(starts), chunk, subset):
        at = starts[part]
        cids = creator_ids[creator[at]].tolist()
        pids = product_ids[product[at]].tolist()
        firsts = _iso(first[part].astype("datetime64[s]"), "s")
        lasts = _iso(last[part].astype("datetime64[s]"), "s")
        counts = count[part].tolist()
        cols = {name: [v if k else None for v, k in zip(total[part].tolist(), known[part].tolist())]
                for name, (total, known) in sums.items()}
        for g in range(len(cids)):
            props = {"videos": counts[g], **{k: v[g] for k, v in cols.items()}}
            yield {"creator_id": cids[g], "product_id": pids[g], "props": props,
                   "first_posted_at": firsts[g], "last_posted_at": lasts[g]}


# --------------------------------------------------------------------------- write-back


def _number(v: float) -> float | None:
    return None if v != v else float(v)


def creator_index_rows(creator_ids: Sequence[str] | np.ndarray, scores: Mapping[str, np.ndarray],
                       evidence: Mapping[str, np.ndarray] | None = None,
                       top_category: Sequence[str | None] | None = None,
                       top_category_score: np.ndarray | None = None,
                       model: str | None = None,
                       extra: Mapping[str, Sequence[Any]] | None = None) -> list[dict[str, Any]]:
    """Rows for ``push/indices.cypher``: per creator ``props`` with ``<name>_index`` (the
    0-100 score; None = not available, which removes an older value), ``<name>_evidence``,
    the top category and its influence, and the ``indices_model`` that computed them;
    ``extra`` adds more properties as they are (e.g. the fair rate, ``creator_price_props``).

    All arrays are in the order of ``creator_ids``.
    """
    ids = list(np.asarray(creator_ids).tolist())
    cols: dict[str, list[Any]] = {}
    for name, values in scores.items():
        cols[f"{name}_index"] = [_number(v) for v in np.asarray(values, np.float64).tolist()]
    for name, values in (evidence or {}).items():
        cols[f"{name}_evidence"] = [int(v) for v in np.asarray(values, np.int64).tolist()]
    if top_category is not None:
        cols["top_category_id"] = [c if c else None for c in top_category]
    if top_category_score is not None:
        cols["top_category_influence"] = [_number(v) for v in np.asarray(top_category_score, np.float64).tolist()]
    for key, col in (extra or {}).items():
        cols[key] = list(col)
    for key, col in cols.items():
        if len(col) != len(ids):
            raise ValueError(f"{key}: {len(col)} values for {len(ids)} creators")
    rows = []
    for i, cid in enumerate(ids):
        props = {k: v[i] for k, v in cols.items()}
        props["indices_model"] = model
        rows.append({"creator_id": cid, "props": props})
    return rows


def creator_price_props(book: Any, target_roas: float) -> dict[str, list[Any]]:
    """Creator properties of the fair rate (``creatormatch.pricing``), one list per property in
    creator order: the same numbers ``creatormatch pricing`` prints (None = not available,
    which removes an older value)."""
    v = book.value
    fair = book.fair(target_roas)
    listed = np.isfinite(np.asarray(book.rate, np.float64))

    def nums(a: np.ndarray, digits: int = 2) -> list[float | None]:
        return [None if x is None else round(x, digits) for x in map(_number, np.asarray(a, np.float64).tolist())]

    return {
        "expected_gmv_per_video": nums(v.expected), "expected_gmv_low": nums(v.low), "expected_gmv_high": nums(v.high),
        "fair_rate": nums(fair.fair_rate), "fair_rate_low": nums(fair.fair_low), "fair_rate_high": nums(fair.fair_high),
        "value_ratio": nums(fair.value_ratio, 3),
        "underpriced": [bool(u) if ok else None for u, ok in zip(fair.underpriced.tolist(), listed.tolist())],
        "pricing_evidence_videos": [int(x) for x in np.asarray(v.evidence, np.int64).tolist()],
        "pricing_target_roas": [float(fair.target_roas)] * len(listed),
    }


def brand_match_rows(brand_ids: Sequence[str] | np.ndarray, match_brand: np.ndarray, rank: np.ndarray,
                     creator_ids: Sequence[str] | np.ndarray, score: np.ndarray,
                     components: Mapping[str, np.ndarray], model: str,
                     reasons: Sequence[Sequence[str]] | None = None) -> list[dict[str, Any]]:
    """Rows for ``push/matches.cypher``: one row per brand of ``brand_ids`` -- all of them,
    so a brand without matches loses its old ``MATCH`` edges too -- with its ``matches``.

    Parameters
    ----------
    brand_ids : every brand whose matches are replaced.
    match_brand : per match, the position of its brand in ``brand_ids``.
    rank, creator_ids, score : per match (rank 1 = best).
    components : property name -> per-match number, NaN = not available (the property is
        then left out): the six components in [0, 1], and ``yes_if_invited`` with the learned
        ranker (the chance of a yes if the brand invites the creator).
    model : the model identifier stored on every edge.
    reasons : optional per-match lists of reason strings.
    """
    match_brand = np.asarray(match_brand, np.int64)
    n = len(match_brand)
    rank_l = np.asarray(rank, np.int64).tolist()
    score_l = np.asarray(score, np.float64).tolist()
    creators = list(np.asarray(creator_ids).tolist())
    comp = {k: np.asarray(v, np.float64).tolist() for k, v in components.items()}
    for name, values in [("rank", rank_l), ("creator_ids", creators), ("score", score_l), *comp.items()]:
        if len(values) != n:
            raise ValueError(f"{name}: {len(values)} values for {n} matches")
    if reasons is not None and len(reasons) != n:
        raise ValueError(f"reasons: {len(reasons)} values for {n} matches")
    grouped: list[list[dict[str, Any]]] = [[] for _ in range(len(brand_ids))]
    for i in range(n):
        props: dict[str, Any] = {"rank": rank_l[i], "score": score_l[i], "model": model}
        for k, v in comp.items():
            if v[i] == v[i]:
                props[k] = v[i]
        if reasons is not None:
            props["reasons"] = [str(r) for r in reasons[i]]
        grouped[match_brand[i]].append({"creator_id": creators[i], "props": props})
    return [{"brand_id": b, "matches": sorted(m, key=lambda x: x["props"]["rank"])}
            for b, m in zip(np.asarray(brand_ids).tolist(), grouped)]


# --------------------------------------------------------------------------- bookkeeping


def dataset_info_props(dataset: Dataset, content_digest: str, version: str) -> dict[str, Any]:
    """Properties of the ``(:DatasetInfo {key: 'dataset'})`` node a load writes."""
    from ..data.contract import CONTRACT_VERSION, FILES

    present = [s.name for s in FILES if dataset.has(s.name)]
    return {
        "contract_version": CONTRACT_VERSION, "fingerprint": dataset.fingerprint,
        "content_digest": content_digest, "files": present, "derived": sorted(dataset.derived),
        "rows": [len(dataset.tables[n]) for n in present], "creatormatch_version": version,
        "loaded_at": _dt.datetime.now(UTC).replace(microsecond=0),
    }


def batches(rows: Iterable[dict[str, Any]], size: int, weight: str | None = None) -> Iterator[list[dict[str, Any]]]:
    """Consecutive batches of ``rows`` (any iterable, consumed lazily) of at most ``size``
    rows -- or, with ``weight`` (a key of ``row['props']`` holding a count, e.g.
    ``videos``), of about ``size`` units of that weight, so rows carrying long lists make
    smaller batches."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    batch: list[dict[str, Any]] = []
    load = 0
    for row in rows:
        w = 1 if weight is None else max(1, int(row["props"].get(weight) or 1))
        if batch and load + w > size:
            yield batch
            batch, load = [], 0
        batch.append(row)
        load += w
    if batch:
        yield batch
