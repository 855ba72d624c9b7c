"""Stage one of the ranker: a few hundred candidates per brand from cheap signals.

The candidates of a brand are the union, over the creators the filters allow, of

* the top ``n`` by each signal: MF dot product (creators with factors), graph walk score
  (creators the walk reaches), category fit, in-market popularity (distinct brands of the
  brand's market the creator worked with; ties by followers) and followers;
* the top ``k = clip(share x allowed, n, k_max)`` by the engine's blend (``scores.score``,
  over the whole scope): the one list that grows with the market.  On 2,000-creator
  markets ``k = n`` and nothing changes; at 100,000 creators a brand's market holds
  about 14,000 creators and a fixed ``n`` per signal missed more than half of the future
  collaborators (docs/matching.md, "Candidates");
* every creator the brand has invited before (the pair history is the ranker's strongest
  evidence either way).

Its recall -- the share of a brand's future collaborators inside its candidates -- caps
everything after it; ``evaluate`` reports it (``docs/evaluation.md``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .._unique import sorted_unique

if TYPE_CHECKING:  # pragma: no cover
    from ..recommend.matcher import BrandScores, Matcher

__all__ = ["CANDIDATE_SIGNALS", "candidate_positions", "candidate_signals", "top_positions"]

#: Signals whose top ``n`` enter the candidate set, plus the brand's earlier invitees.
CANDIDATE_SIGNALS: tuple[str, ...] = ("mf", "graph", "category_fit", "popularity", "followers", "blend",
                                      "invited")

#: The blend's list: ``share`` of the allowed creators, at least ``n`` and at most ``k_max``.
BLEND_SHARE, BLEND_MAX = 0.05, 2000


def blend_list_size(n_allowed: int, n: int, share: float = BLEND_SHARE, k_max: int = BLEND_MAX) -> int:
    """``clip(round(share * n_allowed), n, max(n, k_max))``: how many of the blend's best enter."""
    return int(min(max(int(round(share * n_allowed)), n), max(n, k_max)))


#: ``top_positions`` estimates its threshold from a strided sample of this many values.
_SAMPLE = 4096


def top_positions(values: np.ndarray, eligible: np.ndarray, n: int) -> np.ndarray:
    """Positions of the ``n`` largest ``values`` among ``eligible`` (all of them when fewer).

    Exact, and linear in ``len(values)`` with a small constant: on a large pool a threshold
    ``t`` is read from a strided sample of the eligible values (the sample's value at the
    rank that stands for about ``2 n`` of the pool), the eligible values ``>= t`` are kept,
    and the ``n`` largest are selected among those only -- the whole pool is never gathered.
    When fewer than ``n`` pass -- the sample misjudged the pool -- the whole pool is
    partitioned instead.  Which of several equal values at the boundary is kept is
    unspecified, as with ``numpy.argpartition``.
    """
    if n > 0 and len(values) > 4 * _SAMPLE:
        step = len(values) // _SAMPLE
        sample = values[::step][eligible[::step]]
        if len(sample) * step > 16 * n:
            r = -(-2 * n // step) + 8                           # the sample's r-th largest
            if r < len(sample):
                t = np.partition(sample, len(sample) - 1 - r)[len(sample) - 1 - r]
                above = np.flatnonzero((values >= t) & eligible)
                if len(above) >= n:
                    return above[np.argpartition(-values[above], n - 1)[:n]]
    pos = np.flatnonzero(eligible)
    if len(pos) <= n:
        return pos
    return pos[np.argpartition(-values[pos], n - 1)[:n]]


def candidate_signals(exclude_groups=()) -> frozenset[str]:
    """The candidate signals of a ranker trained without the feature groups ``exclude_groups``
    (an ablation leaves out the signal as a candidate source too: ``mf``, ``graph``, and the
    brand's earlier invitees for ``history``; the blend's list then blends what is left)."""
    drop = {"history": "invited"}
    gone = {drop.get(g, g) for g in exclude_groups}
    return frozenset(s for s in CANDIDATE_SIGNALS if s not in gone)


def candidate_positions(matcher: "Matcher", brand_row: int, scores: "BrandScores", allowed: np.ndarray,
                        n: int, market_code: int, signals: frozenset[str] = frozenset(CANDIDATE_SIGNALS),
                        blend_share: float = BLEND_SHARE, blend_max: int = BLEND_MAX) -> np.ndarray:
    """Sorted positions into ``scores.rows`` of the brand's candidates (see the module docstring).

    Parameters
    ----------
    matcher : the model.
    brand_row : the brand.
    scores : the brand's ``BrandScores`` over the scope being ranked.
    allowed : boolean mask over ``scores.rows``: the creators the filters allow.
    n : how many creators each signal contributes.
    market_code : the brand's market in ``MarketHistory.markets`` (-1: none).
    signals : the signals to use (``candidate_signals``).
    blend_share, blend_max : size of the blend's list (``blend_list_size``).
    """
    picks = []
    if "mf" in signals and scores.available["mf"].any():
        picks.append(top_positions(scores.raw["mf"], allowed & scores.available["mf"], n))
    g = scores.raw["graph"]
    if "graph" in signals:
        picks.append(top_positions(g, allowed & (g > 0), n))
    if "category_fit" in signals and scores.available["category_fit"].any():
        fit = scores.raw["category_fit"]
        picks.append(top_positions(fit, allowed & scores.available["category_fit"] & (fit > 0), n))
    followers, popularity = _scope_orders(matcher, scores, market_code)
    if "popularity" in signals:
        picks.append(top_positions(popularity, allowed & (popularity >= 1e12), n))
    if "followers" in signals:
        picks.append(top_positions(followers, allowed, n))
    if "blend" in signals:
        k = blend_list_size(int(np.count_nonzero(allowed)), n, blend_share, blend_max)
        picks.append(top_positions(_blend_without(matcher, scores, signals), allowed, k))
    pair = matcher.model.history.pair["last_event"]
    invited = pair.indices[pair.indptr[brand_row]:pair.indptr[brand_row + 1]]
    if "invited" in signals and len(invited):
        local = matcher.scope_positions(scores, invited)
        local = local[local >= 0]
        picks.append(local[allowed[local]])
    return sorted_unique(np.concatenate(picks)) if picks else np.zeros(0, np.int64)


def _scope_orders(matcher: "Matcher", scores: "BrandScores", market_code: int) -> tuple[np.ndarray, np.ndarray]:
    """Followers over the scope, and the popularity key ``in-market brands x 1e12 + followers``
    (popularity first, followers break ties: followers < 1e12 always); the same for every
    brand of a market, so kept per (scope, market) when the scores name their scope."""
    def make() -> tuple[np.ndarray, np.ndarray]:
        followers = matcher.creator["followers"][scores.rows].astype(np.float64)
        popular = matcher.pair_signals.in_market_brands(market_code)[scores.rows]
        return followers, popular * 1e12 + followers

    if scores.scope_key is None:
        return make()
    return matcher.pair_signals.kept(("scope_orders", scores.scope_key, market_code), make)


def _blend_without(matcher: "Matcher", scores: "BrandScores", signals: frozenset[str]) -> np.ndarray:
    """The scope's blend, or (an ablation without ``mf`` or ``graph``) the blend of the rest."""
    left_out = {"mf", "graph"} - signals
    if not left_out:
        return scores.score
    from ..recommend.blend import blend

    params = matcher.params
    weights = {k: w for k, w in params.weights.items() if k not in left_out}
    return blend(scores.values, scores.available, weights, params.missing)
