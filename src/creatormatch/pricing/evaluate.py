"""Out-of-time evaluation of the value estimate (``creatormatch evaluate --pricing``).

Protocol (``docs/pricing.md``, "Evaluation"):

* Split date ``t`` as in the ranking evaluation (``evaluate.protocol``: by default the
  80 % quantile of the positives' invitation times).  The estimate sees only
  ``censor_outcomes(restrict_before(dataset, t), t)``.
* Test items: collaborations **completed** with ``delivered_at >= t``, a ``gmv`` and at
  least one delivered video.  The prediction for a collaboration of brand ``b`` with
  creator ``c`` and ``d`` delivered videos is ``d * g(b, c)`` (``PriceBook.for_brand``,
  priced for the campaign's category when known, else the brand's).
* Baseline (what platforms do): the **follower-tier fee** -- the median GMV per delivered
  video of the training period's completed collaborations in the creator's follower tier
  (``PLATFORM_TIERS``: nano < 10k, micro < 100k, mid < 500k, macro < 1M, mega), times ``d``.
* Metrics: Spearman correlation of prediction and actual GMV; MAPE over the items with
  positive GMV, ``mean |pred - actual| / actual``; coverage of the 80 % interval of the
  expected value (``d * [low, high]``) and of the 80 % *predictive* interval, which adds
  the noise of a ``d``-video record (log-variance ``kappa / d``, ``estimate``); the
  baseline's interval is the tier's 10-90 % range of GMV per video.
* Significance: one-sided Wilcoxon signed-rank test, paired per collaboration, that the
  estimate's absolute log error ``|log(pred + 1) - log(actual + 1)|`` is smaller than the
  baseline's; and a paired bootstrap (``BOOTSTRAP``, seeded) of the Spearman difference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import ndtri
from scipy.stats import spearmanr, wilcoxon

from ..data.contract import STATUSES
from ..data.dataset import Dataset
from ..data.timeslice import censor_outcomes, restrict_before
from ..errors import UsageError
from .book import PriceBook

__all__ = ["PricingEvaluation", "evaluate_pricing", "PLATFORM_TIERS", "follower_tier_baseline"]

#: Upper follower bounds of the tiers platforms price by (the last tier is open).
PLATFORM_TIERS = (10_000, 100_000, 500_000, 1_000_000)
BOOTSTRAP = 1000
_COMPLETED = STATUSES.index("completed")


@dataclass
class PricingEvaluation:
    """Figures of the estimate and the baseline on the same test collaborations."""

    split_date: str
    n_test: int
    n_positive: int
    metrics: dict[str, dict[str, float]]
    p_wilcoxon: float
    p_bootstrap_spearman: float
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"split_date": self.split_date, "test_collaborations": self.n_test,
                "with_positive_gmv": self.n_positive, "models": self.metrics,
                "p_value_abs_log_error_wilcoxon": self.p_wilcoxon,
                "p_value_spearman_bootstrap": self.p_bootstrap_spearman, **self.extra}

    def format_table(self) -> str:
        lines = [f"Pricing evaluation: split {self.split_date}, {self.n_test:,} completed collaborations after it "
                 f"({self.n_positive:,} with positive GMV)",
                 f"{'model':<20} {'spearman':>9} {'MAPE':>8} {'median APE':>11} {'cover(exp)':>11} {'cover(pred)':>12}"]
        for name, m in self.metrics.items():
            lines.append(f"{name:<20} {m['spearman']:>9.3f} {m['mape']:>8.3f} {m['median_ape']:>11.3f} "
                         f"{m['coverage_expected']:>11.3f} {m['coverage_predictive']:>12.3f}")
        lines.append(f"estimate vs baseline: Wilcoxon p = {self.p_wilcoxon:.2e} (absolute log error), "
                     f"bootstrap p = {self.p_bootstrap_spearman:.4f} (Spearman)")
        return "\n".join(lines)


def _platform_tier(followers: np.ndarray) -> np.ndarray:
    return np.searchsorted(np.asarray(PLATFORM_TIERS), np.asarray(followers), side="right")


def follower_tier_baseline(train: Dataset) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Median and 10/90 % quantiles of GMV per delivered video per platform tier (training data)."""
    col = train.collaborations
    done = (col["status"] == _COMPLETED) & ~np.isnan(col["gmv"]) & (col["deliverables_delivered"] > 0)
    per_video = col["gmv"][done] / col["deliverables_delivered"][done]
    tier = _platform_tier(train.creators["followers"][col["creator_id"][done]])
    n_tiers = len(PLATFORM_TIERS) + 1
    med, lo, hi = (np.full(n_tiers, np.nan) for _ in range(3))
    overall = np.quantile(per_video, [0.5, 0.1, 0.9]) if len(per_video) else np.full(3, np.nan)
    for t in range(n_tiers):
        x = per_video[tier == t]
        med[t], lo[t], hi[t] = np.quantile(x, [0.5, 0.1, 0.9]) if len(x) else overall
    return med, lo, hi


def _metrics(pred: np.ndarray, low: np.ndarray, high: np.ndarray, plow: np.ndarray, phigh: np.ndarray,
             actual: np.ndarray) -> dict[str, float]:
    pos = actual > 0
    ape = np.abs(pred[pos] - actual[pos]) / actual[pos]
    return {"spearman": float(spearmanr(pred, actual)[0]), "mape": float(ape.mean()),
            "median_ape": float(np.median(ape)),
            "coverage_expected": float(np.mean((actual >= low) & (actual <= high))),
            "coverage_predictive": float(np.mean((actual >= plow) & (actual <= phigh)))}


def evaluate_pricing(dataset: Dataset, split_date: np.datetime64 | str | None = None, seed: int = 0) -> PricingEvaluation:
    """Run the protocol of the module docstring.

    Raises
    ------
    UsageError
        No completed collaboration with GMV after the split date, or none before it.
    """
    from ..evaluate.protocol import default_split_date, parse_split_date

    when = default_split_date(dataset) if split_date is None else (
        parse_split_date(split_date) if isinstance(split_date, str) else np.datetime64(split_date, "s"))
    train = censor_outcomes(restrict_before(dataset, when), when)
    col = dataset.collaborations
    test = np.flatnonzero((col["status"] == _COMPLETED) & ~np.isnan(col["gmv"]) & (col["deliverables_delivered"] > 0)
                          & (col["delivered_at"] >= when))
    if len(test) < 10:
        raise UsageError(f"only {len(test)} completed collaborations with GMV were delivered on or after "
                         f"{str(when)[:10]}; choose an earlier {{option}}", option="split_date")
    book = PriceBook.from_dataset(train)
    if not np.isfinite(book.value.expected).any():
        raise UsageError(f"no delivered sales before {str(when)[:10]}; choose a later {{option}}", option="split_date")
    creator = col["creator_id"][test].astype(np.int64)
    brand = col["brand_id"][test].astype(np.int64)
    d = col["deliverables_delivered"][test].astype(np.float64)
    actual = col["gmv"][test].astype(np.float64)
    category = np.full(len(test), -1, np.int64)
    campaigns = dataset.campaigns
    if campaigns is not None and "category_id" in campaigns:
        camp = col["campaign_id"][test]
        category = np.where(camp >= 0, campaigns["category_id"][np.maximum(camp, 0)], -1).astype(np.int64)
    category = np.where(category >= 0, category, book.brand_category[brand])
    factor = np.ones(len(test))
    valid_k = (category >= 0) & (category < len(book.multipliers))
    factor[valid_k] = book.multipliers[category[valid_k]] / book.mix[creator[valid_k]]
    factor[~valid_k] = 1.0
    v = book.value
    pred, low, high = d * v.expected[creator] * factor, d * v.low[creator] * factor, d * v.high[creator] * factor
    # predictive: add the noise of a d-video record on the log scale
    q = float(ndtri(0.9))
    post_sd = (np.log(v.high[creator]) - np.log(v.low[creator])) / (2 * q)
    centre = np.log(v.low[creator] * factor) + q * post_sd
    spread = np.sqrt(post_sd ** 2 + v.model.kappa / d)
    plow, phigh = d * np.exp(centre - q * spread), d * np.exp(centre + q * spread)
    # the typical (median) outcome: a record of d videos falls short of its mean by kappa / (2 d) on the log scale
    typical = d * np.exp(centre - v.model.kappa / (2.0 * d))

    med, lo, hi = follower_tier_baseline(train)
    tier = _platform_tier(dataset.creators["followers"][creator])
    base = d * med[tier]
    ok = np.isfinite(pred) & np.isfinite(base)
    if ok.sum() < 10:
        raise UsageError("too few test collaborations with both predictions; choose another {option}", option="split_date")
    sel = lambda a: a[ok]  # noqa: E731
    ours = _metrics(sel(pred), sel(low), sel(high), sel(plow), sel(phigh), sel(actual))
    typ = _metrics(sel(typical), sel(low), sel(high), sel(plow), sel(phigh), sel(actual))
    theirs = _metrics(sel(base), sel(d * lo[tier]), sel(d * hi[tier]), sel(d * lo[tier]), sel(d * hi[tier]),
                      sel(actual))
    err_ours = np.abs(np.log1p(sel(typical)) - np.log1p(sel(actual)))
    err_base = np.abs(np.log1p(sel(base)) - np.log1p(sel(actual)))
    p_w = float(wilcoxon(err_ours, err_base, alternative="less").pvalue)
    rng = np.random.default_rng(seed)
    n = int(ok.sum())
    a, p1, p2 = sel(actual), sel(pred), sel(base)
    worse = 0
    for _ in range(BOOTSTRAP):
        i = rng.integers(0, n, n)
        if spearmanr(p1[i], a[i])[0] <= spearmanr(p2[i], a[i])[0]:
            worse += 1
    p_boot = (worse + 1) / (BOOTSTRAP + 1)
    return PricingEvaluation(
        split_date=str(when.astype("datetime64[D]")), n_test=n, n_positive=int((a > 0).sum()),
        metrics={"estimate": ours, "estimate_typical": typ, "follower_tier_median": theirs}, p_wilcoxon=p_w, p_bootstrap_spearman=p_boot,
        extra={"mean_abs_log_error": {"estimate_typical": float(err_ours.mean()), "follower_tier_median": float(err_base.mean())}})
