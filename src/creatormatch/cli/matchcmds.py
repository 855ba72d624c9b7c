"""``creatormatch build``, ``match``, ``explain`` and ``similar``: the matching engine."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path
from typing import Any

import click

from ..recommend.params import COMPONENTS
from ._common import data_option, echo_err, format_option
from ._output import csv_text, emit_text, out_options
from .datacmds import load_for_cli

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


def load_source(data_dir: Path | None, source: str):
    """The dataset from the CSV folder or, with ``source='neo4j'``, read back from Neo4j."""
    if source == "neo4j":
        from ..store import StoreConfig
        from ..store.readback import read_dataset_from_neo4j

        echo_err("Reading the dataset from Neo4j ...")
        return read_dataset_from_neo4j(StoreConfig.from_env())
    return load_for_cli(data_dir)


def _matcher(data_dir: Path | None, model_path: Path | None, source: str = "csv"):
    from ..recommend.cache import load_or_build

    dataset = load_source(data_dir, source)
    return load_or_build(dataset, model_path=model_path, progress=echo_err)


#: Pricing fields added to every match (JSON keys and CSV columns; names shared with
#: ``pricing`` and ``plan``): the creator's rate and its fair rate for the brand's category.
PRICE_FIELDS = ("rate_per_video", "expected_gmv_per_video", "expected_gmv_low", "expected_gmv_high", "fair_rate",
                "value_ratio", "underpriced")


def _match_prices(dataset, results: dict[str, list], category: str | None, target_roas: float) -> dict[str, list]:
    """Per brand, per match: the ``PRICE_FIELDS`` (None = not available)."""
    import numpy as np

    from ..indices.lookup import resolve_category
    from ..pricing import PriceBook

    book = PriceBook.from_dataset(dataset)
    k = resolve_category(dataset, category) if category else None
    out: dict[str, list] = {}
    for brand_id, matches in results.items():
        b = int(dataset.brands.position(brand_id)[0])
        rows = dataset.creators.position(np.array([m.creator_id for m in matches], dtype=str)) if matches else \
            np.zeros(0, np.int64)
        p = book.for_brand(b, rows, target_roas, category_row=k)

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
              help="Random state of the factorisation (same seed, same model).")
@source_option
def build(data_dir: Path | None, out: Path | None, mf_model: str, factors: int | None, seed: int,
          source: str) -> None:
    """Build the match model of a dataset and save it (one versioned .npz file).

    The model holds everything 'match', 'explain' and 'similar' need: MF factors, the
    market graph, PageRank, creator indices, id maps, blend weights and the dataset
    fingerprint (a model is never used with other data).
    """
    from ..recommend.cache import cache_path
    from ..recommend.matcher import Matcher
    from ..recommend.params import MatchParams

    began = time.perf_counter()
    echo_err("Loading the dataset ...")
    dataset = load_source(data_dir, source)
    params = MatchParams(mf_model=mf_model, random_state=seed,
                         **({"factors": factors} if factors is not None else {}))
    echo_err(f"Building the model of {dataset.root} (fingerprint {dataset.fingerprint}):")
    matcher = Matcher.from_dataset(dataset, params, progress=lambda m: echo_err(f"  {m}"))
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
    for i, (brand_id, matches) in enumerate(results.items()):
        b = matcher.brand_row(brand_id)
        cat = matcher.brand["category"][b]
        cat_name = f", {matcher.model.tables['category']['name'][cat]}" if cat >= 0 else ""
        if i:
            click.echo()
        click.echo(f"Creators for {matcher.brand['name'][b]} ({brand_id}, {matcher.brand['market'][b]}{cat_name}): "
                   f"top {len(matches)} of {n_candidates[brand_id]:,} candidates")
        if not matches:
            click.echo("  no creator passes the filters")
            continue
        head = f"{'#':>3}  {'creator':<12} {'handle':<22} {'mkt':<3} {'followers':>10} {'score':>6} " + \
            " ".join(f"{_SHORT[c]:>6}" for c in COMPONENTS) + (f" {'rate':>9} {'fair':>9}" if prices else "")
        click.echo(head)
        for j, m in enumerate(matches):
            handle = m.handle if len(m.handle) <= 22 else m.handle[:21] + "…"
            comps = " ".join(f"{_fmt(m.components[c]):>6}" for c in COMPONENTS)
            price = ""
            if prices:
                pr = prices[brand_id][j]
                price = f" {_fmt(pr['rate_per_video']):>9} {_fmt(pr['fair_rate']):>9}"
            click.echo(f"{m.rank:>3}  {m.creator_id:<12} {handle:<22} {m.market:<3} {m.followers:>10,} "
                       f"{m.score:>6.3f} {comps}{price}")
            for reason in m.reasons[:3]:
                click.echo(f"{'':5}- {reason}")


@click.command()
@click.option("--brand", "brands", multiple=True, required=True, metavar="B",
              help="Brand id to match creators for (repeat for several brands).")
@data_option
@model_option
@click.option("--category", default=None, metavar="C",
              help="Only creators with content in category C (or below it); C also replaces the brand's "
                   "categories in category_fit.")
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
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="Creators per brand.")
@click.option("--target-roas", "target_roas", type=float, default=None, metavar="X",
              help="Return the brand wants on the fee (sales per unit paid) for fair_rate; default 3.")
@format_option("table", "csv", "json")
@source_option
@out_options
def match(brands: tuple[str, ...], data_dir: Path | None, model_path: Path | None, category: str | None,
          market: str | None, min_followers: int | None, max_followers: int | None, max_rate: float | None,
          include_past: bool, min_evidence: int, top: int, fmt: str, source: str, target_roas: float | None = None,
          out_path: Path | None = None, excel: bool = False) -> None:
    """Rank the creators who fit a brand best, with the score's components and reasons.

    Components (each 0-1): mf (matrix factorisation), graph (brand-personalised walk),
    fit (category fit), coop/cons/uplift (creator indices, market percentile / 100);
    '-' = not available.  Each match also carries the creator's rate_per_video and its
    fair_rate for the brand's category (docs/pricing.md).  See docs/matching.md.
    """
    from ..pricing.fair_rate import DEFAULT_TARGET_ROAS, check_target_roas
    from ..recommend.cache import load_or_build
    from ..recommend.matcher import MatchFilters

    roas = check_target_roas(DEFAULT_TARGET_ROAS if target_roas is None else target_roas)
    dataset = load_source(data_dir, source)
    matcher = load_or_build(dataset, model_path=model_path, progress=echo_err)
    for b in brands:
        matcher.brand_row(b)  # unknown brands fail before any work
    filters = MatchFilters(market=market, category=category, min_followers=min_followers,
                           max_followers=max_followers, max_rate=max_rate, include_past=include_past,
                           min_evidence=min_evidence)
    results: dict[str, list] = {}
    counts: dict[str, int] = {}
    for b in dict.fromkeys(brands):
        row = matcher.brand_row(b)
        results[b] = matcher.match(row, filters, top)
        counts[b] = int(matcher.candidate_mask(row, filters).sum()) if fmt == "table" else 0
    prices = _match_prices(dataset, results, category, roas)
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
@format_option("table", "json")
def explain(brand: str, creator: str, data_dir: Path | None, model_path: Path | None, fmt: str) -> None:
    """Why a creator matches a brand: components, graph paths, MF drivers, indices."""
    matcher = _matcher(data_dir, model_path)
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
    click.echo("\nComponents (value 0-1, weight, share of the score):")
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
        click.echo(f"{'#':>3}  {'creator':<12} {'handle':<22} {'mkt':<3} {'followers':>10} {'score':>6} "
                   f"{'mf':>6} {'graph':>6}")
        for s in result:
            click.echo(f"{s.rank:>3}  {s.creator_id:<12} {s.handle[:22]:<22} {s.market:<3} {s.followers:>10,} "
                       f"{s.score:>6.3f} {_fmt(s.mf):>6} {_fmt(s.graph):>6}")


COMMANDS = [build, match, explain, similar]
