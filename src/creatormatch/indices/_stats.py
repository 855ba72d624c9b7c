"""Shared statistics of the creator indices: grouped sums, shrinkage priors, percentiles.

Everything here is vectorised over creators (or events) with ``np.bincount``,
``ufunc.at`` and one sort at most; nothing loops over rows in Python.

Three empirical-Bayes shrinkages (formulas in ``docs/indices.md``):

* **Beta-binomial** for rates ("answered 18 of 20"): ``(s + m k) / (n + k)`` where ``m``
  is the population rate and ``k`` the prior strength in pseudo-observations, estimated
  by the method of moments from how much creators really differ (``beta_prior``).
* **Gamma-Poisson** for counts over an exposure (videos per day, orders against the
  expected orders): ``(y + m b) / (e + b)`` (``gamma_prior``).
* **Normal-normal** for means of measurements (log reply hours, log views/followers):
  ``mu + tau^2 / (tau^2 + v) * (x - mu)`` where ``v`` is the noise variance of the
  creator's own mean and ``tau^2`` the between-creator variance (``normal_prior``).

A creator with no evidence for a quantity gets NaN from every shrink function: the
indices report "not available", never a default value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "BetaPrior", "GammaPrior", "NormalPrior",
    "beta_prior", "beta_shrink", "gamma_prior", "gamma_shrink", "normal_prior", "normal_shrink",
    "EventMeans", "shrink_event_means", "standard_score",
    "group_sum", "group_count", "group_median", "market_percentile", "share_at_or_below", "combine", "follower_tier",
]

#: Bounds on the Beta prior strength (pseudo-observations): at least 2 so that one lucky
#: invitation never looks like a perfect record, at most 200 so a real record always shows.
BETA_STRENGTH_BOUNDS = (2.0, 200.0)
#: Bounds on the Gamma prior shape (pseudo-events).
GAMMA_SHAPE_BOUNDS = (0.5, 200.0)


# ------------------------------------------------------------------ grouped reductions


def group_sum(groups: np.ndarray, values: np.ndarray, n: int, where: np.ndarray | None = None) -> np.ndarray:
    """Sum of ``values`` per group (float64, length ``n``); rows with ``where`` False are left out."""
    if where is not None:
        groups, values = groups[where], values[where]
    return np.bincount(groups, weights=np.asarray(values, np.float64), minlength=n)[:n]


def group_count(groups: np.ndarray, n: int, where: np.ndarray | None = None) -> np.ndarray:
    """Number of rows per group (int64, length ``n``)."""
    if where is not None:
        groups = groups[where]
    return np.bincount(groups, minlength=n)[:n].astype(np.int64)


def group_median(groups: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Median of ``values`` per group; NaN for an empty group.

    ``values`` must be non-negative integers below 2**31 (e.g. seconds); one ``np.sort`` of
    a composite int64 key does the grouping.
    """
    groups = np.asarray(groups, np.int64)
    values = np.asarray(values, np.int64)
    out = np.full(n, np.nan)
    if len(groups) == 0:
        return out
    key = np.sort((groups << 31) | np.clip(values, 0, 2**31 - 1))
    sorted_values = (key & (2**31 - 1)).astype(np.float64)
    counts = np.bincount(groups, minlength=n)[:n]
    starts = np.cumsum(counts) - counts
    has = counts > 0
    lo = starts[has] + (counts[has] - 1) // 2
    hi = starts[has] + counts[has] // 2
    out[has] = 0.5 * (sorted_values[lo] + sorted_values[hi])
    return out


# ------------------------------------------------------------------ Beta-binomial


@dataclass(frozen=True)
class BetaPrior:
    """Population rate ``mean`` and prior ``strength`` (pseudo-observations)."""

    mean: float
    strength: float

    @property
    def sd(self) -> float:
        """Between-creator standard deviation of the true rate under this prior."""
        return float(np.sqrt(self.mean * (1.0 - self.mean) / (self.strength + 1.0)))


def beta_prior(successes: np.ndarray, trials: np.ndarray) -> BetaPrior:
    """Fit a Beta prior to per-creator ``successes`` of ``trials`` by the method of moments.

    With ``p_i = s_i / n_i`` and ``m = sum(s) / sum(n)``, the between-creator variance is
    ``tau^2 = (sum n_i (p_i - m)^2 - K m (1 - m)) / sum (n_i - 1)`` over the K creators with
    trials, and the strength ``k = m (1 - m) / tau^2 - 1`` (clamped to
    ``BETA_STRENGTH_BOUNDS``).  Successes may be fractional (fulfilment shares).
    """
    s = np.asarray(successes, np.float64)
    n = np.asarray(trials, np.float64)
    has = n > 0
    lo, hi = BETA_STRENGTH_BOUNDS
    if not has.any():
        return BetaPrior(float("nan"), hi)
    s, n = s[has], n[has]
    m = float(s.sum() / n.sum())
    spread = m * (1.0 - m)
    dof = float((n - 1.0).sum())
    if spread <= 0.0 or dof <= 0.0:
        return BetaPrior(m, hi)
    tau2 = (float((n * (s / n - m) ** 2).sum()) - len(n) * spread) / dof
    k = spread / tau2 - 1.0 if tau2 > 0 else hi
    return BetaPrior(m, float(np.clip(k, lo, hi)))


def beta_shrink(successes: np.ndarray, trials: np.ndarray, prior: BetaPrior) -> np.ndarray:
    """Posterior mean rate ``(s + m k) / (n + k)``; NaN where there are no trials."""
    s = np.asarray(successes, np.float64)
    n = np.asarray(trials, np.float64)
    out = (s + prior.mean * prior.strength) / (n + prior.strength)
    out[n <= 0] = np.nan
    return out


# ------------------------------------------------------------------ Gamma-Poisson


@dataclass(frozen=True)
class GammaPrior:
    """Population rate ``mean`` and prior ``strength`` (exposure units, e.g. days)."""

    mean: float
    strength: float

    @property
    def sd(self) -> float:
        """Between-creator standard deviation of the true rate: ``sqrt(mean / strength)``."""
        return float(np.sqrt(self.mean / self.strength)) if self.strength > 0 else 0.0


def gamma_prior(counts: np.ndarray, exposure: np.ndarray) -> GammaPrior:
    """Fit a Gamma prior to per-creator event ``counts`` over ``exposure`` (method of moments).

    With ``r_i = y_i / e_i`` and ``mu = sum(y) / sum(e)``:
    ``tau^2 = (sum e_i (r_i - mu)^2 - K mu) / sum e_i``; shape ``a = mu^2 / tau^2`` (clamped
    to ``GAMMA_SHAPE_BOUNDS``) and strength ``b = a / mu`` in exposure units.
    """
    y = np.asarray(counts, np.float64)
    e = np.asarray(exposure, np.float64)
    has = e > 0
    lo, hi = GAMMA_SHAPE_BOUNDS
    if not has.any():
        return GammaPrior(float("nan"), 0.0)
    y, e = y[has], e[has]
    mu = float(y.sum() / e.sum())
    if mu <= 0:
        return GammaPrior(0.0, 0.0)
    tau2 = (float((e * (y / e - mu) ** 2).sum()) - len(e) * mu) / float(e.sum())
    shape = mu * mu / tau2 if tau2 > 0 else hi
    shape = float(np.clip(shape, lo, hi))
    return GammaPrior(mu, shape / mu)


def gamma_shrink(counts: np.ndarray, exposure: np.ndarray, prior: GammaPrior) -> np.ndarray:
    """Posterior mean rate ``(y + mu b) / (e + b)``; NaN where the exposure is zero."""
    y = np.asarray(counts, np.float64)
    e = np.asarray(exposure, np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (y + prior.mean * prior.strength) / (e + prior.strength)
    out[~(e > 0)] = np.nan
    return out


# ------------------------------------------------------------------ Normal-normal


@dataclass(frozen=True)
class NormalPrior:
    """Prior mean per group (``means[g]``) and between-creator variance ``var``."""

    means: np.ndarray
    var: float

    @property
    def sd(self) -> float:
        return float(np.sqrt(self.var))


#: A group mean (e.g. a follower tier) counts as this many creators at the overall mean,
#: so a tier with a handful of creators is not compared with itself alone.
GROUP_MEAN_PSEUDO_CREATORS = 20.0


def normal_prior(obs: np.ndarray, noise_var: np.ndarray, groups: np.ndarray | None = None,
                 n_groups: int = 1) -> NormalPrior:
    """Fit a normal prior to per-creator means ``obs`` with known noise variances.

    ``tau^2 = weighted mean of ((x_i - mu_g)^2 - v_i)`` with weights ``1 / (tau^2 + v_i)``
    (two passes), and ``mu_g`` the weighted mean of the creator's group (follower tier),
    pulled toward the overall mean by ``GROUP_MEAN_PSEUDO_CREATORS``.  Creators whose
    ``obs`` is NaN are ignored.
    """
    x = np.asarray(obs, np.float64)
    v = np.asarray(noise_var, np.float64)
    g = np.zeros(len(x), np.int64) if groups is None else np.asarray(groups, np.int64)
    ok = np.isfinite(x) & np.isfinite(v)
    if not ok.any():
        return NormalPrior(np.full(n_groups, np.nan), 0.0)
    x, v, g = x[ok], v[ok], g[ok]
    tau2 = max(float(np.var(x) - v.mean()), 1e-12)
    means = np.full(n_groups, float(x.mean()))
    for _ in range(3):
        w = 1.0 / (tau2 + v)
        overall = float((w * x).sum() / w.sum())
        wsum = np.bincount(g, weights=w, minlength=n_groups)
        pseudo = GROUP_MEAN_PSEUDO_CREATORS * float(w.mean())
        means = (np.bincount(g, weights=w * x, minlength=n_groups) + pseudo * overall) / (wsum + pseudo)
        resid = (x - means[g]) ** 2 - v
        tau2 = max(float((w * resid).sum() / w.sum()), 1e-12 * max(1.0, float(np.var(x))))
    return NormalPrior(means, tau2)


def normal_shrink(obs: np.ndarray, noise_var: np.ndarray, prior: NormalPrior,
                  groups: np.ndarray | None = None) -> np.ndarray:
    """Posterior mean ``mu_g + tau^2 / (tau^2 + v) (x - mu_g)``; NaN where ``obs`` is NaN."""
    x = np.asarray(obs, np.float64)
    v = np.asarray(noise_var, np.float64)
    mu = prior.means[0] if groups is None else prior.means[np.asarray(groups, np.int64)]
    return mu + prior.var / (prior.var + v) * (x - mu)


@dataclass(frozen=True)
class EventMeans:
    """Per-creator means of per-event measurements, raw and shrunk (``shrink_event_means``)."""

    mean: np.ndarray       # the creator's own mean, NaN without events
    count: np.ndarray      # events per creator
    shrunk: np.ndarray     # posterior mean, NaN without events
    z: np.ndarray          # (shrunk - prior mean of the group) / prior sd, NaN without events
    prior: NormalPrior
    within_var: float      # pooled within-creator variance of one event


def shrink_event_means(groups: np.ndarray, values: np.ndarray, n: int,
                       tiers: np.ndarray | None = None, n_tiers: int = 1) -> EventMeans:
    """Normal-normal shrinkage of each creator's mean of per-event ``values``.

    The noise variance of creator ``i``'s mean is ``sigma^2 / n_i`` with ``sigma^2`` the
    pooled within-creator variance; the prior is fitted by ``normal_prior`` (per tier
    when ``tiers`` -- one tier per creator -- is given).
    """
    values = np.asarray(values, np.float64)
    count = group_count(groups, n)
    total = group_sum(groups, values, n)
    squares = group_sum(groups, values * values, n)
    has = count > 0
    mean = np.full(n, np.nan)
    mean[has] = total[has] / count[has]
    within = np.where(has, squares - np.where(has, mean, 0.0) * total, 0.0)
    dof = float((count[has] - 1).sum())
    sigma2 = float(np.maximum(within, 0.0).sum() / dof) if dof > 0 else float(np.var(values)) if len(values) else 0.0
    sigma2 = max(sigma2, 1e-12)
    noise = np.full(n, np.inf)
    noise[has] = sigma2 / count[has]
    prior = normal_prior(mean, noise, tiers, n_tiers)
    shrunk = normal_shrink(mean, noise, prior, tiers)
    centre = prior.means[0] if tiers is None else prior.means[np.asarray(tiers, np.int64)]
    z = standard_score(shrunk, centre, prior.sd)
    return EventMeans(mean, count, shrunk, z, prior, sigma2)


# ------------------------------------------------------------------ normalisation


def standard_score(estimate: np.ndarray, centre: np.ndarray | float, sd: float) -> np.ndarray:
    """``(estimate - centre) / sd``; zero (the population) where ``sd`` is zero."""
    if not sd > 0:
        return np.where(np.isnan(estimate), np.nan, 0.0)
    return (estimate - centre) / sd


def combine(parts: list[tuple[float, np.ndarray]]) -> np.ndarray:
    """Weighted mean of standard scores ``[(weight, z), ...]`` over the parts present.

    A creator missing one part (NaN) is scored on the others with their weights
    renormalised; NaN only where every part is NaN.
    """
    n = len(parts[0][1])
    total = np.zeros(n)
    weight = np.zeros(n)
    for w, z in parts:
        has = ~np.isnan(z)
        total[has] += w * z[has]
        weight[has] += w
    out = np.full(n, np.nan)
    np.divide(total, weight, out=out, where=weight > 0)
    return out


def market_percentile(values: np.ndarray, markets: np.ndarray) -> np.ndarray:
    """Percentile 0–100 of each value among the non-NaN values of its market.

    ``100 * (average rank - 1) / (n - 1)``: the lowest creator of a market gets 0, the
    highest 100, tied creators share their average rank, and a creator alone in its
    market gets 50.  NaN stays NaN.  ``markets`` may be any integer group code.
    """
    return _percentile(values, markets, from_zero=True)


def share_at_or_below(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """``100 * average rank / n`` within each group: the share of the group at or below the
    value, in (0, 100] -- never 0, so a sparse matrix can keep "no activity" as zero."""
    return _percentile(values, groups, from_zero=False)


def _percentile(values: np.ndarray, groups: np.ndarray, from_zero: bool) -> np.ndarray:
    values = np.asarray(values, np.float64)
    out = np.full(len(values), np.nan)
    idx = np.flatnonzero(~np.isnan(values))
    if len(idx) == 0:
        return out
    v = values[idx]
    m = np.asarray(groups)[idx]
    order = _group_value_order(v, m)
    vs, ms = v[order], m[order]
    n = len(vs)
    pos = np.arange(n)
    new_market = np.r_[True, ms[1:] != ms[:-1]]
    market_start = np.maximum.accumulate(np.where(new_market, pos, 0))
    market_end = _run_end(new_market)
    new_tie = new_market | np.r_[True, vs[1:] != vs[:-1]]
    tie_start = np.maximum.accumulate(np.where(new_tie, pos, 0))
    tie_end = _run_end(new_tie)
    size = market_end - market_start + 1
    rank = 0.5 * (tie_start + tie_end) - market_start  # 0-based average rank
    if from_zero:
        score = np.where(size > 1, 100.0 * rank / np.maximum(size - 1, 1), 50.0)
    else:
        score = 100.0 * (rank + 1.0) / size
    out[idx[order]] = score
    return out


def _group_value_order(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Order by group, then value: ``np.lexsort((values, groups))``, but faster when the group
    codes fit in 16 bits (one value sort, then a stable radix sort of the groups)."""
    if len(groups) and groups.min() >= 0 and groups.max() < 2**15:
        by_value = np.argsort(values, kind="stable")
        return by_value[np.argsort(groups[by_value].astype(np.int16), kind="stable")]
    return np.lexsort((values, groups))


def _run_end(new_run: np.ndarray) -> np.ndarray:
    """For each position of sorted runs (``new_run`` marks starts), the last position of its run."""
    n = len(new_run)
    starts = np.flatnonzero(new_run)
    ends = np.r_[starts[1:] - 1, n - 1]
    run_id = np.cumsum(new_run) - 1
    return ends[run_id]


def follower_tier(followers: np.ndarray) -> np.ndarray:
    """Half-decade follower tier: ``floor(2 * log10(max(followers, 1)))`` (0 = 1–3 followers,
    8 = 10k–31.6k, 10 = 100k–316k, ...)."""
    f = np.maximum(np.asarray(followers, np.float64), 1.0)
    return np.floor(2.0 * np.log10(f) + 1e-9).astype(np.int64)
