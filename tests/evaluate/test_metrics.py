"""Ranking and beyond-accuracy metrics on hand-computed rankings, against slow references
and against implicit where the definitions coincide."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from creatormatch.evaluate import metrics as M

# One brand, six candidates ranked 0..5 by score; creators 1 and 3 are relevant.
SCORES = np.array([[0.9, 0.8, 0.7, 0.6, 0.5, 0.4]])
CAND = np.ones((1, 6), bool)
REL = np.array([[False, True, False, True, False, False]])


def _hits(k: int) -> tuple[np.ndarray, np.ndarray]:
    top = M.top_k(SCORES, CAND, k)
    return M.hits_at_k(top, REL), REL.sum(axis=1)


def test_hand_computed_ranking_at_3() -> None:
    hits, n_rel = _hits(3)
    assert hits.tolist() == [[False, True, False]]
    assert M.precision_at_k(hits)[0] == pytest.approx(1 / 3)
    assert M.recall_at_k(hits, n_rel)[0] == pytest.approx(1 / 2)
    # DCG = 1/log2(3); IDCG over min(3, 2) = 2 slots = 1 + 1/log2(3)
    assert M.ndcg_at_k(hits, n_rel)[0] == pytest.approx((1 / math.log2(3)) / (1 + 1 / math.log2(3)))
    # AP@3 = (P@2 * 1) / min(3, 2)
    assert M.average_precision_at_k(hits, n_rel)[0] == pytest.approx(0.5 / 2)
    assert M.reciprocal_rank_at_k(hits)[0] == pytest.approx(1 / 2)


def test_hand_computed_ranking_at_5_and_1() -> None:
    hits, n_rel = _hits(5)
    assert M.precision_at_k(hits)[0] == pytest.approx(2 / 5)
    assert M.recall_at_k(hits, n_rel)[0] == pytest.approx(1.0)
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    assert M.ndcg_at_k(hits, n_rel)[0] == pytest.approx(dcg / (1 + 1 / math.log2(3)))
    assert M.average_precision_at_k(hits, n_rel)[0] == pytest.approx((1 / 2 + 2 / 4) / 2)
    hits1, _ = _hits(1)
    assert M.ndcg_at_k(hits1, n_rel)[0] == 0.0 and M.reciprocal_rank_at_k(hits1)[0] == 0.0


def test_auc_hand_computed_and_ties_count_half() -> None:
    neg = CAND & ~REL
    # relevant at ranks 2 and 4 of 6: they beat 3 and 2 of the 4 negatives
    assert M.auc(SCORES, REL, neg)[0] == pytest.approx(5 / 8)
    tied = np.array([[1.0, 1.0, 0.0]])
    assert M.auc(tied, np.array([[True, False, False]]), np.array([[False, True, True]]))[0] == pytest.approx(0.75)
    assert np.isnan(M.auc(SCORES, REL, np.zeros_like(REL))[0])


def test_non_candidates_are_never_ranked_and_short_lists_are_padded() -> None:
    cand = np.array([[False, True, True, False, False, False]])
    top = M.top_k(SCORES, cand, 4)
    assert top.tolist() == [[1, 2, -1, -1]]
    hits = M.hits_at_k(top, REL)
    assert hits.tolist() == [[True, False, False, False]]
    assert M.precision_at_k(hits)[0] == pytest.approx(1 / 4)  # hits / k, always


def test_ties_in_the_ranking_go_to_the_lower_creator_row() -> None:
    top = M.top_k(np.array([[0.5, 0.7, 0.5, 0.7]]), np.ones((1, 4), bool), 4)
    assert top.tolist() == [[1, 3, 0, 2]]


def _slow_metrics(ranking: list[int], relevant: set[int], k: int) -> dict[str, float]:
    """Obvious per-brand reference implementation of the module docstring's formulas."""
    rel = [1 if c in relevant else 0 for c in ranking[:k]]
    hits = sum(rel)
    dcg = sum(r / math.log2(i + 2) for i, r in enumerate(rel))
    idcg = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    ap, seen = 0.0, 0
    for i, r in enumerate(rel):
        if r:
            seen += 1
            ap += seen / (i + 1)
    first = next((i + 1 for i, r in enumerate(rel) if r), None)
    return {"precision": hits / k, "recall": hits / len(relevant), "ndcg": dcg / idcg,
            "map": ap / min(k, len(relevant)), "mrr": 1 / first if first else 0.0}


def _slow_auc(scores: np.ndarray, pos: np.ndarray, neg: np.ndarray) -> float:
    total = 0.0
    for p in np.flatnonzero(pos):
        for n in np.flatnonzero(neg):
            total += 1.0 if scores[p] > scores[n] else 0.5 if scores[p] == scores[n] else 0.0
    return total / (pos.sum() * neg.sum())


@pytest.mark.parametrize("k", [1, 3, 10])
def test_vectorised_metrics_equal_the_slow_reference(rng: np.random.Generator, k: int) -> None:
    n_brands, n = 30, 25
    scores = np.round(rng.random((n_brands, n)), 1)  # rounding makes ties
    cand = rng.random((n_brands, n)) < 0.8
    rel = cand & (rng.random((n_brands, n)) < 0.2)
    rel[:, 0] = cand[:, 0] = True  # every brand has a relevant candidate
    n_rel = rel.sum(axis=1)
    hits = M.hits_at_k(M.top_k(scores, cand, k), rel)
    fast = {"precision": M.precision_at_k(hits), "recall": M.recall_at_k(hits, n_rel),
            "ndcg": M.ndcg_at_k(hits, n_rel), "map": M.average_precision_at_k(hits, n_rel),
            "mrr": M.reciprocal_rank_at_k(hits)}
    aucs = M.auc(scores, rel, cand & ~rel)
    for b in range(n_brands):
        cands = np.flatnonzero(cand[b])
        ranking = sorted(cands.tolist(), key=lambda c: (-scores[b, c], c))
        slow = _slow_metrics(ranking, set(np.flatnonzero(rel[b]).tolist()), k)
        for name, value in slow.items():
            assert fast[name][b] == pytest.approx(value), (name, b)
        neg = cand[b] & ~rel[b]
        if neg.any():
            assert aucs[b] == pytest.approx(_slow_auc(scores[b], rel[b], neg))


def test_ndcg_agrees_with_implicit_where_the_definitions_coincide(rng: np.random.Generator) -> None:
    """implicit ranks every item not in the user's training row and divides DCG by the ideal
    DCG of min(K, |test|) hits -- exactly our ndcg@k with candidates = all creators minus
    training positives."""
    from implicit.als import AlternatingLeastSquares
    from implicit.evaluation import ndcg_at_k, precision_at_k
    from threadpoolctl import threadpool_limits

    n_users, n_items = 40, 60
    dense = rng.random((n_users, n_items)) < 0.15
    dense[:, 0] = True  # every user has training data
    test_dense = (rng.random((n_users, n_items)) < 0.1) & ~dense
    test_dense[np.arange(n_users), 1 + np.arange(n_users) % (n_items - 1)] |= ~dense[
        np.arange(n_users), 1 + np.arange(n_users) % (n_items - 1)]
    train = sp.csr_matrix(dense.astype(np.float32))
    test = sp.csr_matrix(test_dense.astype(np.float32))
    with threadpool_limits(limits=1, user_api="blas"):
        model = AlternatingLeastSquares(factors=8, iterations=5, random_state=3, use_gpu=False, num_threads=1)
        model.fit(train, show_progress=False)
        theirs = ndcg_at_k(model, train, test, K=10, show_progress=False, num_threads=1)
        their_precision = precision_at_k(model, train, test, K=10, show_progress=False, num_threads=1)
    scores = np.asarray(model.user_factors) @ np.asarray(model.item_factors).T
    cand = ~dense
    rel = test_dense & cand
    users = rel.any(axis=1)
    n_rel = rel.sum(axis=1)
    hits = M.hits_at_k(M.top_k(scores, cand, 10), rel)
    ours = M.ndcg_at_k(hits, n_rel)[users].mean()
    assert ours == pytest.approx(theirs, rel=1e-6)
    # implicit's "precision" is hits / min(K, |test|), summed over users: not our hits / K
    recall_like = hits.sum(axis=1)[users].sum() / np.minimum(n_rel[users], 10).sum()
    assert their_precision == pytest.approx(recall_like, rel=1e-6)
    assert their_precision != pytest.approx(M.precision_at_k(hits)[users].mean(), rel=1e-3)


def test_beyond_accuracy_hand_computed() -> None:
    tops = np.array([[0, 1], [0, 2], [0, -1]])
    e = M.exposure_counts(tops, 5)
    assert e.tolist() == [3, 1, 1, 0, 0]
    universe = np.array([True, True, True, True, False])
    assert M.coverage(e, universe) == pytest.approx(3 / 4)
    # sorted [0, 1, 1, 3], n = 4: (-3*0 - 1*1 + 1*1 + 3*3) / (4 * 5)
    assert M.gini(e[universe]) == pytest.approx(9 / 20)
    assert M.gini(np.ones(7)) == pytest.approx(0.0)
    head = M.head_mask(np.array([5, 0, 3, 0, 0]), share=0.4)
    assert head.tolist() == [True, False, True, False, False]
    assert M.long_tail_share(tops, head) == pytest.approx(1 / 5)  # slots 0,1,0,2,0: only creator 1 is tail
    x, y = M.lorenz_curve(e[universe])
    assert x.tolist() == [0, 0.25, 0.5, 0.75, 1.0] and y[-1] == pytest.approx(1.0) and y[1] == 0.0


def test_head_never_holds_creators_without_training_positives() -> None:
    assert not M.head_mask(np.zeros(10)).any()
    assert M.head_mask(np.array([1, 1, 1, 0, 0])).tolist() == [True, False, False, False, False]


def test_wide_rows_take_the_same_top_k_as_the_full_stable_sort(rng: np.random.Generator) -> None:
    """Above ``_FULL_SORT`` columns ``top_k`` partitions first; the columns and their order
    (ties by the lower column) must be exactly the full stable sort's, also for a row with
    fewer candidates than k and a row whose k-th value is tied far beyond k."""
    n = 6000
    scores = np.round(rng.random((5, n)), 2)          # about 60 creators share each value
    cand = rng.random((5, n)) < 0.7
    cand[1] = False
    cand[1, [17, 4000, 5999]] = True                 # fewer candidates than k
    scores[2] = 0.5                                  # every candidate tied
    for k in (1, 10, 50):
        full = M.rank_candidates(scores, cand)[:, :k]
        want = np.where(np.take_along_axis(cand, full, axis=1), full, -1)
        np.testing.assert_array_equal(M.top_k(scores, cand, k), want)
    assert M._FULL_SORT < n


def test_auc_counts_directly_exactly_as_it_ranks(rng: np.random.Generator, monkeypatch) -> None:
    """The direct count and the mid-rank sum are the same sum of halves: bit-identical."""
    scores = np.round(rng.random((8, 3000)), 2)
    pos = rng.random((8, 3000)) < 0.01
    neg = ~pos & (rng.random((8, 3000)) < 0.9)
    direct = M.auc(scores, pos, neg)
    monkeypatch.setattr(M, "_DIRECT_PAIRS", 0)
    ranked = M.auc(scores, pos, neg)
    assert np.isfinite(direct).all()
    np.testing.assert_array_equal(direct, ranked)
