"""Structures a ``Matcher`` derives from a model's arrays, computed once at ``build`` and
stored in the model file, so that a new process maps them instead of rebuilding them.

* the walk's typed transition blocks and weighted degrees (``graph.walk.transition_blocks``):
  ``blocks[(S, T)] = sum_r W_r + sum_r W_r^T`` over the relations between ``S`` and ``T``;
* the category index's per-creator and per-brand structures (``recommend.categories``):
  ``fit F = (1 - eta) S A + eta max_up(influence / 100)``, ``membership``, ``brand_profile q``;
* the sorted list of creator markets.

Each costs a pass over the graph's edges (the transposes, the sparse products): about
0.85 s per process at 100,000 creators, ten times that at 1M.  ``fit`` and the brand
profiles depend on ``category_decay`` and ``influence_share``; a model whose parameters
were changed after the build (``MatchModel.with_params``) has them recomputed
(``DerivedStructures.valid_for``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..graph.build import MarketGraph
from ..graph.walk import transition_blocks
from .categories import CategoryIndex, product_categories

__all__ = ["DerivedStructures", "derive_structures"]


@dataclass
class DerivedStructures:
    """What ``derive_structures`` computes (see the module docstring)."""

    blocks: dict[tuple[str, str], sp.csr_array]
    degree: dict[str, np.ndarray]
    categories: dict[str, Any]          # CategoryIndex.arrays()
    markets: np.ndarray                 # sorted unique creator markets
    category_decay: float
    influence_share: float

    def valid_for(self, params: Any) -> bool:
        """Whether these were computed with ``params``' category parameters."""
        return (self.category_decay == params.category_decay and self.influence_share == params.influence_share)

    def category_index(self, parent: np.ndarray) -> CategoryIndex:
        return CategoryIndex.from_arrays(parent, self.categories, decay=self.category_decay)


def category_index(model: Any) -> CategoryIndex:
    """The ``CategoryIndex`` of a ``MatchModel`` computed from its arrays (O(edges))."""
    p, t, rel = model.params, model.tables, model.relations
    return CategoryIndex(
        parent=t["category"]["parent"], creates_in=rel.get("creates_in"), influence=model.influence,
        brand_category=t["brand"]["category"], brand_products=rel.get("sells"),
        product_category=product_categories(rel.get("in_category")),
        n_creators=model.sizes["creator"], decay=p.category_decay, influence_share=p.influence_share)


def derive_structures(model: Any) -> DerivedStructures:
    """Compute the ``DerivedStructures`` of a ``MatchModel`` from its relations and tables."""
    blocks, degree = transition_blocks(MarketGraph(model.sizes, model.relations))
    p = model.params
    return DerivedStructures(blocks=blocks, degree=degree, categories=category_index(model).arrays(),
                             markets=np.unique(model.tables["creator"]["market"]),
                             category_decay=float(p.category_decay), influence_share=float(p.influence_share))
