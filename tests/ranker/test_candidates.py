"""Stage one's selection primitive: ``top_positions`` returns exactly the n largest values."""

import numpy as np
import pytest

from creatormatch.ranker.candidates import top_positions


def _check(values: np.ndarray, eligible: np.ndarray, n: int) -> None:
    got = top_positions(values, eligible, n)
    pool = np.flatnonzero(eligible)
    assert len(got) == min(n, len(pool))
    assert len(np.unique(got)) == len(got) and eligible[got].all()
    # the same multiset of values as the n largest eligible ones (which of equal values is kept
    # at the boundary is unspecified)
    np.testing.assert_array_equal(np.sort(values[got]), np.sort(values[pool])[len(pool) - len(got):])


@pytest.mark.parametrize("kind", ["uniform", "ties", "sorted", "reversed", "float32"])
def test_top_positions_is_exact_on_large_pools(kind):
    """Pools above the sampling threshold (the strided-sample path) and below it."""
    rng = np.random.default_rng(3)
    for size, n in [(200_000, 200), (200_000, 2000), (70_000, 5), (5_000, 200), (300, 1000)]:
        v = {"uniform": rng.random(size), "ties": np.round(rng.random(size) * 20),
             "sorted": np.sort(rng.random(size)), "reversed": np.sort(rng.random(size))[::-1].copy(),
             "float32": rng.standard_normal(size).astype(np.float32)}[kind]
        _check(v, rng.random(size) < 0.9, n)


def test_top_positions_falls_back_when_the_sample_misjudges_the_pool():
    """The stride-sampled values are the pool's largest, so the sample's threshold lets fewer
    than n through: the whole pool is partitioned instead, and the answer is still exact."""
    size, n = 100_000, 100
    rng = np.random.default_rng(5)
    v = rng.random(size)
    v[::size // 4096] += 1000.0 + np.arange(len(v[::size // 4096]))
    _check(v, np.ones(size, bool), n)


@pytest.mark.parametrize("density", [0.5, 0.02, 0.001])
def test_top_positions_is_exact_when_few_creators_are_eligible(density):
    """The threshold comes from the eligible part of a strided sample of the whole scope: a
    sparse eligibility (a filter, a signal only some creators have) changes how much of the
    sample counts, never the answer."""
    rng = np.random.default_rng(11)
    for size, n in [(200_000, 200), (200_000, 20), (50_000, 500)]:
        _check(rng.random(size), rng.random(size) < density, n)
