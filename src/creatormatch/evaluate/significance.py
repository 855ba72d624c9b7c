"""Paired per-brand significance tests of one model against another.

Both tests compare the per-brand values ``a_b`` and ``c_b`` of a metric (e.g. NDCG@10) on
the same test brands, using the differences ``d_b = a_b - c_b``:

* ``wilcoxon_p`` -- two-sided Wilcoxon signed-rank test (``scipy.stats.wilcoxon``,
  ``zero_method="wilcox"``: brands where both models score the same are dropped, the usual
  convention); exact distribution for small samples, normal approximation otherwise.
* ``randomisation_p`` -- two-sided paired randomisation (sign-flip) test of the mean
  difference: the share of ``n_permutations`` random sign flips of ``d`` whose mean is at
  least as far from zero as the observed one (with the +1 correction, so never 0).

Two-sided tests are the conservative choice: they also count the blend doing worse.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.stats import wilcoxon

__all__ = ["wilcoxon_p", "randomisation_p", "paired_tests"]


def _pairs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    if a.shape != b.shape:
        raise ValueError("paired tests need one value per brand from each model")
    ok = ~(np.isnan(a) | np.isnan(b))
    return a[ok] - b[ok]


def wilcoxon_p(a: np.ndarray, b: np.ndarray) -> float:
    """Two-sided Wilcoxon signed-rank p-value of the paired values ``a`` vs ``b``.

    1.0 when every pair is equal (no evidence of a difference).

    Examples
    --------
    >>> round(wilcoxon_p(np.array([0.5, 0.6, 0.7, 0.8, 0.9, 1.0]), np.zeros(6)), 4)
    0.0312
    """
    d = _pairs(a, b)
    d = d[d != 0]
    if len(d) == 0:
        return 1.0
    with warnings.catch_warnings():
        # scipy warns that the normal approximation is used when there are ties; that is fine
        warnings.simplefilter("ignore", UserWarning)
        return float(wilcoxon(d, zero_method="wilcox", alternative="two-sided").pvalue)


def randomisation_p(a: np.ndarray, b: np.ndarray, n_permutations: int = 10_000, seed: int = 0) -> float:
    """Two-sided paired sign-flip randomisation p-value of ``mean(a - b)``."""
    d = _pairs(a, b)
    if len(d) == 0 or not np.any(d):
        return 1.0
    rng = np.random.default_rng(seed)
    observed = abs(d.mean())
    signs = rng.choice(np.array([-1.0, 1.0]), size=(n_permutations, len(d)))
    means = np.abs(signs @ d) / len(d)
    return float((1 + np.sum(means >= observed - 1e-15)) / (n_permutations + 1))


def paired_tests(per_brand: dict[str, dict[str, np.ndarray]], reference: str, metrics: list[str],
                 method: str = "wilcoxon") -> dict[str, dict[str, float]]:
    """p-values of ``reference`` against every other model for each metric.

    ``per_brand[model][metric]`` holds one value per test brand (same brand order).
    Returns ``{model: {metric: p}}`` for every model except ``reference``.
    """
    test = wilcoxon_p if method == "wilcoxon" else randomisation_p
    ref = per_brand[reference]
    return {name: {m: test(ref[m], values[m]) for m in metrics}
            for name, values in per_brand.items() if name != reference}
