"""Matching creators to brands: confidence, matrix factorisation, blending, the model
artifact and the matcher (see ``docs/matching.md``).

The main entry point is ``Matcher``::

    from creatormatch.recommend import Matcher, MatchFilters
    matcher = Matcher.from_dataset(dataset)
    matcher.match("B0042", MatchFilters(max_rate=300), top=10)
"""

from .blend import blend, normalise_graph, normalise_mf
from .confidence import collaboration_confidence, confidence_matrix
from .matcher import INDEX_COMPONENTS, BrandScores, Match, Matcher, MatchFilters, Ranking
from .mf import Factors, fit_factors, fold_in_brand, mf_contributions
from .model import FORMAT_VERSION, MatchModel, build_model, load_model, save_model
from .params import COMPONENTS, DEFAULT_WEIGHTS, MatchParams

__all__ = [
    "COMPONENTS", "DEFAULT_WEIGHTS", "FORMAT_VERSION", "INDEX_COMPONENTS",
    "BrandScores", "Factors", "Match", "MatchFilters", "MatchModel", "MatchParams", "Matcher", "Ranking",
    "blend", "build_model", "collaboration_confidence", "confidence_matrix", "fit_factors", "fold_in_brand",
    "load_model", "mf_contributions", "normalise_graph", "normalise_mf", "save_model",
]
