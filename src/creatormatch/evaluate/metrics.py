"""Ranking and beyond-accuracy metrics, vectorised over a batch of brands.

The same formulas, with notes on how other libraries differ: ``docs/evaluation.md``.

Binary relevance throughout.  For one brand with candidate set ``C``, relevant (test)
creators ``T`` (a subset of ``C``), ranking ``r_1, r_2, ...`` of ``C`` by descending score
and ``rel_i = 1`` when ``r_i`` is in ``T``:

=============  =========================================================================
metric         formula (per brand; the reported value is the mean over test brands)
=============  =========================================================================
precision@k    ``hits@k / k`` with ``hits@k = sum_{i<=k} rel_i`` (always divided by k)
recall@k       ``hits@k / |T|``
ndcg@k         ``DCG@k / IDCG@k``, ``DCG@k = sum_{i<=k} rel_i / log2(i + 1)``,
               ``IDCG@k = sum_{i<=min(k, |T|)} 1 / log2(i + 1)``
map@k          ``(1 / min(k, |T|)) * sum_{i<=k} rel_i * hits@i / i``
mrr@k          ``1 / i`` for the first ``i <= k`` with ``rel_i = 1``, else 0
auc            ``P(score(t) > score(n)) + 0.5 P(score(t) = score(n))`` over every
               ``t`` in ``T`` and every ``n`` in ``C \\ T`` (the full candidate list)
cauc           the same with ``n`` restricted to candidates in the brand's category
=============  =========================================================================

Beyond accuracy, over the top-k lists of all test brands together (``U`` = the candidate
creators of all test brands, ``e_c`` = number of top-k lists creator ``c`` appears in):

* ``coverage@k = |{c in U : e_c > 0}| / |U|``
* ``gini@k = sum_{i=1..n} (2i - n - 1) e_(i) / (n sum e)`` over ``e`` of ``U`` sorted
  ascending (0 = every creator shown equally often, -> 1 = all exposure on one creator)
* ``longtail@k`` = share of the filled top-k slots that go to creators outside the
  *head*, the 20 % most popular creators by training popularity (creators with no
  training positive are never head).

Ranking ties are broken by creator row (lower first), so every metric is deterministic;
AUC gives ties half credit instead.  ``implicit.evaluation.precision_at_k`` divides by
``min(k, |T|)`` (it is a recall-like measure) -- not the ``precision@k`` here.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

__all__ = [
    "rank_candidates", "top_k", "hits_at_k", "precision_at_k", "recall_at_k", "ndcg_at_k",
    "average_precision_at_k", "reciprocal_rank_at_k", "auc", "coverage", "gini", "lorenz_curve",
    "long_tail_share", "head_mask", "exposure_counts", "HEAD_SHARE",
]

#: Share of creators (by training popularity) that make up the popular head.
HEAD_SHARE = 0.2
#: Rows up to this width are ranked by one full sort (``top_k``).
_FULL_SORT = 4096
#: ``auc`` counts the negatives below each positive directly up to this many positives x
#: negatives per row, else it ranks the pool.
_DIRECT_PAIRS = 4_000_000


def rank_candidates(scores: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Creator columns of each row ordered by descending score, ties by column.

    Non-candidates are placed after every candidate; ``scores`` must be finite where
    ``candidates`` is True.

    Returns
    -------
    int64 array of the same shape as ``scores``.
    """
    masked = np.where(candidates, -np.asarray(scores, np.float64), np.inf)
    return np.argsort(masked, axis=1, kind="stable")


def top_k(scores: np.ndarray, candidates: np.ndarray, k: int) -> np.ndarray:
    """The first ``k`` columns of ``rank_candidates``; -1 where a brand has fewer candidates
    (always ``k`` columns, also when ``scores`` has fewer).

    On wide rows only the values at or above each row's k-th largest candidate score are
    sorted (a partition finds it): the same columns in the same order as the full stable
    sort, in linear time -- a brand's market can hold a few hundred thousand creators.
    """
    scores = np.asarray(scores, np.float64)
    n_rows, n = scores.shape
    if n <= _FULL_SORT or k >= n:
        order = rank_candidates(scores, candidates)[:, :k]
        filled = np.take_along_axis(candidates, order, axis=1)
        top = np.where(filled, order, -1)
    else:
        top = np.full((n_rows, k), -1, np.int64)
        for i in range(n_rows):
            masked = np.where(candidates[i], -scores[i], np.inf)
            kth = np.partition(masked, k - 1)[k - 1]
            pool = np.flatnonzero(candidates[i] if kth == np.inf else masked <= kth)
            best = pool[np.argsort(masked[pool], kind="stable")[:k]]
            top[i, :len(best)] = best
    if top.shape[1] < k:
        top = np.hstack([top, np.full((top.shape[0], k - top.shape[1]), -1, top.dtype)])
    return top


def hits_at_k(top: np.ndarray, relevant: np.ndarray) -> np.ndarray:
    """Boolean ``(brands, k)``: whether slot ``i`` of each top list holds a relevant creator."""
    safe = np.maximum(top, 0)
    return np.take_along_axis(relevant, safe, axis=1) & (top >= 0)


def precision_at_k(hits: np.ndarray) -> np.ndarray:
    """``hits@k / k`` per brand (``k`` = number of columns of ``hits``)."""
    return hits.sum(axis=1) / hits.shape[1]


def recall_at_k(hits: np.ndarray, n_relevant: np.ndarray) -> np.ndarray:
    """``hits@k / |T|`` per brand."""
    return hits.sum(axis=1) / np.maximum(n_relevant, 1)


def _discounts(k: int) -> np.ndarray:
    return 1.0 / np.log2(np.arange(2, k + 2))


def ndcg_at_k(hits: np.ndarray, n_relevant: np.ndarray) -> np.ndarray:
    """``DCG@k / IDCG@k`` per brand, the ideal list holding ``min(k, |T|)`` hits."""
    k = hits.shape[1]
    disc = _discounts(k)
    dcg = hits @ disc
    ideal = np.concatenate(([0.0], np.cumsum(disc)))[np.minimum(n_relevant, k)]
    return np.divide(dcg, ideal, out=np.zeros_like(dcg), where=ideal > 0)


def average_precision_at_k(hits: np.ndarray, n_relevant: np.ndarray) -> np.ndarray:
    """``sum_{i<=k} rel_i * hits@i / i`` divided by ``min(k, |T|)`` per brand."""
    k = hits.shape[1]
    cum = np.cumsum(hits, axis=1)
    prec = cum / np.arange(1, k + 1)
    denom = np.minimum(n_relevant, k)
    total = (prec * hits).sum(axis=1)
    return np.divide(total, denom, out=np.zeros_like(total), where=denom > 0)


def reciprocal_rank_at_k(hits: np.ndarray) -> np.ndarray:
    """``1 / (rank of the first hit)`` within the top k, 0 when there is none."""
    any_hit = hits.any(axis=1)
    first = np.argmax(hits, axis=1) + 1
    return np.where(any_hit, 1.0 / first, 0.0)


def auc(scores: np.ndarray, positives: np.ndarray, negatives: np.ndarray) -> np.ndarray:
    """Per-row AUC of ``positives`` against ``negatives`` (disjoint boolean masks).

    ``AUC = (sum of the mid-ranks of the positives within positives+negatives
    - P (P + 1) / 2) / (P N)`` -- the Mann-Whitney form of ``P(s_pos > s_neg)`` with ties
    counted half.  NaN for a row without positives or without negatives.  With few positives
    the numerator is counted directly, ``sum_pos #(neg < s) + #(neg = s) / 2`` (the same
    number, exactly: both are sums of halves), without ranking the whole pool.
    """
    scores = np.atleast_2d(np.asarray(scores, np.float64))
    positives, negatives = np.atleast_2d(positives), np.atleast_2d(negatives)
    p = positives.sum(axis=1).astype(np.float64)
    n = negatives.sum(axis=1).astype(np.float64)
    value = np.full(len(scores), np.nan)
    for i in np.flatnonzero((p > 0) & (n > 0)).tolist():
        if p[i] * n[i] <= _DIRECT_PAIRS:
            pos, neg = scores[i, positives[i]], scores[i, negatives[i]]
            below = np.count_nonzero(neg[None, :] < pos[:, None])
            tied = np.count_nonzero(neg[None, :] == pos[:, None])
            value[i] = (below + tied / 2) / (p[i] * n[i])
            continue
        # rank only the pool (positives and negatives): a market's candidates, not every creator
        pool = positives[i] | negatives[i]
        ranks = rankdata(scores[i, pool], method="average")
        rank_sum = ranks[positives[i, pool]].sum()
        value[i] = (rank_sum - p[i] * (p[i] + 1) / 2) / (p[i] * n[i])
    return value


def exposure_counts(tops: np.ndarray, n_creators: int) -> np.ndarray:
    """How many top-k lists each creator appears in (``-1`` slots ignored)."""
    filled = tops[tops >= 0]
    return np.bincount(filled, minlength=n_creators).astype(np.int64)


def coverage(exposure: np.ndarray, universe: np.ndarray) -> float:
    """Share of the creators in ``universe`` (boolean mask) shown at least once."""
    n = int(universe.sum())
    return float((exposure[universe] > 0).sum() / n) if n else float("nan")


def gini(exposure: np.ndarray) -> float:
    """Gini coefficient of an exposure vector (see the module docstring); NaN when empty or all zero."""
    e = np.sort(np.asarray(exposure, np.float64))
    n = len(e)
    total = e.sum()
    if n == 0 or total <= 0:
        return float("nan")
    i = np.arange(1, n + 1)
    return float(((2 * i - n - 1) * e).sum() / (n * total))


def lorenz_curve(exposure: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(share of creators, share of exposure)`` points of the Lorenz curve, from (0, 0)."""
    e = np.sort(np.asarray(exposure, np.float64))
    n = len(e)
    total = e.sum()
    x = np.arange(n + 1) / max(n, 1)
    y = np.concatenate(([0.0], np.cumsum(e))) / total if total > 0 else x.copy()
    return x, y


def head_mask(popularity: np.ndarray, share: float = HEAD_SHARE) -> np.ndarray:
    """The popular head: the first ``ceil(share * n)`` creators by (popularity desc, row asc)
    that have positive popularity."""
    pop = np.asarray(popularity, np.float64)
    n_head = int(np.ceil(share * len(pop)))
    order = np.lexsort((np.arange(len(pop)), -pop))[:n_head]
    mask = np.zeros(len(pop), bool)
    mask[order] = True
    return mask & (pop > 0)


def long_tail_share(tops: np.ndarray, head: np.ndarray) -> float:
    """Share of the filled slots of ``tops`` that hold creators outside ``head``."""
    filled = tops[tops >= 0]
    return float((~head[filled]).mean()) if len(filled) else float("nan")
