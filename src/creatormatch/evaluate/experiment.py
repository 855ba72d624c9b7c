"""Run fitted recommenders through the protocol and collect every metric.

``score_split`` evaluates one model on one ``TemporalSplit``: it scores the test brands in
batches (at most ``BATCH_CELLS`` brand x creator cells at a time), masks the candidates and
computes the per-brand metrics of ``metrics`` plus exposure counts for the beyond-accuracy
metrics.  ``run_evaluation`` does that for every requested model, adds the paired
significance tests and the oracle ratio, and returns an ``Evaluation`` whose ``to_json``
is the ``creatormatch evaluate --format json`` object.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..data.dataset import Dataset
from . import metrics as M
from .baselines import Recommender
from .protocol import TemporalSplit
from ..progress import Say as Progress

__all__ = ["ModelScores", "Evaluation", "score_split", "category_mask", "BATCH_CELLS", "ACCURACY"]

#: Largest brands x creators block scored at once (float64: 32 MB).
BATCH_CELLS = 4_000_000
#: Per-brand accuracy metrics at each k, in reporting order.
ACCURACY: tuple[str, ...] = ("ndcg", "recall", "precision", "map", "mrr")
#: Beyond-accuracy metrics at each k.
BEYOND: tuple[str, ...] = ("coverage", "gini", "longtail")



@dataclass
class ModelScores:
    """What one model achieved on one split.

    ``per_brand[metric]`` has one value per test brand (order of ``split.brands``); NaN
    where the metric is undefined for the brand (``cauc`` without in-category negatives).
    ``exposure[k]`` counts, per creator, the test brands' top-k lists it appears in.
    """

    name: str
    params: dict[str, Any]
    per_brand: dict[str, np.ndarray]
    exposure: dict[int, np.ndarray]
    beyond: dict[str, float]
    fit_seconds: float
    score_seconds: float
    #: model-specific counts (the learned ranker: test pairs inside its candidates)
    extra: dict[str, float] = field(default_factory=dict)

    def mean(self, metric: str, mask: np.ndarray | None = None) -> float:
        """Mean of a per-brand metric over the test brands (or those in ``mask``), NaN ignored."""
        v = self.per_brand[metric]
        v = v if mask is None else v[mask]
        v = v[~np.isnan(v)]
        return float(v.mean()) if len(v) else float("nan")

    def summary(self, ks: Sequence[int], cold: np.ndarray | None = None) -> dict[str, float]:
        """The ``models.<name>`` object of the JSON output: accuracy per k, auc, cauc, beyond
        accuracy per k, then the same accuracy metrics over cold-start brands (``cold_*``)."""
        out: dict[str, float] = {}
        for k in ks:
            for m in ACCURACY:
                out[f"{m}@{k}"] = self.mean(f"{m}@{k}")
        out["auc"] = self.mean("auc")
        out["cauc"] = self.mean("cauc")
        for k in ks:
            for m in BEYOND:
                out[f"{m}@{k}"] = self.beyond[f"{m}@{k}"]
        if cold is not None and cold.any():
            for k in ks:
                for m in ACCURACY:
                    out[f"cold_{m}@{k}"] = self.mean(f"{m}@{k}", cold)
            out["cold_auc"] = self.mean("auc", cold)
            out["cold_cauc"] = self.mean("cauc", cold)
        return out


def category_mask(dataset: Dataset, brand_rows: np.ndarray, cols: np.ndarray | None = None) -> np.ndarray:
    """Boolean ``(brands, creators)``: the creator's primary category lies in the brand's
    category (the category itself or one of its descendants).  All False for a brand or
    creator without a category.  Only the creator columns ``cols`` when given."""
    n_cat = len(dataset.categories) if dataset.categories is not None else 0
    creator_cat = dataset.creators["primary_category"].astype(np.int64)
    if cols is not None:
        creator_cat = creator_cat[cols]
    brand_cat = dataset.brands["category_id"].astype(np.int64)[np.asarray(brand_rows, np.int64)]
    if n_cat == 0:
        return np.zeros((len(brand_rows), len(creator_cat)), bool)
    # within[x, y]: category y is x or an ancestor of x
    parent = dataset.categories["parent_id"].astype(np.int64)
    within = np.eye(n_cat, dtype=bool)
    node = np.arange(n_cat)
    for _ in range(n_cat):  # categories form a forest (the loader rejects cycles)
        node = np.where(node >= 0, parent[np.maximum(node, 0)], -1)
        if (node < 0).all():
            break
        has = node >= 0
        within[np.flatnonzero(has), node[has]] = True
    safe_c = np.maximum(creator_cat, 0)
    safe_b = np.maximum(brand_cat, 0)
    out = within[safe_c][:, safe_b].T
    return out & (creator_cat >= 0)[None, :] & (brand_cat >= 0)[:, None]


def _finite(scores: np.ndarray) -> np.ndarray:
    s = np.asarray(scores, np.float64)
    if np.isfinite(s).all():
        return s
    finite = s[np.isfinite(s)]
    low = (finite.min() - 1.0) if len(finite) else 0.0
    return np.where(np.isfinite(s), s, np.where(s == np.inf, (finite.max() + 1.0) if len(finite) else 1.0, low))


def score_split(model: Recommender, split: TemporalSplit, ks: Sequence[int], *, fit: bool = True,
                progress: Progress | None = None, with_auc: bool = True) -> ModelScores:
    """Fit ``model`` on ``split.train`` (unless ``fit`` is False) and measure it on the test brands.

    Parameters
    ----------
    model : a ``Recommender``.
    split : the protocol's split.
    ks : cut-offs; each gets every accuracy and beyond-accuracy metric.
    fit : False when ``model`` is already fitted on ``split.train``.
    progress : called with a short message per batch of brands.
    with_auc : False skips ``auc``/``cauc`` (tuning needs only the top-k metrics).
    """
    ks = tuple(sorted(set(int(k) for k in ks)))
    t0 = time.perf_counter()
    if fit:
        model.fit(split.train)
    t1 = time.perf_counter()
    n = split.train.n_creators
    brands = split.brands
    per_brand: dict[str, np.ndarray] = {}
    exposure = {k: np.zeros(n, np.int64) for k in ks}
    tops: dict[int, list[np.ndarray]] = {k: [] for k in ks}
    extra: dict[str, float] = {}
    batch = max(1, BATCH_CELLS // max(n, 1))
    kmax = max(ks)
    done = 0
    # A brand's candidates all lie in its market: rank and measure each brand on its market's
    # columns only (ties still break by creator row: the columns keep their order).
    brand_market = split.brand_market[brands]
    for market in dict.fromkeys(brand_market.tolist()):
        cols = np.flatnonzero(split.creator_market == market)
        where = np.flatnonzero(brand_market == market)
        for lo in range(0, len(where), batch):
            at = where[lo:lo + batch]
            rows = brands[at]
            # a model that can score a subset of creators (the oracle) scores only the market's
            raw_scores = (model.score_columns(rows, cols) if hasattr(model, "score_columns")
                          else np.asarray(model.score(rows))[:, cols])
            cand = split.candidates(rows, cols)
            rel = split.relevant(rows, cols) & cand
            if np.isneginf(raw_scores).any():  # a model that only ranks its own candidates
                inside = rel & np.isfinite(raw_scores)
                extra["candidate_hits"] = extra.get("candidate_hits", 0.0) + float(inside.sum())
                extra["relevant"] = extra.get("relevant", 0.0) + float(rel.sum())
            scores = _finite(raw_scores)
            n_rel = rel.sum(axis=1)
            order = M.top_k(scores, cand, kmax)
            for k in ks:
                top = order[:, :k]
                hits = M.hits_at_k(top, rel)
                _put(per_brand, f"ndcg@{k}", at, M.ndcg_at_k(hits, n_rel), len(brands))
                _put(per_brand, f"recall@{k}", at, M.recall_at_k(hits, n_rel), len(brands))
                _put(per_brand, f"precision@{k}", at, M.precision_at_k(hits), len(brands))
                _put(per_brand, f"map@{k}", at, M.average_precision_at_k(hits, n_rel), len(brands))
                _put(per_brand, f"mrr@{k}", at, M.reciprocal_rank_at_k(hits), len(brands))
                top = np.where(top >= 0, cols[np.maximum(top, 0)], -1)      # creator rows
                exposure[k] += M.exposure_counts(top, n)
                tops[k].append(top)
            if with_auc:
                negatives = cand & ~rel
                _put(per_brand, "auc", at, M.auc(scores, rel, negatives), len(brands))
                in_cat = category_mask(split.train, rows, cols)
                _put(per_brand, "cauc", at, M.auc(scores, rel, negatives & in_cat), len(brands))
            done += len(at)
            if progress is not None:
                progress(f"{model.name}: {done:,}/{len(brands):,} brands")
    t2 = time.perf_counter()
    universe = np.isin(split.creator_market, np.unique(split.brand_market[brands]))
    head = M.head_mask(split.creator_popularity())
    beyond: dict[str, float] = {}
    for k in ks:
        all_tops = np.concatenate(tops[k]) if tops[k] else np.zeros((0, k), np.int64)
        beyond[f"coverage@{k}"] = M.coverage(exposure[k], universe)
        beyond[f"gini@{k}"] = M.gini(exposure[k][universe])
        beyond[f"longtail@{k}"] = M.long_tail_share(all_tops, head)
    return ModelScores(name=model.name, params=dict(model.params), per_brand=per_brand, exposure=exposure,
                       beyond=beyond, fit_seconds=t1 - t0, score_seconds=t2 - t1, extra=extra)


def _put(store: dict[str, np.ndarray], key: str, at: np.ndarray, value: np.ndarray, n: int) -> None:
    """``store[key][at] = value``; ``store[key]`` is created as ``n`` NaNs (one per test brand)."""
    if key not in store:
        store[key] = np.full(n, np.nan)
    store[key][at] = np.asarray(value, np.float64)


def _json_number(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), 6)


def _json_p(p: float) -> float | None:
    """p-values keep 4 significant digits (rounding to decimals would turn 3e-7 into 0)."""
    return None if p is None or math.isnan(p) else float(f"{float(p):.4g}")


@dataclass
class Evaluation:
    """The result of ``creatormatch evaluate`` (see ``to_json`` for the output object)."""

    split: TemporalSplit
    ks: tuple[int, ...]
    models: dict[str, ModelScores]
    significance: dict[str, dict[str, float]] = field(default_factory=dict)
    oracle_ratio: dict[str, float] = field(default_factory=dict)
    reference: str = "blend"
    notes: list[str] = field(default_factory=list)
    #: what the tuning chose (``tuning.BlendTuning`` and per-baseline ``TuningResult``)
    tuning: Any = None
    baseline_tuning: dict[str, Any] = field(default_factory=dict)
    #: the trained ``RankerModel`` of each learned model (``ranker``), for importances and recall
    rankers: dict[str, Any] = field(default_factory=dict)
    #: per learned model: ``equal_width`` and ``quantile`` ``Reliability`` tables on the test period
    calibration: dict[str, Any] = field(default_factory=dict)
    #: shortfalls below the thin-data minimums (``uncertainty.thin_data``); empty = enough data
    thin: list[str] = field(default_factory=list)
    _ci_cache: dict[str, dict[str, list[float | None]]] = field(default_factory=dict, init=False, repr=False)

    def intervals(self) -> dict[str, dict[str, list[float | None]]]:
        """Bootstrap confidence interval over brands of each model's NDCG at every k:
        ``{model: {"ndcg@k": [low, high]}}`` (``uncertainty.bootstrap_mean_ci``)."""
        from .uncertainty import bootstrap_mean_ci

        if not self._ci_cache:
            for name, m in self.models.items():
                self._ci_cache[name] = {f"ndcg@{k}": [_json_number(v) for v in
                                                     bootstrap_mean_ci(m.per_brand[f"ndcg@{k}"])]
                                        for k in self.ks}
        return self._ci_cache

    @property
    def primary_k(self) -> int:
        """The cut-off the oracle ratio and headline figures use: 10 if requested, else the first."""
        return 10 if 10 in self.ks else self.ks[0]

    def __getitem__(self, key: str) -> Any:
        """``evaluation["models"]`` etc.: the keys of ``to_json()``."""
        return self.to_json()[key]

    def to_json(self) -> dict[str, Any]:
        """``{"split_date", "n_brands", "n_cold_brands", "n_test_pairs", "models",
        "significance", "oracle_ratio", "ndcg_ci", "ci_level", "thin_data"}`` with NaN
        written as null (``docs/evaluation.md``)."""
        from .uncertainty import (
            CI_LEVEL, MIN_TEST_BRANDS, MIN_TEST_PAIRS, MIN_VALIDATION_BRANDS, THIN_DATA_WARNING,
        )

        s = self.split
        return {
            "split_date": s.split_label,
            "n_brands": int(len(s.brands)),
            "n_cold_brands": int(s.cold.sum()),
            "n_test_pairs": s.n_test_pairs,
            "models": {name: {k: _json_number(v) for k, v in m.summary(self.ks, s.cold).items()}
                       for name, m in self.models.items()},
            "significance": {name: {k: _json_p(p) for k, p in tests.items()}
                             for name, tests in self.significance.items()},
            "oracle_ratio": {name: _json_number(r) for name, r in self.oracle_ratio.items()},
            "ndcg_ci": self.intervals(),
            "ci_level": CI_LEVEL,
            "thin_data": {
                "conclusive": not self.thin,
                "warning": THIN_DATA_WARNING if self.thin else None,
                "shortfalls": list(self.thin),
                "minimums": {"test_pairs": MIN_TEST_PAIRS, "test_brands": MIN_TEST_BRANDS,
                             "validation_brands": MIN_VALIDATION_BRANDS},
            },
            **self._ranker_json(),
        }

    def _ranker_json(self) -> dict[str, Any]:
        """The learned models' extra keys: calibration, candidate recall, feature importances
        (the residual trees' gain shares; empty when none were trained or kept) and the acceptance
        model's gain shares (``acceptance_importance``)."""
        if not self.rankers:
            return {}
        out: dict[str, Any] = {"calibration": {}, "candidate_recall": {}, "feature_importance": {},
                               "acceptance_importance": {}}
        for name, cal in self.calibration.items():
            out["calibration"][name] = {"ece": _json_number(cal["equal_width"].ece), "pairs": cal["pairs"],
                                        "positives": cal["positives"], "bins": cal["equal_width"].to_json(),
                                        "quantile_bins": cal["quantile"].to_json()}
        for name, r in self.rankers.items():
            out["candidate_recall"][name] = self.candidate_recall(name)
            out["feature_importance"][name] = r.info.get("importance_gain", {})
            out["acceptance_importance"][name] = r.info.get("acceptance", {}).get("importance_gain", {})
        return out

    def candidate_recall(self, name: str) -> float | None:
        """Share of the test pairs inside the learned model's candidates (``-inf`` marks the rest)."""
        scores = self.models.get(name)
        if scores is None or "candidate_hits" not in scores.extra:
            return None
        hits, total = scores.extra["candidate_hits"], scores.extra["relevant"]
        return _json_number(hits / total) if total else None
