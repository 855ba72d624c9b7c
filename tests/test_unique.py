"""sorted_unique: np.unique's answer for integer arrays, by sorting."""

from __future__ import annotations

import numpy as np
import pytest

from creatormatch._unique import sorted_unique


def test_hand_computed_case():
    assert sorted_unique(np.array([5, 1, 5, 3, 1, -2])).tolist() == [-2, 1, 3, 5]


@pytest.mark.parametrize("values", [np.zeros(0, np.int64), np.array([7]), np.array([4, 4, 4], np.int32)])
def test_edge_cases_match_numpy(values):
    out = sorted_unique(values)
    np.testing.assert_array_equal(out, np.unique(values))
    assert out.dtype == values.dtype


@pytest.mark.parametrize("n, high", [(1_000, 50), (20_000, 10**6), (100_000, 2**40)])
def test_random_integers_match_numpy(n, high):
    values = np.random.default_rng(n).integers(0, high, n)
    np.testing.assert_array_equal(sorted_unique(values), np.unique(values))
    assert (values == np.random.default_rng(n).integers(0, high, n)).all()    # the input is left as it was
