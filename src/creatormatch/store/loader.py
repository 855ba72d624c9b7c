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
from collections.abc import Callable, Iterable
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
    """One step of a load: the query file, its rows (built when the step runs), how
    batches are weighed (``weight``: a count in ``row['props']``, for rows of lists), and
    the query that clears the way when a batch breaks a uniqueness constraint
    (``on_conflict``, then the batch is tried again)."""

    name: str
    query: str
    rows: Callable[[], Iterable[dict[str, Any]]]
    count: Callable[[], int]
    weight: str | None = None
    on_conflict: str | None = None


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
        n = _const(len(dataset.tables[name]))
        if name in dataset.derived:
            steps.append(LoadStep(name, f"load/{name}_keys", _bind(R.key_rows, dataset, name), n))
            continue
        steps.append(LoadStep(name, f"load/{name}", _bind(R.node_rows, dataset, name), n))
        if name == "categories":
            steps.append(LoadStep("category_parents", "load/category_parents", _bind(R.node_rows, dataset, name), n))
    steps.append(LoadStep("collaborations", "load/collaborations", _bind(R.collaboration_rows, dataset),
                          _const(len(dataset.collaborations)), on_conflict="load/collaborations_moved"))
    if dataset.has("videos"):
        steps.append(LoadStep("videos_prune", "load/videos_prune", _bind(R.video_prune_rows, dataset),
                              _const(dataset.n_creators)))
        steps.append(LoadStep("video_logs", "load/video_logs", _bind(R.video_log_rows, dataset),
                              _bind(R.video_log_count, dataset), weight="videos"))
        steps.append(LoadStep("featured", "load/featured", _bind(R.featured_rows, dataset),
                              _bind(R.featured_count, dataset)))
    return steps


def _bind(fn: Callable[..., Any], *args: Any) -> Callable[[], Any]:
    return lambda: fn(*args)


def _const(value: int) -> Callable[[], int]:
    return lambda: value


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
        total = step.count()
        if progress:
            progress(step.name, 0, total)
        done = 0
        query = cypher(step.query)
        for batch in R.batches(step.rows(), batch_size, step.weight):
            written = _write_batch(store, step, query, batch)
            if written != len(batch):
                raise StoreError(f"loading {step.name}: {len(batch) - written} of {len(batch)} rows were not "
                                 "written because a node they link to is missing from the graph; load the "
                                 "whole dataset (not single files) so every referenced node exists")
            done += len(batch)
            summary.transactions += 1
            if progress:
                progress(step.name, done, total)
        summary.rows[step.name] = done
    info = R.dataset_info_props(dataset, content_digest(dataset), __version__)
    info["load_complete"] = True
    _write_info(store, info)
    summary.retries = store.retries - retries_before
    summary.seconds = time.perf_counter() - began
    return summary


_CONSTRAINT_FAILED = "Neo.ClientError.Schema.ConstraintValidationFailed"


def _write_batch(store: Neo4jStore, step: LoadStep, query: str, batch: list[dict[str, Any]]) -> int:
    """Write one batch; returns the rows the query reports written."""
    try:
        result = store.write(query, rows=batch, action=f"loading {step.name}")
    except StoreError as exc:
        if step.on_conflict is None or getattr(exc, "code", "") != _CONSTRAINT_FAILED:
            raise
        # rare: a key moved (a collaboration to another brand or creator); clear the way, retry once
        store.write(cypher(step.on_conflict), rows=batch, action=f"moving {step.name}")
        result = store.write(query, rows=batch, action=f"loading {step.name}")
    return int(result[0]["rows"]) if result else 0


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
