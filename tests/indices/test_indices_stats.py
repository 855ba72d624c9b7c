"""Shrinkage priors, percentiles and grouped reductions, against slow obvious references."""

from __future__ import annotations

import numpy as np
import pytest

from creatormatch.indices._stats import (
    BETA_STRENGTH_BOUNDS, beta_prior, beta_shrink, combine, follower_tier, gamma_prior, gamma_shrink,
    group_median, market_percentile, normal_prior, normal_shrink, share_at_or_below, shrink_event_means,
)


def _reference_percentile(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Slow and obvious: 100 * (average rank - 1) / (n - 1) within the group."""
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values):
        if np.isnan(v):
            continue
        peers = values[(groups == groups[i]) & ~np.isnan(values)]
        if len(peers) == 1:
            out[i] = 50.0
            continue
        below = (peers < v).sum()
        ties = (peers == v).sum()
        out[i] = 100.0 * (below + (ties - 1) / 2) / (len(peers) - 1)
    return out


def test_market_percentile_matches_reference(rng: np.random.Generator) -> None:
    values = rng.integers(0, 8, 300).astype(float)        # many ties
    values[rng.random(300) < 0.2] = np.nan
    groups = rng.integers(0, 5, 300)
    groups[0] = 9                                          # a market of one creator
    np.testing.assert_allclose(market_percentile(values, groups), _reference_percentile(values, groups))


def test_market_percentile_bounds_and_single() -> None:
    out = market_percentile(np.array([3.0, 1.0, 2.0, np.nan, 7.0]), np.array([0, 0, 0, 0, 1]))
    assert out[:3].tolist() == [100.0, 0.0, 50.0]
    assert np.isnan(out[3]) and out[4] == 50.0


def test_share_at_or_below_is_never_zero() -> None:
    out = share_at_or_below(np.array([1.0, 2.0, 2.0, 5.0]), np.array([0, 0, 0, 1]))
    assert out.tolist() == [100 / 3, 100 * 2.5 / 3, 100 * 2.5 / 3, 100.0]


def test_beta_prior_recovers_population(rng: np.random.Generator) -> None:
    # true rates ~ Beta(6, 4): mean 0.6, strength 10
    p = rng.beta(6, 4, 20_000)
    n = rng.integers(5, 40, 20_000)
    s = rng.binomial(n, p)
    prior = beta_prior(s, n)
    assert prior.mean == pytest.approx(0.6, abs=0.01)
    assert prior.strength == pytest.approx(10, rel=0.15)
    shrunk = beta_shrink(s, n, prior)
    raw_err = np.mean((s / n - p) ** 2)
    assert np.mean((shrunk - p) ** 2) < raw_err                 # shrinkage helps


def test_beta_shrink_formula_and_zero_trials() -> None:
    from creatormatch.indices._stats import BetaPrior

    out = beta_shrink(np.array([1.0, 0.0, 9.0]), np.array([1.0, 0.0, 10.0]), BetaPrior(0.5, 4.0))
    assert out[0] == pytest.approx((1 + 2) / (1 + 4))           # one lucky yes is not 100 %
    assert np.isnan(out[1])                                     # no evidence: not available
    assert out[2] == pytest.approx((9 + 2) / 14)


def test_beta_prior_degenerate() -> None:
    assert beta_prior(np.array([0.0]), np.array([0.0])).strength == BETA_STRENGTH_BOUNDS[1]
    everyone = beta_prior(np.array([5.0, 5.0]), np.array([5.0, 5.0]))
    assert everyone.mean == 1.0 and everyone.sd == 0.0


def test_gamma_prior_recovers_population(rng: np.random.Generator) -> None:
    rate = rng.gamma(4.0, 0.5 / 4.0, 20_000)                   # mean 0.5/day, shape 4
    days = rng.uniform(30, 400, 20_000)
    y = rng.poisson(rate * days)
    prior = gamma_prior(y, days)
    assert prior.mean == pytest.approx(0.5, rel=0.03)
    assert prior.mean * prior.strength == pytest.approx(4.0, rel=0.15)   # shape
    shrunk = gamma_shrink(y, days, prior)
    assert np.mean((shrunk - rate) ** 2) < np.mean((y / days - rate) ** 2)
    assert np.isnan(gamma_shrink(np.array([0.0]), np.array([0.0]), prior)[0])


def test_normal_prior_per_group(rng: np.random.Generator) -> None:
    groups = rng.integers(0, 3, 30_000)
    truth = np.array([-1.0, 0.0, 2.0])[groups] + rng.normal(0, 0.5, 30_000)
    noise = rng.uniform(0.05, 1.0, 30_000)
    obs = truth + rng.normal(0, np.sqrt(noise))
    prior = normal_prior(obs, noise, groups, 3)
    np.testing.assert_allclose(prior.means, [-1, 0, 2], atol=0.05)
    assert prior.var == pytest.approx(0.25, rel=0.1)
    post = normal_shrink(obs, noise, prior, groups)
    assert np.mean((post - truth) ** 2) < np.mean((obs - truth) ** 2)


def test_shrink_event_means_nan_without_events() -> None:
    out = shrink_event_means(np.array([0, 0, 2]), np.array([1.0, 3.0, 5.0]), 4)
    assert out.count.tolist() == [2, 0, 1, 0]
    assert out.mean[0] == 2.0 and out.mean[2] == 5.0
    assert np.isnan(out.mean[1]) and np.isnan(out.shrunk[1]) and np.isnan(out.z[3])


def test_group_median_against_numpy(rng: np.random.Generator) -> None:
    groups = rng.integers(0, 50, 2000)
    values = rng.integers(0, 10_000, 2000)
    out = group_median(groups, values, 52)
    for g in range(52):
        mine = values[groups == g]
        if len(mine):
            assert out[g] == np.median(mine)
        else:
            assert np.isnan(out[g])


def test_combine_renormalises_over_present_parts() -> None:
    z1 = np.array([1.0, np.nan, np.nan])
    z2 = np.array([3.0, 2.0, np.nan])
    out = combine([(0.25, z1), (0.75, z2)])
    assert out[0] == pytest.approx(0.25 * 1 + 0.75 * 3)
    assert out[1] == 2.0 and np.isnan(out[2])


def test_follower_tier() -> None:
    followers = np.array([0, 1, 9, 10, 31, 32, 100, 99_999, 100_000])
    assert follower_tier(followers).tolist() == [0, 0, 1, 2, 2, 3, 4, 9, 10]


def test_bipartite_pagerank_matches_networkx(rng: np.random.Generator) -> None:
    import networkx as nx
    import scipy.sparse as sp

    from creatormatch.graph.pagerank import pagerank
    from creatormatch.indices.influence import bipartite_pagerank

    rows, cols = 40, 12
    dense = (rng.random((rows, cols)) < 0.25) * rng.uniform(0.25, 2.0, (rows, cols))
    dense[np.arange(rows), rng.integers(0, cols, rows)] += 1.0   # every node has an edge
    dense[rng.integers(0, rows, cols), np.arange(cols)] += 1.0
    x_r, x_c = bipartite_pagerank(sp.csr_array(dense), tol=1e-12)
    assert x_r.sum() + x_c.sum() == pytest.approx(1.0)

    square = np.zeros((rows + cols, rows + cols))
    square[:rows, rows:] = dense
    square[rows:, :rows] = dense.T
    graph = nx.from_numpy_array(square)
    ref = nx.pagerank(graph, alpha=0.85, tol=1e-14, max_iter=1000)
    expected = np.array([ref[i] for i in range(rows + cols)])
    np.testing.assert_allclose(np.r_[x_r, x_c], expected, rtol=1e-6)
    np.testing.assert_allclose(np.r_[x_r, x_c], pagerank(sp.csr_array(square), tol=1e-14, max_iter=1000), rtol=1e-6)
    # float32 input, the default tolerance: within 0.1 %
    f_r, _ = bipartite_pagerank(sp.csr_array(dense.astype(np.float32)))
    np.testing.assert_allclose(f_r, x_r, rtol=1e-3)


def test_bipartite_pagerank_refuses_isolated_nodes() -> None:
    import scipy.sparse as sp

    from creatormatch.indices.influence import bipartite_pagerank

    with pytest.raises(ValueError):
        bipartite_pagerank(sp.csr_array(np.array([[1.0, 0.0], [1.0, 0.0]])))
