"""``creatormatch build``, ``match``, ``explain`` and ``similar``: the matching engine."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path
from typing import Any

import click

from ..display import format_table, truncate
from ..recommend.params import COMPONENTS
from ._common import data_option, echo_err, format_option
from ._output import csv_text, emit_text, out_options
from .datacmds import load_for_cli, open_for_cli

_SHORT = {"mf": "mf", "graph": "graph", "category_fit": "fit", "cooperation": "coop", "consistency": "cons",
          "uplift": "uplift"}


def model_option(func):
    return click.option(
        "--model", "model_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
        help="A model file from 'creatormatch build'. Default: the cached model of the dataset "
             "(built on first use; cache in $CREATORMATCH_CACHE or ~/.cache/creatormatch).")(func)


def source_option(func):
    return click.option(
        "--source", type=click.Choice(["csv", "neo4j"]), default="csv", show_default=True,
        help="Read the dataset from the CSV folder (--data) or from the Neo4j graph "
             "(connection from NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE; "
             "load it first with 'creatormatch neo4j load').")(func)


def load_source(data_dir: Path | None, source: str, lazy: bool = False):
    """The dataset from the CSV folder or, with ``source='neo4j'``, read back from Neo4j.

    ``lazy``: for the CSV folder, a ``cache.DatasetRef`` (the data is read only if the
    model has to be built) instead of the loaded ``Dataset``.
    """
    if source == "neo4j":
        from ..store import StoreConfig
        from ..store.readback import read_dataset_from_neo4j

        echo_err("Reading the dataset from Neo4j ...")
        return read_dataset_from_neo4j(StoreConfig.from_env())
    if lazy:
        return open_for_cli(data_dir)
    return load_for_cli(data_dir)


def _matcher(data_dir: Path | None, model_path: Path | None, source: str = "csv", ranker: str = "auto"):
    from ..recommend.cache import load_or_build

    dataset = load_source(data_dir, source, lazy=True)
    return _with_ranker_choice(load_or_build(dataset, model_path=model_path, progress=echo_err), ranker)


def _with_ranker_choice(matcher, ranker: str):
    """``matcher``, or the same model ranked by the blend for ``--ranker none``."""
    from ..recommend.matcher import Matcher

    return Matcher(matcher.model, use_ranker=False) if ranker == "none" else matcher


def ranker_option(func):
    return click.option(
        "--ranker", type=click.Choice(["auto", "none"]), default="auto", show_default=True,
        help="auto: rank with the model's learned ranker (a calibrated probability that the pair becomes a "
             "collaboration) when it has one; none: the weighted blend of the components.")(func)


#: Pricing fields added to every match (JSON keys and CSV columns; names shared with
#: ``pricing`` and ``plan``): the creator's rate and its fair rate for the brand's category.
PRICE_FIELDS = ("rate_per_video", "expected_gmv_per_video", "expected_gmv_low", "expected_gmv_high", "fair_rate",
                "value_ratio", "underpriced")


def _match_prices(matcher, dataset, results: dict[str, list], category: str | None,
                  target_roas: float) -> dict[str, list]:
    """Per brand, per match: the ``PRICE_FIELDS`` (None = not available), from the price
    book stored in the model (``build``), else from the one cached beside the dataset's
    indices (``cache.indexstore``)."""
    import numpy as np

    from .scores import price_book

    book = matcher.model.prices if matcher.model.prices is not None else price_book(dataset)
    k = matcher.category_row(category) if category else None
    out: dict[str, list] = {}
    for brand_id, matches in results.items():
        rows = np.array([m.creator_row for m in matches], np.int64)
        p = book.for_brand(matcher.brand_row(brand_id), rows, target_roas, category_row=k)

        def num(x: float, digits: int = 2) -> float | None:
            return round(float(x), digits) if np.isfinite(x) else None

        out[brand_id] = [{
            "rate_per_video": num(p.rate[i]), "expected_gmv_per_video": num(p.expected[i]),
            "expected_gmv_low": num(p.low[i]), "expected_gmv_high": num(p.high[i]),
            "fair_rate": num(p.fair.fair_rate[i]), "value_ratio": num(p.fair.value_ratio[i], 3),
            "underpriced": bool(p.fair.underpriced[i]) if np.isfinite(p.rate[i]) else None,
        } for i in range(len(rows))]
    return out


def _fmt(v: float | None, digits: int = 2) -> str:
    return "-" if v is None else f"{v:.{digits}f}"


# --------------------------------------------------------------------------- build


@click.command()
@data_option
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the model. Default: the cache, where 'match' finds it.")
@click.option("--mf", "mf_model", type=click.Choice(["als", "bpr"]), default="als", show_default=True,
              help="Matrix factorisation model.")
@click.option("--factors", type=click.IntRange(min=1, max=1024), default=None,
              help="Number of latent factors (default 32).")
@click.option("--seed", type=click.IntRange(min=0), default=42, show_default=True,
              help="Random state of the factorisation and the ranker (same seed, same model).")
@click.option("--ranker", "ranker", type=click.Choice(["lightgbm", "none"]), default="lightgbm", show_default=True,
              help="lightgbm: train the learned ranker on the data's own past (the default 'match' uses); "
                   "none: blend only.")
@click.option("--horizon", "horizon", type=click.FloatRange(min=1), default=90.0, show_default=True, metavar="DAYS",
              help="The ranker predicts whether a pair becomes a collaboration within this many days.")
@source_option
def build(data_dir: Path | None, out: Path | None, mf_model: str, factors: int | None, seed: int,
          ranker: str, horizon: float, source: str) -> None:
    """Build the match model of a dataset and save it (one versioned .npz file).

    The model holds everything 'match', 'explain' and 'similar' need: MF factors, the
    market graph, PageRank, creator indices, the pair history, the learned ranker, id
    maps, blend weights and the dataset fingerprint (a model is never used with other
    data).  The ranker is trained on cuts of the data's own past (docs/matching.md).
    """
    from ..ranker.train import RankerParams, build_with_ranker
    from ..recommend.cache import attach_prices, cache_path
    from ..recommend.matcher import Matcher
    from ..recommend.params import MatchParams

    began = time.perf_counter()
    echo_err("Loading the dataset ...")
    dataset = load_source(data_dir, source)
    params = MatchParams(mf_model=mf_model, random_state=seed,
                         **({"factors": factors} if factors is not None else {}))
    echo_err(f"Building the model of {dataset.root} (fingerprint {dataset.fingerprint}):")
    if ranker == "none":
        matcher = Matcher.from_dataset(dataset, params, progress=lambda m: echo_err(f"  {m}"))
    else:
        matcher = build_with_ranker(dataset, params, RankerParams(horizon_days=horizon, seed=seed),
                                    progress=lambda m: echo_err(f"  {m}"))
    attach_prices(matcher, dataset, progress=lambda m: echo_err(f"  {m}"))
    path = out if out is not None else cache_path(dataset.fingerprint)
    echo_err("  saving")
    matcher.save(path)
    size = path.stat().st_size
    click.echo(f"Saved model to {path} ({size / 1e6:.1f} MB, built in {time.perf_counter() - began:.1f} s).")


# --------------------------------------------------------------------------- match


def _match_rows(results: dict[str, list], prices: dict[str, list] | None = None) -> list[dict[str, Any]]:
    rows = []
    for brand_id, matches in results.items():
        for i, m in enumerate(matches):
            d = m.to_dict()
            row = {"brand_id": brand_id, **{k: d[k] for k in ("rank", "creator_id", "handle", "market", "followers",
                                                               "score")}}
            row.update({c: d["components"][c] for c in COMPONENTS})
            row["reasons"] = " | ".join(d["reasons"])
            if prices is not None:
                row.update(prices[brand_id][i])
            rows.append(row)
    return rows


def _print_match_table(matcher, results: dict[str, list], n_candidates: dict[str, int],
                       prices: dict[str, list] | None = None) -> None:
    from .._textcolumns import text_at

    for i, (brand_id, matches) in enumerate(results.items()):
        b = matcher.brand_row(brand_id)
        cat = matcher.brand["category"][b]
        cat_name = f", {matcher.model.tables['category']['name'][cat]}" if cat >= 0 else ""
        if i:
            click.echo()
        name, market = (text_at(matcher.brand, key, b) for key in ("name", "market"))
        click.echo(f"Creators for {name} ({brand_id}, {market}{cat_name}): "
                   f"top {len(matches)} of {n_candidates[brand_id]:,} candidates")
        if matcher.use_ranker:
            days = matcher.model.ranker.horizon_days
            click.echo(f"score = probability that the creator becomes a collaborator within {days:g} days "
                       "(learned ranker; --ranker none for the blend)")
        if not matches:
            click.echo("  no creator passes the filters")
            continue
        head = ["#", "creator", "handle", "mkt", "followers", "score"] + [_SHORT[c] for c in COMPONENTS]
        if prices:
            head += ["rate", "fair"]
        cells = []
        for j, m in enumerate(matches):
            row = [str(m.rank), m.creator_id, truncate(m.handle, 22), m.market, f"{m.followers:,}", f"{m.score:.3f}"]
            row += [_fmt(m.components[c]) for c in COMPONENTS]
            if prices:
                pr = prices[brand_id][j]
                row += [_fmt(pr["rate_per_video"]), _fmt(pr["fair_rate"])]
            cells.append(row)
        align = ["right", "left", "left", "left", "right", "right"] + ["right"] * (len(head) - 6)
        lines = format_table(head, cells, align, gap=" ", rule=False).split("\n")
        click.echo(lines[0])
        for m, text in zip(matches, lines[1:]):
            click.echo(text)
            for reason in m.reasons[:3]:
                click.echo(f"{'':5}- {reason}")


@click.command()
@click.option("--brand", "brands", multiple=True, required=True, metavar="B",
              help="Brand id to match creators for (repeat for several brands).")
@data_option
@model_option
@click.option("--category", default=None, metavar="C",
              help="Only creators with content in category C (or below it). With --ranker none, C also "
                   "replaces the brand's categories in category_fit; the learned ranker's score never changes "
                   "with a filter.")
@click.option("--market", default=None, metavar="M|any",
              help="Market of the creators. Default: the brand's own market; 'any' for all markets.")
@click.option("--min-followers", type=click.IntRange(min=0), default=None, help="At least N followers.")
@click.option("--max-followers", type=click.IntRange(min=0), default=None, help="At most N followers.")
@click.option("--max-rate", type=click.FloatRange(min=0), default=None, metavar="X",
              help="Budget: rate_per_video at most X (creators without a listed rate are left out).")
@click.option("--include-past", is_flag=True,
              help="Also return creators who already worked with the brand (left out by default).")
@click.option("--min-evidence", type=click.IntRange(min=0), default=0, show_default=True, metavar="N",
              help="Only creators with at least N invitations on record.")
@click.option("--exclude-refused", is_flag=True,
              help="Leave out creators who declined, let expire or cancelled an invitation of the brand and never "
                   "accepted one.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="Creators per brand.")
@ranker_option
@click.option("--target-roas", "target_roas", type=float, default=None, metavar="X",
              help="Return the brand wants on the fee (sales per unit paid) for fair_rate; default 3.")
@format_option("table", "csv", "json")
@source_option
@out_options
def match(brands: tuple[str, ...], data_dir: Path | None, model_path: Path | None, category: str | None,
          market: str | None, min_followers: int | None, max_followers: int | None, max_rate: float | None,
          include_past: bool, min_evidence: int, exclude_refused: bool, top: int, ranker: str, fmt: str,
          source: str, target_roas: float | None = None, out_path: Path | None = None, excel: bool = False) -> None:
    """Rank the creators who fit a brand best, with the score's components and reasons.

    Score: with the learned ranker (the default once 'build' trained one), the calibrated
    probability that the pair becomes a collaboration (accepted or completed) within the
    model's horizon (90 days by default) -- comparable across brands, markets and filters,
    and the same for a pair whatever the filters.  With --ranker none, the weighted blend.

    Components (each 0-1, the ranker's raw signals): mf (matrix factorisation), graph
    (brand-personalised walk), fit (category fit), coop/cons/uplift (creator indices,
    market percentile / 100); '-' = not available.  Each match also carries the creator's
    rate_per_video and its fair_rate for the brand's category (docs/pricing.md).  See
    docs/matching.md.
    """
    from ..pricing.fair_rate import DEFAULT_TARGET_ROAS, check_target_roas
    from ..recommend.cache import load_or_build
    from ..recommend.matcher import MatchFilters

    roas = check_target_roas(DEFAULT_TARGET_ROAS if target_roas is None else target_roas)
    dataset = load_source(data_dir, source, lazy=True)
    matcher = _with_ranker_choice(load_or_build(dataset, model_path=model_path, progress=echo_err), ranker)
    for b in brands:
        matcher.brand_row(b)  # unknown brands fail before any work
    filters = MatchFilters(market=market, category=category, min_followers=min_followers,
                           max_followers=max_followers, max_rate=max_rate, include_past=include_past,
                           min_evidence=min_evidence, exclude_refused=exclude_refused)
    results: dict[str, list] = {}
    counts: dict[str, int] = {}
    for b in dict.fromkeys(brands):
        row = matcher.brand_row(b)
        results[b] = matcher.match(row, filters, top)
        counts[b] = int(matcher.candidate_mask(row, filters).sum()) if fmt == "table" else 0
    prices = _match_prices(matcher, dataset, results, category, roas)
    if fmt == "json":
        text = json.dumps({b: [m.to_dict() | prices[b][i] for i, m in enumerate(ms)] for b, ms in results.items()},
                          indent=2, ensure_ascii=False)
        emit_text(text + "\n", out_path, csv_output=False, excel=False)
    elif fmt == "csv":
        rows = _match_rows(results, prices)
        emit_text(csv_text(rows, ["brand_id", "rank", "creator_id", "handle", "market", "followers", "score",
                                  *COMPONENTS, "reasons", *PRICE_FIELDS]), out_path, csv_output=True, excel=excel)
    elif out_path is not None:
        import contextlib

        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            _print_match_table(matcher, results, counts, prices)
        emit_text(buf.getvalue(), out_path, csv_output=False, excel=False)
    else:
        _print_match_table(matcher, results, counts, prices)


# --------------------------------------------------------------------------- explain


@click.command()
@click.option("--brand", required=True, metavar="B", help="Brand id.")
@click.option("--creator", required=True, metavar="C", help="Creator id.")
@data_option
@model_option
@ranker_option
@format_option("table", "json")
def explain(brand: str, creator: str, data_dir: Path | None, model_path: Path | None, ranker: str, fmt: str) -> None:
    """Why a creator matches a brand: the ranker's contributions, components, graph paths, MF drivers, indices."""
    matcher = _matcher(data_dir, model_path, ranker=ranker)
    b = matcher.brand_row(brand)
    c = matcher.creator_row(creator)
    e = matcher.explain(b, c)
    if fmt == "json":
        click.echo(json.dumps(e.to_dict(), indent=2, ensure_ascii=False))
        return
    rank = f"rank {e.rank:,} of {e.n_candidates:,} candidates" if e.rank else "not a candidate"
    click.echo(f"{e.handle or e.creator_id} ({e.creator_id}, {e.market}) for {e.brand_name} ({e.brand_id}): "
               f"score {e.score:.3f}, {rank}")
    for note in e.notes:
        click.echo(f"  note: {note}")
    if e.contributions is not None:
        click.echo("\nLearned ranker: the score is a probability; each feature's contribution to its log-odds "
                   f"(base {e.contributions['base_value']:+.3f}):")
        feats = sorted(((k, v) for k, v in e.contributions.items() if k != "base_value"), key=lambda kv: -abs(kv[1]))
        for k, v in feats[:12]:
            click.echo(f"  {v:+.3f}  {k}")
    click.echo("\nComponents (value 0-1, weight, share of the blend score):")
    for comp in e.components:
        val = _fmt(comp["value"], 3) if comp["available"] else "not available"
        click.echo(f"  {comp['name']:<13} {val:>13}   weight {comp['weight']:.2f}   +{comp['contribution']:.3f}")
    click.echo("\nStrongest graph paths (share of the walk score):")
    if not e.paths:
        click.echo("  none within 3 steps")
    for p in e.paths:
        click.echo(f"  {p['weight']:.2e}  " + " -> ".join(p["path"]))
    click.echo("\nPast collaborators of the brand driving the MF score:")
    if not e.mf_drivers:
        click.echo("  none (the brand or the creator has no collaborations in the model)")
    for d in e.mf_drivers:
        click.echo(f"  {d['contribution']:+.3f}  {d['handle'] or d['creator_id']} ({d['creator_id']})")
    click.echo("\nCreator indices (market percentile):")
    click.echo("  " + ", ".join(f"{k} {_fmt(v, 0)}" for k, v in e.indices.items()))
    if e.reasons:
        click.echo("\nReasons:")
        for r in e.reasons:
            click.echo(f"  - {r}")


# --------------------------------------------------------------------------- similar


@click.command()
@click.option("--creator", required=True, metavar="C", help="Creator id to find lookalikes for.")
@data_option
@model_option
@click.option("--market", default=None, metavar="M|any", help="Market of the lookalikes (default: the creator's).")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="Number of lookalikes.")
@format_option("table", "csv", "json")
def similar(creator: str, data_dir: Path | None, model_path: Path | None, market: str | None, top: int,
            fmt: str) -> None:
    """Lookalike creators (MF factors + graph neighbourhood), e.g. to replace one who declined."""
    matcher = _matcher(data_dir, model_path)
    c = matcher.creator_row(creator)
    result = matcher.similar(c, top, market)
    rows = [s.to_dict() for s in result]
    if fmt == "json":
        click.echo(json.dumps({creator: rows}, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=["rank", "creator_id", "handle", "market", "followers", "score", "mf",
                                            "graph"], lineterminator="\n")
        w.writeheader()
        w.writerows({k: ("" if v is None else v) for k, v in r.items()} for r in rows)
        click.echo(buf.getvalue(), nl=False)
    else:
        click.echo(f"Creators like {matcher.creator['handle'][c] or creator} ({creator}):")
        head = ["#", "creator", "handle", "mkt", "followers", "score", "mf", "graph"]
        cells = [[str(s.rank), s.creator_id, truncate(s.handle, 22), s.market, f"{s.followers:,}", f"{s.score:.3f}",
                  _fmt(s.mf), _fmt(s.graph)] for s in result]
        click.echo(format_table(head, cells, ["right", "left", "left", "left", "right", "right", "right", "right"],
                                gap=" ", rule=False))

COMMANDS = [build, match, explain, similar]
