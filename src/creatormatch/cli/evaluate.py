"""``creatormatch evaluate`` and ``creatormatch tune``: offline evaluation and tuning."""

from __future__ import annotations

from pathlib import Path

import click

from .datacmds import load_for_cli
from .options import data_option, format_option
from .output import echo_err, emit_text, json_text, timed_status


@click.command()
@data_option
@click.option("--split-date", default=None, metavar="YYYY-MM-DD",
              help="Models see only data from before this date; later new collaborations are the test. "
                   "Default: the date by which 80 % of the accepted/completed collaborations were invited.")
@click.option("--k", "ks", type=click.IntRange(min=1), multiple=True, default=(10,), show_default=True,
              help="Cut-off of the ranked lists (repeat for several: --k 10 --k 50).")
@click.option("--models", default=None, metavar="a,b,...",
              help="Models to evaluate (comma-separated). Default: random, popularity, itemknn, als, bpr, "
                   "graph, content, blend, blend_tuned, ranker, ranker-no-mf, ranker-no-graph, ranker-no-history, "
                   "and oracle when the data has a truth file (generated markets); oracle-no-taste only when named.")
@click.option("--no-tune", "no_tune", is_flag=True,
              help="Skip tuning on the training period: baselines use their defaults, blend_tuned is left out.")
@click.option("--sample-brands", type=click.IntRange(min=0), default=2000, show_default=True, metavar="N",
              help="Score at most N test brands, drawn with --seed (0 = all). Only the test brands are sampled, "
                   "never a brand's candidates; the output says how wide the confidence interval this leaves is.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Seed of the random baseline and of --sample-brands.")
@format_option("table", "json")
@click.option("--report", "report_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="DIR", help="Also write report.md, metrics.json and PNG plots into DIR.")
@click.option("--pricing", "pricing", is_flag=True,
              help="Evaluate the value-per-video estimate instead: predict the GMV of the collaborations "
                   "completed after the split from data before it, against the follower-tier baseline "
                   "(docs/pricing.md).")
def evaluate(data_dir: Path | None, split_date: str | None, ks: tuple[int, ...], models: str | None,
             no_tune: bool, sample_brands: int, seed: int, fmt: str, report_dir: Path | None,
             pricing: bool = False) -> None:
    """Measure how well each model would have found the brands' new collaborators.

    Protocol: everything before the split date trains the models; each brand that gained
    new collaborators (accepted or completed) after it ranks every creator of its market
    except its past collaborators, and the ranking is scored against those newcomers
    (precision, recall, NDCG, MAP, MRR at each k; AUC; category AUC; coverage, Gini and
    long-tail share of the suggestions).  The ranker and the blend run through the same code
    as 'creatormatch match'; p-values compare the ranker (what 'match' uses) with every
    other model per brand.  The ranker's calibration (ECE), candidate recall and feature
    importances are reported too.  See docs/evaluation.md.

    \b
    Examples:
        creatormatch evaluate
        creatormatch evaluate --data market --k 10 --k 50 --report eval-report
        creatormatch evaluate --models popularity,als,blend --format json
    """
    if pricing:
        _evaluate_pricing(data_dir, split_date, seed, fmt)
        return
    from ..evaluate.report import format_table, write_report
    from ..evaluate.run import parse_models, run_evaluation

    names = parse_models(models)  # fail on a typo before loading anything
    dataset = load_for_cli(data_dir)
    say = timed_status()
    evaluation = run_evaluation(dataset, split_date=split_date, ks=ks, models=names if models else None,
                                tune=not no_tune, seed=seed, progress=say, sample_brands=sample_brands)
    if report_dir is not None:
        paths = write_report(evaluation, report_dir)
        echo_err(f"Report written to {paths[0]}")
    emit_text(json_text(evaluation.to_json()) if fmt == "json" else format_table(evaluation).rstrip("\n") + "\n")


def _evaluate_pricing(data_dir: Path | None, split_date: str | None, seed: int, fmt: str) -> None:
    from ..pricing.evaluate import evaluate_pricing

    dataset = load_for_cli(data_dir)
    result = evaluate_pricing(dataset, split_date=split_date, seed=seed)
    emit_text(json_text(result.to_json()) if fmt == "json" else result.format_table().rstrip("\n") + "\n")


@click.command()
@data_option
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE",
              help="Where to write the tuned model. Default: the cache, where 'match' finds it (replacing the "
                   "cached model).")
@click.option("--k", "k", type=click.IntRange(min=1), default=10, show_default=True,
              help="Tune for NDCG at this cut-off.")
@format_option("table", "json")
def tune(data_dir: Path | None, out: Path | None, k: int, fmt: str) -> None:
    """Tune the blend weights and MF settings on the dataset's own history, and save the model.

    Validation periods are cut from the data itself (at the 60, 70 and 80 % points of its
    collaborations); every setting is chosen by how well it would have ranked the new
    collaborators of those periods.  The model is then built on all the data with the
    chosen settings and saved where 'creatormatch match' uses it: it replaces the cached
    model (the command says what that was).  The tuned model ranks by the tuned blend; it
    has no learned ranker, and a later 'creatormatch build' replaces it with default weights.
    """
    from ..evaluate.run import tune_model
    from ..recommend.cache import cache_path
    from ..recommend.matcher import Matcher
    from .matchcmds import describe_cached_model

    dataset = load_for_cli(data_dir)
    say = timed_status()
    tuned = tune_model(dataset, k=k, progress=say)
    say("building the tuned model on all the data")
    matcher = Matcher.from_dataset(dataset, tuned.params, progress=lambda m: say(f"  {m}"))
    matcher.model.extra["tuning"] = tuned.to_json()["validation"]
    path = out if out is not None else cache_path(dataset.fingerprint)
    before = describe_cached_model(path)
    matcher.save(path)
    echo_err(f"Saved the tuned model to {path} (tuned blend weights, no learned ranker).")
    if before is not None:
        echo_err(f"It replaces the model that was there ({before}).")
    if out is not None and describe_cached_model(cache_path(dataset.fingerprint)) is not None:
        echo_err("The cached model of this dataset is kept; 'match' uses the tuned one with --model.")
    result = tuned.to_json() | {"model": str(path)}
    if fmt == "json":
        emit_text(json_text(result))
        return
    p = result["params"]
    click.echo("Blend weights: " + ", ".join(f"{c} {w:.2f}" for c, w in p["weights"].items())
               + f" (missing components: {p['missing']})")
    mf = (f"{p['mf_model']}, {p['factors']} factors, regularization {p['regularization']}"
          + (f", alpha {p['alpha']}" if p["mf_model"] == "als"
             else f", learning rate {p['learning_rate']}, {p['bpr_iterations']} iterations"))
    click.echo(f"Matrix factorisation: {mf}")
    click.echo(f"Graph walk: alpha {p['graph_alpha']}, popularity damping beta {p['graph_beta']}")
    val = result["validation"]
    click.echo(f"Chosen on validation periods from {', '.join(val['validation_split_dates'])} "
               f"({val['validation_brands']:,} brand periods, {val['validation_test_pairs']:,} new collaborations); "
               f"validation NDCG@{k}: blend {val['models']['blend_tuned']['validation_ndcg']:.3f}, "
               f"content alone {val['models']['content']['validation_ndcg']:.3f}, "
               f"graph alone {val['models']['graph']['validation_ndcg']:.3f}, "
               f"{p['mf_model']} alone {val['models'][p['mf_model']]['validation_ndcg']:.3f}.")
    click.echo(f"Model: {path}")


COMMANDS = [evaluate, tune]
