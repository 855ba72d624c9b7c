"""Matching creators to brands: confidence, matrix factorisation, category fit, blending,
the model artifact and the matcher (formulas in ``docs/matching.md``).

The main entry point is ``Matcher``::

    from creatormatch.recommend import Matcher, MatchFilters
    matcher = Matcher.from_dataset(dataset)            # or Matcher.load(path, fingerprint)
    matcher.match("B00042", MatchFilters(max_rate=300), top=10)
    matcher.rank(brand_row)                            # full candidate ranking (evaluation)
    matcher.score_brand(brand_row, weights={...})      # every component, any weights
"""

from .blend import blend, blend_terms, contributions, finish_blend, normalise_graph, normalise_mf
from .cache import cache_dir, cache_path, load_or_build
from .confidence import collaboration_confidence, confidence_matrix
from .explain import Explanation, explain_match
from .filters import MatchFilters, filter_mask
from ..vocabulary import suggest as close_matches
from .matcher import INDEX_COMPONENTS, BrandScores, Match, Matcher, Ranking
from .mf import Factors, fit_factors, fold_in_brand, mf_contributions
from .model import FORMAT_VERSION, MatchModel, build_model, load_model, read_header, save_model
from .params import COMPONENTS, DEFAULT_WEIGHTS, MatchParams
from .scope import MarketScope
from .similar import SimilarCreator, similar_creators

__all__ = [
    "COMPONENTS", "DEFAULT_WEIGHTS", "FORMAT_VERSION", "INDEX_COMPONENTS",
    "BrandScores", "Explanation", "Factors", "MarketScope", "Match", "MatchFilters", "MatchModel", "MatchParams",
    "Matcher", "Ranking", "SimilarCreator",
    "blend", "blend_terms", "build_model", "cache_dir", "cache_path", "close_matches", "collaboration_confidence",
    "confidence_matrix", "contributions", "explain_match", "filter_mask", "finish_blend", "fit_factors",
    "fold_in_brand", "load_model", "load_or_build", "mf_contributions", "normalise_graph", "normalise_mf",
    "read_header", "save_model", "similar_creators",
]
