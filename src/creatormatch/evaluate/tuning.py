"""Choosing hyper-parameters and blend weights without looking at the test period.

Everything here is fitted and scored on **validation splits carved from the training
period only**: ``validation_splits(split.train)`` applies the same protocol to the
censored past at several cuts -- the 60 %, 70 % and 80 % quantiles of the
*training* positives (rolling-origin validation) -- so every validation test pair lies
before the real split date.  Several cuts instead of one: with a hundred brands one
validation period holds a few hundred test pairs, and the choice among good weight
vectors would follow its noise.

The objective is mean NDCG@``k`` (default 10) over the validation brands of all cuts
pooled.  Every model gets a grid of its own, of similar size (``GRIDS``):

* ``als``: factors x regularization x alpha (27 fits per cut); ``bpr``: factors x
  learning rate x regularization x iterations (24); ``itemknn``: neighbours x shrink x
  weighting (16);
* ``graph``: the engine's walk ``graph_alpha`` x ``graph_beta`` (RP3beta damping) (9);
* ``content``: blend weights over the non-collaborative components (``tune_weights``);
* ``blend_tuned``: MF model and parameters = the better of the tuned ALS and BPR, graph
  parameters = the tuned graph's, then the blend weights and the missing-value rule over
  all six components (``tune_weights``).

``tune_weights`` scores every creator's components once per validation brand with the
engine's ``Matcher.score_brand`` and then re-blends them with the engine's own
``recommend.blend.blend`` for each candidate weight vector: a simplex grid with step
``1/GRID_STEPS`` followed by coordinate refinement.  Ties between weight vectors go to the
earlier one (the search starts at the engine's default weights), so results are
reproducible.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..data.dataset import Dataset
from ..errors import UsageError
from .baselines import FactorRecommender, ItemKNNRecommender, MatcherPool, Recommender
from .experiment import score_split
from .metrics import ndcg_at_k
from .protocol import TemporalSplit, temporal_split
from ..progress import Say as Progress

__all__ = [
    "TuningResult", "BlendTuning", "validation_splits", "grid_search", "tune_baseline", "tune_weights", "tune_graph",
    "tune_blend", "GRIDS", "CONTENT_COMPONENTS", "GRID_STEPS",
]


GRIDS: dict[str, dict[str, list[Any]]] = {
    "als": {"factors": [16, 32, 64], "regularization": [0.01, 0.1, 1.0], "alpha": [1.0, 5.0, 20.0]},
    "bpr": {"factors": [16, 32, 64], "learning_rate": [0.01, 0.05], "bpr_regularization": [0.001, 0.01],
            "bpr_iterations": [100, 300]},
    "itemknn": {"neighbours": [10, 50, 200, 0], "shrink": [0.0, 10.0], "weighting": ["binary", "confidence"]},
    "graph": {"graph_alpha": [0.3, 0.5, 0.7], "graph_beta": [0.0, 0.25, 0.5]},
}
#: Components without collaborative signal (the ``content`` baseline).
CONTENT_COMPONENTS: tuple[str, ...] = ("category_fit", "cooperation", "consistency", "uplift")
#: The weight grid's resolution: weights are multiples of 1 / GRID_STEPS.
GRID_STEPS = 5
#: Validation cuts: quantiles of the training positives' invitation times.
VALIDATION_QUANTILES: tuple[float, ...] = (0.6, 0.7, 0.8)


@dataclass
class TuningResult:
    """What a search chose: ``params``, their validation ``score``, and every trial."""

    model: str
    params: dict[str, Any]
    score: float
    trials: list[tuple[dict[str, Any], float]] = field(default_factory=list)


def validation_splits(train: Dataset, quantiles: Sequence[float] = VALIDATION_QUANTILES,
                      before: str = "the split date") -> list[TemporalSplit]:
    """The protocol applied to the training data ``train`` at each quantile cut.

    ``train`` is ``split.train`` when evaluating, or the whole dataset when tuning the
    production model (``creatormatch tune``).  Cuts that fall on the same day are kept
    once; a cut that leaves no validation test pair is skipped.

    Raises
    ------
    UsageError
        The training data is too short to hold any validation period.
    """
    out: list[TemporalSplit] = []
    seen = set()
    problem = ""
    for q in quantiles:
        try:
            val = temporal_split(train, quantile=q)
        except UsageError as exc:
            problem = str(exc)
            continue
        if val.split_label not in seen:
            seen.add(val.split_label)
            out.append(val)
    if not out:
        raise UsageError(f"cannot carve a validation period from the data before {before}"
                         f"{': ' + problem if problem else ''}; choose a later {{option}}", option="split_date")
    return out


def _pooled_ndcg(make: Callable[[], Recommender], vals: Sequence[TemporalSplit], k: int) -> float:
    """Mean NDCG@k over the validation brands of every cut together."""
    values = [score_split(make(), val, [k], with_auc=False).per_brand[f"ndcg@{k}"] for val in vals]
    pooled = np.concatenate(values)
    return float(pooled.mean()) if len(pooled) else float("nan")


def _grid(grid: dict[str, list[Any]]) -> list[dict[str, Any]]:
    names = list(grid)
    return [dict(zip(names, values)) for values in itertools.product(*(grid[n] for n in names))]


def grid_search(name: str, make: Callable[[dict[str, Any]], Recommender], grid: dict[str, list[Any]],
                vals: Sequence[TemporalSplit], k: int = 10, progress: Progress | None = None) -> TuningResult:
    """Fit ``make(params)`` on each validation cut for every grid point; keep the best
    pooled NDCG@k (ties: the earlier grid point)."""
    best: TuningResult | None = None
    trials = []
    points = _grid(grid)
    for i, params in enumerate(points):
        value = _pooled_ndcg(lambda: make(params), vals, k)
        trials.append((params, value))
        if best is None or value > best.score:
            best = TuningResult(name, params, value)
        if progress:
            progress(f"tuning {name}: {i + 1}/{len(points)}")
    assert best is not None
    best.trials = trials
    return best


def _baseline_factory(name: str) -> Callable[[dict[str, Any]], Recommender]:
    if name == "itemknn":
        return lambda p: ItemKNNRecommender(**p)
    if name in ("als", "bpr"):
        return lambda p: FactorRecommender(name, overrides=p)
    raise KeyError(name)


def tune_baseline(name: str, vals: Sequence[TemporalSplit], k: int = 10,
                  progress: Progress | None = None) -> TuningResult:
    """Grid-search baseline ``name`` (``itemknn``, ``als`` or ``bpr``) on the validation cuts."""
    return grid_search(name, _baseline_factory(name), GRIDS[name], vals, k, progress)


# --------------------------------------------------------------------------- engine-backed


@dataclass
class _BrandComponents:
    """One validation brand: normalised components over its candidates, and which are relevant."""

    values: dict[str, np.ndarray]
    available: dict[str, np.ndarray]
    rows: np.ndarray
    relevant: np.ndarray


def _components(matcher, val: TemporalSplit) -> list[_BrandComponents]:
    from ..recommend.matcher import MatchFilters

    out = []
    for b in val.brands:
        sc = matcher.score_brand(int(b))
        keep = matcher.candidate_mask(int(b), MatchFilters())
        rows = sc.rows[keep]
        rel = val.test_positives[[int(b)]].toarray().ravel()[rows] > 0
        out.append(_BrandComponents({c: v[keep] for c, v in sc.values.items()},
                                    {c: a[keep] for c, a in sc.available.items()}, rows, rel))
    return out


def _mean_ndcg(brands: list[_BrandComponents], weights: dict[str, float], missing: str, k: int) -> float:
    """Mean NDCG@k of the engine's blend with ``weights`` over the prepared brands."""
    from ..recommend.blend import blend

    total = 0.0
    for bc in brands:
        s = blend(bc.values, bc.available, weights, missing)
        order = np.lexsort((bc.rows, -s))[:k]  # the engine's tie-break: creator row
        hits = np.zeros((1, k), bool)
        hits[0, :len(order)] = bc.relevant[order]
        total += float(ndcg_at_k(hits, np.array([bc.relevant.sum()]))[0])
    return total / max(len(brands), 1)


def _simplex(n: int, steps: int) -> list[tuple[int, ...]]:
    """All ways to split ``steps`` units over ``n`` components."""
    out = []
    for cut in itertools.combinations(range(steps + n - 1), n - 1):
        parts = np.diff(np.concatenate(([-1], cut, [steps + n - 1]))) - 1
        out.append(tuple(int(x) for x in parts))
    return out


def tune_weights(matchers: Sequence[Any], vals: Sequence[TemporalSplit], components: Sequence[str], k: int = 10,
                 missing_options: Sequence[str] = ("renormalise", "neutral"),
                 starts: Sequence[tuple[dict[str, float], str]] = (),
                 progress: Progress | None = None, name: str = "blend") -> TuningResult:
    """Blend weights over ``components`` (others 0) maximising pooled validation NDCG@k.

    ``matchers[i]`` must be built on ``vals[i].train``.  Search: the ``starts`` (weights,
    missing rule) pairs -- e.g. the tuned content weights, so the blend's search contains
    the content model's optimum -- then the engine's default weights restricted to
    ``components`` and every point of the simplex grid with step ``1 / GRID_STEPS``, for
    each rule in ``missing_options``; then coordinate refinement of the best point in
    steps of 0.05.
    """
    from ..recommend.params import DEFAULT_WEIGHTS

    brands = [bc for matcher, val in zip(matchers, vals) for bc in _components(matcher, val)]
    comps = list(components)
    first = {c: DEFAULT_WEIGHTS.get(c, 0.0) for c in comps}
    if sum(first.values()) <= 0:
        first = {c: 1.0 for c in comps}
    candidates = [first] + [{c: u / GRID_STEPS for c, u in zip(comps, units)}
                            for units in _simplex(len(comps), GRID_STEPS)]
    trials: list[tuple[dict[str, Any], float]] = []
    best_w, best_m, best = None, None, -1.0
    for w0, missing in starts:
        w = {c: float(w0.get(c, 0.0)) for c in comps}
        value = _mean_ndcg(brands, w, missing, k)
        trials.append(({"weights": w, "missing": missing}, value))
        if value > best:
            best_w, best_m, best = w, missing, value
    for missing in missing_options:
        for w in candidates:
            value = _mean_ndcg(brands, w, missing, k)
            trials.append(({"weights": w, "missing": missing}, value))
            if value > best:
                best_w, best_m, best = w, missing, value
        if progress:
            progress(f"tuning {name} weights ({missing}): {len(candidates)} points")
    assert best_w is not None and best_m is not None
    # coordinate refinement around the best grid point
    improved = True
    rounds = 0
    while improved and rounds < 10:
        improved = False
        rounds += 1
        for c in comps:
            for delta in (0.05, -0.05):
                w = dict(best_w)
                w[c] = round(w[c] + delta, 6)
                if w[c] < 0 or sum(w.values()) <= 0:
                    continue
                value = _mean_ndcg(brands, w, best_m, k)
                trials.append(({"weights": w, "missing": best_m}, value))
                if value > best + 1e-12:
                    best_w, best = w, value
                    improved = True
    total = sum(best_w.values())
    weights = {c: round(best_w.get(c, 0.0) / total, 6) for c in comps}
    return TuningResult(name, {"weights": weights, "missing": best_m}, best, trials)


def tune_graph(pool: MatcherPool, vals: Sequence[TemporalSplit], base, k: int = 10,
               progress: Progress | None = None) -> TuningResult:
    """``graph_alpha`` x ``graph_beta`` of the engine's graph component alone on the cuts."""
    from .baselines import MatcherRecommender

    def make(p: dict[str, Any]) -> Recommender:
        return MatcherRecommender("graph", replace(base, **p).with_weights({"graph": 1.0}), pool)

    return grid_search("graph", make, GRIDS["graph"], vals, k, progress)


@dataclass
class BlendTuning:
    """Everything chosen on the validation split: per-model results and the tuned ``MatchParams``."""

    results: dict[str, TuningResult]
    params: Any  # MatchParams of blend_tuned
    content_params: Any  # MatchParams of the content baseline
    graph_params: Any  # MatchParams of the graph baseline
    validation: list[TemporalSplit]

    def to_json(self) -> dict[str, Any]:
        return {
            "validation_split_dates": [v.split_label for v in self.validation],
            "validation_brands": int(sum(len(v.brands) for v in self.validation)),
            "validation_test_pairs": int(sum(v.n_test_pairs for v in self.validation)),
            "models": {name: {"params": r.params, "validation_ndcg": round(r.score, 6)}
                       for name, r in self.results.items()},
        }


def tune_blend(vals: Sequence[TemporalSplit], k: int = 10, pool: MatcherPool | None = None,
               progress: Progress | None = None, baselines: dict[str, TuningResult] | None = None,
               missing_options: Sequence[str] = ("renormalise", "neutral")) -> BlendTuning:
    """Tune the engine-backed models on ``val`` (see the module docstring).

    ``baselines`` may carry already tuned ``als``/``bpr`` results (they are reused for the
    blend's MF part); missing ones are tuned here.  ``missing_options``: the missing-value
    rules tried (``evaluate``'s baselines try both; ``tune``, whose weights ``match`` uses,
    only "neutral", under which no record never outranks a good one).
    """
    from ..recommend.params import COMPONENTS, MatchParams

    pool = pool or MatcherPool()
    results = dict(baselines or {})
    for name in ("als", "bpr"):
        if name not in results:
            results[name] = tune_baseline(name, vals, k, progress)
    mf_name = "als" if results["als"].score >= results["bpr"].score else "bpr"
    base = MatchParams.from_dict(MatchParams().to_dict() | {"mf_model": mf_name} | results[mf_name].params)
    graph = tune_graph(pool, vals, base, k, progress)
    results["graph"] = graph
    base = replace(base, **graph.params)
    matchers = [pool.get(val.train, base) for val in vals]
    content = tune_weights(matchers, vals, CONTENT_COMPONENTS, k, missing_options, progress=progress, name="content")
    results["content"] = content
    blend = tune_weights(matchers, vals, COMPONENTS, k, missing_options, progress=progress, name="blend_tuned",
                         starts=[(content.params["weights"], content.params["missing"])])
    blend.params = blend.params | {"mf_model": mf_name} | results[mf_name].params | graph.params
    results["blend_tuned"] = blend
    tuned = replace(base.with_weights(blend.params["weights"]), missing=blend.params["missing"])
    # graph and content ignore the MF part; giving them the same MF parameters lets the three
    # models share one built model
    content_params = replace(base.with_weights(content.params["weights"]), missing=content.params["missing"])
    graph_params = base.with_weights({"graph": 1.0})
    return BlendTuning(results, tuned, content_params, graph_params, list(vals))
