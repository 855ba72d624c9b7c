"""Expected GMV of one shoppable video per creator, with an 80 % interval (empirical Bayes).

The model (``docs/pricing.md``, "Expected GMV per video") works on the log scale, where
the creator's value and the noise of its record are close to normal::

    z_i = log(ybar*_i) - b(n_i),    ybar*_i = (S_i + h m0_i) / (n_i + h),   v_i = kappa / (n_i + h)
    z_i | theta_i ~ N(theta_i, v_i)                     theta_i = log mu_i, mu_i the true mean
    theta_i       ~ N(p_i, tau^2),   p_i = beta * log(followers_i) + P_g(i)

``S_i`` is the GMV of the creator's ``n_i`` videos of evidence, ``h = PSEUDO_VIDEOS`` a small
fraction of a video at the crude peer level ``m0_i`` (so a record of zero sales has a
logarithm, without pulling low records up toward their peers), and ``- b(n_i)`` undoes the
downward bias of the log of a mean of ``n`` videos, ``b(n) = E[log ybar*_n] - log mu``,
measured on the market's own long records (``log_mean_bias``; GMV per video is
zero-inflated and heavy-tailed, so the log-normal rule ``b(n) = -v/2`` is twice too large
for one video).  The posterior is normal::

    w_i     = tau^2 / (tau^2 + v_i)
    post_i  = p_i + w_i (z_i - p_i),     var_i = w_i v_i       (var_i = tau^2 without evidence)
    expected_gmv_i = exp(post_i + var_i / 2)
    low_i, high_i  = exp(post_i -/+ 1.2816 sqrt(var_i))      (80 % interval)

Fitted by the method of moments (vectorised, no loop over creators):

* ``kappa``: split-half noise of one record -- each creator's videos (``>= SPLIT_MIN_VIDEOS``)
  in time order, the earlier half A and the later half B,
  ``kappa = mean_i (log ybar*_A - log ybar*_B)^2 / (1/(n_A+h) + 1/(n_B+h))``;
* ``beta``: least-squares slope of ``z_i`` on ``log followers_i`` (creators with
  ``n_i >= MIN_FIT_VIDEOS``), clamped to [0, 1.5];
* ``P_g``: mean of ``z_i - beta log followers_i`` in group g = (size tier, market,
  top-level category), pulled toward the coarser group (tier, market), then (tier), then
  all creators by ``GROUP_PSEUDO_CREATORS``;
* ``b(n)``, ``n = 1..BIAS_MAX_VIDEOS``: creators with at least ``max(2n, 20)`` videos, their
  videos in time order cut into windows of ``n``; ``b(n)`` is the mean over creators of
  the mean over their windows of ``log ybar*_window - log ybar*_record``, plus
  ``-kappa / (2 N)`` (the bias of the whole record of ``N`` videos, where the log-normal
  rule holds); linear in between, ``b(n) = b(n_last) n_last / n`` beyond the last ``n``
  measured, ``-v / 2`` when no record is long enough;
* ``tau^2 = var(z_i - p_i^(-i)) - mean(v_i)`` over creators with ``n_i >= MIN_FIT_VIDEOS``,
  with ``p_i^(-i)`` the peer level without the creator's own record (its share
  ``1 / (c_g + GROUP_PSEUDO_CREATORS)`` of its group's mean taken out): ``tau^2`` then
  holds the error of the estimated peer level too, which the in-sample residuals hide.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from ..data.dataset import Dataset
from ..indices._stats import follower_tier
from .evidence import SalesEvidence, sales_evidence

__all__ = ["ValueEstimate", "PriceModel", "fit_value_model", "posterior_value", "expected_value_per_video",
           "INTERVAL", "GROUP_PSEUDO_CREATORS", "MIN_FIT_VIDEOS", "PSEUDO_VIDEOS"]

#: Central probability of the reported interval.
INTERVAL = 0.8
#: A group mean counts as this many creators at its parent group's mean.
GROUP_PSEUDO_CREATORS = 10.0
#: Creators with at least this many videos fit the size slope and the between-creator spread.
MIN_FIT_VIDEOS = 3
#: Videos at the crude peer level added to every record (a record of zero sales stays finite);
#: small, because a larger pull toward the peers hides how far low records really are.
PSEUDO_VIDEOS = 0.02
#: Longest window ``n`` at which the bias of the log of a mean, ``b(n)``, is measured.
BIAS_MAX_VIDEOS = 32
#: Creators with at least this many videos measure the split-half noise (shorter records
#: rarely catch the rare big sale and understate it).
SPLIT_MIN_VIDEOS = 10
_KAPPA_BOUNDS = (0.05, 50.0)
_BETA_BOUNDS = (0.0, 1.5)
_MIN_TAU2 = 0.01


@dataclass(frozen=True)
class PriceModel:
    """Fitted hyper-parameters (see the module docstring)."""

    kappa: float          # noise variance of log(mean GMV) of a one-video record
    beta: float           # size slope: the peer level grows as followers ** beta
    tau2: float           # between-creator variance of log value around the peer level


@dataclass(frozen=True)
class ValueEstimate:
    """Per creator (one entry per creator row): expected GMV per shoppable video and its interval."""

    expected: np.ndarray      # posterior mean; NaN when no creator of the market has sales
    low: np.ndarray           # 10 % posterior quantile
    high: np.ndarray          # 90 % posterior quantile
    prior: np.ndarray         # peer level exp(p_i + tau^2 / 2)
    evidence: np.ndarray      # videos of evidence (int)
    own_mean: np.ndarray      # S_i / n_i, NaN without evidence
    model: PriceModel
    weight: np.ndarray | None = None   # w_i, the weight of the creator's own record (0 without one)


def _top_level(parent: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Top-level ancestor of each category row (-1 stays -1)."""
    out = np.asarray(rows, np.int64).copy()
    if len(parent) == 0:
        return out
    for _ in range(64):  # the contract refuses cycles; depth is small
        has = out >= 0
        up = np.where(has, parent[np.maximum(out, 0)], -1)
        move = has & (up >= 0)
        if not move.any():
            break
        out[move] = up[move]
    return out


def peer_groups(tier: np.ndarray, market: np.ndarray, category: np.ndarray) -> list[np.ndarray]:
    """Group codes from the coarsest (all) to the finest (tier x market x category)."""
    keys = [np.zeros(len(tier), np.int64), tier, tier * 1_000 + market,
            (tier * 1_000 + market) * 100_000 + (category + 1)]
    return [np.unique(k, return_inverse=True)[1].astype(np.int64) for k in keys]


def _hierarchical_means(levels: list[np.ndarray], x: np.ndarray, has: np.ndarray) -> np.ndarray:
    """Per creator: mean of ``x`` (creators with ``has``) in its finest group, each level
    pulled toward its parent level's mean by ``GROUP_PSEUDO_CREATORS``."""
    level_mean = np.full(len(x), float(x[has].mean()) if has.any() else np.nan)
    if not has.any():
        return level_mean
    for codes in levels[1:]:
        k = int(codes.max()) + 1
        s = np.bincount(codes[has], weights=x[has], minlength=k)
        c = np.bincount(codes[has], minlength=k).astype(np.float64)
        parent = np.bincount(codes, weights=level_mean, minlength=k) / np.maximum(np.bincount(codes, minlength=k), 1)
        level_mean = ((s + GROUP_PSEUDO_CREATORS * parent) / (c + GROUP_PSEUDO_CREATORS))[codes]
    return level_mean


def _split_half_kappa(ev: SalesEvidence, crude: np.ndarray) -> float:
    """``kappa`` from the alternating split of each creator's videos (module docstring)."""
    nc = len(ev.n)
    if len(ev.video_creator) == 0:
        return 1.0
    c, g, count, start = _videos_by_creator(ev)
    # earlier half vs later half (not alternating): the deliverables of one collaboration,
    # which share a product, stay together, so their common part counts as noise
    half = (2 * (np.arange(len(c)) - start[c]) >= count[c]).astype(np.int64)
    h = PSEUDO_VIDEOS
    nA = np.bincount(c[half == 0], minlength=nc).astype(np.float64)
    nB = np.bincount(c[half == 1], minlength=nc).astype(np.float64)
    sA = np.bincount(c[half == 0], weights=g[half == 0], minlength=nc)
    sB = np.bincount(c[half == 1], weights=g[half == 1], minlength=nc)
    ok = (count >= SPLIT_MIN_VIDEOS) & (crude > 0)
    if not ok.any():
        return 1.0
    a = np.log((sA[ok] + h * crude[ok]) / (nA[ok] + h))
    b = np.log((sB[ok] + h * crude[ok]) / (nB[ok] + h))
    d = (a - b) / np.sqrt(1.0 / (nA[ok] + h) + 1.0 / (nB[ok] + h))
    kappa = float(np.mean(d * d))
    return float(np.clip(kappa, *_KAPPA_BOUNDS))


def _videos_by_creator(ev: SalesEvidence) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(creator, GMV) of every shoppable video sorted by creator (time order kept), the
    videos per creator and the first position of each creator."""
    order = np.argsort(ev.video_creator, kind="stable")
    c, g = ev.video_creator[order], ev.video_gmv[order]
    count = np.bincount(c, minlength=len(ev.n))
    return c, g, count, np.cumsum(count) - count


def log_mean_bias(ev: SalesEvidence, crude: np.ndarray, kappa: float) -> np.ndarray:
    """``b(n) = E[log ybar*_n] - log mu`` for ``n = 0..BIAS_MAX_VIDEOS`` (NaN where not
    measured; index 0 unused), from windows of the market's long records (module docstring).

    ``b(n) = mean_i [ mean_w log ybar*_{i,w} - log ybar*_i ] - mean_i kappa / (2 (N_i + h))``
    over creators ``i`` with ``N_i >= max(2n, 20)`` videos and their whole windows ``w`` of
    ``n`` consecutive videos.  The windows lie inside the record, but the expectation of
    a difference is the difference of expectations, so the overlap does not bias it.
    """
    out = np.full(BIAS_MAX_VIDEOS + 1, np.nan)
    if len(ev.video_creator) == 0:
        return out
    _, g, count, start = _videos_by_creator(ev)
    cum = np.concatenate([[0.0], np.cumsum(g)])
    h = PSEUDO_VIDEOS
    for n in range(1, BIAS_MAX_VIDEOS + 1):
        ok = np.flatnonzero((count >= max(2 * n, SPLIT_MIN_VIDEOS * 2)) & (crude > 0))
        if len(ok) < 20:
            break
        k = count[ok] // n                                  # whole windows per creator
        who = np.repeat(ok, k)
        first = start[who] + n * (np.arange(int(k.sum())) - np.repeat(np.cumsum(k) - k, k))
        window = np.log((cum[first + n] - cum[first] + h * crude[who]) / (n + h))
        record = np.log((cum[start[who] + count[who]] - cum[start[who]] + h * crude[who]) / (count[who] + h))
        per_creator = np.bincount(np.repeat(np.arange(len(ok)), k), weights=window - record) / k
        out[n] = float(per_creator.mean() - np.mean(kappa / (2.0 * (count[ok] + h))))
    return out


def _bias_at(bias: np.ndarray, n: np.ndarray, kappa: float) -> np.ndarray:
    """``b(n)`` at each (possibly fractional) ``n`` from the measured ``bias`` (module docstring)."""
    n = np.asarray(n, np.float64)
    grid = np.flatnonzero(np.isfinite(bias))
    if len(grid) == 0:
        return -kappa / (2.0 * (n + PSEUDO_VIDEOS))
    last = int(grid[-1])
    out = np.interp(n, grid, bias[grid])
    far = n > last
    out[far] = bias[last] * last / n[far]
    return out


def fit_value_model(ev: SalesEvidence, followers: np.ndarray, groups: list[np.ndarray]
                    ) -> tuple[PriceModel, np.ndarray, np.ndarray, np.ndarray]:
    """Fit ``PriceModel``; returns it with ``z``, ``v`` (inf without evidence) and ``p`` per creator.

    ``groups`` are integer group codes per creator from the coarsest to the finest level.
    """
    has = ev.n > 0
    logf = np.log(np.maximum(np.asarray(followers, np.float64), 1.0))
    # crude peer level: arithmetic group mean of the own means (only to keep zero records finite)
    own = np.where(has, np.nan_to_num(ev.mean), 0.0)
    crude = _hierarchical_means(groups, own, has)
    crude = np.where(crude > 0, crude, np.nan)
    kappa = _split_half_kappa(ev, np.nan_to_num(crude))
    h = PSEUDO_VIDEOS
    usable = has & np.isfinite(crude)
    v = np.full(len(has), np.inf)
    z = np.full(len(has), np.nan)
    v[usable] = kappa / (ev.n[usable] + h)
    bias = _bias_at(log_mean_bias(ev, np.nan_to_num(crude), kappa), ev.n[usable], kappa)
    z[usable] = np.log((ev.total[usable] + h * crude[usable]) / (ev.n[usable] + h)) - bias

    fit = usable & (ev.n >= MIN_FIT_VIDEOS)
    beta = 0.0
    if fit.sum() >= 10 and np.var(logf[fit]) > 0:
        beta = float(np.cov(logf[fit], z[fit])[0, 1] / np.var(logf[fit], ddof=1))
    beta = float(np.clip(beta, *_BETA_BOUNDS))
    x = np.where(usable, z - beta * logf, 0.0)
    level = _hierarchical_means(groups, x, usable)
    p = level + beta * logf
    tau2 = _MIN_TAU2
    if fit.sum() >= 10:
        # the peer level without the creator's own record: its share of its finest group's mean out
        finest = groups[-1]
        members = np.bincount(finest[usable], minlength=int(finest.max()) + 1).astype(np.float64)[finest]
        own = np.where(usable, 1.0 / (members + GROUP_PSEUDO_CREATORS), 0.0)
        p_without = (level - own * x) / (1.0 - own) + beta * logf
        tau2 = float(np.var(z[fit] - p_without[fit]) - np.mean(v[fit]))
    tau2 = max(tau2, _MIN_TAU2)
    return PriceModel(kappa=kappa, beta=beta, tau2=tau2), z, v, p


def posterior_value(z: np.ndarray, v: np.ndarray, p: np.ndarray, tau2: float,
                    interval: float = INTERVAL) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Posterior mean and central ``interval`` of ``mu = exp(theta)`` (normal-normal on the log scale).

    ``w = tau^2 / (tau^2 + v)``, ``post = p + w (z - p)``, ``var = w v`` (``tau^2`` where
    ``v`` is infinite); mean ``exp(post + var / 2)``, bounds ``exp(post -/+ q sqrt(var))``
    with ``q`` the ``(1 + interval) / 2`` normal quantile.

    Examples
    --------
    ``z = log 40``, ``v = 1``, ``p = log 10``, ``tau^2 = 1``: ``w = 1/2``, ``post = log 20``,
    ``var = 1/2``; expected ``20 exp(1/4) = 25.68``.
    """
    z = np.asarray(z, np.float64)
    v = np.asarray(v, np.float64)
    p = np.asarray(p, np.float64)
    finite = np.isfinite(v) & np.isfinite(z)
    w = np.where(finite, tau2 / (tau2 + np.where(finite, v, 1.0)), 0.0)
    post = p + w * (np.where(finite, z, p) - p)
    var = np.where(finite, w * np.where(finite, v, 0.0), tau2)
    q = NormalDist().inv_cdf((1.0 + interval) / 2.0)   # stdlib: scipy.special costs 0.1 s to import
    sd = np.sqrt(var)
    return np.exp(post + var / 2.0), np.exp(post - q * sd), np.exp(post + q * sd)


def creator_groups(dataset: Dataset) -> list[np.ndarray]:
    """Peer groups of ``dataset``'s creators: (size tier, market, top-level category) levels."""
    creators = dataset.creators
    tier = follower_tier(creators["followers"]).astype(np.int64)
    _, market = np.unique(creators["market"], return_inverse=True)
    cats = dataset.categories
    primary = (creators["primary_category"].astype(np.int64) if "primary_category" in creators
               else np.full(len(creators), -1, np.int64))
    parent = cats["parent_id"].astype(np.int64) if cats is not None and "parent_id" in cats else np.zeros(0, np.int64)
    return peer_groups(tier, market.astype(np.int64), _top_level(parent, primary))


def expected_value_per_video(dataset: Dataset, evidence: SalesEvidence | None = None,
                             interval: float = INTERVAL) -> ValueEstimate:
    """Expected GMV of one shoppable video for every creator of ``dataset`` with its interval.

    Parameters
    ----------
    dataset : the market (any time cut of it: only its rows are used).
    evidence : precomputed ``sales_evidence(dataset)``.
    interval : central probability of ``low``/``high`` (default 0.8).

    Returns
    -------
    ValueEstimate
        NaN for every creator when no creator of the market has delivered sales.
    """
    ev = evidence if evidence is not None else sales_evidence(dataset)
    model, z, v, p = fit_value_model(ev, dataset.creators["followers"], creator_groups(dataset))
    expected, low, high = posterior_value(z, v, p, model.tau2, interval)
    with np.errstate(invalid="ignore"):
        weight = np.where(np.isfinite(v) & np.isfinite(z), model.tau2 / (model.tau2 + v), 0.0)
    return ValueEstimate(expected=expected, low=low, high=high, prior=np.exp(p + model.tau2 / 2.0),
                         evidence=np.round(ev.n).astype(np.int64), own_mean=ev.mean, model=model, weight=weight)
