"""The market as one sparse heterogeneous graph.

Node types, each numbered by its row in the dataset table (so node ``creator 17`` is row 17
of ``creators``), laid out in one global id space in this order::

    creator | brand | product | category | campaign

Edges are undirected and weighted.  Each *relation* is stored once as a ``scipy.sparse``
CSR matrix (rows = source type, columns = target type); a walk may cross it both ways.

=================  ===================  =====================================================
relation           source -> target     weight
=================  ===================  =====================================================
collaborated       brand -> creator     positive collaborations (the MF confidence, see
                                        ``recommend.confidence``), or their count
sells              brand -> product     1
brand_category     brand -> category    1 (the brand's main category)
in_category        product -> category  1
parent             category -> category 1 (child -> parent)
features           creator -> product   log(1 + videos of the creator featuring the product)
creates_in         creator -> category  [primary category] + log(1 + shoppable videos whose
                                        product is in the category)
runs               brand -> campaign    1
promotes           campaign -> product  1
campaign_category  campaign -> category 1
joined             creator -> campaign  positive collaborations of the creator in the campaign
=================  ===================  =====================================================

Videos never become nodes: 20M videos collapse into the ``features`` and ``creates_in``
weights.  Each relation weight may be scaled by ``relation_weights[name]`` (default 1).
Rows with a missing reference (``-1``) contribute no edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ..data.contract import POSITIVE_STATUSES, STATUSES
from ..data.dataset import Dataset

__all__ = ["NODE_TYPES", "RELATIONS", "MarketGraph", "build_market_graph", "positive_mask"]

NODE_TYPES: tuple[str, ...] = ("creator", "brand", "product", "category", "campaign")

#: relation name -> (source node type, target node type)
RELATIONS: dict[str, tuple[str, str]] = {
    "collaborated": ("brand", "creator"),
    "sells": ("brand", "product"),
    "brand_category": ("brand", "category"),
    "in_category": ("product", "category"),
    "parent": ("category", "category"),
    "features": ("creator", "product"),
    "creates_in": ("creator", "category"),
    "runs": ("brand", "campaign"),
    "promotes": ("campaign", "product"),
    "campaign_category": ("campaign", "category"),
    "joined": ("creator", "campaign"),
}


@dataclass
class MarketGraph:
    """Typed node counts and one weighted CSR matrix per relation.

    ``relations[name]`` has shape ``(sizes[source], sizes[target])``.
    """

    sizes: dict[str, int]
    relations: dict[str, sp.csr_array] = field(default_factory=dict)

    @property
    def n_nodes(self) -> int:
        return sum(self.sizes[t] for t in NODE_TYPES)

    def offset(self, node_type: str) -> int:
        """First global node id of ``node_type``."""
        out = 0
        for t in NODE_TYPES:
            if t == node_type:
                return out
            out += self.sizes[t]
        raise KeyError(node_type)

    def node(self, node_type: str, rows: np.ndarray | int) -> np.ndarray | int:
        """Global node ids of ``rows`` of ``node_type``."""
        return rows + self.offset(node_type)

    def split(self, node_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(type index into NODE_TYPES, row within the type)`` of global node ids."""
        bounds = np.cumsum([0] + [self.sizes[t] for t in NODE_TYPES])
        kind = np.searchsorted(bounds, node_ids, side="right") - 1
        return kind, node_ids - bounds[kind]

    def adjacency(self) -> sp.csr_array:
        """The symmetric N x N weight matrix over the global node id space."""
        rows, cols, vals = [], [], []
        for name, (src, dst) in RELATIONS.items():
            m = self.relations.get(name)
            if m is None or m.nnz == 0:
                continue
            coo = m.tocoo()
            r = coo.row.astype(np.int64) + self.offset(src)
            c = coo.col.astype(np.int64) + self.offset(dst)
            rows += [r, c]
            cols += [c, r]
            vals += [coo.data, coo.data]
        n = self.n_nodes
        if not rows:
            return sp.csr_array((n, n))
        return sp.csr_array((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))

    def degrees(self) -> dict[str, np.ndarray]:
        """Total edge weight at every node, per node type (both directions of every relation)."""
        out = {t: np.zeros(self.sizes[t]) for t in NODE_TYPES}
        for name, (src, dst) in RELATIONS.items():
            m = self.relations.get(name)
            if m is None:
                continue
            out[src] += np.asarray(m.sum(axis=1)).ravel()
            out[dst] += np.asarray(m.sum(axis=0)).ravel()
        return out


def positive_mask(dataset: Dataset) -> np.ndarray:
    """Boolean mask of collaborations whose status is positive (accepted or completed)."""
    codes = [STATUSES.index(s) for s in POSITIVE_STATUSES]
    return np.isin(dataset.collaborations["status"], codes)


def _csr(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray | float, shape: tuple[int, int]) -> sp.csr_array:
    """Sum duplicates into a CSR matrix, dropping pairs with a missing (-1) end."""
    rows = np.asarray(rows, np.int64)
    cols = np.asarray(cols, np.int64)
    keep = (rows >= 0) & (cols >= 0)
    v = np.broadcast_to(np.asarray(vals, np.float64), rows.shape)[keep]
    m = sp.csr_array((v, (rows[keep], cols[keep])), shape=shape)
    m.sum_duplicates()
    m.eliminate_zeros()
    return m


def _table_len(dataset: Dataset, name: str) -> int:
    t = dataset.tables.get(name)
    return 0 if t is None else len(t)


def build_market_graph(dataset: Dataset, collaboration_weights: sp.sparray | sp.spmatrix | None = None,
                       relation_weights: dict[str, float] | None = None) -> MarketGraph:
    """Build the heterogeneous market graph of ``dataset``.

    Parameters
    ----------
    dataset : a loaded dataset.
    collaboration_weights : brands x creators weights of the ``collaborated`` edges (e.g. the
        MF confidence matrix); default: the number of positive collaborations of each pair.
    relation_weights : multiplier per relation name (see the module table); default 1 each.

    Returns
    -------
    MarketGraph

    Examples
    --------
    >>> g = build_market_graph(dataset)                          # doctest: +SKIP
    >>> g.relations["collaborated"][brand_row].indices           # doctest: +SKIP
    array([...])  # creators the brand has worked with
    """
    unknown = set(relation_weights or {}) - set(RELATIONS)
    if unknown:
        raise ValueError(f"unknown relation(s) in relation_weights: {sorted(unknown)}")
    scale = {name: 1.0 for name in RELATIONS} | dict(relation_weights or {})
    sizes = {
        "creator": dataset.n_creators, "brand": dataset.n_brands,
        "product": _table_len(dataset, "products"), "category": _table_len(dataset, "categories"),
        "campaign": _table_len(dataset, "campaigns"),
    }
    nc, nb, npr, nk, nm = (sizes[t] for t in NODE_TYPES)
    col = dataset.collaborations
    positive = positive_mask(dataset)
    rel: dict[str, sp.csr_array] = {}

    if collaboration_weights is None:
        rel["collaborated"] = _csr(col["brand_id"][positive], col["creator_id"][positive], 1.0, (nb, nc))
    else:
        w = sp.csr_array(collaboration_weights, dtype=np.float64)
        if w.shape != (nb, nc):
            raise ValueError(f"collaboration_weights has shape {w.shape}, expected {(nb, nc)}")
        rel["collaborated"] = w

    brands = dataset.brands
    rel["brand_category"] = _csr(np.arange(nb), brands["category_id"], 1.0, (nb, nk))

    products = dataset.products
    if products is not None and npr:
        rel["sells"] = _csr(products["brand_id"], np.arange(npr), 1.0, (nb, npr))
        rel["in_category"] = _csr(np.arange(npr), products["category_id"], 1.0, (npr, nk))
        product_category = products["category_id"].astype(np.int64)
    else:
        product_category = np.zeros(0, np.int64)

    categories = dataset.categories
    if categories is not None and nk:
        rel["parent"] = _csr(np.arange(nk), categories["parent_id"], 1.0, (nk, nk))

    creators = dataset.creators
    creates_rows = [np.arange(nc)]
    creates_cols = [creators["primary_category"].astype(np.int64)]
    creates_vals = [np.ones(nc)]
    videos = dataset.videos
    if videos is not None and len(videos) and npr:
        shop = videos["product_id"] >= 0
        v_creator = videos["creator_id"][shop].astype(np.int64)
        v_product = videos["product_id"][shop].astype(np.int64)
        counts = _csr(v_creator, v_product, 1.0, (nc, npr))
        counts.data = np.log1p(counts.data)
        rel["features"] = counts
        by_cat = _csr(v_creator, product_category[v_product], 1.0, (nc, nk)) if nk else None
        if by_cat is not None and by_cat.nnz:
            coo = by_cat.tocoo()
            creates_rows.append(coo.row)
            creates_cols.append(coo.col)
            creates_vals.append(np.log1p(coo.data))
    if nk:
        rel["creates_in"] = _csr(np.concatenate(creates_rows), np.concatenate(creates_cols),
                                 np.concatenate(creates_vals), (nc, nk))

    campaigns = dataset.campaigns
    if campaigns is not None and nm:
        rel["runs"] = _csr(campaigns["brand_id"], np.arange(nm), 1.0, (nb, nm))
        if npr:
            rel["promotes"] = _csr(np.arange(nm), campaigns["product_id"], 1.0, (nm, npr))
        if nk:
            rel["campaign_category"] = _csr(np.arange(nm), campaigns["category_id"], 1.0, (nm, nk))
        rel["joined"] = _csr(col["creator_id"][positive], col["campaign_id"][positive], 1.0, (nc, nm))

    for name, m in rel.items():
        if scale[name] != 1.0:
            m = m * scale[name]
        m = sp.csr_array(m, dtype=np.float64)
        m.sort_indices()
        rel[name] = m
    return MarketGraph(sizes=sizes, relations=rel)
