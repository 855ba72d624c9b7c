"""Consistency index: how reliably a creator delivers, and how steadily they post.

Inputs, per creator:

* **on-time rate** -- deliveries made by the due date, out of the collaborations with both
  ``due_at`` and ``delivered_at``;
* **lateness** -- mean days between ``due_at`` and ``delivered_at`` (negative = early);
* **lateness spread** -- standard deviation of those days (two deliveries or more);
* **completion** -- completed collaborations out of completed + cancelled ones;
* **posting cadence** -- standard deviation of ``log(hours between consecutive posts)`` in
  the creator's own feed (videos that are not a collaboration deliverable; at least
  three videos), so a creator who posts every few days scores above one who posts in
  bursts and then goes quiet.

Rates are shrunk with a Beta prior, means and spreads with a normal prior; the index is the
weighted mean of their standard scores (``WEIGHTS``; lateness, its spread and the cadence
spread count negatively).  Formulas: ``docs/indices.md``.
"""

from __future__ import annotations

import numpy as np

from ..data.dataset import Dataset
from ._prepare import STATUS, Prepared, prepare
from ._result import IndexResult, finish, unavailable
from ._stats import (
    beta_prior, beta_shrink, combine, group_count, group_sum, normal_prior, normal_shrink,
    shrink_event_means, standard_score,
)

__all__ = ["consistency_index", "WEIGHTS", "posting_gaps"]

WEIGHTS = {
    "on_time_rate": 0.15,
    "lateness": 0.20,
    "lateness_spread": 0.15,
    "completion_rate": 0.15,
    "cadence_spread": 0.35,
}

#: Lateness beyond these bounds (days) counts as the bound: one lost parcel should not decide.
LATENESS_CLIP_DAYS = (-14.0, 60.0)
#: Gaps shorter than this (hours) count as this long (two uploads in one sitting are one post).
MIN_GAP_HOURS = 1.0
#: Spreads smaller than this (days) count as this small, so ``log`` stays finite.
MIN_LATENESS_SPREAD_DAYS = 1.0 / 24.0


def consistency_index(dataset: Dataset, prepared: Prepared | None = None) -> IndexResult:
    """Consistency index of every creator (see the module docstring and ``docs/indices.md``).

    Evidence is the number of collaborations that reached an end (completed or cancelled)
    plus the number of own-feed videos behind the cadence; a creator with neither is not
    available.
    """
    prep = prepared or prepare(dataset)
    n = prep.n_creators
    col = dataset.collaborations
    if len(col) == 0 and not prep.n_own.any():
        return unavailable("consistency", n, "no collaborations and no own-feed videos")
    creator = prep.collab_creator
    status = col["status"]
    completed = status == STATUS["completed"]
    cancelled = status == STATUS["cancelled"]

    due, done = col["due_at"], col["delivered_at"]
    timed = ~np.isnat(due) & ~np.isnat(done)
    late_days = np.clip((done[timed] - due[timed]).astype(np.int64) / 86_400.0, *LATENESS_CLIP_DAYS)
    timed_creator = creator[timed]
    n_timed = group_count(timed_creator, n)
    n_on_time = group_count(timed_creator, n, late_days <= 0)
    lateness = shrink_event_means(timed_creator, late_days, n)
    spread_obs, spread_noise = _log_spread(timed_creator, late_days, n, MIN_LATENESS_SPREAD_DAYS)
    spread = _shrink_spread(spread_obs, spread_noise)

    n_completed = group_count(creator, n, completed)
    n_cancelled = group_count(creator, n, cancelled)

    gap_creator, gap_hours = posting_gaps(prep)
    n_gaps = group_count(gap_creator, n)
    cad_obs, cad_noise = _log_spread(gap_creator, np.log(np.maximum(gap_hours, MIN_GAP_HOURS)), n, 1e-3)
    cadence = _shrink_spread(cad_obs, cad_noise)
    median_gap = _median_gap_days(gap_creator, gap_hours, n)

    components: dict[str, np.ndarray] = {
        "deliveries_timed": n_timed,
        "deliveries_on_time": n_on_time,
        "mean_lateness_days": lateness.mean,
        "lateness_shrunk": lateness.shrunk,
        "lateness_spread_days": np.where(np.isnan(spread_obs), np.nan, np.exp(spread_obs)),
        "collaborations_completed": n_completed,
        "collaborations_cancelled": n_cancelled,
        "posting_gaps": n_gaps,
        "median_gap_days": median_gap,
        "gap_log_spread": np.where(np.isnan(cad_obs), np.nan, np.exp(cad_obs)),
        # exp(sd of log gaps): a typical gap is this many times longer or shorter than the median
        "gap_spread_factor": np.where(np.isnan(cad_obs), np.nan, np.exp(np.exp(cad_obs))),
    }
    zs: dict[str, np.ndarray] = {}
    for name, (s, t) in {"on_time_rate": (n_on_time, n_timed),
                         "completion_rate": (n_completed, n_completed + n_cancelled)}.items():
        prior = beta_prior(s, t)
        shrunk = beta_shrink(s, t, prior)
        components[name] = np.where(t > 0, s / np.maximum(t, 1), np.nan)
        components[name + "_shrunk"] = shrunk
        components[name + "_prior"] = np.full(n, prior.mean)
        zs[name] = standard_score(shrunk, prior.mean, prior.sd)
    zs["lateness"] = -lateness.z
    zs["lateness_spread"] = -spread
    zs["cadence_spread"] = -cadence
    evidence = n_completed + n_cancelled + np.where(n_gaps >= 2, prep.n_own, 0)
    # a creator with evidence but no data for one input sits at the population on it
    zs = {name: np.where(np.isnan(z) & (evidence > 0), 0.0, z) for name, z in zs.items()}
    components.update({f"z_{name}": z for name, z in zs.items()})
    raw = combine([(WEIGHTS[name], z) for name, z in zs.items()])
    return finish("consistency", raw, evidence, prep.market, components)


def posting_gaps(prep: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Creator row and length (hours) of every gap between consecutive own-feed posts."""
    c, t = prep.sorted_own_creator, prep.sorted_own_seconds
    if len(c) < 2:
        return np.zeros(0, np.int64), np.zeros(0)
    same = c[1:] == c[:-1]
    return c[1:][same], (t[1:] - t[:-1])[same] / 3600.0


def _log_spread(groups: np.ndarray, values: np.ndarray, n: int, floor: float) -> tuple[np.ndarray, np.ndarray]:
    """Per group: ``log`` of the sample standard deviation of ``values`` and its noise variance
    ``1 / (2 (k - 1))`` (k values; NaN below two values)."""
    k = group_count(groups, n)
    s1 = group_sum(groups, values, n)
    s2 = group_sum(groups, values * values, n)
    ok = k >= 2
    obs = np.full(n, np.nan)
    noise = np.full(n, np.inf)
    var = (s2[ok] - s1[ok] ** 2 / k[ok]) / (k[ok] - 1)
    obs[ok] = np.log(np.maximum(np.sqrt(np.maximum(var, 0.0)), floor))
    noise[ok] = 1.0 / (2.0 * (k[ok] - 1))
    return obs, noise


def _shrink_spread(obs: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Standard score of a shrunk log-spread (NaN where there is no spread)."""
    prior = normal_prior(obs, noise)
    shrunk = normal_shrink(obs, noise, prior)
    return standard_score(shrunk, prior.means[0], prior.sd)


def _median_gap_days(groups: np.ndarray, hours: np.ndarray, n: int) -> np.ndarray:
    from ._stats import group_median

    return group_median(groups, np.round(hours * 60).astype(np.int64), n) / (60.0 * 24.0)
