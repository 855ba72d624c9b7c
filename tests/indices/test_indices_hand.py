"""Every index on the tiny hand-computed market of conftest.HAND, and the edge cases:
a creator with no collaborations, all invitations expired, a single video, no videos.csv,
no categories at all."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from creatormatch.data.loader import load_dataset
from creatormatch.indices import INDEX_NAMES, compute_indices
from creatormatch.indices._stats import beta_prior

A, B, C, D = 0, 1, 2, 3  # creator rows (tables are sorted by id)


@pytest.fixture
def hand(hand_dir: Path):
    dataset = load_dataset(hand_dir)
    return dataset, compute_indices(dataset)


def test_cooperation_inputs(hand) -> None:
    _, ix = hand
    c = ix.cooperation.components
    assert c["invitations"].tolist() == [4, 3, 0, 1]
    assert c["invitations_decided"].tolist() == [4, 3, 0, 0]      # D's invitation is still open
    assert c["invitations_answered"].tolist() == [3, 0, 0, 0]
    assert c["invitations_accepted"].tolist() == [2, 0, 0, 0]
    assert c["response_rate"][A] == pytest.approx(0.75)
    assert c["response_rate"][B] == 0.0
    assert c["acceptance_rate"][A] == pytest.approx(2 / 3)
    assert np.isnan(c["acceptance_rate"][B])                      # nothing answered
    assert c["median_reply_hours"][A] == pytest.approx(4.0)       # replies after 2, 4 and 6 h
    assert np.isnan(c["median_reply_hours"][B])
    assert c["fulfilment"][A] == pytest.approx((2 / 2 + 1 / 2) / 2)
    assert (c["deliverables_promised"][A], c["deliverables_delivered"][A]) == (4, 3)
    assert (c["brands_worked_with"][A], c["brands_returned"][A]) == (1, 1)  # X invited again after K1
    assert c["mean_rating"][A] == pytest.approx(4.5)
    assert c["ratings"][A] == 2


def test_cooperation_shrinkage_by_hand(hand) -> None:
    _, ix = hand
    c = ix.cooperation.components
    # population rate 3/7; strength estimated below the minimum, so clamped to 2 pseudo-invitations
    prior = beta_prior(np.array([3.0, 0.0]), np.array([4.0, 3.0]))
    assert prior.mean == pytest.approx(3 / 7)
    assert prior.strength == 2.0
    assert c["response_rate_shrunk"][A] == pytest.approx((3 + 2 * 3 / 7) / (4 + 2))
    assert c["response_rate_shrunk"][B] == pytest.approx((0 + 2 * 3 / 7) / (3 + 2))


def test_cooperation_availability_and_scores(hand) -> None:
    _, ix = hand
    r = ix.cooperation
    assert r.available
    assert r.evidence.tolist() == [4, 3, 0, 0]
    # all invitations expired: available, and ranked below A -- not "not available"
    assert not np.isnan(r.raw[B]) and r.raw[B] < r.raw[A]
    assert (r.score[A], r.score[B]) == (100.0, 0.0)
    # no collaborations (C) or only an open one (D): not available, never 0 or 50
    assert np.isnan(r.raw[C]) and np.isnan(r.score[C])
    assert np.isnan(r.raw[D]) and np.isnan(r.score[D])


def test_consistency(hand) -> None:
    _, ix = hand
    r = ix.consistency
    c = r.components
    assert c["deliveries_timed"][A] == 2 and c["deliveries_on_time"][A] == 1
    assert c["mean_lateness_days"][A] == pytest.approx(0.5)        # -1 and +2 days
    assert c["lateness_spread_days"][A] == pytest.approx(math.sqrt(4.5))
    assert (c["collaborations_completed"][A], c["collaborations_cancelled"][A]) == (2, 0)
    assert c["posting_gaps"][A] == 2                                # own videos V1, V2, V3 (V4 is a deliverable)
    assert c["median_gap_days"][A] == pytest.approx(2.0)
    assert r.evidence[A] == 2 + 3
    # B: nothing delivered and a single video, so no cadence: not available
    assert r.evidence[B] == 0 and np.isnan(r.score[B])
    assert r.score[A] == 50.0                                       # alone in its market


def test_diligence(hand) -> None:
    _, ix = hand
    c = ix.diligence.components
    assert c["own_videos"].tolist() == [3, 1, 0, 0]
    assert c["shoppable_videos"].tolist() == [1, 1, 0, 0]           # V4 (deliverable) not counted
    assert c["shoppable_share"][A] == pytest.approx(1 / 3)
    assert c["shoppable_share"][B] == 1.0
    assert ix.diligence.raw[B] > ix.diligence.raw[A]
    assert np.isnan(ix.diligence.score[C])


def test_content_volume(hand) -> None:
    _, ix = hand
    r = ix.content_volume
    c = r.components
    # each creator's own window, first to last record of any kind: A from 1 Jan (K1's invitation
    # and V1, a post: it opens the window and is not counted) to 12 Feb (K3 delivered) = 42
    # days with 2 posts counted; B from 2 Jan (K5's invitation) to 11 Jan (V5) = 9 days, 1 post
    assert c["window_days"][A] == pytest.approx(42.0) and c["window_days"][B] == pytest.approx(9.0)
    assert c["window_posts"].tolist() == [2.0, 1.0, 0.0, 0.0]
    assert c["videos_per_week"][A] == pytest.approx(7 * 2 / 42)
    assert c["videos_per_week"][B] == pytest.approx(7 * 1 / 9)
    assert r.evidence.tolist() == [3, 1, 0, 0]
    assert r.raw[B] > r.raw[A]
    assert np.isnan(r.raw[C])


def test_content_success(hand) -> None:
    _, ix = hand
    r = ix.content_success
    c = r.components
    reach_a = np.mean(np.log(np.array([501, 301, 101, 1001]) / 1001))
    assert c["views_per_follower"][A] == pytest.approx(math.exp(reach_a))
    eng_a = np.mean(np.log(np.array([51, 21, 10, 101]) / np.array([501, 301, 101, 1001])))
    assert c["engagement_rate"][A] == pytest.approx(math.exp(eng_a))
    assert c["views_per_follower"][B] == pytest.approx(51 / 100)
    # half-decade follower tiers: 1000 -> 6, 99 -> 3, 5000 -> 7, 100 -> 4 (shifted to start at 0)
    assert c["follower_tier"].tolist() == [3, 0, 4, 1]
    assert r.evidence.tolist() == [4, 1, 0, 0]


def test_sales_uplift(hand) -> None:
    _, ix = hand
    r = ix.sales_uplift
    c = r.components
    # skincare converts 10 orders / 1500 views; A's videos are exactly that
    assert c["expected_orders"][A] == pytest.approx(10.0)
    assert c["orders"][A] == 10
    assert c["orders_uplift"][A] == pytest.approx(1.0)
    # B's only product category never sold: nothing expected, so no uplift to measure
    assert c["expected_orders"][B] == 0.0
    assert np.isnan(r.raw[B])
    assert r.evidence.tolist() == [2, 1, 0, 0]


def test_category_influence(hand) -> None:
    dataset, ix = hand
    inf = ix.influence
    cats = dataset.categories.ids.tolist()
    assert cats == ["beauty", "beauty.skincare", "food"]
    aff = inf.affinity.toarray()
    # A: primary 2 + two yes collaborations + two skincare videos = 6; two food invitations 0.25 each
    assert aff[A].tolist() == pytest.approx([0.0, 6 / 6.5, 0.5 / 6.5])
    assert aff[C].tolist() == [0.0, 0.0, 0.0]
    np.testing.assert_allclose(aff.sum(axis=1), [1, 1, 0, 1])
    assert inf.top_category[C] == -1 and np.isnan(inf.top_score[C])
    assert inf.top_category[D] == 1 and inf.top_score[D] == 100.0   # alone in GB skincare
    m = inf.matrix.toarray()
    assert ((m > 0) == (aff > 0)).all()                              # zero = no activity
    assert (m[m > 0] <= 100).all()
    assert inf.top_category[A] == 1                                   # skincare


def test_no_videos_file(hand_no_videos: Path, hand_dir: Path) -> None:
    ix = compute_indices(load_dataset(hand_no_videos))
    for name in ("diligence", "content_volume", "content_success", "sales_uplift"):
        r = ix.table()[name]
        assert not r.available
        assert np.isnan(r.raw).all() and np.isnan(r.score).all()
        assert (r.evidence == 0).all()
    with_videos = compute_indices(load_dataset(hand_dir))
    np.testing.assert_array_equal(ix.cooperation.raw, with_videos.cooperation.raw)
    assert ix.consistency.evidence[A] == 2                           # deliveries only, no cadence


def test_no_categories_at_all(tmp_path: Path, hand_tables, write_tables) -> None:
    tables = {k: v for k, v in hand_tables.items() if k not in ("categories", "products")}
    for row in tables["creators"]:
        row["primary_category"] = ""
    for row in tables["brands"]:
        row["category_id"] = ""
    for row in tables["videos"]:
        row.pop("product_id", None)
    ix = compute_indices(load_dataset(write_tables(tmp_path / "nocats", tables)))
    inf = ix.influence
    assert inf.matrix.shape == (4, 0) and inf.affinity.shape == (4, 0) and inf.raw.shape == (4, 0)
    assert (inf.top_category == -1).all() and np.isnan(inf.top_score).all()
    assert not np.isnan(ix.cooperation.raw[A])


def test_table_order_and_types(hand) -> None:
    _, ix = hand
    assert list(ix.table()) == list(INDEX_NAMES)
    for name, r in ix.table().items():
        assert r.name == name
        assert r.raw.dtype == np.float64 and r.score.dtype == np.float64 and r.evidence.dtype == np.int64
        assert r.raw.shape == r.score.shape == r.evidence.shape == (4,)
        ok = ~np.isnan(r.score)
        assert ((r.score[ok] >= 0) & (r.score[ok] <= 100)).all()
        assert (np.isnan(r.raw) == np.isnan(r.score)).all()
    assert ix.influence.top_category.dtype == np.int32
