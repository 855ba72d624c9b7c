"""In-memory, columnar form of a dataset: one ``Table`` of numpy arrays per contract file.

Conventions every consumer relies on (see ``datasets/README.md`` for the file format):

* Each table is sorted by its key column, so nothing computed from a ``Dataset``
  depends on the order of rows in the CSV files.
* ``id`` and ``text`` columns are numpy unicode arrays (``dtype.kind == 'U'``).
* ``ref`` columns hold **row positions** into the referenced table (``int32``),
  ``-1`` where the cell was empty.  ``collaborations["creator_id"][i]`` is the row of
  that creator in ``creators``.
* ``int`` columns are ``int64`` with ``MISSING_INT`` (-1) for an empty cell (every
  contract int is >= 0); ``float`` columns are ``float64`` with NaN for empty.
* ``date``/``datetime`` columns are ``datetime64[s]`` with NaT for empty.
* ``status`` is ``int8``, an index into ``contract.STATUSES``.
* ``market`` is a unicode array of upper-case ISO 3166-1 alpha-2 codes.
* ``Table.line`` is the 1-based line of the CSV file on which each row starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import contract

MISSING_INT = -1


@dataclass
class Table:
    """One contract file as parallel numpy columns."""

    name: str
    columns: dict[str, np.ndarray]
    line: np.ndarray

    def __len__(self) -> int:
        return int(self.line.shape[0])

    def __getitem__(self, column: str) -> np.ndarray:
        return self.columns[column]

    def __contains__(self, column: str) -> bool:
        return column in self.columns

    @property
    def spec(self) -> contract.FileSpec:
        return contract.spec(self.name)

    @property
    def ids(self) -> np.ndarray:
        """The key column (sorted ascending)."""
        return self.columns[self.spec.key]

    def position(self, ids: np.ndarray | list[str] | str) -> np.ndarray:
        """Row positions of ``ids`` in this table, ``-1`` where an id is unknown."""
        wanted = np.atleast_1d(np.asarray(ids))
        keys = self.ids
        if len(keys) == 0:
            return np.full(wanted.shape, -1, dtype=np.int64)
        pos = np.searchsorted(keys, wanted)
        pos = np.minimum(pos, len(keys) - 1)
        return np.where(keys[pos] == wanted, pos, -1).astype(np.int64)

    def take(self, rows: np.ndarray) -> "Table":
        """A new table with only ``rows`` (positions or a boolean mask), order kept."""
        return Table(self.name, {k: v[rows] for k, v in self.columns.items()}, self.line[rows])


@dataclass
class LoadReport:
    """What a load read, kept and rejected, per file (``Dataset.report``)."""

    rows_read: dict[str, int] = field(default_factory=dict)
    rows_loaded: dict[str, int] = field(default_factory=dict)
    rows_rejected: dict[str, int] = field(default_factory=dict)
    #: where a lenient load wrote the rejected rows (None: nothing was rejected)
    rejects_path: Path | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class Dataset:
    """A validated dataset.  Required tables are always present; optional ones may be ``None``.

    ``report`` says what the load read, kept and rejected; a dataset built another way (a
    cached copy, the Neo4j graph, a time slice) gets one saying every row was read and kept.
    """

    root: Path
    tables: dict[str, Table]
    fingerprint: str = ""
    warnings: list[str] = field(default_factory=list)
    #: Optional files that were absent but referenced: the loader built a key-only table of
    #: the referenced ids (other columns empty) so ``ref`` columns still resolve.
    derived: frozenset[str] = frozenset()
    report: LoadReport = field(default_factory=LoadReport)

    def __post_init__(self) -> None:
        if not self.report.rows_read:
            rows = {name: len(t) for name, t in self.tables.items() if name not in self.derived}
            self.report.rows_read.update(rows)
            self.report.rows_loaded.update(rows)
            self.report.rows_rejected.update({name: 0 for name in rows})
        if not self.report.warnings and self.warnings:
            self.report.warnings.extend(self.warnings)

    @property
    def creators(self) -> Table:
        return self.tables["creators"]

    @property
    def brands(self) -> Table:
        return self.tables["brands"]

    @property
    def collaborations(self) -> Table:
        return self.tables["collaborations"]

    @property
    def categories(self) -> Table | None:
        return self.tables.get("categories")

    @property
    def products(self) -> Table | None:
        return self.tables.get("products")

    @property
    def campaigns(self) -> Table | None:
        return self.tables.get("campaigns")

    @property
    def videos(self) -> Table | None:
        return self.tables.get("videos")

    def has(self, name: str) -> bool:
        """Whether the optional file ``name`` was present in the folder (not derived)."""
        return name in self.tables and name not in self.derived

    @property
    def n_creators(self) -> int:
        return len(self.creators)

    @property
    def n_brands(self) -> int:
        return len(self.brands)
