"""PageRank in the database (Graph Data Science) and the same projection in the engine.

``gds_pagerank`` projects the loaded market -- the five entity labels and the nine
relationship types between them, all undirected -- and streams ``gds.pageRank``.
``projection_adjacency`` builds that same projection from a ``Dataset`` as a sparse
matrix, so ``creatormatch.graph.pagerank.pagerank`` can be run on it and the two compared
(the integration test asks for a Spearman correlation of at least 0.99).

GDS PageRank is unnormalised (``(1 - d) + d * sum(...)``) and lets dangling nodes leak;
the engine's is a probability distribution.  On an undirected graph without isolated
nodes the two are proportional, so ranks agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..data.dataset import Dataset
from .connection import Neo4jStore
from .queries import cypher

__all__ = ["PROJECTION_LABELS", "PROJECTION_RELATIONSHIPS", "Projection", "projection_adjacency", "gds_pagerank"]

#: Node labels of the projection, in the engine's node order.
PROJECTION_LABELS: tuple[str, ...] = ("Creator", "Brand", "Product", "Category", "Campaign")
_TABLE = {"Creator": "creators", "Brand": "brands", "Product": "products", "Category": "categories",
          "Campaign": "campaigns"}
#: Relationship types of the projection (each projected undirected).
PROJECTION_RELATIONSHIPS: tuple[str, ...] = (
    "INVITED", "SELLS", "IN_CATEGORY", "SUBCATEGORY_OF", "MAIN_CATEGORY", "PRIMARY_CATEGORY", "RUNS", "PROMOTES",
    "FEATURED",
)


@dataclass
class Projection:
    """The projected graph: node labels and keys in one global order, and the symmetric
    adjacency (``weights[i, j]`` = number of relationships between nodes i and j)."""

    labels: np.ndarray
    keys: np.ndarray
    weights: sp.csr_array


def projection_adjacency(dataset: Dataset) -> Projection:
    """The GDS projection of ``gds_pagerank``, computed from ``dataset`` (no server).

    One node per row of creators, brands, products, categories and campaigns (in that
    order); one undirected edge per relationship the loader writes between them:
    INVITED (per collaboration, so repeated invitations are parallel edges), SELLS,
    IN_CATEGORY (products and campaigns), SUBCATEGORY_OF, MAIN_CATEGORY, PRIMARY_CATEGORY,
    RUNS, PROMOTES and FEATURED (one per creator and product seen in a video).
    """
    sizes = {label: len(dataset.tables[_TABLE[label]]) if _TABLE[label] in dataset.tables else 0
             for label in PROJECTION_LABELS}
    offset: dict[str, int] = {}
    at = 0
    for label in PROJECTION_LABELS:
        offset[label] = at
        at += sizes[label]
    n = at
    src: list[np.ndarray] = []
    dst: list[np.ndarray] = []

    def add(a_label: str, a: np.ndarray, b_label: str, b: np.ndarray) -> None:
        a = np.asarray(a, np.int64)
        b = np.asarray(b, np.int64)
        ok = (a >= 0) & (b >= 0)
        src.append(a[ok] + offset[a_label])
        dst.append(b[ok] + offset[b_label])

    col = dataset.collaborations
    add("Brand", col["brand_id"], "Creator", col["creator_id"])
    cr, br = dataset.creators, dataset.brands
    if "categories" in dataset.tables:
        add("Creator", np.arange(len(cr)), "Category", cr["primary_category"])
        add("Brand", np.arange(len(br)), "Category", br["category_id"])
        cats = dataset.tables["categories"]
        add("Category", np.arange(len(cats)), "Category", cats["parent_id"])
    if "products" in dataset.tables:
        prods = dataset.tables["products"]
        add("Brand", prods["brand_id"], "Product", np.arange(len(prods)))
        add("Product", np.arange(len(prods)), "Category", prods["category_id"])
    if "campaigns" in dataset.tables:
        camps = dataset.tables["campaigns"]
        add("Brand", camps["brand_id"], "Campaign", np.arange(len(camps)))
        add("Campaign", np.arange(len(camps)), "Product", camps["product_id"])
        add("Campaign", np.arange(len(camps)), "Category", camps["category_id"])
    videos = dataset.videos
    if dataset.has("videos") and videos is not None and "products" in dataset.tables:
        shop = videos["product_id"] >= 0
        pairs = np.unique(np.stack([videos["creator_id"][shop].astype(np.int64),
                                    videos["product_id"][shop].astype(np.int64)]), axis=1)
        add("Creator", pairs[0], "Product", pairs[1])
    s = np.concatenate(src) if src else np.zeros(0, np.int64)
    d = np.concatenate(dst) if dst else np.zeros(0, np.int64)
    w = sp.coo_array((np.ones(len(s)), (s, d)), shape=(n, n)).tocsr()
    labels = np.concatenate([np.full(sizes[label], label) for label in PROJECTION_LABELS])
    keys = np.concatenate([dataset.tables[_TABLE[label]].ids if sizes[label] else np.zeros(0, "U1")
                           for label in PROJECTION_LABELS])
    return Projection(labels=labels, keys=keys, weights=sp.csr_array(w + w.T))


def gds_pagerank(store: Neo4jStore, *, damping: float = 0.85, max_iterations: int = 100,
                 tolerance: float = 1e-10, graph_name: str = "creatormatch-pagerank") -> dict[tuple[str, str], float]:
    """GDS PageRank of every Creator, Brand, Product, Category and Campaign node, on the
    undirected projection of ``PROJECTION_RELATIONSHIPS``; ``(label, key) -> score``.

    The projection is created under ``graph_name`` and dropped afterwards.
    """
    from .loader import graph_counts

    nodes, rels = graph_counts(store)  # GDS refuses to project a label or type that does not exist
    labels = [label for label in PROJECTION_LABELS if nodes.get(label)]
    relationships = {t: {"orientation": "UNDIRECTED"} for t in PROJECTION_RELATIONSHIPS if rels.get(t)}
    store.run_autocommit(cypher("gds/drop"), action="dropping a GDS graph", graph=graph_name)
    try:
        store.run_autocommit(cypher("gds/project"), action="projecting the graph for GDS", graph=graph_name,
                             labels=labels, relationships=relationships)
        rows = store.run_autocommit(cypher("gds/pagerank"), action="running GDS PageRank", graph=graph_name,
                                    damping=damping, max_iterations=max_iterations, tolerance=tolerance)
    finally:
        store.run_autocommit(cypher("gds/drop"), action="dropping a GDS graph", graph=graph_name)
    return {(r["label"], r["key"]): float(r["score"]) for r in rows}
