"""Writing results back: creator indices as properties, each brand's top-K as ``MATCH`` edges.

``push_results(store, dataset)`` computes the indices (``creatormatch.indices``) and the
matches (``creatormatch.recommend.Matcher``) and writes

* on every ``Creator``: ``<index>_index`` (0-100; removed when not available),
  ``<index>_evidence``, ``top_category_id``, ``top_category_influence``, ``indices_model``,
  and the fair rate of ``creatormatch pricing`` (``expected_gmv_per_video``,
  ``expected_gmv_low/high``, ``fair_rate``, ``fair_rate_low/high``, ``value_ratio``,
  ``underpriced``, ``pricing_evidence_videos``, ``pricing_target_roas``; docs/pricing.md);
* per ``Brand``: ``(:Brand)-[:MATCH {rank, score, mf, graph, category_fit, cooperation,
  consistency, uplift, reasons, model}]->(:Creator)`` for its top ``top`` creators.

**Atomic per brand.**  ``push/matches.cypher`` deletes a brand's old ``MATCH`` edges and
creates its new ones in the same transaction, and a transaction holds whole brands (a
batch of them).  A push that is killed, or loses the server, half-way therefore leaves
every brand with either all of its old matches or all of its new ones -- never a mix;
running the push again finishes the job.  ``model`` on each edge says which build wrote
it (``<mf model>/<data fingerprint>/<built at>``).
"""

from __future__ import annotations

import datetime as _dt
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..data.dataset import Dataset
from ..errors import StoreError, UsageError
from . import rows as R
from .connection import Neo4jStore
from .queries import cypher
from ..progress import StepProgress as Progress

if TYPE_CHECKING:
    from ..indices import CreatorIndices
    from ..recommend import Matcher, MatchModel

__all__ = ["PushSummary", "model_id", "push_results", "push_indices", "push_matches", "match_table"]

#: ``progress(step, done, total)``: ``step`` is "indices", "matching" or "matches".

#: Brands per transaction when writing matches.
BRANDS_PER_TRANSACTION = 50


@dataclass
class PushSummary:
    """What a push wrote."""

    model: str
    creators: int
    brands: int
    matches: int
    seconds: float


def model_id(model: "MatchModel") -> str:
    """The ``model`` value stored on ``MATCH`` edges: ``<mf model>/<fingerprint>/<built at>``."""
    return f"{model.params.mf_model}/{model.fingerprint}/{model.created_at}"


def push_indices(store: Neo4jStore, dataset: Dataset, indices: "CreatorIndices", model: str,
                 batch_size: int = 5_000, progress: Progress | None = None,
                 target_roas: float | None = None) -> int:
    """Write ``indices`` (of ``dataset``'s creators) and their fair rates (``target_roas``,
    default ``pricing.DEFAULT_TARGET_ROAS``) as Creator properties; returns creators written."""
    from ..pricing import DEFAULT_TARGET_ROAS, PriceBook

    from ..indices import INDEX_NAMES

    table = indices.table()
    cats = dataset.categories
    top = np.asarray(indices.influence.top_category, np.int64)
    top_ids = [str(cats.ids[t]) if cats is not None and t >= 0 else None for t in top.tolist()]
    rows = R.creator_index_rows(
        dataset.creators.ids, {n: table[n].score for n in INDEX_NAMES}, {n: table[n].evidence for n in INDEX_NAMES},
        top_ids, indices.influence.top_score, model,
        extra=R.creator_price_props(PriceBook.from_dataset(dataset),
                                    DEFAULT_TARGET_ROAS if target_roas is None else target_roas))
    return _write(store, "push/indices", rows, batch_size, "indices", progress, len(rows))


def match_table(matcher: "Matcher", top: int | None, reasons: bool = True,
                progress: Progress | None = None) -> list[dict[str, Any]]:
    """Each brand's top ``top`` matches as rows for ``push/matches.cypher`` (every brand,
    in the matcher's default filters: the brand's market, past collaborators excluded)."""
    from ..recommend import COMPONENTS, MatchFilters

    brand_ids = np.asarray(matcher.brand["id"])
    match_brand: list[int] = []
    ranks: list[int] = []
    creators: list[str] = []
    scores: list[float] = []
    # numbers stored on the edge, NaN = left out: the components, and the chance of a yes (none with the blend)
    comps: dict[str, list[float]] = {c: [] for c in (*COMPONENTS, "yes_if_invited")}
    why: list[list[str]] = []
    for b in range(len(brand_ids)):
        for m in matcher.match(b, MatchFilters(), top=top, reasons=reasons):
            match_brand.append(b)
            ranks.append(m.rank)
            creators.append(m.creator_id)
            scores.append(m.score)
            for c in COMPONENTS:
                v = m.components.get(c)
                comps[c].append(np.nan if v is None else float(v))
            why.append(list(m.reasons))
            comps["yes_if_invited"].append(np.nan if m.yes_if_invited is None else m.yes_if_invited)
        if progress:
            progress("matching", b + 1, len(brand_ids))
    return R.brand_match_rows(brand_ids, np.asarray(match_brand, np.int64), np.asarray(ranks, np.int64),
                              np.asarray(creators, dtype=str) if creators else np.zeros(0, "U1"),
                              np.asarray(scores, np.float64), {c: np.asarray(v, np.float64) for c, v in comps.items()},
                              model_id(matcher.model), why if reasons else None)


def push_matches(store: Neo4jStore, rows: list[dict[str, Any]], brands_per_transaction: int = BRANDS_PER_TRANSACTION,
                 progress: Progress | None = None) -> int:
    """Replace the ``MATCH`` edges of every brand in ``rows`` (``brand_match_rows``); one
    transaction per ``brands_per_transaction`` brands.  Returns the edges written."""
    query = cypher("push/matches")
    done = edges = 0
    if progress:
        progress("matches", 0, len(rows))
    for batch in R.batches(rows, brands_per_transaction):
        result = store.write(query, rows=batch, action="writing matches")
        written = int(result[0]["rows"]) if result else 0
        expected = sum(len(r["matches"]) for r in batch)
        got = int(result[0]["edges"] or 0) if result else 0
        if written != len(batch) or got != expected:
            raise StoreError(f"writing matches: {len(batch) - written} brand(s) or {expected - got} creator(s) "
                             "are missing from the graph; load the same dataset first ('creatormatch neo4j load')")
        done += len(batch)
        edges += got
        if progress:
            progress("matches", done, len(rows))
    return edges


def push_results(store: Neo4jStore, dataset: Dataset, *, top: int | None = 10, matcher: "Matcher | None" = None,
                 reasons: bool = True, progress: Progress | None = None,
                 brands_per_transaction: int = BRANDS_PER_TRANSACTION,
                 target_roas: float | None = None) -> PushSummary:
    """Compute indices and matches of ``dataset`` and write both (see the module docstring).

    Parameters
    ----------
    store : an open connection to a graph loaded from ``dataset``.
    dataset : the data the indices and matches are computed from.
    top : matches per brand (None: every candidate; recorded as ``matches_top`` 0).
    matcher : a ready matcher (e.g. from a saved model); default: built from ``dataset``.
    reasons : store each match's reasons (a list of strings) on the edge.
    target_roas : the return the fair rate written on each Creator is computed for.

    Raises
    ------
    StoreError : the server failed, or the graph lacks brands/creators of ``dataset``.
    """
    from ..indices import compute_indices
    from ..recommend import Matcher

    if top is not None and top < 1:
        raise UsageError("{option} must be at least 1", option="top")
    began = time.perf_counter()
    if matcher is None:
        matcher = Matcher.from_dataset(dataset)
    model = model_id(matcher.model)
    creators = push_indices(store, dataset, compute_indices(dataset), model, progress=progress,
                            target_roas=target_roas)
    rows = match_table(matcher, top, reasons, progress)
    edges = push_matches(store, rows, brands_per_transaction, progress)
    store.write(cypher("push/info"), action="recording the push", props={
        "matches_model": model, "matches_top": top or 0,
        "matches_pushed_at": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)})
    return PushSummary(model=model, creators=creators, brands=len(rows), matches=edges,
                       seconds=time.perf_counter() - began)


def _write(store: Neo4jStore, query_name: str, rows: list[dict[str, Any]], batch_size: int, step: str,
           progress: Progress | None, total: int) -> int:
    query = cypher(query_name)
    done = 0
    if progress:
        progress(step, 0, total)
    for batch in R.batches(rows, batch_size):
        result = store.write(query, rows=batch, action=f"writing {step}")
        written = int(result[0]["rows"]) if result else 0
        if written != len(batch):
            raise StoreError(f"writing {step}: {len(batch) - written} creator(s) are missing from the graph; "
                             "load the same dataset first ('creatormatch neo4j load')")
        done += len(batch)
        if progress:
            progress(step, done, total)
    return done
