"""One CSR primitive shared by the walk, the category fit and the ranker's pair signals."""

from __future__ import annotations

import numpy as np

__all__ = ["row_entry_positions"]


def row_entry_positions(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions in ``indices`` / ``data`` of every stored entry of ``rows`` of a CSR matrix,
    row after row, and the number of entries of each row (``np.repeat(rows_index, counts)``
    tells which row an entry belongs to).

    >>> pos, counts = row_entry_positions(np.array([0, 2, 2, 5]), np.array([2, 0]))
    >>> pos.tolist(), counts.tolist()
    ([2, 3, 4, 0, 1], [3, 2])
    """
    rows = np.asarray(rows, np.int64)
    starts = indptr[rows].astype(np.int64)
    counts = indptr[rows + 1].astype(np.int64) - starts
    ends = np.cumsum(counts)
    total = int(ends[-1]) if len(ends) else 0
    return np.repeat(starts - (ends - counts), counts) + np.arange(total), counts
