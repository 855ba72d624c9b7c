"""Dataset contract v1: the files, columns, types and rules of a creatormatch dataset.

This module is the machine-readable form of ``datasets/README.md``.  The loader,
the generator and the Neo4j store all read it, so a column is named in one place.

A dataset is a folder of UTF-8 CSV files with a header row.  Required values are
marked ``required=True``; every other cell may be empty.  Later contract versions
may only add optional columns and optional files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CONTRACT_VERSION = 1

Kind = Literal["id", "ref", "text", "market", "int", "float", "date", "datetime", "status"]

#: Allowed values of ``collaborations.status``, in code order (the loader stores the index).
STATUSES: tuple[str, ...] = ("invited", "accepted", "declined", "expired", "completed", "cancelled")
#: Statuses that count as a positive outcome (the creator agreed to work with the brand).
POSITIVE_STATUSES: tuple[str, ...] = ("accepted", "completed")
#: Statuses that mean the creator answered the invitation.
ANSWERED_STATUSES: tuple[str, ...] = ("accepted", "declined", "completed", "cancelled")


@dataclass(frozen=True)
class Column:
    """One column of a contract file.

    ``kind`` decides parsing: ``id`` (the row key, unique), ``ref`` (an id of the file
    ``ref``), ``text``, ``market`` (ISO 3166-1 alpha-2, upper case), ``int``/``float``
    (with ``min``/``max`` bounds), ``date``/``datetime`` (ISO 8601) and ``status``.
    """

    name: str
    kind: Kind
    required: bool = False
    ref: str | None = None
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class FileSpec:
    """One contract file: its name, whether it must exist, and its columns in order."""

    name: str
    required: bool
    columns: tuple[Column, ...]

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def key(self) -> str:
        return self.columns[0].name

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


C = Column
FILES: tuple[FileSpec, ...] = (
    FileSpec("categories", False, (
        C("category_id", "id", True),
        C("name", "text", True),
        C("parent_id", "ref", ref="categories"),
    )),
    FileSpec("creators", True, (
        C("creator_id", "id", True),
        C("handle", "text"),
        C("market", "market", True),
        C("followers", "int", True, min=0),
        C("joined_at", "date"),
        C("rate_per_video", "float", min=0),
        C("primary_category", "ref", ref="categories"),
        # added in v1.1: the window in which the creator's posts were collected (a scrape's
        # dates); empty = from the creator's first to last record (docs/indices.md)
        C("observed_from", "datetime"),
        C("observed_to", "datetime"),
    )),
    FileSpec("brands", True, (
        C("brand_id", "id", True),
        C("name", "text", True),
        C("market", "market", True),
        C("category_id", "ref", ref="categories"),
    )),
    FileSpec("products", False, (
        C("product_id", "id", True),
        C("brand_id", "ref", True, ref="brands"),
        C("category_id", "ref", True, ref="categories"),
        C("name", "text"),
        C("price", "float", min=0),
    )),
    FileSpec("campaigns", False, (
        C("campaign_id", "id", True),
        C("brand_id", "ref", True, ref="brands"),
        C("product_id", "ref", ref="products"),
        C("category_id", "ref", ref="categories"),
        C("start_date", "date", True),
        C("end_date", "date"),
        C("budget", "float", min=0),
    )),
    FileSpec("collaborations", True, (
        C("collaboration_id", "id", True),
        C("brand_id", "ref", True, ref="brands"),
        C("creator_id", "ref", True, ref="creators"),
        C("campaign_id", "ref", ref="campaigns"),
        C("invited_at", "datetime", True),
        C("status", "status", True),
        C("responded_at", "datetime"),
        C("due_at", "datetime"),
        C("delivered_at", "datetime"),
        C("deliverables_promised", "int", min=0),
        C("deliverables_delivered", "int", min=0),
        C("fee", "float", min=0),
        C("gmv", "float", min=0),
        C("rating", "float", min=1, max=5),
    )),
    FileSpec("videos", False, (
        C("video_id", "id", True),
        C("creator_id", "ref", True, ref="creators"),
        C("posted_at", "datetime", True),
        C("views", "int", min=0),
        C("likes", "int", min=0),
        C("comments", "int", min=0),
        C("shares", "int", min=0),
        C("product_id", "ref", ref="products"),
        C("collaboration_id", "ref", ref="collaborations"),
        C("orders", "int", min=0),
        C("gmv", "float", min=0),
    )),
)
del C

#: Files by name, in load order (a file only refers to files before it).
SPECS: dict[str, FileSpec] = {spec.name: spec for spec in FILES}


def spec(name: str) -> FileSpec:
    """Return the contract of file ``name`` (without ``.csv``)."""
    return SPECS[name]
