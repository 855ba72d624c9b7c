"""The ranker's history and pair signals against slow, obvious reference computations."""

from __future__ import annotations

import numpy as np
import pytest

from creatormatch.data.contract import STATUSES
from creatormatch.ranker.features import FEATURE_NAMES, FEATURES, pair_features
from creatormatch.ranker.history import market_history, to_days
from creatormatch.ranker.scoring import brand_scores_and_context
from creatormatch.recommend.filters import MatchFilters
from creatormatch.recommend.matcher import Matcher


@pytest.fixture(scope="module")
def plain(ranker_market):
    return Matcher.from_dataset(ranker_market)


def test_pair_history_counts_every_collaboration_once(ranker_market):
    hist = market_history(ranker_market)
    col = ranker_market.collaborations
    expected: dict[tuple[str, int, int], float] = {}
    last: dict[tuple[int, int], float] = {}
    for b, c, s, t in zip(col["brand_id"].tolist(), col["creator_id"].tolist(), col["status"].tolist(),
                          to_days(col["invited_at"]).tolist()):
        key = (STATUSES[s], b, c)
        expected[key] = expected.get(key, 0) + 1
        last[(s, b, c)] = max(last.get((s, b, c), 0.0), t)
    for status in STATUSES:
        m = hist.pair[status].tocoo()
        got = {(status, int(b), int(c)): float(v) for b, c, v in zip(m.row, m.col, m.data)}
        want = {k: v for k, v in expected.items() if k[0] == status}
        assert got == want
        lm = hist.pair[f"last_{status}"].tocoo()
        code = STATUSES.index(status)
        assert {(int(b), int(c)): float(v) for b, c, v in zip(lm.row, lm.col, lm.data)} == pytest.approx(
            {(b, c): t for (s, b, c), t in last.items() if s == code})


def test_co_collaborators_equal_the_dense_triple_product(plain):
    x = (plain.model.confidence.toarray() > 0).astype(float)
    triple = x @ x.T
    np.fill_diagonal(triple, 0.0)            # the brand itself is not a co-collaborating brand
    dense = triple @ x
    for b in range(0, x.shape[0], 7):
        np.testing.assert_allclose(plain.pair_signals.co_collaborators(b), dense[b])


def test_featured_products_sum_the_features_edges_of_the_brands_products(plain):
    rel = plain.model.relations
    sells, features = rel["sells"].toarray(), rel["features"].toarray()
    for b in range(0, sells.shape[0], 5):
        want = features[:, sells[b] > 0].sum(axis=1)
        np.testing.assert_allclose(plain.pair_signals.featured_products(b), want)
        some = np.arange(0, len(want), 3)
        np.testing.assert_allclose(plain.pair_signals.featured_products(b, some), want[some])


def test_brand_picks_are_shares_of_the_brands_invitations(ranker_market, plain):
    col = ranker_market.collaborations
    primary = ranker_market.creators["primary_category"]
    b = int(np.bincount(col["brand_id"]).argmax())
    invitees = col["creator_id"][col["brand_id"] == b]
    rows = np.arange(20)
    share, _ = plain.pair_signals.brand_picks(b, rows)
    for r, got in zip(rows, share):
        want = np.mean(primary[invitees] == primary[r]) if primary[r] >= 0 else np.nan
        assert got == pytest.approx(want, nan_ok=True)


def test_excluded_groups_are_blank_and_the_blend_is_rebuilt_without_them(plain):
    scores, context = brand_scores_and_context(plain, 0)
    pos = np.flatnonzero(plain.candidate_mask(0, MatchFilters()))[:50]
    full = pair_features(plain, 0, scores, pos, context)
    cut = pair_features(plain, 0, scores, pos, context, ("mf", "graph"))
    for k, f in enumerate(FEATURES):
        if f.group in ("mf", "graph"):
            assert np.isnan(cut[:, k]).all()
        elif f.name != "blend":
            np.testing.assert_array_equal(cut[:, k], full[:, k])
    blend = FEATURE_NAMES.index("blend")
    assert not np.array_equal(cut[:, blend], full[:, blend])


def test_an_open_invitation_means_the_brand_has_found_the_creator(plain):
    """``exposure`` is the search model's ``log P(b -> c)``, and ``log 1 = 0`` for a creator
    the brand's invitation still waits on -- except in the ablation without the pair history."""
    from creatormatch.ranker.exposure import log_exposure

    hist = plain.model.history
    waiting = hist.pair["invited"].tocoo()
    assert waiting.nnz, "the market must end with open invitations"
    b = int(waiting.row[0])
    scores, context = brand_scores_and_context(plain, b)
    pos = np.arange(len(scores.rows))
    rows = scores.rows[pos].astype(np.int64)
    is_open = np.isin(rows, waiting.col[waiting.row == b])
    assert is_open.any()
    col = FEATURE_NAMES.index("exposure")
    searched = log_exposure(hist.exposure, b, rows, plain.creator["followers"][rows],
                            plain.model.tables["creator"]["primary_category"][rows])
    assert (searched[is_open] < 0).all()
    X = pair_features(plain, b, scores, pos, context)
    np.testing.assert_array_equal(X[is_open, col], 0.0)
    np.testing.assert_allclose(X[~is_open, col], searched[~is_open], rtol=1e-6)
    without_history = pair_features(plain, b, scores, pos, context, ("history",))
    np.testing.assert_allclose(without_history[:, col], searched, rtol=1e-6)
