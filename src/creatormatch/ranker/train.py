"""Training the second stage on the market's own past, without leakage.

For a dataset ``D`` whose latest event is at ``end`` and a horizon ``h`` (days):

* **cuts**: the **validation cut** ``t_0 = end - h`` and the training cuts
  ``t_j = t_0 - h - (j - 1) s`` for ``j = 1 .. cuts`` (``s`` = ``cut_step_days``, default
  ``h / 2``): every training label window ``(t_j, t_j + h]`` ends by ``t_0``, so no outcome
  the validation measures is ever a training label;
* at each cut the engine is rebuilt on ``censor_outcomes(restrict_before(D, t), t)``:
  everything invited, answered, delivered or posted before ``t`` and nothing after it;
  the features (``ranker.features``) are computed from that model only;
* **labels**: a (brand, creator) pair is 1 when it became positive (accepted or
  completed; at ``responded_at``, or ``invited_at`` when empty) in ``(t, t + h]`` and was
  not positive before ``t``;
* **rows**: per brand (at most ``max_brands_per_cut`` brands per cut, drawn with the seed),
  its candidates (``ranker.candidates``) in its own market, past collaborators excluded --
  exactly what ``match`` ranks with the default filters; above ``max_training_rows``
  (1.5M) rows in all, a seeded share of the training cuts' negative rows is kept, each
  weighted ``1 / share`` so the trees still see the true base rate (the validation cut
  keeps every row);
* **acceptance model** (``RankerModel.accept_probability``, ``P(yes | invited)``), fitted
  first: rows are the invitations sent in ``(t, t + h]`` that got an answer by the end of
  the data, from the same brands, with the same features at the cut; label 1 when accepted
  or completed.  LightGBM binary with the same monotone constraints, one fit per
  ``num_leaves`` value, early-stopped on the validation cut's invitations; the one with the
  best validation log-loss is kept and Platt-calibrated there.  Its log-probability fills
  the ``acceptance`` feature of every training and validation row.  Left out when a cut has
  fewer than ``MIN_ACCEPTANCE_ROWS`` answered invitations or only one outcome (the
  ``acceptance`` feature then stays empty and adds 0 to the offset);
* **score**: the offset ``exposure + acceptance + brand_volume`` -- the log-probability that
  one of the brand's searches finds the creator (``ranker.exposure``, fitted on each cut's own
  positive pairs; 0 = log 1 for a creator whose invitation from the brand is still open: it
  has been found), that the creator then says yes, and the brand's expected number of new
  collaborators (``ranker.booster``) -- calibrated on the validation cut (Platt scaling,
  ``ranker.booster``), so the score is a probability, comparable across brands;
* **residual trees** (``residual_trees``): LightGBM trained on top of that offset
  (``init_score``) on the new collaborations.  ``auto`` (the default) trains them only when
  there is no acceptance model -- partial data, where the offset is the search model alone
  and the trees are the only part that reads the creator's indices.  With an acceptance
  model the features already reach the score through it, learned from about six times more
  outcomes (every answered invitation, against the new collaborations), and the trees
  added nothing measurable: on 40 generated markets (2,000 and 20,000 creators) the offset
  alone ranked +0.005 NDCG@10 higher (p = 0.12, higher on 30 markets); on one
  100,000-creator market the trees were 1.6 % ahead (docs/evaluation.md, "The funnel
  alone").  When trained: one configuration per objective (default ``binary``;
  ``lambdarank`` can be added) and ``num_leaves`` value, each early-stopped on the
  validation cut (log-loss for ``binary``, NDCG@10 for ``lambdarank``); then the validation
  ranking decides how many of those rounds to keep (``_ROUND_GRID``; 0 = the offset alone,
  ``tree_weight`` 0); the configuration with the best validation NDCG@10 (future
  collaborators outside the candidates count as misses) is kept and calibrated as above.
  ``binary`` is the default because it ranks as well as ``lambdarank`` on generated markets
  (docs/evaluation.md) and its score is already a probability.

Every random choice takes ``seed``; LightGBM runs with ``deterministic=True`` and a fixed
thread count, so the same data and parameters give the same model and ranking.
"""

from __future__ import annotations

import gc
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..data.contract import POSITIVE_STATUSES, STATUSES
from ..data.dataset import Dataset
from ..data.timeslice import censor_outcomes, restrict_before
from ..errors import UsageError
from .booster import OFFSET_FEATURES, RankerModel, accept_log_probability, complete, offset, platt
from .candidates import BLEND_MAX, BLEND_SHARE, candidate_positions, candidate_signals
from .features import CATEGORICAL, FEATURE_NAMES, FEATURES, MONOTONE, model_input, pair_features
from .history import data_end, to_days
from .scoring import DEFAULT_CANDIDATES, brand_scores_and_context
from ..progress import Say as Progress

__all__ = ["RankerParams", "TrainingCut", "fit_ranker", "training_cut", "cut_times", "ABLATIONS"]


#: ``evaluate`` ablations: model name -> feature groups (and candidate signals) left out.
ABLATIONS: dict[str, tuple[str, ...]] = {
    "ranker-no-mf": ("mf",), "ranker-no-graph": ("graph",), "ranker-no-history": ("history",),
}


#: ``RankerParams.residual_trees`` values.
RESIDUAL_TREES: tuple[str, ...] = ("auto", "on", "off")


@dataclass(frozen=True)
class RankerParams:
    """Knobs of ranker training (stored in the model artifact; see the module docstring)."""

    horizon_days: float = 90.0
    #: training cuts; 0 = automatic: 5, or 1 on markets of more than ``LARGE_MARKET`` creators,
    #: where each cut is a full rebuild of the engine and the 1,000 brands of one cut already
    #: give more rows than ``max_training_rows``
    cuts: int = 0
    cut_step_days: float = 0.0
    candidates: int = DEFAULT_CANDIDATES
    #: the blend's candidate list: this share of the allowed creators, within
    #: [``candidates``, ``blend_candidates_max``] (``ranker.candidates``)
    blend_candidates_share: float = BLEND_SHARE
    blend_candidates_max: int = BLEND_MAX
    max_brands_per_cut: int = 1000
    objectives: tuple[str, ...] = ("binary",)
    num_leaves: tuple[int, ...] = (7, 15)
    min_data_in_leaf: int = 50
    learning_rate: float = 0.05
    max_rounds: int = 1000
    early_stopping_rounds: int = 50
    num_threads: int = 2
    #: share of the negative training rows kept (each weighted 1 / rate, so the trees still see
    #: the true base rate); 0 = automatic: all of them up to ``max_training_rows`` rows, else
    #: the share that leaves about that many. The validation cut is never subsampled.
    negative_rate: float = 0.0
    max_training_rows: int = 1_500_000
    max_bin: int = 255
    seed: int = 42
    exclude_groups: tuple[str, ...] = ()
    #: the features whose sum the trees are trained on top of (``ranker.booster``; None: no offset)
    offset: tuple[str, ...] | None = OFFSET_FEATURES
    #: the residual trees on top of the offset: ``auto`` trains them only when there is no
    #: acceptance model (partial data; with one, the offset alone ranks better -- module
    #: docstring), ``on`` always, ``off`` never
    residual_trees: str = "auto"

    def __post_init__(self) -> None:
        if self.horizon_days <= 0:
            raise ValueError("horizon_days must be positive")
        if self.cuts < 0:
            raise ValueError("cuts must be 0 (automatic) or positive")
        if self.candidates < 1:
            raise ValueError("candidates must be at least 1")
        if not 0.0 <= self.negative_rate <= 1.0:
            raise ValueError("negative_rate must lie in [0, 1] (0 = automatic)")
        if self.residual_trees not in RESIDUAL_TREES:
            raise ValueError(f"residual_trees must be one of {', '.join(RESIDUAL_TREES)} (got {self.residual_trees!r})")
        bad = set(self.objectives) - {"binary", "lambdarank"}
        if bad or not self.objectives:
            raise ValueError(f"objectives must be among binary, lambdarank (got {sorted(bad)})")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in d.items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RankerParams":
        names = {f for f in cls.__dataclass_fields__}
        return cls(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in data.items() if k in names})


@dataclass
class TrainingCut:
    """The rows of one cut: features ``X``, labels ``y``, per-brand groups and counts."""

    when: float
    X: np.ndarray
    y: np.ndarray
    groups: np.ndarray          # rows per brand, in row order
    brands: np.ndarray          # brand row per group
    n_relevant: np.ndarray      # per group: future collaborators among the allowed creators
    n_brands_total: int = 0
    seconds: float = 0.0
    #: the acceptance model's rows: answered invitations of the cut's brands in its window
    Xa: np.ndarray | None = None
    ya: np.ndarray | None = None
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def recall(self) -> float:
        """Share of the cut's future collaborators (of sampled brands) inside the candidates."""
        total = float(self.n_relevant.sum())
        return float(self.y.sum()) / total if total else float("nan")


#: Fewer answered invitations than this in the training or validation cuts: no acceptance model.
MIN_ACCEPTANCE_ROWS = 200


def _answered(dataset: Dataset, cut: float, horizon: float) -> sp.csr_array:
    """Brands x creators: 2 for an invitation sent in ``(cut, cut + horizon]`` that was
    accepted or completed, 1 for one declined, expired or cancelled (still-open ones are
    left out; a pair invited twice keeps its best answer)."""
    col = dataset.collaborations
    invited = to_days(col["invited_at"])
    status = col["status"]
    answered = status != STATUSES.index("invited")
    yes = np.isin(status, [STATUSES.index(x) for x in POSITIVE_STATUSES])
    sel = answered & (invited > cut) & (invited <= cut + horizon)
    r = col["brand_id"][sel].astype(np.int64)
    c = col["creator_id"][sel].astype(np.int64)
    d = np.where(yes[sel], 2.0, 1.0)
    order = np.lexsort((d, c, r))             # per pair, its best answer last
    r, c, d = r[order], c[order], d[order]
    last = np.r_[(r[1:] != r[:-1]) | (c[1:] != c[:-1]), True] if len(r) else np.zeros(0, bool)
    return sp.csr_array((d[last], (r[last], c[last])), shape=(dataset.n_brands, dataset.n_creators))


#: Above this many creators the automatic number of training cuts drops from 5 to 1.
LARGE_MARKET = 300_000


def n_training_cuts(dataset: Dataset, params: RankerParams) -> int:
    """``params.cuts``, or the automatic choice when it is 0 (see ``RankerParams.cuts``)."""
    if params.cuts:
        return params.cuts
    return 1 if dataset.n_creators > LARGE_MARKET else 5


def cut_times(dataset: Dataset, params: RankerParams) -> list[float]:
    """The cuts (days since 1970), validation cut first, that leave some history before them."""
    end = data_end(dataset)
    invited = to_days(dataset.collaborations["invited_at"])
    start = float(np.nanmin(invited)) if len(invited) else end
    step = params.cut_step_days or params.horizon_days / 2.0
    out = []
    h = params.horizon_days
    for j in range(n_training_cuts(dataset, params) + 1):
        t = end - h if j == 0 else end - 2 * h - (j - 1) * step
        if t - start >= min(params.horizon_days, 60.0):
            out.append(float(np.floor(t)))
    return out


def _labels(dataset: Dataset, cut: float, horizon: float, past: sp.csr_array) -> sp.csr_array:
    """Brands x creators: pairs that became positive in ``(cut, cut + horizon]`` and not before."""
    col = dataset.collaborations
    status = col["status"]
    positive = np.isin(status, [STATUSES.index("accepted"), STATUSES.index("completed")])
    responded = to_days(col["responded_at"])
    became = np.where(np.isnan(responded), to_days(col["invited_at"]), responded)
    sel = positive & (became > cut) & (became <= cut + horizon)
    m = sp.csr_array((np.ones(int(sel.sum())), (col["brand_id"][sel].astype(np.int64),
                                                col["creator_id"][sel].astype(np.int64))),
                     shape=(dataset.n_brands, dataset.n_creators))
    m.sum_duplicates()
    m.data[:] = 1.0
    m = sp.csr_array(m - m.multiply(past))
    m.eliminate_zeros()
    return m


def _brand_sample(n_brands: int, limit: int, seed: int, j: int) -> np.ndarray:
    if n_brands <= limit:
        return np.arange(n_brands)
    return np.sort(np.random.default_rng([seed, j]).choice(n_brands, size=limit, replace=False))


def training_cut(dataset: Dataset, when: float, params: RankerParams, match_params=None, j: int = 0,
                 progress: Progress | None = None) -> TrainingCut:
    """Build the engine as of ``when`` and describe every sampled brand's candidates.

    Nothing in ``dataset`` from ``when`` on reaches the features: the model is built on the
    censored cut; only the labels read the period ``(when, when + horizon]``.
    """
    from ..recommend.filters import MatchFilters
    from ..recommend.matcher import Matcher
    from ..recommend.model import build_model

    t0 = time.perf_counter()
    moment = np.datetime64(int(round(when * 86_400.0)), "s")
    cut = censor_outcomes(restrict_before(dataset, moment), moment)
    matcher = Matcher(build_model(cut, match_params, as_of=when), use_ranker=False)
    past = sp.csr_array(matcher.model.confidence, dtype=np.float64)
    past.data[:] = 1.0
    labels = _labels(dataset, when, params.horizon_days, past)
    answers = _answered(dataset, when, params.horizon_days)
    xa, ya = [], []
    signals = candidate_signals(params.exclude_groups)
    brands = _brand_sample(dataset.n_brands, params.max_brands_per_cut, params.seed, j)
    creator_market = matcher.creator["market"]
    xs, ys, groups, kept, n_rel = [], [], [], [], []
    for i, b in enumerate(brands.tolist()):
        if not (creator_market == matcher.brand["market"][b]).any():
            continue
        scores, context = brand_scores_and_context(matcher, b)
        allowed = matcher.candidate_mask(b, MatchFilters())
        pos = candidate_positions(matcher, b, scores, allowed, params.candidates, context.market_code,
                                  signals=signals, blend_share=params.blend_candidates_share,
                                  blend_max=params.blend_candidates_max)
        if len(pos) == 0:
            continue
        X = model_input(pair_features(matcher, b, scores, pos, context, params.exclude_groups))
        lab = labels[[b]]
        future = lab.indices
        fut_pos = matcher.scope_positions(scores, future)
        fut_pos = fut_pos[fut_pos >= 0]
        n_rel.append(int(allowed[fut_pos].sum()))
        y = np.isin(scores.rows[pos], future).astype(np.float32)
        xs.append(X)
        ys.append(y)
        lo, hi = answers.indptr[b], answers.indptr[b + 1]
        if hi > lo:
            a_pos = matcher.scope_positions(scores, answers.indices[lo:hi])
            ok = a_pos >= 0
            if ok.any():
                xa.append(model_input(pair_features(matcher, b, scores, a_pos[ok], context, params.exclude_groups)))
                ya.append((answers.data[lo:hi][ok] == 2.0).astype(np.float32))
        groups.append(len(pos))
        kept.append(b)
        if progress is not None and (i + 1) % 500 == 0:
            progress(f"cut {str(moment)[:10]}: {i + 1:,}/{len(brands):,} brands")
    nf = len(FEATURES)
    X = np.concatenate(xs) if xs else np.zeros((0, nf), np.float32)

    out = TrainingCut(when=when, X=X, y=np.concatenate(ys) if ys else np.zeros(0, np.float32),
                      groups=np.asarray(groups, np.int64), brands=np.asarray(kept, np.int64),
                      n_relevant=np.asarray(n_rel, np.int64), n_brands_total=len(brands),
                      seconds=time.perf_counter() - t0)
    if xa:
        out.Xa, out.ya = np.concatenate(xa), np.concatenate(ya)
    out.info = {"date": str(moment)[:10], "brands": int(len(kept)), "rows": int(len(out.y)),
                "positives_in_candidates": int(out.y.sum()), "future_collaborators": int(out.n_relevant.sum()),
                "candidate_recall": None if np.isnan(out.recall) else round(out.recall, 4),
                "seconds": round(out.seconds, 2)}
    return out


def _subsample(cuts: list[TrainingCut], p: RankerParams) -> tuple[np.ndarray, ...]:
    """The training rows of ``cuts`` with a seeded share of the negatives kept (weight
    ``1 / share``) and every positive (weight 1); groups recounted.  The share is
    ``negative_rate``, or automatically 1 up to ``max_training_rows`` rows in all."""
    rng = np.random.default_rng([p.seed, 7])
    rate = p.negative_rate
    if rate == 0.0:
        negatives = sum(int((c.y == 0).sum()) for c in cuts)
        positives = sum(int(c.y.sum()) for c in cuts)
        room = max(p.max_training_rows - positives, 1)
        rate = 1.0 if negatives <= room else room / negatives
    xs, ys, gs, ws = [], [], [], []
    for c in cuts:
        keep = (c.y > 0) | (rng.random(len(c.y)) < rate) if rate < 1.0 else np.ones(len(c.y), bool)
        group_of = np.repeat(np.arange(len(c.groups)), c.groups)
        xs.append(c.X[keep])
        ys.append(c.y[keep])
        gs.append(np.bincount(group_of[keep], minlength=len(c.groups)))
        ws.append(np.where(c.y[keep] > 0, 1.0, 1.0 / rate))
    groups = np.concatenate(gs)
    return (np.concatenate(xs), np.concatenate(ys), groups[groups > 0], np.concatenate(ws))


def _ndcg_at_10(raw: np.ndarray, cut: TrainingCut) -> float:
    """Mean NDCG@10 over the cut's brands with a future collaborator (misses outside the
    candidates included through ``n_relevant``)."""
    k = 10
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    values = []
    start = 0
    for g, rel in zip(cut.groups.tolist(), cut.n_relevant.tolist()):
        s, y = raw[start:start + g], cut.y[start:start + g]
        start += g
        if rel <= 0:
            continue
        top = np.lexsort((np.arange(g), -s))[:k]
        dcg = float((y[top] * discounts[:len(top)]).sum())
        ideal = float(discounts[:min(rel, k)].sum())
        values.append(dcg / ideal)
    return float(np.mean(values)) if values else float("nan")


def _lgb_params(params: RankerParams, objective: str, leaves: int) -> dict[str, Any]:
    out = {
        "objective": objective, "learning_rate": params.learning_rate, "num_leaves": leaves,
        "min_data_in_leaf": params.min_data_in_leaf, "feature_fraction": 0.8, "lambda_l2": 1.0,
        "num_threads": params.num_threads, "seed": params.seed, "deterministic": True, "force_row_wise": True,
        "verbose": -1, "metric": "binary_logloss" if objective == "binary" else "ndcg", "eval_at": [10],
        "max_bin": params.max_bin,
        # evidence never lowers a score (ranker.features): monotone in every "+" feature
        "monotone_constraints": list(MONOTONE), "monotone_constraints_method": "intermediate",
    }
    if objective == "lambdarank":
        out["lambdarank_truncation_level"] = 20
    return out


def fit_ranker(dataset: Dataset, match_params=None, params: RankerParams | None = None,
               progress: Progress | None = None) -> RankerModel:
    """Train the ranker on ``dataset``'s own past (see the module docstring).

    Raises
    ------
    UsageError
        The data is too short for a validation cut and a training cut, or no cut has a
        future collaborator inside its candidates.
    """
    import lightgbm as lgb

    p = params or RankerParams()
    say = progress or (lambda _m: None)
    cuts = cut_times(dataset, p)
    if len(cuts) < 2:
        raise UsageError(f"the data spans too little time to train the ranker (it needs a validation cut and a "
                         f"training cut, {p.horizon_days:g} days apart, after at least "
                         f"{min(p.horizon_days, 60.0):g} days of history)")
    built = []
    for j, when in enumerate(cuts):
        label = "validation" if j == 0 else "training"
        say(f"ranker: {label} cut {str(np.datetime64(int(when * 86400), 's'))[:10]}")
        built.append(training_cut(dataset, when, p, match_params, j, say))
        gc.collect()   # the cut's censored data and engine go before the next cut is built
    val, train = built[0], [c for c in built[1:] if len(c.y)]
    if not train or val.y.sum() == 0 or sum(c.y.sum() for c in train) == 0:
        raise UsageError("no future collaborator falls inside the ranker's candidates at the training cuts; "
                         "the data is too thin to train a ranker")
    X, y, groups, weight = _subsample(train, p)
    # the acceptance model first: its log-probability is a feature and part of the offset
    acceptance = _fit_acceptance(val, train, p, say)
    accept = None
    if acceptance is not None:
        acc_booster = lgb.Booster(model_str=acceptance[0])
        accept = lambda rows: accept_log_probability(acc_booster, acceptance[1], rows)  # noqa: E731
    X, val_X = complete(X, FEATURE_NAMES, accept, copy=False), complete(val.X, FEATURE_NAMES, accept, copy=False)
    val_offset = offset(val_X, FEATURE_NAMES, p.offset)
    if p.residual_trees == "on" or (p.residual_trees == "auto" and (acceptance is None or p.offset is None)):
        booster, raw, chosen, trials = _fit_trees(X, y, groups, weight, val_X, val_offset, val, p, say)
    else:
        say("ranker: no residual trees (the acceptance model carries the features; the offset alone ranks)")
        booster, raw, trials = None, val_offset, []
        chosen = {"objective": None, "num_leaves": None, "rounds": 0, "early_stopping_rounds": 0,
                  "validation_ndcg@10": round(_ndcg_at_10(val_offset, val), 4), "seconds": 0.0}
    a, b = platt(raw, val.y)
    text, importances = None, {}
    if booster is not None:
        # no round helped the validation ranking: keep one tree (LightGBM's text needs one), weight 0
        text = booster.model_to_string(num_iteration=max(int(chosen["rounds"]), 1))
        gain = booster.feature_importance(importance_type="gain", iteration=max(int(chosen["rounds"]), 1))
        importances = _gain_shares(gain) if chosen["rounds"] else {}
    info = {
        "cuts": [c.info for c in built], "validation_cut": val.info["date"], "trials": trials, "chosen": chosen,
        "residual_trees": text is not None,
        "training_rows": int(len(y)), "training_positives": int(y.sum()),
        "candidate_recall": {"validation": val.info["candidate_recall"],
                             "training": [c.info["candidate_recall"] for c in train]},
        "importance_gain": importances,
    }
    if acceptance is not None:
        info["acceptance"] = acceptance[2]
    rp = p.to_dict()
    rp["tree_weight"] = 1.0 if chosen["rounds"] > 0 else 0.0
    if p.offset is not None:   # each offset feature's share of the base value (RankerModel.contributions)
        rp["offset_reference"] = {name: float(np.average(offset(X, FEATURE_NAMES, name), weights=weight))
                                  for name in p.offset}
    return RankerModel(booster_text=text, feature_names=FEATURE_NAMES, calibration=(a, b), params=rp, info=info,
                       acceptance_text=acceptance[0] if acceptance else None,
                       acceptance_calibration=acceptance[1] if acceptance else None)


def _fit_trees(X: np.ndarray, y: np.ndarray, groups: np.ndarray, weight: np.ndarray, val_X: np.ndarray,
               val_offset: np.ndarray, val: TrainingCut, p: RankerParams, say: Progress):
    """The residual trees on top of the offset: one early-stopped fit per objective and leaf
    count, the rounds kept chosen by the validation ranking, the best configuration kept.
    Returns (booster, raw validation scores, chosen trial, all trials)."""
    import lightgbm as lgb

    cat = [FEATURE_NAMES.index(n) for n in CATEGORICAL]
    dtrain = lgb.Dataset(X, y, weight=weight, group=groups, feature_name=list(FEATURE_NAMES),
                         categorical_feature=cat, free_raw_data=False, init_score=offset(X, FEATURE_NAMES, p.offset))
    dval = lgb.Dataset(val_X, val.y, group=val.groups, reference=dtrain, feature_name=list(FEATURE_NAMES),
                       categorical_feature=cat, free_raw_data=False, init_score=val_offset)
    trials = []
    best = None
    for objective in p.objectives:
        for leaves in p.num_leaves:
            lp = _lgb_params(p, objective, leaves)
            t0 = time.perf_counter()
            booster = lgb.train(lp, dtrain, num_boost_round=p.max_rounds, valid_sets=[dval],
                                callbacks=[lgb.early_stopping(p.early_stopping_rounds, first_metric_only=True,
                                                              verbose=False)])
            rounds, score, raw = _rounds_by_ranking(booster, val_X, val_offset, val)
            trial = {"objective": objective, "num_leaves": leaves, "rounds": rounds,
                     "early_stopping_rounds": int(booster.best_iteration),
                     "validation_ndcg@10": round(score, 4), "seconds": round(time.perf_counter() - t0, 2)}
            trials.append(trial)
            say(f"ranker: {objective}, {leaves} leaves: validation NDCG@10 {score:.4f} "
                f"({rounds} of {trial['early_stopping_rounds']} rounds)")
            if best is None or score > best[0] + 1e-12:
                best = (score, booster, raw, trial)
    assert best is not None
    _, booster, raw, chosen = best
    return booster, raw, chosen, trials


def _fit_acceptance(val: TrainingCut, train: list[TrainingCut], p: RankerParams,
                    say: Progress) -> tuple[str, tuple[float, float], dict[str, Any]] | None:
    """The acceptance model (module docstring) or None when the invitations are too few."""
    import lightgbm as lgb

    from ..evaluate.metrics import auc

    parts = [c for c in train if c.Xa is not None]
    if val.Xa is None or not parts:
        say("ranker: no acceptance model (no answered invitations in the cuts); plan uses its stand-in")
        return None
    X = np.concatenate([c.Xa for c in parts])
    y = np.concatenate([c.ya for c in parts])
    if (min(len(y), len(val.ya)) < MIN_ACCEPTANCE_ROWS or len(np.unique(y)) < 2
            or len(np.unique(val.ya)) < 2):
        say(f"ranker: no acceptance model ({len(y):,} training and {len(val.ya):,} validation answered "
            f"invitations; at least {MIN_ACCEPTANCE_ROWS} of each, with both outcomes); plan uses its stand-in")
        if not (y == 0).any() or not (val.ya == 0).any():
            say("ranker: the data holds no declined, expired or cancelled invitation in these periods: the ranker "
                "learns who became a collaborator, not who says yes when invited; recording those outcomes lets it "
                "learn that (docs/evaluation.md, 'Partial data')")
        return None
    cat = [FEATURE_NAMES.index(n) for n in CATEGORICAL]
    dtrain = lgb.Dataset(X, y, feature_name=list(FEATURE_NAMES), categorical_feature=cat, free_raw_data=False)
    dval = lgb.Dataset(val.Xa, val.ya, reference=dtrain, feature_name=list(FEATURE_NAMES), categorical_feature=cat,
                       free_raw_data=False)
    best = None
    for leaves in p.num_leaves:     # the leaves with the best validation log-loss
        booster = lgb.train(_lgb_params(p, "binary", leaves), dtrain, num_boost_round=p.max_rounds, valid_sets=[dval],
                            callbacks=[lgb.early_stopping(p.early_stopping_rounds, first_metric_only=True,
                                                          verbose=False)])
        loss = float(booster.best_score["valid_0"]["binary_logloss"])
        if best is None or loss < best[0] - 1e-12:
            best = (loss, leaves, booster)
    assert best is not None
    _, leaves, booster = best
    raw = booster.predict(val.Xa, raw_score=True, num_iteration=booster.best_iteration)
    a, b = platt(raw, val.ya)
    prob = 1.0 / (1.0 + np.exp(-(a * raw + b)))
    info = {"training_rows": int(len(y)), "training_yes": int(y.sum()), "validation_rows": int(len(val.ya)),
            "validation_yes_rate": round(float(val.ya.mean()), 4),
            "validation_mean_probability": round(float(prob.mean()), 4),
            "validation_auc": round(float(auc(prob, val.ya > 0, val.ya == 0)[0]), 4),
            "num_leaves": int(leaves), "rounds": int(booster.best_iteration),
            "importance_gain": _gain_shares(booster.feature_importance(importance_type="gain",
                                                                       iteration=booster.best_iteration))}
    say(f"ranker: acceptance model on {len(y):,} answered invitations ({leaves} leaves, {info['rounds']} rounds)")
    return booster.model_to_string(num_iteration=booster.best_iteration), (a, b), info


def _gain_shares(gain: np.ndarray) -> dict[str, float]:
    """Each feature's share of a booster's total split gain, largest first (features with no
    gain left out)."""
    total = float(gain.sum()) or 1.0
    return {FEATURE_NAMES[i]: round(float(gain[i]) / total, 5) for i in np.argsort(-gain) if gain[i] > 0}


#: Boosting rounds tried when the validation ranking picks how many of the trees to keep.
_ROUND_GRID: tuple[int, ...] = (0, 2, 4, 8, 16, 32, 64, 128, 256, 512)


def _rounds_by_ranking(booster, X: np.ndarray, base: np.ndarray, val: TrainingCut) -> tuple[int, float, np.ndarray]:
    """How many of the early-stopped ``booster``'s rounds to keep: of ``_ROUND_GRID`` below its
    best iteration, and that iteration, the count with the best validation NDCG@10 (ties: the
    fewest), 0 meaning the offset alone.  Returns (rounds, NDCG@10, raw validation scores)."""
    tried = [r for r in _ROUND_GRID if r < booster.best_iteration] + [int(booster.best_iteration)]
    best = None
    raw, done = np.asarray(base, np.float64), 0
    for r in tried:            # each step predicts only the rounds added since the last one
        if r > done:
            raw = raw + booster.predict(X, raw_score=True, start_iteration=done, num_iteration=r - done)
            done = r
        score = _ndcg_at_10(raw, val)
        if best is None or score > best[1] + 1e-12:
            best = (r, score, raw)
    assert best is not None
    return best


def with_ranker(matcher, ranker: RankerModel):
    """A ``Matcher`` over the same model with ``ranker`` as its second stage."""
    from ..recommend.matcher import Matcher

    return Matcher(replace(matcher.model, ranker=ranker), use_ranker=True)


def build_with_ranker(dataset: Dataset, match_params=None, params: RankerParams | None = None,
                      progress: Progress | None = None):
    """The engine's model of ``dataset`` with a ranker trained on its past: a ``Matcher``.

    When the data is too short or too thin to train a ranker (``UsageError`` from
    ``fit_ranker``), the model keeps the blend only and ``progress`` says why.
    """
    from ..recommend.matcher import Matcher

    say = progress or (lambda _m: None)
    # the cuts first: each rebuilds the engine on a censored copy of the data, and the full
    # model is not held beside them (peak memory at 1M creators)
    say("learned ranker (training cuts of the data's own past)")
    try:
        ranker = fit_ranker(dataset, match_params, params, progress=lambda m: say(f"  {m}"))
    except UsageError as exc:
        ranker = None
        reason = f"no learned ranker: {exc}; matching uses the blend"
    matcher = Matcher.from_dataset(dataset, match_params, progress=say)
    if ranker is None:
        say(reason)
        return matcher
    return with_ranker(matcher, ranker)
