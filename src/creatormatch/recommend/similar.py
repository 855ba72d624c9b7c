"""Lookalike creators (``creatormatch similar``): replacements for a creator who declined.

Two components, blended like a match (``recommend.blend``, equal weights, renormalised
where one is missing):

* ``mf``: cosine similarity of MF creator factors, mapped to [0, 1] as ``(1 + cos) / 2``;
  not available for creators without collaborations;
* ``graph``: a 2-step walk from the creator (``graph.walk``: creator -> its brands,
  products, categories, campaigns -> creators), normalised as ``g / (g + g_ref)``.

Candidates are the creators of the creator's market (``market="any"``: all), minus the
creator itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .._textcolumns import text_at
from ._blas import single_thread_blas
from .blend import blend, normalise_graph

if TYPE_CHECKING:  # the matcher calls similar_creators; similar never imports it at run time
    from .matcher import Matcher

__all__ = ["SimilarCreator", "similar_creators"]


@dataclass
class SimilarCreator:
    rank: int
    creator_id: str
    handle: str
    market: str
    followers: int
    score: float
    mf: float | None
    graph: float

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def similar_creators(matcher: "Matcher", creator_row: int, top: int | None = 10, market: str | None = None,
                     weights: dict[str, float] | None = None) -> list[SimilarCreator]:
    """The ``top`` creators most like ``creator_row`` (see the module docstring; None: all)."""
    from ..errors import UsageError

    if top is not None and top < 1:
        raise UsageError("{option} must be at least 1", option="top")
    scope = matcher.scope(matcher.scope_key(market, text_at(matcher.creator, "market", creator_row)))
    n = len(scope.rows)
    f = matcher.model.factors
    values: dict[str, np.ndarray] = {}
    avail: dict[str, np.ndarray] = {}
    if f.creator_known[creator_row]:
        y = f.creator[creator_row].astype(np.float64)
        with single_thread_blas():
            dots = scope.factors @ y
        norms = np.sqrt(np.einsum("ij,ij->i", scope.factors, scope.factors)) * max(float(np.linalg.norm(y)), 1e-12)
        cos = np.divide(dots, norms, out=np.zeros(n), where=norms > 0)
        values["mf"], avail["mf"] = (1.0 + cos) / 2.0, scope.known
    else:
        values["mf"], avail["mf"] = np.zeros(n), np.zeros(n, bool)
    g = matcher.walk.scores("creator", creator_row, scope.walk, alpha=matcher.params.graph_alpha, steps=2)
    values["graph"], avail["graph"] = normalise_graph(g), np.ones(n, bool)
    score = blend(values, avail, weights or {"mf": 0.5, "graph": 0.5})
    ok = scope.rows != creator_row
    pos = np.flatnonzero(ok)
    order = np.lexsort((scope.rows[pos], -score[pos]))[:top]
    out = []
    for i, p in enumerate(pos[order].tolist()):
        r = int(scope.rows[p])
        out.append(SimilarCreator(
            rank=i + 1, creator_id=text_at(matcher.creator, "id", r), handle=text_at(matcher.creator, "handle", r),
            market=text_at(matcher.creator, "market", r), followers=int(matcher.creator["followers"][r]),
            score=float(score[p]), mf=float(values["mf"][p]) if avail["mf"][p] else None,
            graph=float(values["graph"][p])))
    return out
