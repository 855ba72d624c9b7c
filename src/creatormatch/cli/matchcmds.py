"""``creatormatch build``, ``match``, ``explain`` and ``similar``: the matching engine."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click
import numpy as np

from ..display import format_table, truncate
from ..recommend.params import COMPONENTS
from .datacmds import load_for_cli, open_for_cli
from .options import (
    brand_option, category_option, creator_option, data_option, format_option, market_option, model_option,
    out_options, ranker_option, source_option, target_roas_option, top_option,
)
from .output import echo_err, emit_text, export, json_text, number, plural

_SHORT = {"mf": "mf", "graph": "graph", "category_fit": "fit", "cooperation": "coop", "consistency": "cons",
          "uplift": "uplift"}


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
    return number(v, digits)


#: The blend components that are creator indices, and the ``<index>_index`` (0-100) each is
#: also shown as: one scale for indices in every output.
INDEX_FIELDS = {"cooperation": "cooperation_index", "consistency": "consistency_index", "uplift": "sales_uplift_index"}


def _index_fields(components: dict[str, float | None]) -> dict[str, float | None]:
    """The index components of a match on the 0-100 scale of ``scores`` (None: not available)."""
    return {name: (None if components.get(c) is None else round(100.0 * components[c], 1))
            for c, name in INDEX_FIELDS.items()}


# --------------------------------------------------------------------------- build


def describe_cached_model(path: Path) -> str | None:
    """What the model file at ``path`` is, in a few words (None: there is none, or it is unreadable)."""
    from ..errors import ModelError
    from ..recommend.model import read_header

    if not path.is_file():
        return None
    try:
        header = read_header(path)
    except ModelError:
        return None
    kind = "a learned ranker" if header.get("ranker") else "blend only"
    weights = "tuned blend weights" if (header.get("extra") or {}).get("tuning") else "default blend weights"
    return f"built {header.get('created_at') or '?'}, {kind}, {weights}"


@click.command()
@data_option
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE",
              help="Where to write the model. Default: the cache, where 'match' finds it (replacing the cached model).")
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

    A build uses the default blend weights; it says so when the cached model it replaces
    (or, with --out, keeps) had tuned ones from 'creatormatch tune'.
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
    cached = cache_path(dataset.fingerprint)
    before = describe_cached_model(cached)
    echo_err(f"Building the model of {dataset.root} (fingerprint {dataset.fingerprint}):")
    if ranker == "none":
        matcher = Matcher.from_dataset(dataset, params, progress=lambda m: echo_err(f"  {m}"))
    else:
        matcher = build_with_ranker(dataset, params, RankerParams(horizon_days=horizon, seed=seed),
                                    progress=lambda m: echo_err(f"  {m}"))
    attach_prices(matcher, dataset, progress=lambda m: echo_err(f"  {m}"))
    path = out if out is not None else cached
    echo_err("  saving")
    matcher.save(path)
    size = path.stat().st_size
    click.echo(f"Saved model to {path} ({size / 1e6:.1f} MB, built in {time.perf_counter() - began:.1f} s).")
    if before is not None:
        if out is None:
            echo_err(f"It replaces the cached model of this dataset ({before}).")
        else:
            echo_err(f"The cached model of this dataset is kept ({before}); 'match' uses it unless given --model.")
        if "tuned" in before:
            echo_err("This build uses the default blend weights, not the tuned ones; run 'creatormatch tune' "
                     "to tune them again.")


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
            row.update(_index_fields(d["components"]))
            row["yes_if_invited"] = d.get("yes_if_invited")
            rows.append(row)
    return rows


#: ``match --format csv`` columns: as first published, then the indices on 0-100, then the
#: learned ranker's chance of a yes if invited (empty with the blend).
MATCH_COLUMNS = ("brand_id", "rank", "creator_id", "handle", "market", "followers", "score", *COMPONENTS, "reasons",
                 *PRICE_FIELDS, *INDEX_FIELDS.values(), "yes_if_invited")


def _match_table(matcher, results: dict[str, list], n_candidates: dict[str, int],
                 prices: dict[str, list] | None = None) -> str:
    from .._textcolumns import text_at

    out: list[str] = []
    for i, (brand_id, matches) in enumerate(results.items()):
        b = matcher.brand_row(brand_id)
        cat = matcher.brand["category"][b]
        cat_name = f", {matcher.model.tables['category']['name'][cat]}" if cat >= 0 else ""
        if i:
            out.append("")
        name, market = (text_at(matcher.brand, key, b) for key in ("name", "market"))
        out.append(f"Creators for {name} ({brand_id}, {market}{cat_name}): "
                   f"top {len(matches):,} of {plural(n_candidates[brand_id], 'candidate')}")
        with_yes = bool(matches) and matches[0].yes_if_invited is not None
        if matcher.use_ranker:
            days = matcher.model.ranker.horizon_days
            out.append(f"score = probability that the creator becomes a collaborator within {days:g} days "
                       "(learned ranker; --ranker none for the blend)")
        if with_yes:
            out.append("yes = chance the creator says yes if the brand invites them (the score also counts how "
                       "likely the brand is to find them)")
        if not matches:
            out.append("  no creator passes the filters")
            continue
        head = ["#", "creator", "handle", "mkt", "followers", "score"] + (["yes"] if with_yes else [])
        head += [_SHORT[c] for c in COMPONENTS]
        if prices:
            head += ["rate", "fair"]
        cells = []
        for j, m in enumerate(matches):
            row = [str(m.rank), m.creator_id, truncate(m.handle, 22), m.market, f"{m.followers:,}", f"{m.score:.3f}"]
            if with_yes:
                row.append(f"{m.yes_if_invited:.2f}")
            row += [_component_cell(c, m.components[c]) for c in COMPONENTS]
            if prices:
                pr = prices[brand_id][j]
                row += [_fmt(pr["rate_per_video"]), _fmt(pr["fair_rate"])]
            cells.append(row)
        align = ["right", "left", "left", "left", "right", "right"] + ["right"] * (len(head) - 6)
        lines = format_table(head, cells, align, gap=" ", rule=False).split("\n")
        out.append(lines[0])
        for m, text in zip(matches, lines[1:]):
            out.append(text)
            out.extend(f"{'':5}- {reason}" for reason in m.reasons[:3])
    return "\n".join(out)


def _component_cell(component: str, value: float | None) -> str:
    """A component in a table: signals 0-1 with two decimals, indices 0-100 like ``scores``."""
    if component in INDEX_FIELDS:
        return number(None if value is None else 100.0 * value, 0)
    return _fmt(value)


@click.command()
@brand_option(multiple=True)
@data_option
@model_option
@category_option()
@market_option
@click.option("--min-followers", type=click.IntRange(min=0), default=None, metavar="N", help="At least N followers.")
@click.option("--max-followers", type=click.IntRange(min=0), default=None, metavar="N", help="At most N followers.")
@click.option("--max-rate", type=click.FloatRange(min=0), default=None, metavar="X",
              help="Budget: rate_per_video at most X (creators without a listed rate are left out).")
@click.option("--include-past", is_flag=True,
              help="Also return creators who already worked with the brand (left out by default).")
@click.option("--min-evidence", type=click.IntRange(min=0), default=0, show_default=True, metavar="N",
              help="Only creators with at least N invitations on record.")
@click.option("--exclude-refused", is_flag=True,
              help="Leave out creators who declined, let expire or cancelled an invitation of the brand and never "
                   "accepted one.")
@top_option(10)
@ranker_option
@target_roas_option(None)
@format_option("table", "csv", "json")
@source_option
@out_options
def match(brands: tuple[str, ...], data_dir: Path | None, model_path: Path | None, category: str | None,
          market: str | None, min_followers: int | None, max_followers: int | None, max_rate: float | None,
          include_past: bool, min_evidence: int, exclude_refused: bool, top: int, ranker: str, fmt: str,
          source: str, target_roas: float | None = None, out_path: Path | None = None, excel: bool = False) -> None:
    """Rank the creators who fit a brand best, with the score's components and reasons.

    B is a brand id or name; --top N creators per brand (0 = every candidate).  --market
    defaults to the brand's own market ('any': every market).  --category keeps creators
    with content in C or below it; with --ranker none, C also replaces the brand's
    categories in category_fit (the learned ranker's score never changes with a filter).

    Score: with the learned ranker (the default once 'build' trained one), the calibrated
    probability that the pair becomes a collaboration (accepted or completed) within the
    model's horizon (90 days by default) -- comparable across brands, markets and filters,
    and the same for a pair whatever the filters.  With --ranker none, the weighted blend.

    yes (CSV/JSON 'yes_if_invited'): the chance the creator says yes if the brand invites
    them.  The score also counts how likely the brand is to find the creator on its own;
    a planner about to send the invitation needs this part.

    Components (the ranker's raw signals, 0-1 in CSV/JSON 'components'): mf (matrix
    factorisation), graph (brand-personalised walk), fit (category fit), coop/cons/uplift
    (creator indices; shown 0-100 in the table, and as cooperation_index,
    consistency_index and sales_uplift_index in CSV/JSON, like 'scores'); '-' = not
    available.  Each match also carries the creator's rate_per_video and its fair_rate for
    the brand's category (docs/pricing.md).  See docs/matching.md.
    """
    from ..pricing.fair_rate import DEFAULT_TARGET_ROAS, check_target_roas
    from ..recommend.cache import load_or_build
    from ..recommend.matcher import MatchFilters

    roas = check_target_roas(DEFAULT_TARGET_ROAS if target_roas is None else target_roas)
    dataset = load_source(data_dir, source, lazy=True)
    matcher = _with_ranker_choice(load_or_build(dataset, model_path=model_path, progress=echo_err), ranker)
    rows_of = {str(matcher.brand["id"][r]): r for r in (matcher.brand_row(b) for b in brands)}  # typos fail first
    if market is not None:
        market = matcher.scope_key(market, "any")
    if category is not None:
        matcher.category_row(category)
    filters = MatchFilters(market=market, category=category, min_followers=min_followers,
                           max_followers=max_followers, max_rate=max_rate, include_past=include_past,
                           min_evidence=min_evidence, exclude_refused=exclude_refused)
    results: dict[str, list] = {}
    counts: dict[str, int] = {}
    for b, row in rows_of.items():
        results[b] = matcher.match(row, filters, top or None)
        counts[b] = int(matcher.candidate_mask(row, filters).sum())
    prices = _match_prices(matcher, dataset, results, category, roas)
    left_out = sum(counts[b] - len(results[b]) for b in results)
    export(_match_rows(results, prices), MATCH_COLUMNS, fmt, out_path=out_path, excel=excel,
           json_value={b: [m.to_dict() | prices[b][i] | _index_fields(m.components) for i, m in enumerate(ms)]
                       for b, ms in results.items()},
           table=lambda: _match_table(matcher, results, counts, prices), left_out=left_out,
           get_all="--top 0 (every candidate)")


# --------------------------------------------------------------------------- explain


@click.command()
@brand_option()
@creator_option
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
        emit_text(json_text(e.to_dict()))
        return
    rank = f"rank {e.rank:,} of {plural(e.n_candidates, 'candidate')}" if e.rank else "not a candidate"
    lines = [f"{e.handle or e.creator_id} ({e.creator_id}, {e.market}) for {e.brand_name} ({e.brand_id}): "
             f"score {e.score:.3f}, {rank}"]
    lines += [f"  note: {note}" for note in e.notes]
    if e.yes_if_invited is not None:
        lines.append(f"  if {e.brand_name} invites them: chance of a yes {e.yes_if_invited:.2f} (the score also "
                     "counts how likely the brand is to find them and how many creators it takes on)")
    if e.contributions is not None:
        lines.append("\nLearned ranker: the score is a probability; each feature's contribution to its log-odds "
                     f"(base {e.contributions['base_value']:+.3f}):")
        feats = sorted(((k, v) for k, v in e.contributions.items() if k != "base_value"), key=lambda kv: -abs(kv[1]))
        lines += [f"  {v:+.3f}  {k}" for k, v in feats[:12]]
    lines.append("\nComponents (signals 0-1, indices 0-100; weight; share of the blend score):")
    for comp in e.components:
        val = _component_cell(comp["name"], comp["value"]) if comp["available"] else "not available"
        lines.append(f"  {comp['name']:<13} {val:>13}   weight {comp['weight']:.2f}   +{comp['contribution']:.3f}")
    lines.append("\nStrongest graph paths (share of the walk score):")
    if not e.paths:
        lines.append("  none within 3 steps")
    lines += [f"  {_share(p['weight']):>7}  " + " -> ".join(p["path"]) for p in e.paths]
    lines.append("\nPast collaborators of the brand driving the MF score:")
    if not e.mf_drivers:
        lines.append("  none (the brand or the creator has no collaborations in the model)")
    lines += [f"  {d['contribution']:+.3f}  {d['handle'] or d['creator_id']} ({d['creator_id']})" for d in e.mf_drivers]
    lines.append("\nCreator indices (0-100, market percentile):")
    lines.append("  " + ", ".join(f"{k} {_fmt(v, 0)}" for k, v in e.indices.items()))
    if e.reasons:
        lines.append("\nReasons:")
        lines += [f"  - {r}" for r in e.reasons]
    emit_text("\n".join(lines) + "\n")


def _share(weight: float) -> str:
    """A path's share of the walk score as a percentage, never in scientific notation."""
    pct = 100.0 * weight
    return "<0.1%" if 0 < pct < 0.05 else f"{pct:.1f}%"


# --------------------------------------------------------------------------- similar


SIMILAR_COLUMNS = ("rank", "creator_id", "handle", "market", "followers", "score", "mf", "graph")


@click.command()
@creator_option
@data_option
@model_option
@market_option
@top_option(10)
@format_option("table", "csv", "json")
@out_options
def similar(creator: str, data_dir: Path | None, model_path: Path | None, market: str | None, top: int,
            fmt: str, out_path: Path | None = None, excel: bool = False) -> None:
    """Lookalike creators (MF factors + graph neighbourhood), e.g. to replace one who declined.

    C is a creator id or handle; --market defaults to the creator's own market ('any':
    every market); --top 0 lists every creator of that market.
    """
    matcher = _matcher(data_dir, model_path)
    c = matcher.creator_row(creator)
    creator_id = str(matcher.creator["id"][c])
    key = matcher.scope_key(market, str(matcher.creator["market"][c]))
    result = matcher.similar(c, top or None, key)
    rows = [s.to_dict() for s in result]
    scope = matcher.scope(key)
    candidates = len(scope.rows) - int(scope.positions(np.array([c]))[0] >= 0)

    def table() -> str:
        head = ["#", "creator", "handle", "mkt", "followers", "score", "mf", "graph"]
        cells = [[str(s.rank), s.creator_id, truncate(s.handle, 22), s.market, f"{s.followers:,}", f"{s.score:.3f}",
                  _fmt(s.mf), _fmt(s.graph)] for s in result]
        return (f"Creators like {matcher.creator['handle'][c] or creator_id} ({creator_id}):\n"
                + format_table(head, cells, ["right", "left", "left", "left", "right", "right", "right", "right"],
                               gap=" ", rule=False))

    export(rows, SIMILAR_COLUMNS, fmt, out_path=out_path, excel=excel, json_value={creator_id: rows}, table=table,
           left_out=candidates - len(rows))


COMMANDS = [build, match, explain, similar]
