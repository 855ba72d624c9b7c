"""How much an evaluation can say: bootstrap intervals over brands, and thin-data minimums.

**Bootstrap interval of a mean over brands.**  The per-brand values ``x_1 .. x_n`` (e.g.
NDCG@10 of every test brand) are resampled with replacement ``B`` times; each resample's
mean is ``m*_b = (1/n) sum_i x_{I_bi}`` with ``I_bi`` uniform on ``1..n``; the interval is
the ``(1 - level)/2`` and ``(1 + level)/2`` quantiles of ``m*_1 .. m*_B`` (the percentile
bootstrap).  Brands are the unit: a brand's creators are not independent of each other.
Seeded, so the same evaluation always prints the same interval.

**Thin data.**  Below ``MIN_TEST_PAIRS`` test pairs, ``MIN_TEST_BRANDS`` test brands or
``MIN_VALIDATION_BRANDS`` validation brand periods (summed over the validation cuts) the
figures cannot support a conclusion: a handful of brands decides every mean, a paired test
over fewer than 20 brands has little power (the exact Wilcoxon test cannot reach p < 0.05
with fewer than 6), and weights tuned on a few brands fit their noise.  ``thin_data``
names every shortfall; ``run_evaluation`` then says so and keeps the default settings
instead of tuning.  See ``docs/evaluation.md``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["MIN_TEST_PAIRS", "MIN_TEST_BRANDS", "MIN_VALIDATION_BRANDS", "CI_LEVEL", "BOOTSTRAP_RESAMPLES",
           "bootstrap_mean_ci", "thin_data", "THIN_DATA_WARNING"]

#: Fewest new (brand, creator) collaborations in the test period for a conclusion.
MIN_TEST_PAIRS = 50
#: Fewest test brands (the unit of every mean and paired test).
MIN_TEST_BRANDS = 20
#: Fewest validation brand periods (summed over the cuts) for tuning.
MIN_VALIDATION_BRANDS = 30
#: Coverage of the reported intervals.
CI_LEVEL = 0.95
#: Bootstrap resamples per interval.
BOOTSTRAP_RESAMPLES = 2000
#: The sentence printed above the shortfalls.
THIN_DATA_WARNING = "too little data: these figures cannot support a conclusion"

_CHUNK_CELLS = 4_000_000


def bootstrap_mean_ci(values: np.ndarray, *, level: float = CI_LEVEL, resamples: int = BOOTSTRAP_RESAMPLES,
                      seed: int = 0) -> tuple[float, float]:
    """Percentile-bootstrap interval of the mean of ``values`` (NaN values left out).

    Parameters
    ----------
    values : one value per unit (brand).
    level : coverage, e.g. 0.95.
    resamples : number of bootstrap resamples ``B``.
    seed : seed of the resampling.

    Returns
    -------
    (low, high); ``(nan, nan)`` without values; ``(x, x)`` for a single value.

    Examples
    --------
    >>> bootstrap_mean_ci(np.array([0.5, 0.5, 0.5]))
    (0.5, 0.5)
    >>> low, high = bootstrap_mean_ci(np.array([0.0, 1.0] * 50))
    >>> 0.39 < low < 0.5 < high < 0.61
    True
    """
    x = np.asarray(values, np.float64)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    means = np.empty(resamples)
    step = max(1, _CHUNK_CELLS // n)
    for lo in range(0, resamples, step):
        hi = min(resamples, lo + step)
        means[lo:hi] = x[rng.integers(0, n, size=(hi - lo, n))].mean(axis=1)
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return float(low), float(high)


def thin_data(n_test_pairs: int, n_test_brands: int, n_validation_brands: int | None) -> list[str]:
    """Every shortfall below the documented minimums, as plain sentences (empty = enough data).

    ``n_validation_brands`` is None when no validation period was cut (not counted then).

    Examples
    --------
    >>> thin_data(9, 8, 7)  # doctest: +NORMALIZE_WHITESPACE
    ['9 test pairs (at least 50 needed)', '8 test brands (at least 20 needed)',
     '7 validation brand periods (at least 30 needed to tune)']
    >>> thin_data(363, 64, 216)
    []
    """
    out = []
    if n_test_pairs < MIN_TEST_PAIRS:
        out.append(f"{n_test_pairs:,} test pairs (at least {MIN_TEST_PAIRS} needed)")
    if n_test_brands < MIN_TEST_BRANDS:
        out.append(f"{n_test_brands:,} test brands (at least {MIN_TEST_BRANDS} needed)")
    if n_validation_brands is not None and n_validation_brands < MIN_VALIDATION_BRANDS:
        out.append(f"{n_validation_brands:,} validation brand periods (at least {MIN_VALIDATION_BRANDS} needed "
                   "to tune)")
    return out
