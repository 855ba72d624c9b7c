"""The learned ranker (and its ablations) as ``evaluate`` models.

``ranker`` is exactly what ``match`` uses: the engine's model built on the training period
plus the second stage trained on cuts inside that period (``ranker.train``), with the
horizon set to the length of the test period, so its calibrated probability predicts what
the test measures.  ``ranker-no-mf``, ``ranker-no-graph`` and ``ranker-no-history`` are
trained the same way without one feature group (and its candidate signal).

Each test brand is ranked with the default filters (its own market, past collaborators
excluded): the ranker's candidates by probability; creators outside the candidates score
``-inf`` (they come last, in creator order, for every metric).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..data.dataset import Dataset
from ..ranker.train import ABLATIONS
from .baselines import MatcherPool, ranking_scores

__all__ = ["RankerRecommender", "RANKER_MODELS"]

#: ``evaluate`` model name -> feature groups left out: the ranker and its ablations.
RANKER_MODELS: dict[str, tuple[str, ...]] = {"ranker": (), **ABLATIONS}


@dataclass
class RankerRecommender:
    """The two-stage ranker trained on the training period (see the module docstring)."""

    name: str
    horizon_days: float
    exclude_groups: tuple[str, ...] = ()
    pool: MatcherPool | None = None
    ranker_params: Any = None
    progress: Any = None
    _matcher: Any = None
    _n: int = 0
    ranker: Any = field(default=None, repr=False)

    @property
    def params(self) -> dict[str, Any]:
        out: dict[str, Any] = {"horizon_days": round(self.horizon_days, 2), "exclude_groups": list(self.exclude_groups)}
        if self.ranker is not None:
            out["chosen"] = self.ranker.info.get("chosen")
        return out

    def fit(self, train: Dataset) -> "RankerRecommender":
        from ..ranker.train import RankerParams, fit_ranker, with_ranker
        from ..recommend.params import MatchParams

        base = self.ranker_params or RankerParams()
        p = replace(base, horizon_days=float(self.horizon_days), exclude_groups=tuple(self.exclude_groups))
        match_params = MatchParams()
        self.ranker = fit_ranker(train, match_params, p, self.progress)
        pool = self.pool or MatcherPool()
        self._matcher = with_ranker(pool.get(train, match_params), self.ranker)
        self._n = train.n_creators
        return self

    def predictions(self, split, max_brands: int = 1000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities and outcomes (test pairs) of the candidates of every brand of the market
        (at most ``max_brands``, drawn with ``seed``): the sample calibration is measured on.

        All brands, not only those with a test pair: the probability is a promise about any
        brand's candidate, including brands that recruit nobody.
        """
        n_brands = split.train.n_brands
        brands = np.arange(n_brands)
        if n_brands > max_brands:
            brands = np.sort(np.random.default_rng(seed).choice(n_brands, size=max_brands, replace=False))
        ps, ys = [], []
        for b in brands.tolist():
            if not (split.creator_market == split.brand_market[b]).any():
                continue
            ranking = self._matcher.rank(int(b))
            if len(ranking.rows) == 0:
                continue
            test = split.test_positives[[b]].indices
            ps.append(np.asarray(ranking.score, np.float64))
            ys.append(np.isin(ranking.rows, test).astype(np.float64))
        if not ps:
            return np.zeros(0), np.zeros(0)
        return np.concatenate(ps), np.concatenate(ys)

    def score(self, brand_rows: np.ndarray) -> np.ndarray:
        return ranking_scores(self._matcher, brand_rows, self._n)
