"""The recommenders the blend is compared with, behind one small interface.

Every model is fitted on the training dataset of a ``TemporalSplit`` (and sees nothing
else), then scores *every* creator for a batch of brands; the evaluation masks the
candidates.  Higher score = better match.

==============  ==============================================================================
name            what it scores
==============  ==============================================================================
``random``      uniform noise, seeded per brand (the floor)
``popularity``  brands the creator had a positive collaboration with (ties: followers)
``itemknn``     item-based kNN: ``s(b, c) = sum_j X[b, j] S[j, c]``, ``S`` the creator-creator
                cosine of brand co-occurrence, shrunk (``|x_j . x_c| / (|x_j||x_c| + shrink)``),
                each creator keeping its ``neighbours`` most similar
``als``         ``implicit`` ALS on the engine's confidence matrix (``recommend.mf``)
``bpr``         ``implicit`` BPR on the same matrix (``recommend.mf``)
``graph``       the engine's graph component alone (truncated walk with restart / RP3beta)
``content``     the engine's non-collaborative components alone: category fit, cooperation,
                consistency, uplift (no MF, no graph)
``blend``       the engine's ``match`` scoring with its default weights
``blend_tuned`` the same with weights and MF parameters tuned on the training period
==============  ==============================================================================

Collaborative baselines (``itemknn``, ``als``, ``bpr``) break ties -- for a cold-start
brand every score is tied -- by training popularity, the strongest signal they could fall
back on; no baseline is left without one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp

from ..data.dataset import Dataset
from .protocol import positive_pairs

__all__ = [
    "Recommender", "RandomRecommender", "PopularityRecommender", "ItemKNNRecommender",
    "FactorRecommender", "MatcherPool", "MatcherRecommender", "creator_popularity", "COLLABORATIVE", "ranking_scores",
]

#: The purely collaborative baselines the blend must beat by a margin (issue 6).
COLLABORATIVE: tuple[str, ...] = ("random", "popularity", "itemknn", "als", "bpr")


class Recommender(Protocol):
    """What the evaluation needs from a model."""

    name: str
    params: dict[str, Any]

    def fit(self, train: Dataset) -> "Recommender":
        """Learn from ``train`` (the past only)."""
        ...

    def score(self, brand_rows: np.ndarray) -> np.ndarray:
        """Scores ``(len(brand_rows), n_creators)``; higher is better, finite."""
        ...


def creator_popularity(train: Dataset) -> np.ndarray:
    """Per creator: distinct brands with a positive collaboration in ``train``."""
    return np.asarray(positive_pairs(train).sum(axis=0)).ravel()


def _popularity_tiebreak(train: Dataset) -> np.ndarray:
    """A per-creator value in [0, 1): popularity first, then followers (both monotone)."""
    pop = creator_popularity(train)
    followers = np.maximum(train.creators["followers"].astype(np.float64), 0.0)
    key = np.lexsort((followers, pop))          # ascending: least popular first
    rank = np.empty(len(pop))
    rank[key] = np.arange(len(pop))
    return rank / max(len(pop), 1)


def _with_tiebreak(scores: np.ndarray, tiebreak: np.ndarray) -> np.ndarray:
    """Add ``tiebreak`` scaled far below the resolution of each row's own scores."""
    scale = np.abs(scores).max(axis=1, keepdims=True)
    scale = np.where(scale > 0, scale * 1e-9, 1.0)
    return scores + scale * tiebreak[None, :]


@dataclass
class RandomRecommender:
    """Uniform random scores, the same for a brand whatever the batch (seeded by brand row)."""

    seed: int = 0
    name: str = "random"
    params: dict[str, Any] = field(default_factory=dict)
    _n: int = 0

    def fit(self, train: Dataset) -> "RandomRecommender":
        self._n = train.n_creators
        return self

    def score(self, brand_rows: np.ndarray) -> np.ndarray:
        return np.stack([np.random.default_rng([self.seed, int(b)]).random(self._n) for b in brand_rows]) \
            if len(brand_rows) else np.zeros((0, self._n))


@dataclass
class PopularityRecommender:
    """Most popular first: distinct brands each creator worked with in training (ties: followers)."""

    name: str = "popularity"
    params: dict[str, Any] = field(default_factory=dict)
    _score: np.ndarray | None = None

    def fit(self, train: Dataset) -> "PopularityRecommender":
        self._score = creator_popularity(train) + _popularity_tiebreak(train) * 0.5
        return self

    def score(self, brand_rows: np.ndarray) -> np.ndarray:
        return np.broadcast_to(self._score, (len(brand_rows), len(self._score))).copy()


@dataclass
class ItemKNNRecommender:
    """Creator-creator cosine kNN over brand co-occurrence (see the module table).

    Parameters
    ----------
    neighbours : similar creators kept per creator (0 = all).
    shrink : added to the cosine denominator; damps similarities resting on few brands.
    weighting : "binary" (pair worked together) or "confidence" (the engine's confidence).
    """

    neighbours: int = 50
    shrink: float = 0.0
    weighting: str = "binary"
    name: str = "itemknn"
    _x: sp.csr_array | None = None
    _sim: sp.csr_array | None = None
    _tie: np.ndarray | None = None

    @property
    def params(self) -> dict[str, Any]:
        return {"neighbours": self.neighbours, "shrink": self.shrink, "weighting": self.weighting}

    def fit(self, train: Dataset) -> "ItemKNNRecommender":
        if self.weighting == "confidence":
            from ..recommend.confidence import confidence_matrix

            x = sp.csr_array(confidence_matrix(train), dtype=np.float64)
        else:
            x = positive_pairs(train)
        self._x = x
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=0)).ravel())
        xt = sp.csr_array(x.T)
        sim = sp.csr_array(xt @ x)
        sim = sp.csr_array(sim - sp.diags_array(sim.diagonal()))  # a creator is not its own neighbour
        sim.eliminate_zeros()
        coo = sim.tocoo()
        data = coo.data / (norms[coo.row] * norms[coo.col] + self.shrink)
        sim = sp.csr_array((data, (coo.row, coo.col)), shape=sim.shape)
        # row c keeps c's most similar creators; scoring uses the transpose, so a candidate is
        # scored by its own neighbours among the brand's creators (as in Dacrema et al.)
        top = _keep_top_per_row(sim, self.neighbours) if self.neighbours > 0 else sim
        self._sim = sp.csr_array(top.T)
        self._tie = _popularity_tiebreak(train)
        return self

    def score(self, brand_rows: np.ndarray) -> np.ndarray:
        # s(b, c) = sum_j X[b, j] S[j, c]
        s = (self._x[np.asarray(brand_rows, np.int64)] @ self._sim).toarray()
        return _with_tiebreak(np.asarray(s, np.float64), self._tie)


def _keep_top_per_row(m: sp.csr_array, k: int) -> sp.csr_array:
    """Keep the ``k`` largest entries of each row (ties by column)."""
    m = sp.csr_array(m)
    m.sort_indices()
    lens = np.diff(m.indptr)
    if (lens <= k).all():
        return m
    row = np.repeat(np.arange(m.shape[0]), lens)
    order = np.lexsort((m.indices, -m.data, row))
    rank = np.arange(len(order)) - np.repeat(m.indptr[:-1], lens)
    keep = order[rank < k]
    out = sp.csr_array((m.data[keep], (row[keep], m.indices[keep])), shape=m.shape)
    out.sort_indices()
    return out


@dataclass
class FactorRecommender:
    """ALS or BPR (``implicit``, through the engine's ``recommend.mf``) alone.

    ``params`` are ``MatchParams`` fields (``factors``, ``regularization``, ``alpha``,
    ``iterations``, ``learning_rate``, ``bpr_iterations``, ``bpr_regularization``...).
    Scores are the factor dot products the engine ranks by; brands without a training
    positive have zero factors, so they fall back to popularity.
    """

    mf_model: str = "als"
    overrides: dict[str, Any] = field(default_factory=dict)
    name: str = ""
    _brand: np.ndarray | None = None
    _creator: np.ndarray | None = None
    _tie: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.name = self.name or self.mf_model

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.overrides)

    def match_params(self):
        from ..recommend.params import MatchParams

        # one thread: implicit's BPR is only deterministic then, and ALS does not need more here
        base = {"mf_model": self.mf_model, "num_threads": 1}
        return MatchParams.from_dict(base | dict(self.overrides))

    def fit(self, train: Dataset) -> "FactorRecommender":
        from ..recommend.confidence import confidence_matrix
        from ..recommend.mf import fit_factors

        p = self.match_params()
        factors = fit_factors(confidence_matrix(train, p), p)
        self._brand = factors.brand.astype(np.float64)
        self._creator = factors.creator.astype(np.float64)
        self._tie = _popularity_tiebreak(train)
        return self

    def score(self, brand_rows: np.ndarray) -> np.ndarray:
        s = self._brand[np.asarray(brand_rows, np.int64)] @ self._creator.T
        return _with_tiebreak(s, self._tie)


class MatcherPool:
    """Builds engine ``Matcher`` objects and shares them between the engine-backed models.

    ``graph``, ``content`` and ``blend`` differ only in blend weights, so with equal
    parameters they share one built model (keyed by the training dataset and the
    parameters that need a rebuild).
    """

    #: ``MatchParams`` fields a built model can change without a rebuild (``MatchModel.with_params``);
    #: every other field is part of the cache key, so a new build-time field is never shared wrongly
    MATCH_TIME = ("weights", "missing", "graph_alpha", "graph_beta", "graph_steps", "category_decay",
                  "influence_share")

    def __init__(self, progress=None):
        self._built: dict[tuple, Any] = {}
        self.progress = progress

    def get(self, train: Dataset, params):
        """A ``Matcher`` over ``train`` with ``params`` (a ``MatchParams``)."""
        import json

        from ..recommend.matcher import Matcher

        d = params.to_dict()
        build = {k: v for k, v in d.items() if k not in self.MATCH_TIME}
        key = (id(train), train.fingerprint, json.dumps(build, sort_keys=True))
        if key not in self._built:
            # the dataset is kept with the model so its id() cannot be reused by another object
            self._built[key] = (train, Matcher.from_dataset(train, params, self.progress))
        model = self._built[key][1].model
        return Matcher(model.with_params(**{k: d[k] for k in self.MATCH_TIME if k in d}))


@dataclass
class MatcherRecommender:
    """A model scored by the engine's ``Matcher.rank`` -- the code path of ``creatormatch match``.

    ``params`` is a ``MatchParams`` (``None`` = the engine's defaults); the blend weights in
    it decide the model: ``{"graph": 1}`` is the graph baseline, the non-collaborative
    components are ``content``, all of them the blend.  Each test brand is ranked with the
    default ``MatchFilters`` (its own market, past collaborators excluded), the same
    candidates as the protocol; creators outside them score ``-inf``.
    """

    name: str
    match_params: Any = None
    pool: MatcherPool | None = None
    _matcher: Any = None
    _n: int = 0

    @property
    def params(self) -> dict[str, Any]:
        from ..recommend.params import MatchParams

        p = (self.match_params or MatchParams()).to_dict()
        keep = ("weights", "missing", "mf_model", "factors", "regularization", "alpha", "iterations",
                "learning_rate", "bpr_iterations", "bpr_regularization", "graph_alpha", "graph_beta", "graph_steps")
        return {k: p[k] for k in keep}

    def fit(self, train: Dataset) -> "MatcherRecommender":
        from ..recommend.params import MatchParams

        pool = self.pool or MatcherPool()
        self._matcher = pool.get(train, self.match_params or MatchParams())
        self._n = train.n_creators
        return self

    def score(self, brand_rows: np.ndarray) -> np.ndarray:
        return ranking_scores(self._matcher, brand_rows, self._n)


def ranking_scores(matcher, brand_rows: np.ndarray, n_creators: int) -> np.ndarray:
    """``(len(brand_rows), n_creators)`` scores of ``matcher.rank`` with the default filters;
    ``-inf`` for every creator the ranking leaves out."""
    out = np.full((len(brand_rows), n_creators), -np.inf)
    for i, b in enumerate(np.asarray(brand_rows, np.int64)):
        if matcher.use_ranker:
            ranking = matcher.rank(int(b))
            out[i, ranking.rows] = ranking.score
        else:
            # the blend's ranking is its score over the candidates, ties by creator row -- the
            # order the metrics restore -- so the scores go in unsorted (a market of 125,000
            # creators at 1M is one sort fewer per brand)
            scores, pos = matcher.candidate_scores(int(b))
            out[i, scores.rows[pos]] = scores.score[pos]
    return out
