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
driver on transient errors.  ``workers`` connections write at once: the steps that
create many relationships (creators, brands, products, collaborations, video_logs,
featured) are split into blocks whose transactions never touch the same node
(``schedule.grid_phases``), so they do not wait on each other's node locks; the other
steps run on one connection.  (A reload row that moves a relationship also locks the old
end node, and a new relationship locks a neighbour in a sparse node's chain, which another
block may hold; such rare deadlocks are retried like any other transient error.)
Every query MERGEs on a unique key and SETs properties, so
a batch, a step or the whole load can run again with the same result.  That is what makes
a load that died half-way (server restart, lost connection) safe: run it again.

Loading a newer dataset over an older one updates every node and relationship it
contains (changed values replaced, emptied values removed, moved relationships moved,
each creator's videos replaced); nodes and collaborations that are no longer in the
dataset stay unless ``replace=True`` (which empties the database first).
"""

from __future__ import annotations

import datetime
import functools
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..data.dataset import Dataset
from ..errors import StoreError
from . import rows as R
from ._digest import content_digest
from .connection import Neo4jStore
from .queries import cypher, schema_statements
from .schedule import grid_phases
from ..progress import StepProgress as Progress

__all__ = ["LoadSummary", "LoadStep", "apply_schema", "load_plan", "load_graph", "wipe_graph",
           "graph_counts", "DEFAULT_BATCH_SIZE", "DEFAULT_WORKERS"]

#: Rows per transaction (videos: videos per transaction).  Measured in
#: ``benchmarks/neo4j_load.py``: larger batches gain little beyond a few thousand.
DEFAULT_BATCH_SIZE = 5_000
#: Connections writing at once.  One transaction runs on one server thread; two keep
#: both cores of a 2-core server busy (``benchmarks/neo4j_load.py --workers``).
DEFAULT_WORKERS = 2

#: Row positions to build rows for (None: all of them, in order).
Subset = np.ndarray | None

#: ``progress(step, rows_done, rows_total)`` after each batch (and once at 0 per step).


@dataclass
class LoadStep:
    """One step of a load.

    ``rows(subset)`` builds the step's rows (all of them, or those of ``subset``: positions
    of the step's units -- table rows, creators for ``video_logs``, pairs for
    ``featured``); ``count()`` says how many rows there are.  ``ends()``, when set, gives
    per unit the row positions of the shared end nodes it locks (``a``, ``b`` or None), so
    the step can be split into blocks that run at once (``schedule.grid_phases``).
    ``weight``: a count in ``row['props']`` that batches are weighed by (rows of lists);
    ``on_conflict``: the query that clears the way when a batch breaks a uniqueness
    constraint (then the batch is tried again)."""

    name: str
    query: str
    rows: Callable[[Subset], Iterable[dict[str, Any]]]
    count: Callable[[], int]
    weight: str | None = None
    on_conflict: str | None = None
    ends: Callable[[], tuple[np.ndarray, np.ndarray | None]] | None = None


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
            steps.append(LoadStep(name, f"load/{name}_keys", _subset(R.key_rows, dataset, name), n))
            continue
        steps.append(LoadStep(name, f"load/{name}", _subset(R.node_rows, dataset, name), n,
                              ends=_node_ends(dataset, name)))
        if name == "categories":
            steps.append(LoadStep("category_parents", "load/category_parents", _subset(R.node_rows, dataset, name), n))
    collab = dataset.collaborations
    steps.append(LoadStep("collaborations", "load/collaborations", _subset(R.collaboration_rows, dataset),
                          _const(len(collab)), on_conflict="load/collaborations_moved",
                          ends=lambda: (collab["brand_id"], collab["creator_id"])))
    if dataset.has("videos"):
        # distinct (creator, product) pairs: a sort of every video, needed by three steps
        pairs = functools.cache(_bind(R.featured_pairs, dataset))
        steps.append(LoadStep("videos_prune", "load/videos_prune",
                              lambda subset: R.video_prune_rows(dataset, pairs=pairs()), _const(dataset.n_creators)))
        steps.append(LoadStep("video_logs", "load/video_logs", _subset(R.video_log_rows, dataset),
                              _bind(R.video_log_count, dataset), weight="videos",
                              ends=lambda: (np.arange(dataset.n_creators), None)))
        steps.append(LoadStep("featured", "load/featured", _subset(R.featured_rows, dataset),
                              lambda: len(pairs()[0]), ends=pairs))
    return steps


#: Per node table, the reference columns whose (shared) nodes a row links to besides its
#: own node: the ones ``ends`` splits on.  Campaigns link three: they load on one connection.
_NODE_ENDS: dict[str, tuple[str, ...]] = {
    "creators": ("primary_category",), "brands": ("category_id",), "products": ("brand_id", "category_id"),
}


def _node_ends(dataset: Dataset, name: str) -> Callable[[], tuple[np.ndarray, np.ndarray | None]] | None:
    """``ends`` of a node step: the shared nodes a row links besides its own (new) node --
    a creator's or brand's category; a product's brand and category."""
    refs = _NODE_ENDS.get(name)
    if refs is None:
        return None
    table = dataset.tables[name]
    return lambda: (table[refs[0]], table[refs[1]] if len(refs) > 1 else None)


def _bind(fn: Callable[..., Any], *args: Any) -> Callable[[], Any]:
    return lambda: fn(*args)


def _const(value: int) -> Callable[[], int]:
    return lambda: value


def _subset(fn: Callable[..., Iterable[dict[str, Any]]], *args: Any) -> Callable[[Subset], Iterable[dict[str, Any]]]:
    """``rows(subset)`` for a row builder that takes ``subset=`` (key_rows does not: it
    always runs whole)."""
    def rows(subset: Subset) -> Iterable[dict[str, Any]]:
        return fn(*args) if subset is None else fn(*args, subset=subset)
    return rows


def load_graph(store: Neo4jStore, dataset: Dataset, *, batch_size: int = DEFAULT_BATCH_SIZE,
               progress: Progress | None = None, replace: bool = False, schema: bool = True,
               workers: int = DEFAULT_WORKERS) -> LoadSummary:
    """Load ``dataset`` into the store's database (idempotent; see the module docstring).

    Parameters
    ----------
    store : an open connection (``connect``).
    dataset : a validated dataset (``load_dataset``).
    batch_size : rows per transaction (for videos: videos per transaction).
    progress : ``progress(step, rows_done, rows_total)``, called after every batch (always
        from the calling thread).
    replace : delete every node and relationship first, so the graph holds exactly
        ``dataset`` afterwards (not atomic: the graph is empty while the load runs).
    schema : apply ``schema.cypher`` first (the MERGEs rely on its unique constraints).
    workers : connections writing at once (1: every batch in turn, in row order).

    Returns
    -------
    LoadSummary

    Raises
    ------
    StoreError : the server failed or became unreachable (after the driver's retries), or
        a batch wrote fewer rows than it sent (rows whose end nodes are missing).
    """
    from .. import __version__

    if workers < 1:
        raise ValueError("workers must be at least 1")
    began = time.perf_counter()
    retries_before = store.retries
    summary = LoadSummary()
    if replace:
        wipe_graph(store)
    if schema:
        apply_schema(store)
    started = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    _write_info(store, {"load_complete": False, "load_started_at": started})
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="neo4j-load") as pool:
        for step in load_plan(dataset):
            total = step.count()
            if progress:
                progress(step.name, 0, total)
            done = 0
            for written in _run_step(pool, store, step, batch_size, workers):
                done += written
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


def _run_step(pool: ThreadPoolExecutor, store: Neo4jStore, step: LoadStep, batch_size: int,
              workers: int) -> Iterator[int]:
    """Write one step's rows; yields the rows of each batch as it commits.

    The step's blocks run phase after phase; within a phase each block has at most one
    transaction in flight (its rows share nodes), and the blocks run side by side (they
    share none).  Rows are built on the calling thread while the server writes.  If a
    batch fails, the batches in flight finish and the error is raised.
    """
    query = cypher(step.query)
    if step.ends is None or workers == 1:
        phases: list[list[Subset]] = [[None]]
    else:
        a, b = step.ends()
        phases = [list(blocks) for blocks in grid_phases(a, b, workers)]
    for blocks in phases:
        feeds = [R.batches(step.rows(subset), batch_size, step.weight) for subset in blocks]
        running: dict[Future[int], int] = {}
        try:
            for i, feed in enumerate(feeds):
                _submit(pool, running, i, feed, store, step, query)
            while running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    i = running.pop(future)
                    yield future.result()
                    _submit(pool, running, i, feeds[i], store, step, query)
        finally:
            wait(running)  # a failed batch: let the others in flight end before raising


def _submit(pool: ThreadPoolExecutor, running: dict[Future[int], int], block: int,
            feed: Iterator[list[dict[str, Any]]], store: Neo4jStore, step: LoadStep, query: str) -> None:
    batch = next(feed, None)
    if batch is not None:
        running[pool.submit(_write_checked, store, step, query, batch)] = block


def _write_checked(store: Neo4jStore, step: LoadStep, query: str, batch: list[dict[str, Any]]) -> int:
    written = _write_batch(store, step, query, batch)
    if written != len(batch):
        raise StoreError(f"loading {step.name}: {len(batch) - written} of {len(batch)} rows were not "
                         "written because a node they link to is missing from the graph; load the "
                         "whole dataset (not single files) so every referenced node exists")
    return written


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
