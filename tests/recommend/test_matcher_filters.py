"""Every filter holds in every result; filters never change scores; errors name the fix."""

from __future__ import annotations

import numpy as np
import pytest

from creatormatch.errors import UsageError
from creatormatch.graph.build import positive_mask
from creatormatch.recommend import COMPONENTS, MatchFilters

BRANDS = [0, 7, 19, 33, 52, 71]


def creator_categories(market) -> list[set[int]]:
    """Independent reference: primary category and featured products' categories, plus ancestors."""
    cr, v, p = market.creators, market.videos, market.products
    parent = market.categories["parent_id"]
    sets: list[set[int]] = [set() for _ in range(market.n_creators)]
    for c, k in enumerate(cr["primary_category"].tolist()):
        if k >= 0:
            sets[c].add(k)
    shop = v["product_id"] >= 0
    for c, prod in zip(v["creator_id"][shop].tolist(), v["product_id"][shop].tolist()):
        sets[c].add(int(p["category_id"][prod]))
    for s in sets:
        for k in list(s):
            while parent[k] >= 0:
                k = int(parent[k])
                s.add(k)
    return sets


def past(market, brand_row) -> set[int]:
    col = market.collaborations
    pos = positive_mask(market) & (col["brand_id"] == brand_row)
    return set(col["creator_id"][pos].tolist())


def rows(matcher, results) -> list[int]:
    return [matcher.creator_row(m.creator_id) for m in results]


@pytest.mark.parametrize("b", BRANDS)
def test_default_filters(matcher, market, b):
    res = matcher.match(b, MatchFilters(), top=25)
    assert len(res) == 25
    assert [m.rank for m in res] == list(range(1, 26))
    scores = [m.score for m in res]
    assert scores == sorted(scores, reverse=True)
    brand_market = market.brands["market"][b]
    assert all(m.market == brand_market for m in res)
    assert not set(rows(matcher, res)) & past(market, b)
    for m in res:
        assert set(m.components) == set(COMPONENTS)
        assert all(v is None or 0.0 <= v <= 1.0 for v in m.components.values())
        assert 0.0 <= m.score <= 1.0


@pytest.mark.parametrize("b", BRANDS)
def test_each_filter_holds(matcher, market, b):
    cr = market.creators
    cats = creator_categories(market)
    followers = cr["followers"]
    rate = cr["rate_per_video"]
    invites = np.bincount(market.collaborations["creator_id"], minlength=market.n_creators)
    lo, hi = np.percentile(followers, [30, 80])
    category = market.categories["category_id"][market.brands["category_id"][b]]
    k = int(market.brands["category_id"][b])
    checks = {
        "min_followers": (MatchFilters(min_followers=int(lo)), lambda r: followers[r] >= int(lo)),
        "max_followers": (MatchFilters(max_followers=int(hi)), lambda r: followers[r] <= int(hi)),
        "max_rate": (MatchFilters(max_rate=float(np.nanmedian(rate))),
                     lambda r: not np.isnan(rate[r]) and rate[r] <= np.nanmedian(rate)),
        "category": (MatchFilters(category=str(category)), lambda r: k in cats[r]),
        "min_evidence": (MatchFilters(min_evidence=5), lambda r: invites[r] >= 5),
        "market_any": (MatchFilters(market="any"), lambda r: True),
        "market_other": (MatchFilters(market="US"), lambda r: cr["market"][r] == "US"),
    }
    for name, (flt, ok) in checks.items():
        res = matcher.match(b, flt, top=30)
        assert res, name
        for r in rows(matcher, res):
            assert ok(r), (name, r)
            assert r not in past(market, b), name                 # exclusion stays on


def test_combined_filters_and_budget(matcher, market):
    b = 7
    flt = MatchFilters(market="any", min_followers=2000, max_followers=200_000, max_rate=400.0, min_evidence=1)
    res = matcher.match(b, flt, top=50)
    rate = market.creators["rate_per_video"]
    for r in rows(matcher, res):
        assert 2000 <= market.creators["followers"][r] <= 200_000
        assert not np.isnan(rate[r]) and rate[r] <= 400.0


def test_include_past(matcher, market):
    b = max(range(market.n_brands), key=lambda x: len(past(market, x)))
    n = int(matcher.candidate_mask(b, MatchFilters(include_past=True)).sum())
    res = matcher.match(b, MatchFilters(include_past=True), top=n)
    got = set(rows(matcher, res))
    in_market = {c for c in past(market, b) if market.creators["market"][c] == market.brands["market"][b]}
    assert in_market and in_market <= got
    assert any("already worked with" in reason for m in res if matcher.creator_row(m.creator_id) in in_market
               for reason in m.reasons)


def test_filters_do_not_change_scores(matcher):
    b = 19
    full = {m.creator_id: m.score for m in matcher.match(b, MatchFilters(), top=300)}
    for flt in (MatchFilters(min_followers=3000), MatchFilters(max_rate=500.0), MatchFilters(min_evidence=2)):
        for m in matcher.match(b, flt, top=20):
            if m.creator_id in full:
                assert m.score == pytest.approx(full[m.creator_id], abs=1e-12)


def test_rank_is_full_and_deterministic(matcher, market):
    b = 33
    r1, r2 = matcher.rank(b), matcher.rank(b)
    assert np.array_equal(r1.rows, r2.rows)
    mask = matcher.candidate_mask(b, MatchFilters())
    assert len(r1.rows) == mask.sum() == r1.n_candidates
    in_market = np.flatnonzero(market.creators["market"] == market.brands["market"][b])
    assert set(r1.rows.tolist()) == set(in_market.tolist()) - past(market, b)
    assert np.all(np.diff(r1.score) <= 0)
    top = matcher.rank(b, top=10)
    assert np.array_equal(top.rows, r1.rows[:10])


def test_unknown_names(matcher):
    with pytest.raises(UsageError, match=r"unknown brand 'B0001'; did you mean: B00001"):
        matcher.match("B0001")
    with pytest.raises(UsageError, match="unknown brand"):
        matcher.match("zzzz")
    with pytest.raises(UsageError, match="unknown category"):
        matcher.match(0, MatchFilters(category="nope"))
    with pytest.raises(UsageError, match="unknown market 'XX'"):
        matcher.match(0, MatchFilters(market="XX"))
    with pytest.raises(UsageError, match="top"):
        matcher.match(0, top=0)


def test_single_component_weights(matcher):
    """score_brand's weights override: a one-component blend ranks by that component."""
    sc = matcher.score_brand(7, weights={"category_fit": 1.0})
    ok = sc.available["category_fit"]
    assert np.allclose(sc.score[ok], sc.values["category_fit"][ok])
    assert not sc.score[~ok].any()


def test_fast_blend_equals_the_formula(matcher):
    """The matcher's cached float32 blend gives blend.blend's numbers."""
    from creatormatch.recommend import Matcher, blend

    for b in (0, 19, 52):
        for w in (None, {"graph": 1.0}, {"mf": 0.3, "category_fit": 0.3, "uplift": 0.4}):
            sc = matcher.score_brand(b, weights=w)
            ref = blend(sc.values, sc.available, w or matcher.params.weights, matcher.params.missing)
            assert np.abs(sc.score - ref).max() < 1e-6
    neutral = Matcher(matcher.model.with_params(missing="neutral"))
    sc = neutral.score_brand(19)
    assert np.abs(sc.score - blend(sc.values, sc.available, neutral.params.weights, "neutral")).max() < 1e-12
