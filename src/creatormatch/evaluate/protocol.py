"""The temporal evaluation protocol: who may see what, who is tested on what.

Exactly (``docs/evaluation.md``):

* **Positives** are collaborations with status ``accepted`` or ``completed``
  (``contract.POSITIVE_STATUSES``).
* **Split date** ``t``: given, or by default the 80 % quantile of the positives'
  ``invited_at``, floored to midnight (so it can be written as ``YYYY-MM-DD``).
* **What models see**: ``censor_outcomes(restrict_before(dataset, t), t)`` -- collaborations
  invited before ``t``, videos posted before ``t``, campaigns started before ``t``, with
  answers, deliveries, ratings and GMV that came on/after ``t`` blanked.  Every model is
  fitted on this dataset and nothing else; ``tests/evaluate`` check that adding future rows
  changes no result.
* **Training positives**: the (brand, creator) pairs positive in that censored dataset.
* **Test pairs**: (brand, creator) pairs with a positive collaboration that *became*
  positive on/after ``t`` (its ``responded_at``, or ``invited_at`` when that is empty) and
  that are not training positives.  A pair invited before ``t`` but accepted after it is a
  test pair: at ``t`` it was still an open invitation.
* **Candidates** of a test brand: every creator in the brand's market, minus its training
  positives -- the full set, no sampled negatives.  Test pairs whose creator is outside
  the brand's market cannot be ranked by any model; they are counted
  (``n_outside_market``) and left out.
* **Test brands**: brands with at least one test pair; **cold-start** brands are those of
  them with no training positive (reported separately as well).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..data.contract import POSITIVE_STATUSES, STATUSES
from ..data.dataset import Dataset
from ..data.timeslice import censor_outcomes, restrict_before
from ..errors import UsageError

__all__ = [
    "TemporalSplit", "temporal_split", "default_split_date", "positive_mask", "positive_pairs",
    "parse_split_date", "DEFAULT_QUANTILE",
]

#: Share of positives (by invitation time) that fall before the default split date.
DEFAULT_QUANTILE = 0.8

_POSITIVE_CODES = np.array([STATUSES.index(s) for s in POSITIVE_STATUSES], dtype=np.int8)


def positive_mask(dataset: Dataset) -> np.ndarray:
    """Boolean mask of the collaborations whose status is ``accepted`` or ``completed``."""
    return np.isin(dataset.collaborations["status"], _POSITIVE_CODES)


def positive_pairs(dataset: Dataset, rows: np.ndarray | None = None) -> sp.csr_array:
    """Brands x creators 0/1 matrix of the pairs with a positive collaboration.

    ``rows`` restricts to those collaboration rows (a boolean mask or positions); by default
    every positive collaboration counts.
    """
    col = dataset.collaborations
    keep = positive_mask(dataset) if rows is None else np.asarray(rows)
    b = col["brand_id"][keep].astype(np.int64)
    c = col["creator_id"][keep].astype(np.int64)
    m = sp.csr_array((np.ones(len(b)), (b, c)), shape=(dataset.n_brands, dataset.n_creators))
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def parse_split_date(text: str) -> np.datetime64:
    """``YYYY-MM-DD`` (or a full ISO datetime) as ``datetime64[s]``; ``UsageError`` otherwise."""
    try:
        value = np.datetime64(text, "s")
    except (TypeError, ValueError):
        raise UsageError(f"{{option}} must be an ISO date like 2025-06-01 (got {text!r})", option="split_date") from None
    if np.isnat(value):
        raise UsageError(f"{{option}} must be an ISO date like 2025-06-01 (got {text!r})", option="split_date")
    return value


def default_split_date(dataset: Dataset, quantile: float = DEFAULT_QUANTILE) -> np.datetime64:
    """The ``quantile`` of the positives' ``invited_at``, floored to midnight.

    Raises
    ------
    UsageError
        The dataset has no positive collaboration to evaluate on.
    """
    invited = dataset.collaborations["invited_at"][positive_mask(dataset)]
    invited = invited[~np.isnat(invited)]
    if len(invited) == 0:
        raise UsageError("the dataset has no accepted or completed collaboration; nothing to evaluate")
    seconds = np.quantile(invited.astype(np.int64), quantile, method="lower")
    return np.datetime64(int(seconds), "s").astype("datetime64[D]").astype("datetime64[s]")


@dataclass(frozen=True)
class TemporalSplit:
    """One application of the protocol (see the module docstring).

    Attributes
    ----------
    split_date : the cut, ``datetime64[s]``.
    train : the dataset every model is fitted on (past only, outcomes censored).
    train_positives : brands x creators 0/1 CSR, the pairs positive in ``train``.
    test_positives : brands x creators 0/1 CSR, the test pairs (in-market only).
    brands : sorted rows of the test brands (at least one test pair).
    cold : per entry of ``brands``, True when the brand has no training positive.
    brand_market, creator_market : integer market codes (equal code = same market).
    n_outside_market : test pairs left out because the creator is in another market.
    """

    split_date: np.datetime64
    train: Dataset
    train_positives: sp.csr_array
    test_positives: sp.csr_array
    brands: np.ndarray
    cold: np.ndarray
    brand_market: np.ndarray
    creator_market: np.ndarray
    n_outside_market: int

    @property
    def n_test_pairs(self) -> int:
        return int(self.test_positives.nnz)

    @property
    def split_label(self) -> str:
        """The split as text: ``YYYY-MM-DD`` at midnight, else the full ISO datetime."""
        day = self.split_date.astype("datetime64[D]")
        return str(day) if day.astype("datetime64[s]") == self.split_date else str(self.split_date)

    def candidates(self, brand_rows: np.ndarray, cols: np.ndarray | None = None) -> np.ndarray:
        """Boolean ``(len(brand_rows), n_creators)``: the candidate creators of each brand
        (only the creator columns ``cols``, in that order, when given)."""
        brand_rows = np.asarray(brand_rows, np.int64)
        market = self.creator_market if cols is None else self.creator_market[cols]
        mask = self.brand_market[brand_rows, None] == market[None, :]
        return mask & ~_dense_rows(self.train_positives, brand_rows, cols)

    def relevant(self, brand_rows: np.ndarray, cols: np.ndarray | None = None) -> np.ndarray:
        """Boolean ``(len(brand_rows), n_creators)``: the test pairs of each brand (only the
        columns ``cols`` when given)."""
        return _dense_rows(self.test_positives, np.asarray(brand_rows, np.int64), cols)

    def creator_popularity(self) -> np.ndarray:
        """Training popularity of each creator: brands it had a positive collaboration with."""
        return np.asarray(self.train_positives.sum(axis=0)).ravel()


def _dense_rows(m: sp.csr_array, rows: np.ndarray, cols: np.ndarray | None) -> np.ndarray:
    """``m[rows][:, cols] > 0`` as a dense boolean block (``cols`` None: every column),
    without building the full-width rows first."""
    if cols is None:
        return m[rows].toarray() > 0
    out = np.zeros((len(rows), len(cols)), bool)
    for i, r in enumerate(rows.tolist()):                # cols is sorted (a market's creators)
        lo, hi = m.indptr[r], m.indptr[r + 1]
        idx, val = m.indices[lo:hi], m.data[lo:hi]
        at = np.minimum(np.searchsorted(cols, idx), max(len(cols) - 1, 0))
        hit = (cols[at] == idx) & (val > 0) if len(cols) else np.zeros(len(idx), bool)
        out[i, at[hit]] = True
    return out


def temporal_split(dataset: Dataset, split_date: np.datetime64 | str | None = None, *,
                   quantile: float = DEFAULT_QUANTILE) -> TemporalSplit:
    """Apply the protocol to ``dataset`` (see the module docstring).

    Parameters
    ----------
    dataset : the whole dataset (past and future).
    split_date : the cut; default ``default_split_date(dataset, quantile)``.
    quantile : share of positives before the default cut.

    Raises
    ------
    UsageError
        No test pair falls on/after the split date, or none before it is in the data.

    Examples
    --------
    >>> split = temporal_split(load_dataset("datasets/sample"))     # doctest: +SKIP
    >>> split.split_label, len(split.brands), split.n_test_pairs       # doctest: +SKIP
    ('2025-09-04', 92, 771)
    """
    when = default_split_date(dataset, quantile) if split_date is None else (
        parse_split_date(split_date) if isinstance(split_date, str) else np.datetime64(split_date, "s"))
    train = censor_outcomes(restrict_before(dataset, when), when)
    train_pos = positive_pairs(train)

    col = dataset.collaborations
    responded = col["responded_at"]
    became = np.where(np.isnat(responded), col["invited_at"], responded)
    future = positive_mask(dataset) & (became >= when)
    test = positive_pairs(dataset, future)
    # not positive before the split
    test = sp.csr_array(test - test.multiply(train_pos))
    test.eliminate_zeros()

    markets, codes = np.unique(np.concatenate([dataset.brands["market"], dataset.creators["market"]]),
                               return_inverse=True)
    del markets
    brand_market = codes[: dataset.n_brands].astype(np.int64)
    creator_market = codes[dataset.n_brands:].astype(np.int64)
    coo = test.tocoo()
    inside = brand_market[coo.row] == creator_market[coo.col]
    n_outside = int((~inside).sum())
    test = sp.csr_array((np.ones(int(inside.sum())), (coo.row[inside], coo.col[inside])), shape=test.shape)
    test.sort_indices()

    brands = np.flatnonzero(np.diff(test.indptr) > 0)
    if len(brands) == 0:
        raise UsageError(
            f"no brand gained a new in-market collaborator on or after {str(when)[:10]}; "
            "choose an earlier {option}", option="split_date")
    cold = np.diff(train_pos.indptr)[brands] == 0
    return TemporalSplit(split_date=when, train=train, train_positives=train_pos, test_positives=test,
                         brands=brands, cold=cold, brand_market=brand_market, creator_market=creator_market,
                         n_outside_market=n_outside)
