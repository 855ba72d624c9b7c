"""The temporal protocol on a hand-written market (see ``TINY`` in conftest.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from creatormatch.data import STATUSES, load_dataset
from creatormatch.errors import UsageError
from creatormatch.evaluate.experiment import category_mask
from creatormatch.evaluate.protocol import default_split_date, temporal_split


def _ids(table, rows) -> list[str]:
    return [str(table.ids[r]) for r in rows]


def test_split_by_hand(tiny_dir: Path) -> None:
    ds = load_dataset(tiny_dir)
    s = temporal_split(ds, "2024-03-01")
    assert s.split_label == "2024-03-01"
    # the models see X01..X04 only, and X04's acceptance (after the split) is hidden
    assert s.train.collaborations.ids.tolist() == ["X01", "X02", "X03", "X04"]
    x04 = s.train.collaborations.position("X04")[0]
    assert STATUSES[s.train.collaborations["status"][x04]] == "invited"
    train = s.train_positives.tocoo()
    assert sorted(zip(_ids(ds.brands, train.row), _ids(ds.creators, train.col))) == [("B1", "C1"), ("B3", "C6")]
    test = s.test_positives.tocoo()
    assert sorted(zip(_ids(ds.brands, test.row), _ids(ds.creators, test.col))) == [
        ("B1", "C2"), ("B1", "C3"), ("B2", "C4")]
    assert s.n_test_pairs == 3 and s.n_outside_market == 1
    assert _ids(ds.brands, s.brands) == ["B1", "B2"]
    assert s.cold.tolist() == [False, True]


def test_candidates_are_the_market_minus_training_positives(tiny_dir: Path) -> None:
    ds = load_dataset(tiny_dir)
    s = temporal_split(ds, "2024-03-01")
    cand = s.candidates(s.brands)
    assert [_ids(ds.creators, np.flatnonzero(row)) for row in cand] == [["C2", "C3", "C4"], ["C1", "C2", "C3", "C4"]]
    rel = s.relevant(s.brands)
    assert (rel <= cand).all()


def test_category_negatives_include_subcategories(tiny_dir: Path) -> None:
    ds = load_dataset(tiny_dir)
    b = ds.brands.position(["B1", "B2", "B3"])
    inside = category_mask(ds, b)
    # B1 sells skincare; B2's category is the top level "beauty", so makeup counts too
    assert _ids(ds.creators, np.flatnonzero(inside[0])) == ["C1", "C2", "C5"]
    assert _ids(ds.creators, np.flatnonzero(inside[1])) == ["C1", "C2", "C3", "C5"]
    assert _ids(ds.creators, np.flatnonzero(inside[2])) == ["C4", "C6"]


def test_default_split_is_the_80_percent_quantile_of_positive_invitations_floored(tiny_dir: Path) -> None:
    ds = load_dataset(tiny_dir)
    # positives invited: 01-02, 01-05, 02-27, 03-05, 03-06, 03-07, 03-10; the 80 % quantile
    # ("lower") is the 5th of 7, 2024-03-06 10:00, floored to midnight
    assert str(default_split_date(ds)) == "2024-03-06T00:00:00"
    s = temporal_split(ds)
    assert s.split_label == "2024-03-06"


def test_a_split_without_future_positives_is_refused(tiny_dir: Path) -> None:
    with pytest.raises(UsageError, match="earlier split_date"):
        temporal_split(load_dataset(tiny_dir), "2024-06-01")
    with pytest.raises(UsageError, match="ISO date"):
        temporal_split(load_dataset(tiny_dir), "next tuesday")


def test_candidates_and_relevant_on_a_market_s_columns_equal_the_full_blocks(small_market: Path) -> None:
    """``score_split`` asks for one market's creator columns only; they must be exactly those
    columns of the full-width masks."""
    s = temporal_split(load_dataset(small_market))
    rows = s.brands[:6]
    for market in np.unique(s.brand_market[rows]):
        cols = np.flatnonzero(s.creator_market == market)
        np.testing.assert_array_equal(s.candidates(rows, cols), s.candidates(rows)[:, cols])
        np.testing.assert_array_equal(s.relevant(rows, cols), s.relevant(rows)[:, cols])
        np.testing.assert_array_equal(category_mask(s.train, rows, cols), category_mask(s.train, rows)[:, cols])
    assert s.relevant(rows).any() and s.candidates(rows).any()
