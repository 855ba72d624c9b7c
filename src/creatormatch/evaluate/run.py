"""``creatormatch evaluate`` and ``creatormatch tune`` as library functions.

``run_evaluation(dataset, ...)``:

1. split the dataset with the protocol (``protocol.temporal_split``);
2. tune every tunable model on validation cuts of the training period
   (``tuning``; skipped with ``tune=False``);
3. fit each requested model on the training period and score the test brands
   (``experiment.score_split``), plus the oracle when the truth file is present;
4. test the reference blend -- ``blend``, the engine's ``match`` with its default
   settings (``blend_tuned`` when ``blend`` is not requested) -- against every other model
   per brand (``significance``) and divide every model's NDCG@k by the oracle's.

``tune_model(dataset, ...)`` tunes on validation cuts of the *whole* dataset (its
training period is all of it) and returns the tuned ``MatchParams`` for the artifact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..data.dataset import Dataset
from ..errors import UsageError
from ..ranker.train import RankerParams
from .baselines import (
    FactorRecommender, ItemKNNRecommender, MatcherPool, MatcherRecommender, PopularityRecommender,
    RandomRecommender, Recommender,
)
from .calibration import reliability
from .experiment import Evaluation, score_split
from .learned import RANKER_MODELS, RankerRecommender
from .oracle import load_oracle, oracle_ratio
from .protocol import temporal_split
from .significance import paired_tests
from .tuning import BlendTuning, CONTENT_COMPONENTS, TuningResult, tune_baseline, tune_blend, validation_splits
from .uncertainty import MIN_VALIDATION_BRANDS, THIN_DATA_WARNING, thin_data
from ..progress import Say as Progress

__all__ = ["MODEL_NAMES", "run_evaluation", "tune_model", "TunedModel", "parse_models"]

#: Every model ``evaluate`` knows, in reporting order (``oracle`` is added when possible).
MODEL_NAMES: tuple[str, ...] = (
    "random", "popularity", "itemknn", "als", "bpr", "graph", "content", "blend", "blend_tuned",
    "ranker", "ranker-no-mf", "ranker-no-graph", "ranker-no-history",
)
#: Rankings by the generator's truth (``evaluate.oracle``); ``oracle-no-taste`` only when named.
ORACLES: tuple[str, ...] = ("oracle", "oracle-no-taste")
_NEEDS_TUNING = {"itemknn", "als", "bpr", "graph", "content", "blend_tuned"}



def parse_models(text: str | Sequence[str] | None) -> list[str]:
    """Model names from ``"a,b"`` (or a list); every known model when empty.

    Raises
    ------
    UsageError
        A name is not a known model.
    """
    if text is None or text == "" or (not isinstance(text, str) and len(text) == 0):
        return list(MODEL_NAMES)
    names = [n.strip() for n in (text.split(",") if isinstance(text, str) else text) if n.strip()]
    known = set(MODEL_NAMES) | set(ORACLES)
    bad = [n for n in names if n not in known]
    if bad:
        raise UsageError(f"unknown model(s) {', '.join(bad)}; known: {', '.join(MODEL_NAMES)}, {', '.join(ORACLES)}")
    return list(dict.fromkeys(names))


def _engine_defaults():
    from ..recommend.params import MatchParams

    return MatchParams()


def _untuned(name: str) -> Recommender | None:
    from ..recommend.params import DEFAULT_WEIGHTS

    defaults = _engine_defaults()
    if name == "itemknn":
        return ItemKNNRecommender()
    if name in ("als", "bpr"):
        return FactorRecommender(name)
    if name == "graph":
        return MatcherRecommender("graph", defaults.with_weights({"graph": 1.0}))
    if name == "content":
        return MatcherRecommender("content", defaults.with_weights(
            {c: DEFAULT_WEIGHTS[c] for c in CONTENT_COMPONENTS}))
    return None


def run_evaluation(dataset: Dataset, *, split_date: str | None = None, ks: Sequence[int] = (10,),
                   models: Sequence[str] | None = None, tune: bool = True, truth_root: Path | str | None = None,
                   seed: int = 0, progress: Progress | None = None, ranker_params=None,
                   sample_brands: int = 0) -> Evaluation:
    """Evaluate ``models`` on ``dataset`` with the protocol (see the module docstring).

    Parameters
    ----------
    dataset : the whole dataset.
    split_date : ``YYYY-MM-DD``; default: the 80 % quantile of the positives' invitations.
    ks : cut-offs (each >= 1).
    models : names from ``MODEL_NAMES`` (and ``"oracle"``); default all, plus the oracle
        when the truth file is present.
    tune : tune the tunable models on the training period (``tuning``); without it -- or
        when the training period is too short for a validation cut (said in ``notes``) --
        they use their defaults and ``blend_tuned`` is left out.
    truth_root : folder with ``truth.npz`` (default: the dataset's folder).
    seed : seed of the random baseline and of the brand sample.
    sample_brands : score at most this many test brands, drawn with ``seed`` (0 = all).
    progress : called with short status messages.

    Returns
    -------
    Evaluation (``to_json()`` is the ``--format json`` output).

    Raises
    ------
    UsageError : a bad k, model name or split date, or no test pair after the split.
    """
    say = progress or (lambda _m: None)
    ks = tuple(sorted(set(int(k) for k in ks)))
    if not ks or min(ks) < 1:
        raise UsageError("{option} must be a positive whole number", option="ks")
    names = parse_models(list(models) if models is not None else None)
    explicit_oracle = "oracle" in names
    no_taste = "oracle-no-taste" in names
    names = [n for n in names if n not in ORACLES]
    notes: list[str] = []

    split = temporal_split(dataset, split_date)
    n_sampled_from = 0
    if sample_brands and len(split.brands) > sample_brands:
        n_all = n_sampled_from = len(split.brands)
        split = sample_test_brands(split, sample_brands, seed)
        notes.append(f"test brands sampled: {len(split.brands):,} of {n_all:,} (--sample-brands {sample_brands}, "
                     f"seed {seed}); the candidates of each are complete. The interval this costs is in "
                     "'sampling' below.")
    say(f"split at {split.split_label}: {len(split.brands):,} test brands ({int(split.cold.sum()):,} cold-start), "
        f"{split.n_test_pairs:,} test pairs")
    if split.n_outside_market:
        notes.append(f"{split.n_outside_market:,} test pairs with a creator outside the brand's market were left "
                     "out (no model ranks other markets)")

    slow = _slow_at_this_size(dataset.n_creators, names, tune)
    if slow:
        say(f"warning: {slow}")
        notes.append(slow)
    vals = []
    if tune and _NEEDS_TUNING & set(names):
        try:
            vals = validation_splits(split.train, before=split.split_label)
        except UsageError as exc:
            tune = False
            notes.append(f"no tuning, every model uses its defaults: {exc}")
    # below the documented minimums nothing can be concluded, and tuning would fit noise
    n_validation = sum(len(v.brands) for v in vals) if vals else None
    thin = thin_data(split.n_test_pairs, len(split.brands), n_validation)
    if thin:
        say(f"warning: {THIN_DATA_WARNING}: {'; '.join(thin)}")
        if vals:
            vals, tune = [], False
            notes.append(f"no tuning, every model uses its defaults: too little data ({'; '.join(thin)})")
    if not tune and "blend_tuned" in names:
        names.remove("blend_tuned")
        notes.append("blend_tuned left out: it needs tuning")

    pool = MatcherPool(progress=None)
    rankers: dict[str, Any] = {}
    calibration: dict[str, Any] = {}
    tuning: BlendTuning | None = None
    baseline_tuning: dict[str, TuningResult] = {}
    tuned_k = 10 if 10 in ks else ks[0]
    if vals:
        say("validation cuts: " + ", ".join(f"{v.split_label} ({len(v.brands)} brands)" for v in vals))
        for name in ("itemknn", "als", "bpr"):
            if name in names or (name in ("als", "bpr") and {"graph", "content", "blend_tuned"} & set(names)):
                baseline_tuning[name] = tune_baseline(name, vals, tuned_k, say)
        if {"graph", "content", "blend_tuned"} & set(names):
            tuning = tune_blend(vals, tuned_k, pool, say, baselines=baseline_tuning)

    recommenders: list[Recommender] = []
    for name in names:
        if name == "random":
            recommenders.append(RandomRecommender(seed=seed))
        elif name == "popularity":
            recommenders.append(PopularityRecommender())
        elif name == "blend":
            recommenders.append(MatcherRecommender("blend", _engine_defaults(), pool))
        elif name == "blend_tuned":
            assert tuning is not None
            recommenders.append(MatcherRecommender("blend_tuned", tuning.params, pool))
        elif name in RANKER_MODELS:
            recommenders.append(RankerRecommender(name, 0.0, RANKER_MODELS[name], pool, ranker_params,
                                                  progress=say))
        elif not tune:
            recommenders.append(_untuned(name))
        elif name in ("itemknn",):
            recommenders.append(ItemKNNRecommender(**baseline_tuning[name].params))
        elif name in ("als", "bpr"):
            recommenders.append(FactorRecommender(name, overrides=baseline_tuning[name].params))
        elif name == "graph":
            assert tuning is not None
            recommenders.append(MatcherRecommender("graph", tuning.graph_params, pool))
        elif name == "content":
            assert tuning is not None
            recommenders.append(MatcherRecommender("content", tuning.content_params, pool))
    horizon = _test_horizon_days(dataset, split.split_date)
    for rec in recommenders:
        if isinstance(rec, RankerRecommender):
            rec.horizon_days = horizon

    results = {}
    chosen = None
    for rec in recommenders:
        say(f"fitting and scoring {rec.name}")
        if (isinstance(rec, RankerRecommender) and rec.exclude_groups and chosen is not None
                and chosen.get("objective") is not None):
            # ablations keep the full ranker's chosen configuration: only the features differ
            rec.ranker_params = replace(rec.ranker_params or RankerParams(), objectives=(chosen["objective"],),
                                        num_leaves=(chosen["num_leaves"],))
        try:
            results[rec.name] = score_split(rec, split, ks, progress=say)
        except UsageError as exc:
            if not isinstance(rec, RankerRecommender):
                raise
            notes.append(f"{rec.name} left out: {exc}")
            continue
        if isinstance(rec, RankerRecommender) and not rec.exclude_groups:
            chosen = rec.ranker.info["chosen"]
            say(f"calibration of {rec.name} on the test period")
            p, y = rec.predictions(split, seed=seed)
            calibration[rec.name] = {"equal_width": reliability(p, y, 10), "quantile": reliability(p, y, 10, True),
                                     "pairs": int(len(p)), "positives": int(y.sum())}
        if isinstance(rec, RankerRecommender):
            rankers[rec.name] = rec.ranker

    # the oracle is scored whenever the truth file is there (the ratios need it); it is
    # listed among the models by default or when asked for
    oracle = load_oracle(dataset, truth_root)
    ratios: dict[str, float] = {}
    if oracle is not None:
        say("scoring the oracle (true affinity)")
        oracle_scores = score_split(oracle, split, ks, progress=say)
        ceiling = oracle_scores.mean(f"ndcg@{tuned_k}")
        if models is None or explicit_oracle:
            results["oracle"] = oracle_scores
        if no_taste:
            say("scoring the oracle without the hidden taste")
            results["oracle-no-taste"] = score_split(replace(oracle, name="oracle-no-taste", taste=False), split, ks,
                                                     progress=say)
        ratios = {name: oracle_ratio(r.mean(f"ndcg@{tuned_k}"), ceiling) for name, r in results.items()}
    elif explicit_oracle or no_taste:
        notes.append("oracle left out: the dataset folder has no truth.npz (only generated markets have one)")

    # the reference is what ``match`` ships: the ranker, else the blend (blend_tuned is compared with it too)
    reference = next((n for n in ("ranker", "blend", "blend_tuned") if n in results), None)
    if sample_brands and n_sampled_from and reference is not None:
        v = results[reference].per_brand[f"ndcg@{tuned_k}"]
        v = v[~np.isnan(v)]
        if len(v) > 1:
            fpc = np.sqrt(max(1.0 - len(v) / n_sampled_from, 0.0))
            half = 1.96 * float(v.std(ddof=1)) / np.sqrt(len(v)) * fpc
            notes.append(f"sampling: with {len(v):,} of {n_sampled_from:,} test brands, {reference}'s mean "
                         f"NDCG@{tuned_k} {float(v.mean()):.3f} is known to +/- {half:.3f} (95 %, normal "
                         "approximation with the finite-population correction)")
    significance: dict[str, dict[str, float]] = {}
    if reference is not None and len(results) > 1:
        per_brand = {name: r.per_brand for name, r in results.items()}
        significance = paired_tests(per_brand, reference, [f"ndcg@{k}" for k in ks])
    return Evaluation(split=split, ks=ks, models=results, significance=significance, oracle_ratio=ratios,
                      reference=reference or "", notes=notes, tuning=tuning, baseline_tuning=baseline_tuning,
                      rankers=rankers, calibration=calibration, thin=thin)


#: From this many creators on, ``evaluate`` warns that tuning and the ranker ablations take hours.
LARGE_EVALUATION = 300_000


def _slow_at_this_size(n_creators: int, names: Sequence[str], tune: bool) -> str | None:
    """The warning for a run that will take hours on a market this large, or None."""
    if n_creators < LARGE_EVALUATION:
        return None
    slow = sorted(_NEEDS_TUNING & set(names)) if tune else []
    slow += [n for n in names if n in RANKER_MODELS and n != "ranker"]
    if not slow:
        return None
    return (f"with {n_creators:,} creators, tuning and the ranker ablations ({', '.join(slow)}) take hours; "
            "for a run of minutes name the models and skip tuning, e.g. --models "
            "popularity,als,graph,content,blend,ranker --no-tune (docs/evaluation.md)")


def sample_test_brands(split, n: int, seed: int):
    """The split with ``n`` of its test brands drawn with ``seed`` (candidates untouched)."""
    keep = np.sort(np.random.default_rng([seed, 20261128]).choice(len(split.brands), size=n, replace=False))
    return replace(split, brands=split.brands[keep], cold=split.cold[keep])


def _test_horizon_days(dataset: Dataset, split_date) -> float:
    """Days from the split to the latest event of the whole dataset: the period the test
    measures, and so the horizon the ranker is trained to predict."""
    from ..ranker.history import data_end

    split = float(np.datetime64(split_date, "s").astype(np.int64)) / 86_400.0
    return max(data_end(dataset) - split, 1.0)


@dataclass
class TunedModel:
    """What ``creatormatch tune`` chose (``params`` go into the model artifact)."""

    params: Any
    tuning: BlendTuning

    def to_json(self) -> dict[str, Any]:
        p = self.params.to_dict()
        keep = ("weights", "missing", "mf_model", "factors", "regularization", "alpha", "iterations",
                "learning_rate", "bpr_iterations", "bpr_regularization", "graph_alpha", "graph_beta")
        return {"params": {k: p[k] for k in keep}, "validation": self.tuning.to_json()}


def tune_model(dataset: Dataset, *, k: int = 10, progress: Progress | None = None) -> TunedModel:
    """Tune the blend (MF, graph, weights) on validation cuts of all of ``dataset``.

    Raises
    ------
    UsageError : the data holds no validation period.
    """
    vals = validation_splits(dataset, before="the end of the data")
    n_validation = sum(len(v.brands) for v in vals)
    if n_validation < MIN_VALIDATION_BRANDS:
        raise UsageError(f"too little data to tune: {n_validation} validation brand periods (at least "
                         f"{MIN_VALIDATION_BRANDS} needed); the default settings stay")
    say = progress or (lambda _m: None)
    say("validation cuts: " + ", ".join(f"{v.split_label} ({len(v.brands)} brands)" for v in vals))
    # what match will use: only the rule under which a good record always beats no record
    tuning = tune_blend(vals, k, MatcherPool(), say, missing_options=("neutral",))
    return TunedModel(tuning.params, tuning)
