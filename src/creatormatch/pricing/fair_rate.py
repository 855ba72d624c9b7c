"""Fair rate per video, value for money and the under-pricing flag (``docs/pricing.md``).

For a brand that wants a return ``R`` (``target_roas``: sales per unit of fee) on a video
whose expected GMV is ``g`` (interval ``[g_low, g_high]``)::

    fair_rate     = g / R                   the most a brand can pay and still expect R
    fair_low/high = g_low / R, g_high / R
    value_ratio   = fair_rate / rate_per_video          (> 1: the creator asks less than fair)
    underpriced   = fair_low > rate_per_video           (even the low bound is above the price)

A creator without a listed rate has no ``value_ratio`` and is never flagged; a rate of 0
(gifted collaborations only) has no ``value_ratio`` either.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import UsageError

__all__ = ["DEFAULT_TARGET_ROAS", "FairRates", "fair_rates", "check_target_roas"]

#: Default target return on the fee: 3 in attributed sales for every 1 paid.
DEFAULT_TARGET_ROAS = 3.0


@dataclass(frozen=True)
class FairRates:
    """Per creator (or per pair): the fair rate, its bounds, value ratio and the flag."""

    fair_rate: np.ndarray
    fair_low: np.ndarray
    fair_high: np.ndarray
    value_ratio: np.ndarray      # NaN without a positive listed rate
    underpriced: np.ndarray      # bool
    target_roas: float


def check_target_roas(target_roas: float) -> float:
    """``target_roas`` as a float; ``UsageError`` unless it is a finite number above 0."""
    value = float(target_roas)
    if not np.isfinite(value) or value <= 0:
        raise UsageError(f"{{option}} must be a number above 0 (got {target_roas})", option="target_roas")
    return value


def fair_rates(expected: np.ndarray, low: np.ndarray, high: np.ndarray, rate: np.ndarray,
               target_roas: float = DEFAULT_TARGET_ROAS) -> FairRates:
    """Fair rate, bounds, value ratio and flag (module docstring) for aligned arrays.

    Examples
    --------
    >>> r = fair_rates(np.array([300.0]), np.array([150.0]), np.array([600.0]), np.array([40.0]), 3.0)
    >>> float(r.fair_rate[0]), float(r.value_ratio[0]), bool(r.underpriced[0])
    (100.0, 2.5, True)
    """
    roas = check_target_roas(target_roas)
    expected = np.asarray(expected, np.float64)
    rate = np.asarray(rate, np.float64)
    fair = expected / roas
    fair_low = np.asarray(low, np.float64) / roas
    fair_high = np.asarray(high, np.float64) / roas
    priced = np.isfinite(rate) & (rate > 0)
    ratio = np.full(fair.shape, np.nan)
    np.divide(fair, rate, out=ratio, where=priced & np.isfinite(fair))
    listed = np.isfinite(rate)
    under = listed & np.isfinite(fair_low) & (fair_low > np.where(listed, rate, np.inf))
    return FairRates(fair, fair_low, fair_high, ratio, under, roas)
