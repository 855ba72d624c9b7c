"""Lists of brands and creators, filtered and searched, so planners can find their ids.

Pure functions over a ``Dataset``: ``brand_rows`` and ``creator_rows`` return one dict per
row (``BRAND_COLUMNS`` / ``CREATOR_COLUMNS``), ordered by id.  ``search`` keeps rows whose
id or name (handle for creators) contains the text, compared as ``vocabulary.normalise_name``
does (any case, punctuation ignored); when nothing contains it, the really close names
(``vocabulary.suggest``) are returned instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..vocabulary import normalise_name, suggest
from .dataset import Dataset, Table

__all__ = ["BRAND_COLUMNS", "CREATOR_COLUMNS", "brand_rows", "creator_rows"]

BRAND_COLUMNS = ("brand_id", "name", "market", "category_id", "category", "products", "collaborations")
CREATOR_COLUMNS = ("creator_id", "handle", "market", "followers", "category_id", "category", "collaborations")


def brand_rows(dataset: Dataset, *, market: str | None = None, categories: np.ndarray | None = None,
               search: str | None = None) -> list[dict[str, Any]]:
    """Brands of ``market`` whose category is one of ``categories`` (rows, e.g. a category
    and those below it) and whose id or name matches ``search``; every one when None."""
    br = dataset.brands
    products = _count(dataset.products["brand_id"], len(br)) if dataset.products is not None else None
    return _listed(dataset, br, ("name", "category_id", "brand_id"), market, categories, search,
                   lambda r: {"products": None if products is None else int(products[r])}, BRAND_COLUMNS)


def creator_rows(dataset: Dataset, *, market: str | None = None, categories: np.ndarray | None = None,
                 search: str | None = None) -> list[dict[str, Any]]:
    """Creators of ``market`` whose primary category is one of ``categories`` and whose id
    or handle matches ``search``; every one when None."""
    cr = dataset.creators
    return _listed(dataset, cr, ("handle", "primary_category", "creator_id"), market, categories, search,
                   lambda r: {"followers": int(cr["followers"][r])}, CREATOR_COLUMNS)


def _listed(dataset: Dataset, table: Table, names: tuple[str, str, str], market: str | None,
            categories: np.ndarray | None, search: str | None, extra: Any,
            columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """The rows of ``table`` (brands or creators) kept by the filters, as dicts over ``columns``.

    ``names``: the table's name column, category column and the collaborations column
    that refers to it; ``extra(row)``: the columns only this table has.
    """
    name_col, category_col, ref = names
    keep = np.ones(len(table), bool)
    if market is not None:
        keep &= table["market"] == market
    if categories is not None:
        keep &= np.isin(table[category_col].astype(np.int64), categories)
    rows = _searched(table, table[name_col], keep, search)
    collabs = _count(dataset.collaborations[ref], len(table))
    cat_names, cat_ids = _category_names(dataset)
    out = []
    for r in rows.tolist():
        k = int(table[category_col][r])
        record = {table.spec.key: str(table.ids[r]), name_col: str(table[name_col][r]),
                  "market": str(table["market"][r]), "category_id": cat_ids[k] if k >= 0 else None,
                  "category": cat_names[k] if k >= 0 else None, "collaborations": int(collabs[r]), **extra(r)}
        out.append({c: record[c] for c in columns})
    return out


def _searched(table: Table, names: np.ndarray, keep: np.ndarray, search: str | None) -> np.ndarray:
    rows = np.flatnonzero(keep)
    if not search or not normalise_name(search):
        return rows
    text = normalise_name(search)
    plain = search.strip().casefold()
    ids = np.char.lower(table.ids[rows].astype(str))
    lowered = np.char.lower(names[rows].astype(str))
    hit = (np.char.find(ids, plain) >= 0) | (np.char.find(lowered, plain) >= 0)
    if not hit.any():
        squeezed = np.array([normalise_name(n) for n in lowered.tolist()], dtype=str) if len(rows) else lowered
        hit = np.char.find(squeezed, text) >= 0
    if hit.any():
        return rows[hit]
    close = set(suggest(search, names[rows].tolist(), n=10)) | set(suggest(search, table.ids[rows].tolist(), n=10))
    return rows[np.isin(names[rows], list(close)) | np.isin(table.ids[rows], list(close))]


def _count(refs: np.ndarray, n: int) -> np.ndarray:
    refs = np.asarray(refs, np.int64)
    return np.bincount(refs[refs >= 0], minlength=n)


def _category_names(dataset: Dataset) -> tuple[list[str], list[str]]:
    cats = dataset.categories
    if cats is None:
        return [], []
    return [str(x) for x in cats["name"].tolist()], [str(x) for x in cats.ids.tolist()]
