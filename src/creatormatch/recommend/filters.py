"""Match filters: which creators may be returned.  Filters never change a score."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .scope import MarketScope

__all__ = ["MatchFilters", "filter_mask"]


@dataclass(frozen=True)
class MatchFilters:
    """Which creators may be returned (they never change a score).

    market : ``None`` = the brand's own market; ``"any"`` = every market; else a market code.
    category : a category id; creators with content (or primary category) in it or below it.
    min_followers, max_followers : inclusive bounds on followers.
    max_rate : upper bound on ``rate_per_video``; creators without a listed rate are excluded.
    include_past : keep creators who already worked with the brand (positive collaboration).
    min_evidence : at least this many invitations on record for the creator.
    exclude_refused : leave out creators who declined, let expire or cancelled an invitation
        of the brand and never accepted one.
    """

    market: str | None = None
    category: str | None = None
    min_followers: int | None = None
    max_followers: int | None = None
    max_rate: float | None = None
    include_past: bool = False
    min_evidence: int = 0
    exclude_refused: bool = False


def filter_mask(scope: MarketScope, filters: MatchFilters, category_members: np.ndarray | None,
                past: np.ndarray, refused: np.ndarray | None = None) -> np.ndarray:
    """Boolean mask over ``scope`` of the creators ``filters`` allow.

    ``category_members``: creator rows inside ``filters.category`` (None = no category
    filter); ``past``: the brand's past collaborators (creator rows); ``refused``: creators
    to leave out for ``exclude_refused`` (creator rows).
    """
    mask = np.ones(len(scope.rows), bool)
    if filters.min_followers is not None:
        mask &= scope.followers >= filters.min_followers
    if filters.max_followers is not None:
        mask &= scope.followers <= filters.max_followers
    if filters.max_rate is not None:
        mask &= ~np.isnan(scope.rate) & (scope.rate <= filters.max_rate)
    if filters.min_evidence:
        mask &= scope.invitations >= filters.min_evidence
    if category_members is not None:
        inside = np.zeros(len(scope.rows), bool)
        pos = scope.positions(category_members)
        inside[pos[pos >= 0]] = True
        mask &= inside
    if not filters.include_past:
        pos = scope.positions(past)
        mask[pos[pos >= 0]] = False
    if refused is not None and len(refused):
        pos = scope.positions(refused)
        mask[pos[pos >= 0]] = False
    return mask
