"""Hyper-parameters of a match model, stored in the model artifact's header.

Everything is a plain JSON-able value so ``creatormatch tune`` (evaluation) can read the
stored parameters, overwrite ``weights`` (or any field) and save the model again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

__all__ = ["COMPONENTS", "DEFAULT_WEIGHTS", "MatchParams"]

#: The blended components, in reporting order (the keys of ``components`` in ``match`` JSON).
COMPONENTS: tuple[str, ...] = ("mf", "graph", "category_fit", "cooperation", "consistency", "uplift")

#: Default blend weights (they sum to 1; only their ratios matter).  Chosen on temporal
#: splits of three generated markets (docs/matching.md); ``creatormatch tune`` replaces them.
DEFAULT_WEIGHTS: dict[str, float] = {
    "mf": 0.05, "graph": 0.2, "category_fit": 0.5, "cooperation": 0.15, "consistency": 0.05, "uplift": 0.05,
}


@dataclass(frozen=True)
class MatchParams:
    """Every knob of model building and matching (see ``docs/matching.md``).

    Confidence (``recommend.confidence``)
        ``completed_weight``, ``accepted_weight``: base confidence per positive status;
        ``gmv_weight``: strength of the GMV term; ``rating_weight``: strength of the rating term.
    Matrix factorisation (``recommend.mf``)
        ``mf_model`` ("als" or "bpr"), ``factors``, ``regularization``, ``alpha`` (ALS confidence
        scale), ``iterations``; for BPR ``learning_rate``, ``bpr_iterations``,
        ``bpr_regularization``; ``random_state`` (int, for reproducibility); ``num_threads``
        (0 = all cores; BPR is only deterministic with 1 and uses 1 when this is 0).
    Graph (``graph.walk``)
        ``graph_alpha``: walk-on probability of the truncated walk; ``graph_steps``: its length;
        ``graph_beta``: popularity damping, the walk score is divided by ``degree ** beta``
        (RP3beta); ``relation_weights``: per-relation edge multipliers;
        ``pagerank_alpha``: damping of the global PageRank.
    Category fit (``recommend.categories``)
        ``category_decay``: weight of a parent category relative to its child;
        ``influence_share``: share of creator influence (vs. content share) in the fit.
    Blend (``recommend.blend``)
        ``weights``: component -> weight; ``missing``: "neutral" (default: a missing component counts as
        the middle of its scale, so "nothing known" never outranks "known and good") or
        "renormalise" (it drops out of the creator's weighted mean).
    """

    completed_weight: float = 2.0
    accepted_weight: float = 1.0
    gmv_weight: float = 1.0
    rating_weight: float = 0.5
    mf_model: str = "als"
    factors: int = 32
    regularization: float = 0.1
    alpha: float = 5.0
    iterations: int = 15
    learning_rate: float = 0.01
    bpr_iterations: int = 100
    bpr_regularization: float = 0.01
    random_state: int = 42
    num_threads: int = 0
    graph_alpha: float = 0.5
    graph_steps: int = 3
    graph_beta: float = 0.5
    relation_weights: dict[str, float] = field(default_factory=dict)
    pagerank_alpha: float = 0.85
    category_decay: float = 0.6
    influence_share: float = 0.3
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    missing: str = "neutral"

    def __post_init__(self) -> None:
        if self.mf_model not in ("als", "bpr"):
            raise ValueError(f"mf_model must be 'als' or 'bpr', not {self.mf_model!r}")
        if self.missing not in ("renormalise", "neutral"):
            raise ValueError(f"missing must be 'renormalise' or 'neutral', not {self.missing!r}")
        unknown = set(self.weights) - set(COMPONENTS)
        if unknown:
            raise ValueError(f"unknown blend component(s): {sorted(unknown)}; expected {list(COMPONENTS)}")
        if any(w < 0 for w in self.weights.values()) or sum(self.weights.values()) <= 0:
            raise ValueError("blend weights must be >= 0 with a positive sum")
        if not isinstance(self.random_state, int):
            raise ValueError("random_state must be an int (a RandomState object breaks implicit's save/load)")
        if not 0.0 < self.graph_alpha < 1.0:
            raise ValueError("graph_alpha must lie strictly between 0 and 1")

    def with_weights(self, weights: dict[str, float]) -> "MatchParams":
        """A copy with other blend weights (components left out get weight 0)."""
        return replace(self, weights={c: float(weights.get(c, 0.0)) for c in COMPONENTS})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "MatchParams":
        """Build from a dict; unknown keys are ignored (forward compatibility)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})
