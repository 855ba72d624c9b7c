"""Ranking a brand's creators with the learned second stage -- the path of ``match``.

For brand ``b`` and filters ``F``:

1. score the components over the scope ``F`` asks for (``Matcher.score_brand``, always
   with the brand's own category profile, so ``--category`` filters but never re-scores);
2. candidates: ``candidates.candidate_positions`` among the creators ``F`` allows;
3. features (``features.pair_features``) and the calibrated probability
   (``RankerModel.probability``) of each candidate;
4. order by probability, ties by creator row.

Because every feature is a property of the pair, the same pair gets the same score
whatever the filters and ``--top``; filters only decide which pairs are looked at.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .candidates import BLEND_MAX, BLEND_SHARE, candidate_positions, candidate_signals
from .features import BrandContext, brand_context, pair_features

if TYPE_CHECKING:  # pragma: no cover
    from ..recommend.filters import MatchFilters
    from ..recommend.matcher import BrandScores, Matcher, Ranking

__all__ = ["DEFAULT_CANDIDATES", "learned_ranking", "brand_scores_and_context", "score_pairs"]

#: Creators each candidate signal contributes per brand (``RankerParams.candidates``).
DEFAULT_CANDIDATES = 200


def brand_scores_and_context(matcher: "Matcher", brand_row: int,
                             market: str | None = None) -> tuple["BrandScores", BrandContext]:
    """The brand's component scores over the scope of ``market`` and its home-market context."""
    key = matcher.market_of(brand_row, market)
    scores = matcher.score_brand(brand_row, market=market)
    home_key = matcher.market_of(brand_row, None)
    home = scores if key == home_key else matcher.score_brand(brand_row)
    return scores, brand_context(matcher, brand_row, home)


def score_pairs(matcher: "Matcher", brand_row: int, scores: "BrandScores", positions: np.ndarray,
                context: BrandContext) -> tuple[np.ndarray, np.ndarray]:
    """Features (``acceptance`` filled in: ``RankerModel.complete``) and calibrated
    probabilities of the pairs at ``positions`` of ``scores``."""
    ranker = matcher.model.ranker
    X = ranker.complete(pair_features(matcher, brand_row, scores, positions, context,
                                      tuple(ranker.params.get("exclude_groups", ()))))
    return X, ranker.probability(X, completed=True)


def learned_ranking(matcher: "Matcher", brand_row: int, filters: "MatchFilters", top: int | None) -> "Ranking":
    """The brand's candidates ordered by the ranker's probability (see the module docstring)."""
    from ..recommend.results import Ranking

    ranker = matcher.model.ranker
    scores, context = brand_scores_and_context(matcher, brand_row, filters.market)
    allowed = matcher.candidate_mask(brand_row, filters)
    n = int(ranker.params.get("candidates", DEFAULT_CANDIDATES))
    signals = candidate_signals(ranker.params.get("exclude_groups", ()))
    # models saved before the blend's list existed have no such keys: they get its defaults
    pos = candidate_positions(matcher, brand_row, scores, allowed, n, context.market_code, signals,
                              float(ranker.params.get("blend_candidates_share", BLEND_SHARE)),
                              int(ranker.params.get("blend_candidates_max", BLEND_MAX)))
    X, prob = score_pairs(matcher, brand_row, scores, pos, context)
    order = np.lexsort((scores.rows[pos], -prob))
    if top is not None:
        order = order[:top]
    return Ranking(scores.rows[pos[order]], prob[order], pos[order], scores, int(np.count_nonzero(allowed)),
                   features=X[order], context=context)
