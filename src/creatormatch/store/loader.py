"""Loading a dataset into Neo4j: schema first, then batched ``UNWIND $rows ... MERGE``.

Steps, in dependency order (each one a ``load/<name>.cypher`` file)::

    schema               constraints and indexes (schema.cypher), then wait until online
    categories           (:Category)                       -- or categories_keys when derived
    category_parents     (:Category)-[:SUBCATEGORY_OF]->(:Category)
    creators             (:Creator)-[:PRIMARY_CATEGORY]->(:Category)
    brands               (:Brand)-[:MAIN_CATEGORY]->(:Category)
    products             (:Brand)-[:SELLS]->(:Product)-[:IN_CATEGORY]->(:Category)
    campaigns            (:Brand)-[:RUNS]->(:Campaign)-[:PROMOTES]->(:Product), -[:IN_CATEGORY]->
    collaborations       (:Brand)-[:INVITED {collaboration_id, ...}]->(:Creator)
    videos_prune         stale VideoLog parts and FEATURED edges of each creator removed
    video_logs           (:Creator)-[:POSTED]->(:VideoLog)
    featured             (:Creator)-[:FEATURED]->(:Product)
    dataset_info         (:DatasetInfo {key: 'dataset'})

Every batch is one managed write transaction (``session.execute_write``), retried by the
driver on transient errors; every query MERGEs on a unique key and SETs properties, so
a batch, a step or the whole load can run again with the same result.  That is what makes
a load that died half-way (server restart, lost connection) safe: run it again.

Loading a newer dataset over an older one updates every node and relationship it
contains (changed values replaced, emptied values removed, moved relationships moved,
each creator's videos replaced); nodes and collaborations that are no longer in the
dataset stay unless ``replace=True`` (which empties the database first).
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..data.dataset import Dataset
from ..errors import StoreError
from . import rows as R
from ._digest import content_digest
from .connection import Neo4jStore
from .queries import cypher, schema_statements

__all__ = ["LoadSummary", "LoadStep", "apply_schema", "load_plan", "load_graph", "wipe_graph",
           "graph_counts", "DEFAULT_BATCH_SIZE"]

#: Rows per transaction (videos: videos per transaction).  Measured in
#: ``benchmarks/neo4j_load.py``: larger batches gain little beyond a few thousand.
DEFAULT_BATCH_SIZE = 5_000

#: ``progress(step, rows_done, rows_total)`` after each batch (and once at 0 per step).
Progress = Callable[[str, int, int], None]


@dataclass
class LoadStep:
    """One step of a load: the query file, its rows (built when the step runs) and how
    batches are weighed (``weight``: a count in ``row['props']``, for rows of lists)."""

    name: str
    query: str
    rows: Callable[[], list[dict[str, Any]]]
    weight: str | None = None
    check_count: bool = True


@dataclass
class LoadSummary:
    """What a load wrote: rows per step, transactions, retries and the time taken."""

    rows: dict[str, int] = field(default_factory=dict)
    transactions: int = 0
    retries: int = 0
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def apply_schema(store: Neo4jStore, wait_seconds: int = 300) -> list[str]:
    """Create every constraint and index of ``schema.cypher`` that does not exist yet and
    wait until all indexes are online.  Idempotent.  Returns the statements run."""
    statements = schema_statements()
    for statement in statements:
        store.run_autocommit(statement, action="applying the schema")
    store.run_autocommit(cypher("admin/await_indexes"), action="waiting for indexes", seconds=wait_seconds)
    return statements


def load_plan(dataset: Dataset) -> list[LoadStep]:
    """The steps that load ``dataset``, in order (tables absent from it are skipped)."""
    steps: list[LoadStep] = []
    for name in ("categories", "creators", "brands", "products", "campaigns"):
        if name not in dataset.tables:
            continue
        if name in dataset.derived:
            steps.append(LoadStep(name, f"load/{name}_keys", _bind(R.key_rows, dataset, name)))
            continue
        steps.append(LoadStep(name, f"load/{name}", _bind(R.node_rows, dataset, name)))
        if name == "categories":
            steps.append(LoadStep("category_parents", "load/category_parents", _bind(R.node_rows, dataset, name)))
    steps.append(LoadStep("collaborations", "load/collaborations", _bind(R.collaboration_rows, dataset)))
    if dataset.has("videos"):
        steps.append(LoadStep("videos_prune", "load/videos_prune", _bind(R.video_prune_rows, dataset)))
        steps.append(LoadStep("video_logs", "load/video_logs", _bind(R.video_log_rows, dataset), weight="videos"))
        steps.append(LoadStep("featured", "load/featured", _bind(R.featured_rows, dataset)))
    return steps


def _bind(fn: Callable[..., list[dict[str, Any]]], *args: Any) -> Callable[[], list[dict[str, Any]]]:
    return lambda: fn(*args)


def load_graph(store: Neo4jStore, dataset: Dataset, *, batch_size: int = DEFAULT_BATCH_SIZE,
               progress: Progress | None = None, replace: bool = False, schema: bool = True) -> LoadSummary:
    """Load ``dataset`` into the store's database (idempotent; see the module docstring).

    Parameters
    ----------
    store : an open connection (``connect``).
    dataset : a validated dataset (``load_dataset``).
    batch_size : rows per transaction (for videos: videos per transaction).
    progress : ``progress(step, rows_done, rows_total)``, called after every batch.
    replace : delete every node and relationship first, so the graph holds exactly
        ``dataset`` afterwards (not atomic: the graph is empty while the load runs).
    schema : apply ``schema.cypher`` first (the MERGEs rely on its unique constraints).

    Returns
    -------
    LoadSummary

    Raises
    ------
    StoreError : the server failed or became unreachable (after the driver's retries), or
        a batch wrote fewer rows than it sent (rows whose end nodes are missing).
    """
    from .. import __version__

    began = time.perf_counter()
    retries_before = store.retries
    summary = LoadSummary()
    if replace:
        wipe_graph(store)
    if schema:
        apply_schema(store)
    started = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    _write_info(store, {"load_complete": False, "load_started_at": started})
    for step in load_plan(dataset):
        rows = step.rows()
        if progress:
            progress(step.name, 0, len(rows))
        done = 0
        size = batch_size if step.weight is None else max(batch_size, 1)
        query = cypher(step.query)
        for batch in R.batches(rows, size, step.weight):
            result = store.write(query, rows=batch, action=f"loading {step.name}")
            written = int(result[0]["rows"]) if result else 0
            if step.check_count and written != len(batch):
                raise StoreError(f"loading {step.name}: {len(batch) - written} of {len(batch)} rows were not "
                                 "written because a node they link to is missing from the graph; load the "
                                 "whole dataset (not single files) so every referenced node exists")
            done += len(batch)
            summary.transactions += 1
            if progress:
                progress(step.name, done, len(rows))
        summary.rows[step.name] = len(rows)
        del rows
    info = R.dataset_info_props(dataset, content_digest(dataset), __version__)
    info["load_complete"] = True
    _write_info(store, info)
    summary.retries = store.retries - retries_before
    summary.seconds = time.perf_counter() - began
    return summary


def _write_info(store: Neo4jStore, props: dict[str, Any]) -> None:
    store.write(cypher("load/dataset_info"), props=props, action="recording the load")


def wipe_graph(store: Neo4jStore) -> None:
    """Delete every node and relationship (constraints and indexes stay)."""
    store.run_autocommit(cypher("admin/wipe"), action="wiping the graph")


def graph_counts(store: Neo4jStore) -> tuple[dict[str, int], dict[str, int]]:
    """``(nodes per label, relationships per type)`` -- labels and types with none are left out."""
    nodes = {r["label"]: int(r["count"]) for r in store.read(cypher("admin/node_counts")) if r["count"]}
    rels = {r["type"]: int(r["count"]) for r in store.read(cypher("admin/relationship_counts")) if r["count"]}
    return nodes, rels
