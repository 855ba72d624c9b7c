"""``--report DIR``: an evaluation written for a campaign planner.

Files written into ``DIR``:

* ``report.md`` -- what was measured, in plain words first (how many of the creators
  who really came on board each model put in its top k), then the tables: accuracy,
  significance, oracle ratio, exposure, cold-start brands, the tuned settings, the
  protocol and a glossary of the metrics;
* ``metrics.json`` -- exactly the ``--format json`` object;
* ``metric_vs_k.png`` -- NDCG@k, recall@k and precision@k per model against k;
* ``lorenz.png`` -- the exposure Lorenz curve of each model's top-k lists (how evenly
  recommendations spread over creators);
* ``ndcg.png`` -- NDCG@k per model as bars with standard errors over brands, and the
  oracle's level when known;
* ``reliability.png`` -- the learned ranker's reliability diagram (predicted probability
  against the observed rate on the test period), when a ranker was evaluated.

Plots are drawn with matplotlib's Agg canvas directly (no pyplot state, no display).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from ..display import format_table as _text_table
from .experiment import ACCURACY, Evaluation
from .learned import RANKER_MODELS
from .metrics import lorenz_curve

__all__ = ["write_report", "render_markdown", "format_table", "ablation_summary"]

_FILES = ("report.md", "metrics.json", "metric_vs_k.png", "lorenz.png", "ndcg.png", "reliability.png")


def _fmt(x: Any, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "–"
    return f"{x:.{digits}f}"


def _p(p: float | None) -> str:
    if p is None or (isinstance(p, float) and np.isnan(p)):
        return "–"
    return "< 0.0001" if p < 1e-4 else f"{p:.4f}"


def _p_is(p: float | None) -> str:
    """``p = 0.0123`` or ``p < 0.0001`` for a sentence."""
    text = _p(p)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def format_table(evaluation: Evaluation) -> str:
    """The ``--format table`` output: one row per model at every k, then the notes."""
    data = evaluation.to_json()
    ks = evaluation.ks
    k0 = evaluation.primary_k
    cols = [f"{m}@{k}" for k in ks for m in ("ndcg", "recall", "precision", "map", "mrr")] + ["auc", "cauc"]
    cols += [f"{m}@{k0}" for m in ("coverage", "gini", "longtail")]
    level = f"{100 * data['ci_level']:.0f}%"
    head = ["model"] + cols + [f"p(ndcg@{k0})", "vs oracle"] + [f"ndcg@{k} {level} CI" for k in ks]
    rows = []
    for name, m in data["models"].items():
        p = data["significance"].get(name, {}).get(f"ndcg@{k0}")
        ref = "(reference)" if name == evaluation.reference else _p(p)
        rows.append([name] + [_fmt(m.get(c)) for c in cols] + [ref, _fmt(data["oracle_ratio"].get(name), 2)]
                    + [_interval(data["ndcg_ci"].get(name, {}).get(f"ndcg@{k}")) for k in ks])
    lines = [f"Split date {data['split_date']}: {data['n_brands']:,} test brands "
             f"({data['n_cold_brands']:,} cold-start), {data['n_test_pairs']:,} test pairs."]
    lines.append(_text_table(head, rows, ["left"] + ["right"] * (len(head) - 1), rule=False))
    if evaluation.reference:
        lines.append(f"p: two-sided Wilcoxon signed-rank test per brand of {evaluation.reference} against each model.")
    lines.append(f"CI: {level} bootstrap interval of NDCG over test brands.")
    for name, cal in data.get("calibration", {}).items():
        recall = data.get("candidate_recall", {}).get(name)
        trees = ", ".join(list(data.get("feature_importance", {}).get(name, {}))[:5])
        accept = ", ".join(list(data.get("acceptance_importance", {}).get(name, {}))[:5])
        parts = []
        if accept:
            parts.append(f"strongest features of the acceptance model: {accept}")
        if trees:
            parts.append(f"of the residual trees: {trees}")
        strongest = "; ".join(parts) or "no feature importances"
        lines.append(f"{name}: calibration ECE {_fmt(cal['ece'], 4)} over {cal['pairs']:,} candidate pairs; "
                     f"candidate recall {_fmt(recall)}; {strongest}.")
    lines.extend(f"Note: {n}" for n in evaluation.notes)
    lines.extend(_thin_lines(data, "WARNING: "))
    return "\n".join(lines)


def _interval(ci: list[float | None] | None) -> str:
    if not ci or ci[0] is None:
        return "–"
    return f"[{ci[0]:.3f}, {ci[1]:.3f}]"


def _thin_lines(data: dict[str, Any], prefix: str) -> list[str]:
    """The thin-data warning in plain words (nothing when the data suffice)."""
    thin = data["thin_data"]
    if thin["conclusive"]:
        return []
    return [f"{prefix}{thin['warning']}: {'; '.join(thin['shortfalls'])}. Tuning was skipped and every model "
            "uses its defaults; read the figures and p-values as anecdotes, not evidence."]


#: The feature groups an ablation leaves out, in words.
_GROUP_WORDS = {"mf": "matrix factorisation", "graph": "the graph walk", "history": "the pair history"}
#: The ablations ``ablation_summary`` reads: model name -> the part it leaves out, in words.
ABLATION_PARTS: dict[str, str] = {name: " and ".join(_GROUP_WORDS.get(g, g) for g in groups)
                                  for name, groups in RANKER_MODELS.items() if groups}


def ablation_summary(models: dict[str, dict[str, Any]], significance: dict[str, dict[str, float]], ref: str,
                     key: str, level: float = 0.05) -> str | None:
    """One sentence on what the collaborative parts add: the ablations whose removal lowers
    ``key`` with p < ``level`` (paired per brand against ``ref``), or that none does and what
    that usually means.  None when ``ref`` is not the ranker or no ablation was run."""
    if ref != "ranker" or ref not in models:
        return None
    ran = [name for name in ABLATION_PARTS if name in models and models[name].get(key) is not None]
    if not ran:
        return None
    full = models[ref][key]
    costly = [name for name in ran if models[name][key] < full
              and (p := significance.get(name, {}).get(key)) is not None and p < level]
    if costly:
        parts = "; ".join(f"without {ABLATION_PARTS[n]} {models[n][key] - full:+.3f} "
                          f"({_p_is(significance[n][key])})" for n in costly)
        return f"What the collaborative parts add here ({key}, p < {level}): {parts}."
    return (f"Leaving out {', '.join(ABLATION_PARTS[n] for n in ran)} makes no significant difference here "
            f"(p >= {level} each): on this data the gain comes from how brands search and who says yes. "
            "The collaborative parts pay when creators answer many invitations (docs/evaluation.md, "
            "\"Collaborative taste that shows in the data\").")


def _best_collaborative(models: dict[str, dict[str, Any]], key: str) -> tuple[str, float] | None:
    from .baselines import COLLABORATIVE

    vals = [(n, models[n][key]) for n in COLLABORATIVE if n in models and models[n].get(key) is not None]
    return max(vals, key=lambda x: x[1]) if vals else None


def render_markdown(evaluation: Evaluation) -> str:
    """The text of ``report.md``."""
    data = evaluation.to_json()
    models = data["models"]
    ks = evaluation.ks
    k0 = evaluation.primary_k
    ref = evaluation.reference
    out: list[str] = ["# Offline evaluation of creator matching", ""]
    warning = _thin_lines(data, "**Warning: ")
    if warning:
        out += [warning[0].replace(": ", ":** ", 1), ""]
    out.append(f"Data: `{evaluation.split.train.root}`. Everything before **{data['split_date']}** was used to "
               f"build the models; the report checks which creators they would have suggested to each brand, "
               f"against the creators who actually agreed to work with that brand from that day on.")
    out.append("")
    out.append(f"* **{data['n_brands']:,} brands** gained at least one new collaborator after the split "
               f"({data['n_cold_brands']:,} of them had none before: *cold-start* brands).")
    out.append(f"* **{data['n_test_pairs']:,} new brand–creator collaborations** are the answers to find.")
    out.append("* Each brand's suggestions are drawn from **every creator in its market** except those it "
               "already worked with — no shortcuts with small candidate samples.")
    out.append("")
    if ref and ref in models:
        m = models[ref]
        out.append("## In short")
        out.append("")
        rec = m.get(f"recall@{k0}")
        prec = m.get(f"precision@{k0}")
        out.append(f"* The engine as `match` ships it (`{ref}`) puts **{_fmt(100 * rec if rec is not None else None, 1)} %** of "
                   f"each brand's future collaborators in its top {k0} (recall@{k0}); "
                   f"{_fmt(100 * prec if prec is not None else None, 1)} % of its top-{k0} suggestions "
                   f"did become collaborators (precision@{k0}).")
        best = _best_collaborative(models, f"ndcg@{k0}")
        if best is not None and best[1]:
            ratio = m[f"ndcg@{k0}"] / best[1]
            p = data["significance"].get(best[0], {}).get(f"ndcg@{k0}")
            out.append(f"* Its ranking quality (NDCG@{k0} {_fmt(m[f'ndcg@{k0}'])}) is **{ratio:.2f}×** that of the "
                       f"best purely collaborative method, `{best[0]}` ({_fmt(best[1])}); "
                       f"{_p_is(p)} (paired per brand).")
        for other in ("content", "graph", "blend", "ranker-no-mf", "ranker-no-graph", "ranker-no-history"):
            if other in models and other != ref and models[other].get(f"ndcg@{k0}") is not None:
                p = data["significance"].get(other, {}).get(f"ndcg@{k0}")
                out.append(f"* Compared with `{other}` alone (NDCG@{k0} {_fmt(models[other][f'ndcg@{k0}'])}): "
                           f"difference {m[f'ndcg@{k0}'] - models[other][f'ndcg@{k0}']:+.3f}, {_p_is(p)}.")
        line = ablation_summary(models, data["significance"], ref, f"ndcg@{k0}")
        if line:
            out.append(f"* {line}")
        if ref in data["oracle_ratio"]:
            out.append(f"* Against the *oracle* that knows the generator's hidden true affinity: "
                       f"**{_fmt(data['oracle_ratio'][ref], 2)}×** its NDCG@{k0} (see the note below on why "
                       "a model can exceed it).")
        out.append("")
    out.append("## Accuracy")
    out.append("")
    level = f"{100 * data['ci_level']:.0f}%"
    head = ["model"] + [f"{m}@{k}" for k in ks for m in ACCURACY] + ["auc", "cauc"]
    out.append("| " + " | ".join(head + [f"ndcg@{k} {level} CI" for k in ks]) + " |")
    out.append("|" + "---|" * (len(head) + len(ks)))
    for name, m in models.items():
        out.append("| " + " | ".join([f"`{name}`"] + [_fmt(m.get(h)) for h in head[1:]]
                                     + [_interval(data["ndcg_ci"].get(name, {}).get(f"ndcg@{k}")) for k in ks])
                   + " |")
    out.append("")
    out.append(f"CI: {level} percentile-bootstrap interval of the mean NDCG, resampling test brands.")
    out.append("")
    if data["significance"]:
        out.append(f"## Is the difference real? (two-sided Wilcoxon signed-rank test per brand, `{ref}` vs each)")
        out.append("")
        out.append("| model | " + " | ".join(f"p (ndcg@{k})" for k in ks) + " |")
        out.append("|---|" + "---|" * len(ks))
        for name, tests in data["significance"].items():
            out.append(f"| `{name}` | " + " | ".join(_p(tests.get(f"ndcg@{k}")) for k in ks) + " |")
        out.append("")
        out.append("A p-value below 0.01 means a difference this large would be very unlikely if the two "
                   "models were equally good.")
        out.append("")
    if data["oracle_ratio"]:
        out.append(f"## Share of the oracle (NDCG@{k0} / oracle's NDCG@{k0})")
        out.append("")
        out.append("| model | ratio |")
        out.append("|---|---|")
        for name, r in data["oracle_ratio"].items():
            out.append(f"| `{name}` | {_fmt(r, 2)} |")
        out.append("")
        out.append("The oracle ranks creators by the generator's true probability that the pair becomes a "
                   "collaboration: that the brand invites the creator (category, popularity, chance) times that "
                   "the creator accepts (category fit, cooperation, consistency and a hidden brand-creator taste). "
                   "It does not know which invitations were still open at the split; a model that reads the "
                   "pair history does, so on large markets a ratio above 1 is possible.")
        if "oracle-no-taste" in data["oracle_ratio"]:
            out.append("`oracle-no-taste` is the same ranking without the hidden taste: what a model could reach "
                       "knowing everything else exactly.")
        out.append("")
    out.append(f"## Who gets recommended (top-{k0} lists of all test brands together)")
    out.append("")
    out.append(f"| model | coverage@{k0} | gini@{k0} | longtail@{k0} |")
    out.append("|---|---|---|---|")
    for name, m in models.items():
        out.append(f"| `{name}` | {_fmt(m.get(f'coverage@{k0}'))} | {_fmt(m.get(f'gini@{k0}'))} | "
                   f"{_fmt(m.get(f'longtail@{k0}'))} |")
    out.append("")
    out.append("Coverage: share of the candidate creators suggested at least once. Gini: 0 = every creator "
               "suggested equally often, close to 1 = a few creators get all suggestions. Long tail: share of "
               "suggestions going to creators outside the 20 % most popular (by past collaborations).")
    out.append("")
    out.append("![exposure Lorenz curves](lorenz.png)")
    out.append("")
    if data["n_cold_brands"]:
        out.append(f"## Cold-start brands ({data['n_cold_brands']} brands with no earlier collaborator)")
        out.append("")
        out.append(f"| model | ndcg@{k0} | recall@{k0} | auc |")
        out.append("|---|---|---|---|")
        for name, m in models.items():
            out.append(f"| `{name}` | {_fmt(m.get(f'cold_ndcg@{k0}'))} | {_fmt(m.get(f'cold_recall@{k0}'))} | "
                       f"{_fmt(m.get('cold_auc'))} |")
        out.append("")
        if data["n_cold_brands"] < 10:
            n = data["n_cold_brands"]
            out.append(f"Only {n} cold-start brand{'s' if n != 1 else ''}: read these figures as anecdotes.")
            out.append("")
    out.extend(_ranker_section(evaluation, data))
    out.append("## Ranking quality against k")
    out.append("")
    out.append("![metric vs k](metric_vs_k.png)")
    out.append("")
    out.append("![NDCG per model](ndcg.png)")
    out.append("")
    out.append("## Settings chosen on the training period")
    out.append("")
    tuned = _tuned_settings(evaluation)
    if tuned:
        for name, entry in tuned.items():
            out.append(f"* `{name}`: `{json.dumps(entry['params'], sort_keys=True)}` "
                       f"(validation NDCG@{k0} {_fmt(entry['validation_ndcg'])})")
        if evaluation.tuning is not None:
            dates = ", ".join(v.split_label for v in evaluation.tuning.validation)
            out.append("")
            out.append(f"Validation cuts (all before the split date): {dates}. `blend` uses the engine's "
                       "default settings; `blend_tuned` the tuned ones.")
    else:
        out.append("No tuning was done: every model used its default settings.")
    out.append("")
    out.append("## How this was measured")
    out.append("")
    out.append("* A collaboration counts as a success when its status is *accepted* or *completed*.")
    out.append("* Models saw only invitations, videos and campaigns from before the split date, and only the "
               "answers, deliveries, ratings and sales already known then.")
    out.append("* A test pair is a brand and a creator whose collaboration became a success on or after the split "
               "date, and who had not succeeded together before.")
    out.append(f"* Metrics are averaged over the test brands; k = {', '.join(map(str, ks))}. Precision@k is "
               "hits / k; recall@k is hits / the brand's test pairs; NDCG@k rewards hits near the top; MAP@k and "
               "MRR@k likewise; AUC is the chance that a real collaborator is ranked above a random other "
               "candidate; cAUC the same against candidates of the brand's own category only (it tells whether "
               "a model sees more than category). Formulas: docs/evaluation.md.")
    for note in evaluation.notes:
        out.append(f"* Note: {note}")
    out.append("")
    return "\n".join(out)


def _ranker_section(evaluation: Evaluation, data: dict[str, Any]) -> list[str]:
    """``## Learned ranker``: calibration, candidate recall, training cuts, feature importances."""
    if not evaluation.rankers:
        return []
    out = ["## Learned ranker", ""]
    for name, cal in data.get("calibration", {}).items():
        out.append(f"**Calibration of `{name}`** on the test period: expected calibration error (ECE) "
                   f"**{_fmt(cal['ece'], 4)}** over {cal['pairs']:,} candidate pairs of every brand "
                   f"({cal['positives']:,} became collaborators). Equal-count bins:")
        out.append("")
        out.append("| predicted (mean) | observed rate | pairs |")
        out.append("|---|---|---|")
        for b in cal["quantile_bins"]:
            if b["count"]:
                out.append(f"| {b['predicted']:.4f} | {b['observed']:.4f} | {b['count']:,} |")
        out.append("")
        out.append("![reliability diagram](reliability.png)")
        out.append("")
    recall = data.get("candidate_recall", {})
    if recall:
        out.append("**Candidate recall** (share of the test pairs inside each ranker's candidates; it caps every "
                   "metric above): " + ", ".join(f"`{n}` {_fmt(r)}" for n, r in recall.items()) + ".")
        out.append("")
    for name, ranker in evaluation.rankers.items():
        if name != "ranker":
            continue
        info = ranker.info
        cuts = ", ".join(f"{c['date']} ({c['rows']:,} rows, {c['positives_in_candidates']:,} positives)"
                         for c in info.get("cuts", []))
        out.append(f"**Training** (`{name}`): validation cut first, then the training cuts: {cuts}. "
                   f"Chosen: `{json.dumps(info.get('chosen', {}), sort_keys=True)}`.")
        out.append("")
        if info.get("residual_trees") is False:
            out.append("No residual trees (`residual_trees` auto: the acceptance model carries the features): the "
                       "score is the offset alone, `exposure + acceptance + brand_volume` (docs/matching.md, "
                       "section 11).")
            out.append("")
        elif not info.get("chosen", {}).get("rounds", 1):
            out.append("The validation ranking kept none of the trees' rounds: the score is the offset alone, "
                       "`exposure + acceptance + brand_volume` (docs/matching.md, section 11).")
            out.append("")
        trees = info.get("importance_gain", {})
        accept = info.get("acceptance", {}).get("importance_gain", {})
        out.append("| feature | share of the trees' gain | share of the acceptance model's gain |")
        out.append("|---|---|---|")
        for feature in sorted(set(trees) | set(accept), key=lambda f: -max(trees.get(f, 0.0), accept.get(f, 0.0)))[:20]:
            out.append(f"| `{feature}` | {_fmt(trees.get(feature), 3)} | {_fmt(accept.get(feature), 3)} |")
        out.append("")
    return out


def _plot_reliability(evaluation: Evaluation, path: Path) -> None:
    fig = _figure(5.5, 5.0)
    ax = fig.add_subplot(1, 1, 1)
    ax.plot([0, 1], [0, 1], color="grey", linewidth=1, label="perfect calibration")
    top = 0.0
    for name, cal in evaluation.calibration.items():
        r = cal["quantile"]
        keep = r.count > 0
        ax.plot(r.predicted[keep], r.observed[keep], marker="o", label=f"{name} (ECE {cal['equal_width'].ece:.4f})")
        top = max(top, float(np.nanmax(r.predicted[keep])) if keep.any() else 0.0,
                  float(np.nanmax(r.observed[keep])) if keep.any() else 0.0)
    lim = min(1.0, max(top * 1.1, 0.05))
    ax.set_xlim(0, lim)
    ax.set_ylim(0, lim)
    ax.set_xlabel("predicted probability (mean of an equal-count bin)")
    ax.set_ylabel("observed share that became collaborators")
    ax.set_title("Reliability of the ranker's probability, test period", fontsize=9)
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)


def _tuned_settings(evaluation: Evaluation) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, r in evaluation.baseline_tuning.items():
        out[name] = {"params": r.params, "validation_ndcg": r.score}
    if evaluation.tuning is not None:
        for name, r in evaluation.tuning.results.items():
            out[name] = {"params": r.params, "validation_ndcg": r.score}
    return {n: out[n] for n in out if n in evaluation.models}


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=110)
    FigureCanvasAgg(fig)
    return fig


def _plot_metric_vs_k(evaluation: Evaluation, path: Path) -> None:
    fig = _figure(12, 3.8)
    ks = list(evaluation.ks)
    for i, metric in enumerate(("ndcg", "recall", "precision")):
        ax = fig.add_subplot(1, 3, i + 1)
        for name, scores in evaluation.models.items():
            ys = [scores.mean(f"{metric}@{k}") for k in ks]
            style = "--" if name.startswith("oracle") else "-"
            width = 2.5 if name == evaluation.reference else 1.2
            ax.plot(ks, ys, style, marker="o", linewidth=width, label=name)
        ax.set_xlabel("k (length of the suggestion list)")
        ax.set_title(f"{metric}@k")
        if len(ks) > 1 and max(ks) / min(ks) >= 10:
            ax.set_xscale("log")
        ax.grid(alpha=0.3)
    fig.axes[0].legend(fontsize=7, loc="best")
    fig.tight_layout()
    fig.savefig(path)


def _plot_lorenz(evaluation: Evaluation, path: Path) -> None:
    k0 = evaluation.primary_k
    split = evaluation.split
    universe = np.isin(split.creator_market, np.unique(split.brand_market[split.brands]))
    fig = _figure(5.5, 5.0)
    ax = fig.add_subplot(1, 1, 1)
    ax.plot([0, 1], [0, 1], color="grey", linewidth=1, label="equal exposure")
    for name, scores in evaluation.models.items():
        x, y = lorenz_curve(scores.exposure[k0][universe])
        width = 2.5 if name == evaluation.reference else 1.2
        ax.plot(x, y, linewidth=width, label=f"{name} (gini {scores.beyond[f'gini@{k0}']:.2f})")
    ax.set_xlabel("share of candidate creators (least exposed first)")
    ax.set_ylabel(f"share of top-{k0} slots")
    ax.set_title(f"Exposure Lorenz curves, top {k0}")
    ax.legend(fontsize=7, loc="upper left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)


def _plot_ndcg(evaluation: Evaluation, path: Path) -> None:
    k0 = evaluation.primary_k
    names = [n for n in evaluation.models if not n.startswith("oracle")]
    values = [evaluation.models[n].mean(f"ndcg@{k0}") for n in names]
    per_brand = [evaluation.models[n].per_brand[f"ndcg@{k0}"] for n in names]
    errors = [v.std(ddof=1) / np.sqrt(len(v)) if len(v) > 1 else 0.0 for v in per_brand]
    fig = _figure(7, 3.8)
    ax = fig.add_subplot(1, 1, 1)
    colors = ["tab:orange" if n == evaluation.reference else "tab:blue" for n in names]
    ax.bar(names, values, color=colors, yerr=errors, capsize=3, error_kw={"elinewidth": 1})
    lines = {"oracle": ("--", "oracle (true probability)"), "oracle-no-taste": (":", "oracle without the taste")}
    for name, (style, label) in lines.items():
        if name in evaluation.models:
            ax.axhline(evaluation.models[name].mean(f"ndcg@{k0}"), color="black", linestyle=style, label=label)
    if any(name in evaluation.models for name in lines):
        ax.legend(fontsize=8)
    ax.set_ylabel(f"NDCG@{k0}")
    ax.set_title(f"Ranking quality per model (NDCG@{k0}, higher is better; bars: ±1 standard error)",
                 fontsize=9)
    ax.tick_params(axis="x", labelrotation=30)
    fig.tight_layout()
    fig.savefig(path)


def write_report(evaluation: Evaluation, out_dir: Path | str) -> list[Path]:
    """Write ``report.md``, ``metrics.json`` and the PNG plots into ``out_dir`` (created).

    Returns
    -------
    The written paths.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(render_markdown(evaluation), encoding="utf-8")
    (out / "metrics.json").write_text(json.dumps(evaluation.to_json(), indent=2) + "\n", encoding="utf-8")
    _plot_metric_vs_k(evaluation, out / "metric_vs_k.png")
    _plot_lorenz(evaluation, out / "lorenz.png")
    _plot_ndcg(evaluation, out / "ndcg.png")
    written = [out / f for f in _FILES[:5]]
    if evaluation.calibration:
        _plot_reliability(evaluation, out / "reliability.png")
        written.append(out / "reliability.png")
    return written
