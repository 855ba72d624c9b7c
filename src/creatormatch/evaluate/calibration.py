"""Calibration of a probability score: expected calibration error and the reliability table.

With predictions ``p_i`` and outcomes ``y_i`` (0/1) split into ``B`` bins of equal width
on [0, 1] (bin ``j`` holds the ``n_j`` predictions in ``[j/B, (j+1)/B)``, the last bin
closed),

.. math::

    \\mathrm{ECE} = \\sum_j \\frac{n_j}{n} \\left| \\bar p_j - \\bar y_j \\right|

where ``bar p_j`` is the mean prediction and ``bar y_j`` the observed rate in bin ``j``.
A perfectly calibrated score has ECE 0: of the pairs it gives 0.3, 30 % become
collaborations.  Because most pairs get small probabilities, the reliability table also
reports equal-count (quantile) bins, which resolve the low range.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Reliability", "expected_calibration_error", "reliability"]


@dataclass(frozen=True)
class Reliability:
    """Per bin: lower and upper edge, count, mean prediction and observed rate."""

    lower: np.ndarray
    upper: np.ndarray
    count: np.ndarray
    predicted: np.ndarray
    observed: np.ndarray

    @property
    def ece(self) -> float:
        n = self.count.sum()
        if n == 0:
            return float("nan")
        keep = self.count > 0
        return float((self.count[keep] / n * np.abs(self.predicted[keep] - self.observed[keep])).sum())

    def to_json(self) -> list[dict[str, float]]:
        return [{"lower": round(float(lo), 6), "upper": round(float(hi), 6), "count": int(n),
                 "predicted": None if n == 0 else round(float(p), 6), "observed": None if n == 0 else round(float(o), 6)}
                for lo, hi, n, p, o in zip(self.lower, self.upper, self.count, self.predicted, self.observed)]


def reliability(p: np.ndarray, y: np.ndarray, bins: int = 10, quantile: bool = False) -> Reliability:
    """The reliability table of predictions ``p`` against outcomes ``y`` (equal-width bins, or
    equal-count bins with ``quantile``)."""
    p = np.asarray(p, np.float64)
    y = np.asarray(y, np.float64)
    if quantile and len(p):
        edges = np.unique(np.quantile(p, np.linspace(0.0, 1.0, bins + 1)))
        if len(edges) < 2:
            edges = np.array([p.min(), p.max() + 1e-12])
    else:
        edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, len(edges) - 2)
    k = len(edges) - 1
    count = np.bincount(idx, minlength=k).astype(np.int64)
    sum_p = np.bincount(idx, weights=p, minlength=k)
    sum_y = np.bincount(idx, weights=y, minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        predicted = np.where(count > 0, sum_p / np.maximum(count, 1), np.nan)
        observed = np.where(count > 0, sum_y / np.maximum(count, 1), np.nan)
    return Reliability(edges[:-1], edges[1:], count, predicted, observed)


def expected_calibration_error(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """ECE with ``bins`` equal-width bins (see the module docstring).

    Examples
    --------
    >>> round(expected_calibration_error([0.1, 0.1, 0.9, 0.9], [0, 0, 1, 1]), 3)
    0.1
    """
    return reliability(p, y, bins).ece
