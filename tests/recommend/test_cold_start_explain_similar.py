"""Cold brands and cold creators still get matched; explain and similar are consistent."""

from __future__ import annotations

import numpy as np
import pytest

from creatormatch.data.dataset import Dataset, Table
from creatormatch.recommend import Matcher, MatchFilters
from creatormatch.recommend.blend import contributions


def without_brand_collaborations(market, brand_row: int, drop_videos: bool = False) -> Dataset:
    """``market`` as if ``brand_row`` had never collaborated (and, with ``drop_videos``, as if
    no creator had ever featured its products)."""
    col = market.collaborations
    keep = col["brand_id"] != brand_row
    new = np.full(len(col), -1, np.int64)
    new[keep] = np.arange(int(keep.sum()))
    tables = dict(market.tables)
    tables["collaborations"] = col.take(keep)
    v = market.videos
    cols = dict(v.columns)
    ref = cols["collaboration_id"]
    cols["collaboration_id"] = np.where(ref >= 0, new[np.maximum(ref, 0)], -1).astype(ref.dtype)
    videos = Table("videos", cols, v.line)
    if drop_videos:
        own = np.flatnonzero(market.products["brand_id"] == brand_row)
        videos = videos.take(~np.isin(videos["product_id"], own))
    tables["videos"] = videos
    return Dataset(market.root, tables, fingerprint=market.fingerprint + "-cold", derived=market.derived)


@pytest.fixture(scope="module")
def cold(market):
    b = 5
    return b, Matcher.from_dataset(without_brand_collaborations(market, b))


def test_cold_brand_gets_matches(cold, market):
    b, m = cold
    assert not m.model.factors.brand_known[b]
    assert len(m.past_collaborators(b)) == 0
    res = m.match(b, MatchFilters(), top=10)
    assert len(res) == 10
    # creators featured its products (organic videos): ALS folds them in as the brand's row
    row = m.brand_mf_row(b)
    assert row.nnz > 0 and m.brand_factors(b) is not None
    assert not m.model.factors.brand[b].any()
    for r in res:
        assert r.components["graph"] is not None and r.components["category_fit"] is not None
        assert r.score > 0
    assert any(r.components["mf"] is not None for r in res)
    e = m.explain(b, res[0].creator_id)
    assert any("folded in" in n for n in e.notes)
    assert {d["creator_id"] for d in e.mf_drivers} <= set(m.creator["id"][row.indices].tolist())
    # the graph reaches it through its products and categories
    sc = m.score_brand(b)
    assert (sc.raw["graph"] > 0).sum() > 10
    # and the matches sit in its category
    k = int(market.brands["category_id"][b])
    fits = [r.components["category_fit"] for r in res]
    assert np.mean(fits) > np.mean(sc.values["category_fit"][sc.available["category_fit"]])
    assert any(k == market.creators["primary_category"][m.creator_row(r.creator_id)] for r in res)


def test_cold_brand_without_featured_products_has_no_mf(market):
    b = 5
    d = without_brand_collaborations(market, b, drop_videos=True)
    m = Matcher.from_dataset(d)
    assert m.brand_mf_row(b).nnz == 0 and m.brand_factors(b) is None
    res = m.match(b, MatchFilters(), top=5)
    assert len(res) == 5
    assert all(r.components["mf"] is None for r in res)              # not available, never 0
    assert all(r.components["graph"] is not None for r in res)       # still reached via categories


def test_cold_creators_are_matched_through_content(matcher, market):
    known = matcher.model.factors.creator_known
    assert (~known).sum() > 50
    found = 0
    for b in range(market.n_brands):
        for r in matcher.match(b, MatchFilters(), top=10, reasons=True):
            row = matcher.creator_row(r.creator_id)
            if not known[row]:
                found += 1
                assert r.components["mf"] is None
                assert r.components["category_fit"] is not None
                assert any("no collaborations yet" in x for x in r.reasons)
    assert found >= 10


def test_explain_is_consistent_with_match(matcher):
    b = 7
    top = matcher.match(b, MatchFilters(), top=3)
    for m in top:
        e = matcher.explain(b, m.creator_id)
        assert e.rank == m.rank and e.score == pytest.approx(m.score)
        assert sum(c["contribution"] for c in e.components) == pytest.approx(e.score)
        assert {c["name"]: c["value"] for c in e.components} == pytest.approx(m.components)
        for p in e.paths:
            assert p["path"][0].startswith("brand ") and p["path"][-1].startswith("creator ")
            assert m.creator_id in p["path"][-1]
        past = set(matcher.creator["id"][matcher.past_collaborators(b)].tolist())
        assert {d["creator_id"] for d in e.mf_drivers} <= past
        assert e.to_dict()["brand_id"] == matcher.brand["id"][b]


def test_explain_past_and_foreign_creators(matcher, market):
    b = 7
    p = int(matcher.past_collaborators(b)[0])
    e = matcher.explain(b, p)
    if market.creators["market"][p] == market.brands["market"][b]:
        assert e.rank is None and any("already worked" in n for n in e.notes)
    foreign = int(np.flatnonzero(market.creators["market"] != market.brands["market"][b])[0])
    e = matcher.explain(b, foreign)
    assert any("every market" in n for n in e.notes)


def test_similar_creators(matcher, market):
    c = int(np.flatnonzero(matcher.model.factors.creator_known)[3])
    res = matcher.similar(c, top=10)
    assert len(res) == 10
    ids = [r.creator_id for r in res]
    assert matcher.creator["id"][c] not in ids
    assert all(r.market == market.creators["market"][c] for r in res)
    assert [r.score for r in res] == sorted((r.score for r in res), reverse=True)
    anywhere = matcher.similar(c, top=10, market="any")
    assert len(anywhere) == 10
    # a creator without collaborations gets lookalikes from the graph alone
    cold = int(np.flatnonzero(~matcher.model.factors.creator_known)[0])
    res = matcher.similar(cold, top=5)
    assert res and all(r.mf is None or 0 <= r.mf <= 1 for r in res)


def test_contributions_sum_to_score(matcher):
    sc = matcher.score_brand(19)
    for pos in range(0, len(sc.rows), 37):
        share = contributions(sc.components_at(pos), matcher.params.weights, matcher.params.missing)
        assert sum(share.values()) == pytest.approx(sc.score[pos])
