"""The search model behind the ranker's offset (ranker.exposure): hand-computed values, the
brand's search mix, and a fit that recovers planted parameters."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from creatormatch.ranker.exposure import (MIN_FIT_PAIRS, PARAMS, exposure_arrays, fit_exposure, log_exposure,
                                          search_mix)


def test_search_mix_products_then_own_category_then_nothing():
    # brand 0 sells 3 products in category 1 and one in 2; brand 1 sells nothing but has
    # category 0; brand 2 has neither
    mix = search_mix(3, 3, np.array([0, 0, 0, 0]), np.array([1, 1, 1, 2]), np.array([2, 0, -1]))
    np.testing.assert_allclose(mix.toarray(), [[0.0, 0.75, 0.25], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])


def test_search_mix_without_a_products_file():
    mix = search_mix(2, 2, None, None, np.array([1, -1]))
    np.testing.assert_allclose(mix.toarray(), [[0.0, 1.0], [0.0, 0.0]])


def _arrays(params: dict[str, float], creator_market, brand_market, primary, followers, mix) -> dict:
    """``exposure_arrays`` with given parameters instead of fitted ones (the pools are
    recomputed here by hand for the test below)."""
    out = exposure_arrays(np.zeros(0, np.int64), np.zeros(0, np.int64), creator_market, brand_market, primary,
                          followers, mix)
    out["params"] = np.array([params.get(name, 0.0) for name in PARAMS])
    f = np.maximum(followers, 1.0)
    n_markets = out["creators"].shape[0]
    supply = np.zeros((n_markets, mix.shape[1]))
    for m, k, x in zip(creator_market, primary, f):
        if k >= 0:
            supply[m, k] += x ** params["alpha"]
    out["supply"] = supply
    out["popularity"] = np.array([sum(x ** params["beta"] for mm, x in zip(creator_market, f) if mm == m)
                                  for m in range(n_markets)])
    return out


def test_log_exposure_by_hand():
    # market 0: creators 0 (cat 0, 100 followers), 1 (cat 0, 400), 2 (cat 1, 900);
    # market 1: creator 3 (cat 0, 0 followers -> 1). Brand 0 in market 0 sells 50/50 in cats 0, 1.
    creator_market = np.array([0, 0, 0, 1])
    primary = np.array([0, 0, 1, 0])
    followers = np.array([100.0, 400.0, 900.0, 0.0])
    mix = sp.csr_array(np.array([[0.5, 0.5]]))
    p = {"rho": 0.1, "pi_cat": 0.5, "pi_pop": 0.3, "pi_uni": 0.2, "alpha": 0.5, "beta": 1.0}
    arrays = _arrays(p, creator_market, np.array([0]), primary, followers, mix)
    got = log_exposure(arrays, 0, np.arange(4), followers, primary)
    # creator 0: cat = 0.5 * 10 / (10 + 20); pop = 100 / 1400; uni = 1/3; same market: 0.9
    c0 = 0.9 * (0.5 * 0.5 * 10 / 30 + 0.3 * 100 / 1400 + 0.2 / 3)
    # creator 2: cat = 0.5 * 30 / 30
    c2 = 0.9 * (0.5 * 0.5 * 1.0 + 0.3 * 900 / 1400 + 0.2 / 3)
    # creator 3 abroad: rho * N[1] / (N_all - N[0]) = 0.1 * 1 / 1; its own market's pools
    c3 = 0.1 * (0.5 * 0.5 * 1 / 1 + 0.3 * 1 / 1 + 0.2 / 1)
    assert got[0] == pytest.approx(math.log(c0))
    assert got[2] == pytest.approx(math.log(c2))
    assert got[3] == pytest.approx(math.log(c3))
    assert got[1] > got[0]                 # same category, larger audience


def _planted_picks(rng, n_picks: int, pi, alpha: float, beta: float):
    """Picks drawn from the model itself: 3 markets, 6 categories, 6,000 creators, 60 brands."""
    nc, nb, n_cat, n_m = 6000, 60, 6, 3
    creator_market = rng.integers(0, n_m, nc)
    primary = rng.integers(0, n_cat, nc)
    followers = np.floor(rng.pareto(1.2, nc) * 1000 + 1000)
    brand_market = rng.integers(0, n_m, nb)
    product_brand = np.repeat(np.arange(nb), 4)
    product_category = rng.integers(0, n_cat, len(product_brand))
    mix = search_mix(nb, n_cat, product_brand, product_category, np.full(nb, -1))
    brands = rng.integers(0, nb, n_picks)
    mode = rng.choice(3, n_picks, p=pi)
    out = np.empty(n_picks, np.int64)
    for i, (b, md) in enumerate(zip(brands, mode)):
        m = brand_market[b]
        if md == 0:
            row = mix[[b]].toarray()[0]
            k = rng.choice(n_cat, p=row)
            pool = np.flatnonzero((creator_market == m) & (primary == k))
            w = followers[pool] ** alpha
        elif md == 1:
            pool = np.flatnonzero(creator_market == m)
            w = followers[pool] ** beta
        else:
            pool = np.flatnonzero(creator_market == m)
            w = np.ones(len(pool))
        out[i] = rng.choice(pool, p=w / w.sum())
    return brands, out, creator_market, brand_market, primary, followers, mix


def test_fit_recovers_planted_parameters():
    rng = np.random.default_rng(5)
    pi = (0.5, 0.3, 0.2)
    b, c, cm, bm, primary, followers, mix = _planted_picks(rng, 20_000, pi, 0.3, 0.6)
    fit = fit_exposure(b, c, cm, bm, primary, followers, mix)
    assert fit["fitted"] == 1.0
    assert fit["pi_cat"] == pytest.approx(pi[0], abs=0.05)
    assert fit["pi_pop"] == pytest.approx(pi[1], abs=0.05)
    assert fit["pi_uni"] == pytest.approx(pi[2], abs=0.05)
    assert fit["alpha"] == pytest.approx(0.3, abs=0.15)
    assert fit["beta"] == pytest.approx(0.6, abs=0.15)
    assert fit["rho"] == pytest.approx(1 / 20_002, abs=1e-12)      # no pick abroad: (0 + 1) / (n + 2)


def test_too_few_pairs_keep_the_defaults():
    rng = np.random.default_rng(1)
    b, c, cm, bm, primary, followers, mix = _planted_picks(rng, MIN_FIT_PAIRS - 1, (0.5, 0.3, 0.2), 0.3, 0.6)
    fit = fit_exposure(b, c, cm, bm, primary, followers, mix)
    assert fit["fitted"] == 0.0
    assert (fit["pi_cat"], fit["alpha"], fit["beta"]) == pytest.approx((1 / 3, 0.5, 0.5))


def test_the_model_history_carries_a_fitted_search_model(learned):
    params = dict(zip(PARAMS, learned.model.history.exposure["params"]))
    assert params["fitted"] == 1.0
    assert params["pi_cat"] + params["pi_pop"] + params["pi_uni"] == pytest.approx(1.0)
    assert params["pairs"] >= MIN_FIT_PAIRS


def _with_statuses(dataset, change: dict[str, str], rows: np.ndarray):
    """``dataset`` with the collaborations ``rows`` whose status is a key of ``change`` set
    to its value."""
    from dataclasses import replace

    from creatormatch.data.contract import STATUSES
    from creatormatch.data.dataset import Table

    col = dataset.collaborations
    status = np.array(col["status"], copy=True)
    for old, new in change.items():
        hit = rows[status[rows] == STATUSES.index(old)]
        status[hit] = STATUSES.index(new)
    columns = dict(col.columns) | {"status": status}
    tables = dict(dataset.tables) | {"collaborations": Table(col.name, columns, col.line)}
    return replace(dataset, tables=tables)


def test_the_fit_reads_the_positive_pairs_only(ranker_market):
    from creatormatch.ranker.history import market_history

    base = market_history(ranker_market).exposure["params"]
    every = np.arange(len(ranker_market.collaborations))
    # declined invitations turned into expiries: no positive pair changes, nor the fit
    same = market_history(_with_statuses(ranker_market, {"declined": "expired"}, every)).exposure["params"]
    np.testing.assert_array_equal(same, base)
    # a third of the accepted ones turned into declines: fewer positive pairs, another fit
    third = every[::3]
    fewer = market_history(_with_statuses(ranker_market, {"accepted": "declined"}, third)).exposure["params"]
    assert fewer[PARAMS.index("pairs")] < base[PARAMS.index("pairs")]
    assert not np.array_equal(fewer, base)
