"""Splitting a load step into node-disjoint blocks (store.schedule): pure, no server."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creatormatch.store.schedule import grid_phases


def _check(a: np.ndarray, b: np.ndarray | None, workers: int) -> list[list[np.ndarray]]:
    phases = grid_phases(a, b, workers)
    every = np.concatenate([block for blocks in phases for block in blocks])
    assert np.array_equal(np.sort(every), np.arange(len(a)))  # each row exactly once
    for blocks in phases:
        assert len(blocks) == workers
        for block in blocks:
            assert np.all(np.diff(block) > 0)  # row order kept inside a block
        for i in range(workers):
            for j in range(i + 1, workers):
                # two blocks of one phase never share a node (negative = no node)
                ai, aj = a[blocks[i]], a[blocks[j]]
                assert not set(ai[ai >= 0].tolist()) & set(aj[aj >= 0].tolist())
                if b is not None:
                    bi, bj = b[blocks[i]], b[blocks[j]]
                    assert not set(bi[bi >= 0].tolist()) & set(bj[bj >= 0].tolist())
    return phases


def test_a_hand_made_grid():
    # rows:        0  1  2  3  4  5
    a = np.array([0, 1, 0, 1, 2, 3])  # brands
    b = np.array([0, 0, 1, 1, 1, -1])  # creators; -1 links none
    phases = _check(a, b, 2)
    # block (a mod 2, b mod 2); phase p holds (0, p) and (1, 1 + p mod 2)
    assert [blk.tolist() for blk in phases[0]] == [[0], [3]]
    assert [blk.tolist() for blk in phases[1]] == [[2, 4], [1, 5]]


def test_one_worker_is_every_row_in_order():
    a = np.array([5, 3, 5, 1])
    assert [[blk.tolist() for blk in blocks] for blocks in grid_phases(a, a[::-1].copy(), 1)] == [[[0, 1, 2, 3]]]


def test_one_shared_end_needs_one_phase():
    a = np.array([0, 1, 2, 3, 4, 0])
    phases = _check(a, None, 2)
    assert len(phases) == 1
    assert [blk.tolist() for blk in phases[0]] == [[0, 2, 4, 5], [1, 3]]


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="workers"):
        grid_phases(np.zeros(3), None, 0)
    with pytest.raises(ValueError, match="rows"):
        grid_phases(np.zeros(3), np.zeros(2), 2)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(-1, 30), st.integers(-1, 30)), max_size=200),
       st.integers(1, 5), st.booleans())
def test_blocks_of_a_phase_never_share_a_node(pairs, workers, two_ends):
    a = np.array([p[0] for p in pairs], np.int64)
    b = np.array([p[1] for p in pairs], np.int64) if two_ends else None
    phases = _check(a, b, workers)
    assert len(phases) == (workers if two_ends and workers > 1 else 1)
