"""A digest of a dataset's content (not of its CSV bytes).

``Dataset.fingerprint`` hashes the CSV files, so a dataset read back from Neo4j cannot
recompute it.  The load stores both the fingerprint and this content digest on the
``DatasetInfo`` node; the read-back recomputes the digest and, when it matches, reports
the stored fingerprint -- the graph then holds exactly what that CSV folder held, so
models built from either source are interchangeable.  Otherwise the read-back
fingerprint is derived from the digest.
"""

from __future__ import annotations

import hashlib

import numpy as np

from ..data.contract import FILES
from ..data.dataset import Dataset

__all__ = ["content_digest"]


def content_digest(dataset: Dataset) -> str:
    """SHA-256 over every table's columns (values, not widths or row order of the CSV),
    the tables present and the derived ones."""
    h = hashlib.sha256(b"creatormatch-content-v1")
    for spec in FILES:
        table = dataset.tables.get(spec.name)
        if table is None:
            continue
        h.update(f"|{spec.name}|{len(table)}|{spec.name in dataset.derived}".encode())
        for col in spec.columns:
            values = np.asarray(table[col.name])
            h.update(f"|{col.name}|".encode())
            h.update(_bytes(values))
    return h.hexdigest()


def _bytes(values: np.ndarray) -> bytes:
    if values.dtype.kind == "U":
        width = int(np.char.str_len(values).max()) if len(values) else 1
        return np.ascontiguousarray(values.astype(f"<U{max(width, 1)}")).tobytes()
    if values.dtype.kind == "M":
        return np.ascontiguousarray(values.astype("datetime64[s]").view(np.int64)).tobytes()
    if values.dtype.kind == "f":
        floats = values.astype("<f8")
        return np.ascontiguousarray(np.where(np.isnan(floats), np.nan, floats)).tobytes()  # one NaN bit pattern
    return np.ascontiguousarray(values.astype("<i8")).tobytes()
