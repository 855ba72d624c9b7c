"""What scoring and matching return: per-brand component scores, rankings and matches.

Plain data, shared by ``matcher`` (which computes them) and by ``explain``, ``reasons``,
``similar`` and the ranker (which read them), so none of those modules imports another
in a circle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .params import COMPONENTS

__all__ = ["BrandScores", "Match", "Ranking"]


@dataclass
class BrandScores:
    """Components and blended score of every creator in a scope, for one brand.

    ``rows`` are creator rows; ``raw``/``values``/``available`` map each component to
    per-creator arrays aligned with ``rows`` (``values`` normalised to [0, 1]).
    """

    brand_row: int
    rows: np.ndarray
    raw: dict[str, np.ndarray]
    values: dict[str, np.ndarray]
    available: dict[str, np.ndarray]
    score: np.ndarray
    #: the walk's term per step, ``(steps, len(rows))``, before damping (None: the brand has no
    #: graph edge); ``step_terms(positions)`` gives the damped terms of some creators
    graph_steps: np.ndarray | None = None
    #: the scope's key (``Matcher.scope``: a market code or "any"); None when not from a scope
    scope_key: str | None = None
    #: the graph's damping ``degree ** -beta`` per creator (None: no damping)
    graph_damping: np.ndarray | None = None

    def step_terms(self, positions: np.ndarray) -> np.ndarray | None:
        """The damped walk terms ``(steps, len(positions))`` (float32) of the creators at
        ``positions``: they sum to ``raw["graph"]`` there (None: no graph edge)."""
        if self.graph_steps is None:
            return None
        out = self.graph_steps[:, positions].astype(np.float32)
        if self.graph_damping is not None:
            out *= self.graph_damping[positions][None, :]
        return out

    def components_at(self, pos: int) -> dict[str, float | None]:
        """Normalised components of the creator at position ``pos`` (None = not available)."""
        return {c: (float(self.values[c][pos]) if self.available[c][pos] else None) for c in COMPONENTS}


@dataclass
class Ranking:
    """Candidates of one brand in rank order: ``rows`` (creator rows), ``score``, and
    ``positions`` into ``scores.rows``."""

    rows: np.ndarray
    score: np.ndarray
    positions: np.ndarray
    scores: BrandScores
    n_candidates: int = 0
    #: with the learned ranker: the ranked pairs' features and the brand's ``BrandContext``
    features: np.ndarray | None = None
    context: Any = None


@dataclass
class Match:
    """One ranked creator for a brand (``to_dict`` gives the JSON shape of ``match``)."""

    rank: int
    creator_row: int
    creator_id: str
    handle: str
    market: str
    followers: int
    score: float
    components: dict[str, float | None]
    reasons: list[str] = field(default_factory=list)
    #: the learned ranker's per-feature contributions to the score's log-odds (None: blend)
    contributions: dict[str, float] | None = None
    #: the learned ranker's chance of a yes if the brand invites the creator (None: blend, or
    #: a ranker without an acceptance model)
    yes_if_invited: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {
            "rank": self.rank, "creator_id": self.creator_id, "handle": self.handle, "market": self.market,
            "followers": self.followers, "score": round(self.score, 6),
            "components": {c: (None if v is None else round(v, 6)) for c, v in self.components.items()},
            "reasons": list(self.reasons),
        }
        if self.contributions is not None:
            out["contributions"] = {k: round(v, 6) for k, v in self.contributions.items()}
        if self.yes_if_invited is not None:
            out["yes_if_invited"] = round(self.yes_if_invited, 6)
        return out
