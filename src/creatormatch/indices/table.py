"""Tables of creators by index: what ``creatormatch scores`` and ``influencers`` print.

Pure functions from a ``Dataset`` and its ``CreatorIndices`` to rows of plain values
(``None`` where a value is not available), in a stable order: the sort value descending,
unavailable last, ties by ``creator_id``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..data.dataset import Dataset
from ..errors import UsageError
from ._result import INDEX_NAMES, CreatorIndices

__all__ = ["INDEX_COLUMN", "SCORE_COLUMNS", "INFLUENCER_COLUMNS", "SORT_KEYS", "score_rows", "score_order", "score_rows_at",
           "influencer_rows", "unavailable_notes"]

#: Every index's score is named ``<index>_index`` (0-100) in every output: ``scores``,
#: ``match``, the Neo4j graph.
INDEX_COLUMN = {name: f"{name}_index" for name in INDEX_NAMES}
#: The names ``scores`` first used for three indices, kept in its CSV/JSON next to the
#: ``<index>_index`` columns so existing readers keep working.
LEGACY_COLUMN = {"content_volume": "content_volume", "content_success": "content_success",
                 "sales_uplift": "sales_uplift"}
#: Columns of ``creatormatch scores --format csv|json``, in order (a public format: the first
#: fourteen as first published, then the ``<index>_index`` names of the three legacy columns).
SCORE_COLUMNS: tuple[str, ...] = (
    "creator_id", "handle", "market", "followers",
    "cooperation_index", "consistency_index", "diligence_index",
    "content_volume", "content_success", "sales_uplift",
    "top_category", "top_category_influence",
    "evidence_collaborations", "evidence_videos",
    "content_volume_index", "content_success_index", "sales_uplift_index",
)
#: What ``scores --sort`` accepts: an index, ``influence`` (top category, or the ``--category``
#: given) or ``followers``.
SORT_KEYS: tuple[str, ...] = INDEX_NAMES + ("influence", "followers")

INFLUENCER_COLUMNS: tuple[str, ...] = (
    "rank", "creator_id", "handle", "market", "followers", "category", "influence", "influence_raw",
    "activity_share", "reach", "engagement", "sales", "centrality",
)


def score_rows(dataset: Dataset, indices: CreatorIndices, *, market: str | None = None,
               category: int | np.ndarray | None = None, sort: str = "cooperation",
               top: int | None = None) -> list[dict[str, Any]]:
    """One row per creator (``SCORE_COLUMNS``), filtered and sorted.

    Parameters
    ----------
    market : keep creators of this market only.
    category : keep creators active in this category row (or these rows: a category and the
        categories below it, ``Vocabulary.category_rows``); ``sort="influence"`` then sorts by
        the best influence among them.
    sort : one of ``SORT_KEYS``; higher first.
    top : keep the first ``top`` rows (None or 0: all).
    """
    rows = score_order(dataset, indices, market=market, category=category, sort=sort)
    if top:
        rows = rows[:top]
    return score_rows_at(dataset, indices, rows)


def score_order(dataset: Dataset, indices: CreatorIndices, *, market: str | None = None,
                category: int | np.ndarray | None = None, sort: str = "cooperation") -> np.ndarray:
    """The creator rows ``score_rows`` lists, in its order (cheap: no row is built, so a
    command can count them all and build only the ones it shows)."""
    if sort not in SORT_KEYS:
        raise UsageError(f"unknown sort key '{sort}'; choose one of {', '.join(SORT_KEYS)}")
    creators = dataset.creators
    n = len(creators)
    keep = np.ones(n, bool)
    if market is not None:
        keep &= creators["market"] == market
    inf = indices.influence
    if category is not None:
        cats = np.atleast_1d(np.asarray(category, np.int64))
        keep &= np.asarray(abs(inf.affinity[:, cats]).sum(axis=1)).ravel() > 0
    value = _sort_value(dataset, indices, sort, category)
    rows = np.flatnonzero(keep)
    v = value[rows]
    order = np.lexsort((rows, np.isnan(v), -np.nan_to_num(v, nan=0.0)))
    return rows[order]


def _sort_value(dataset: Dataset, indices: CreatorIndices, sort: str,
                category: int | np.ndarray | None) -> np.ndarray:
    if sort in INDEX_NAMES:
        return indices.table()[sort].score
    if sort == "followers":
        return dataset.creators["followers"].astype(np.float64)
    inf = indices.influence
    if category is None:
        return inf.top_score
    cats = np.atleast_1d(np.asarray(category, np.int64))
    best = np.full(inf.matrix.shape[0], np.nan)
    for k in cats.tolist():  # a category and the few below it
        col = inf.matrix[:, [k]].toarray().ravel()
        best = np.where(col > 0, np.fmax(best, col), best)
    return best


def score_rows_at(dataset: Dataset, indices: CreatorIndices, rows: np.ndarray) -> list[dict[str, Any]]:
    """The ``SCORE_COLUMNS`` rows of the creators ``rows``, in that order."""
    creators = dataset.creators
    cats = dataset.categories
    table = indices.table()
    inf = indices.influence
    top = inf.top_category[rows]
    cat_ids = cats.ids.tolist() if cats is not None else []
    n_videos = table["content_volume"].components.get("all_videos")
    columns: dict[str, list[Any]] = {
        "creator_id": creators.ids[rows].tolist(),
        "handle": creators["handle"][rows].tolist(),
        "market": creators["market"][rows].tolist(),
        "followers": creators["followers"][rows].tolist(),
    }
    for name, result in table.items():
        columns[INDEX_COLUMN[name]] = _nullable(np.round(result.score[rows], 1))
        if name in LEGACY_COLUMN:
            columns[LEGACY_COLUMN[name]] = columns[INDEX_COLUMN[name]]
    columns["top_category"] = [cat_ids[t] if t >= 0 else None for t in top.tolist()]
    columns["top_category_influence"] = _nullable(np.round(inf.top_score[rows], 1))
    columns["evidence_collaborations"] = table["cooperation"].evidence[rows].tolist()
    columns["evidence_videos"] = (n_videos[rows].tolist() if table["content_volume"].available and n_videos is not None
                                  else [None] * len(rows))
    values = [columns[c] for c in SCORE_COLUMNS]
    out = [dict(zip(SCORE_COLUMNS, record)) for record in zip(*values)]
    # why each empty index cell is empty (the JSON form shows it; table and CSV print notes)
    for record, r in zip(out, rows.tolist()):
        record["not_available"] = {column: why for name, result in table.items()
                                   if (why := result.reason_for(r)) is not None
                                   for column in (LEGACY_COLUMN.get(name), INDEX_COLUMN[name]) if column}
    return out


def unavailable_notes(indices: CreatorIndices) -> list[str]:
    """One line per index that is not available in the whole dataset, with the reason."""
    return [f"{name} is not available in this dataset: {result.reason}"
            for name, result in indices.table().items() if not result.available]


def _nullable(values: np.ndarray) -> list[float | None]:
    """Python floats, with None for NaN."""
    return [None if v != v else v for v in values.tolist()]


def influencer_rows(dataset: Dataset, indices: CreatorIndices, category: int | np.ndarray, *,
                    market: str | None = None, top: int | None = 20) -> list[dict[str, Any]]:
    """Creators active in ``category`` (a row of ``dataset.categories``, or several: a
    category and the categories below it), most influential first.

    Sorted by raw influence (comparable across markets: it is standardised within the
    category), then ``creator_id``; ``influence`` is the 0–100 score within category and
    market.  With several categories each creator is shown in the one where its raw
    influence is highest (the ``category`` column says which).
    """
    inf = indices.influence
    creators = dataset.creators
    cats = np.atleast_1d(np.asarray(category, np.int64))
    sub = inf.matrix[:, cats].tocoo()
    raw_sub = np.asarray(inf.raw[sub.row, cats[sub.col]]).ravel()
    order = np.lexsort((sub.col, -raw_sub, sub.row))
    first = np.ones(len(order), bool)
    first[1:] = sub.row[order][1:] != sub.row[order][:-1]
    rows = sub.row[order][first].astype(np.int64)
    best = cats[sub.col[order][first]]
    if market is not None:
        keep = creators["market"][rows] == market
        rows, best = rows[keep], best[keep]
    raw = np.asarray(inf.raw[rows, best]).ravel() if len(rows) else np.zeros(0)
    score = np.asarray(inf.matrix[rows, best]).ravel() if len(rows) else np.zeros(0)
    share = np.asarray(inf.affinity[rows, best]).ravel() if len(rows) else np.zeros(0)
    comps = {name: (np.asarray(m[rows, best]).ravel() if len(rows) else np.zeros(0))
             for name, m in inf.components.items()}
    order = np.lexsort((rows, -raw))
    if top:
        order = order[:top]
    cat_ids = dataset.categories.ids
    out = []
    for rank, i in enumerate(order.tolist(), start=1):
        r = int(rows[i])
        record: dict[str, Any] = {
            "rank": rank, "creator_id": str(creators.ids[r]), "handle": str(creators["handle"][r]),
            "market": str(creators["market"][r]), "followers": int(creators["followers"][r]),
            "category": str(cat_ids[best[i]]), "influence": round(float(score[i]), 1),
            "influence_raw": round(float(raw[i]), 4), "activity_share": round(float(share[i]), 4),
        }
        for name, digits in (("reach", 0), ("engagement", 0), ("sales", 2), ("centrality", 3)):
            record[name] = round(float(comps[name][i]), digits) if name in comps else None
        out.append(record)
    return out
