"""``creatormatch neo4j ...``: load the graph, push results, run planner queries.

A thin layer over ``creatormatch.store``: each command parses its options, opens one
connection, calls one library function and prints the result.  Connection options
(``--uri``, ``--user``, ``--password``, ``--database``) default to the ``NEO4J_*``
environment variables; the password is never echoed.
"""

from __future__ import annotations

import functools
import json
import logging
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ._common import GuardedGroup
from .options import (
    data_option, format_option, lenient_options, model_option, out_options, source_option, target_roas_option,
    top_option,
)
from .output import ProgressBar, echo_err, emit_text, export, plural

__all__ = ["COMMANDS", "neo4j"]


# --------------------------------------------------------------------------- shared options


def connection_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--uri``, ``--user``, ``--password``, ``--database`` (each also from ``NEO4J_*``)."""
    options = [
        click.option("--uri", envvar="NEO4J_URI", show_envvar=True, default=None, metavar="URI",
                     help="Bolt address of the server.  [default: bolt://127.0.0.1:7687]"),
        click.option("--user", envvar="NEO4J_USER", show_envvar=True, default=None,
                     help="User name.  [default: neo4j]"),
        click.option("--password", envvar="NEO4J_PASSWORD", show_envvar=True, default=None, show_default=False,
                     help="Password (prefer the environment variable: command lines are visible to other "
                          "users).  [default: the local server's, see docs/neo4j-server.md]"),
        click.option("--database", envvar="NEO4J_DATABASE", show_envvar=True, default=None,
                     help="Database.  [default: neo4j]"),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _open_store(uri: str | None, user: str | None, password: str | None, database: str | None):
    """Connect (``StoreError`` -> one line, exit 2).  The driver's own log lines (retry
    notices) are kept off the terminal; our messages say what happened."""
    from ..store import StoreConfig, connect

    logging.getLogger("neo4j").addHandler(logging.NullHandler())
    config = StoreConfig.from_env(uri=uri, user=user, password=password, database=database)
    return connect(config)


def with_store(func: Callable[..., Any]) -> Callable[..., Any]:
    """Open the connection from the connection options and pass it as ``store``."""

    @connection_options
    @functools.wraps(func)
    def wrapper(uri: str | None, user: str | None, password: str | None, database: str | None,
                **kwargs: Any) -> Any:
        with _open_store(uri, user, password, database) as store:
            return func(store=store, **kwargs)

    return wrapper


# --------------------------------------------------------------------------- the group


@click.group("neo4j", cls=GuardedGroup)
def neo4j() -> None:
    """Keep the market graph in Neo4j: load it, push results back, run planner queries.

    Connects to bolt://127.0.0.1:7687 as neo4j by default; set NEO4J_URI, NEO4J_USER,
    NEO4J_PASSWORD and NEO4J_DATABASE (or --uri/--user/--password/--database) for another
    server.  Start the local one with 'scripts/neo4j-local start' (docs/neo4j-server.md);
    the graph model is in docs/graph-model.md.

    \b
        creatormatch neo4j load                  # the bundled sample into the graph
        creatormatch neo4j push --top 10         # indices and each brand's top 10
        creatormatch neo4j query                 # list the planner queries
        creatormatch neo4j query brand_top_matches --param brand_id=B00001
    """


@neo4j.command("schema")
@with_store
def schema_cmd(store) -> None:
    """Create the constraints and indexes of cypher/schema.cypher (idempotent) and list them."""
    from ..store import apply_schema, cypher

    apply_schema(store)
    click.echo("Constraints:")
    for row in store.read(cypher("admin/constraints")):
        what = ", ".join(row["labelsOrTypes"] or [])
        click.echo(f"  {row['name']:<28} {row['type']:<24} {what}({', '.join(row['properties'] or [])})")
    click.echo("Indexes:")
    for row in store.read(cypher("admin/indexes")):
        if row["owningConstraint"]:
            continue
        what = ", ".join(row["labelsOrTypes"] or [])
        click.echo(f"  {row['name']:<28} {row['type']:<10} {row['state']:<8} {what}({', '.join(row['properties'] or [])})")


@neo4j.command("load")
@data_option
@lenient_options
@click.option("--batch-size", type=click.IntRange(min=1), default=None,
              help="Rows per transaction.  [default: 5000]")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Connections writing at once; about one per server core helps.  [default: 2]")
@click.option("--replace", is_flag=True,
              help="Delete every node and relationship first, so the graph holds exactly this dataset.")
@with_store
def load_cmd(store, data_dir: Path | None, lenient: bool, rejects: Path, batch_size: int | None,
             workers: int | None, replace: bool) -> None:
    """Load a dataset folder into Neo4j (schema first, then batched MERGE).

    Idempotent: loading the same folder twice leaves the same nodes and relationships;
    loading a newer folder updates what changed.  If a load is interrupted (server
    restart, lost connection), run it again.

    The big steps are split into blocks that share no node, written by --workers
    connections side by side (docs/graph-model.md, "Loading").
    """
    from ..store import graph_counts, load_graph
    from ..store.loader import DEFAULT_BATCH_SIZE, DEFAULT_WORKERS
    from .datacmds import load_for_cli

    dataset = load_for_cli(data_dir, lenient, rejects)
    progress = ProgressBar("loading")
    try:
        summary = load_graph(store, dataset, batch_size=batch_size or DEFAULT_BATCH_SIZE, progress=progress,
                             replace=replace, workers=workers or DEFAULT_WORKERS)
    finally:
        progress.close()
    nodes, rels = graph_counts(store)
    rate = summary.total_rows / summary.seconds if summary.seconds else 0.0
    click.echo(f"Loaded {dataset.root} into {store.config.uri} (database {store.config.database}) in "
               f"{summary.seconds:.1f}s: {summary.total_rows:,} rows in {summary.transactions} transactions "
               f"({rate:,.0f} rows/s){f', {summary.retries} retried' if summary.retries else ''}.")
    _print_counts(nodes, rels)


@neo4j.command("push")
@data_option
@source_option
@top_option(10)
@model_option
@click.option("--no-reasons", is_flag=True, help="Do not store the reasons of each match.")
@target_roas_option(None)
@with_store
def push_cmd(store, data_dir: Path | None, source: str, top: int, model_path: Path | None, no_reasons: bool,
             target_roas: float | None = None) -> None:
    """Write creator indices and each brand's top matches back to Neo4j.

    --top N matches per brand (0 = every candidate: many edges).  Sets <index>_index and
    <index>_evidence and the fair rate of 'creatormatch pricing'
    (fair_rate, fair_rate_low, value_ratio, underpriced, ...) on every Creator and replaces each brand's
    (:Brand)-[:MATCH {rank, score, mf, graph, category_fit, cooperation, consistency,
    uplift, reasons, model}]->(:Creator) edges.  Each brand's old edges are deleted and
    the new ones created in one transaction: an interrupted push leaves every brand with
    either its old or its new matches, never a mix.
    """
    from ..pricing.fair_rate import check_target_roas
    from ..store import push_results, read_dataset
    from .datacmds import load_for_cli

    if target_roas is not None:
        check_target_roas(target_roas)
    if source == "neo4j":
        if data_dir is not None:
            raise click.UsageError("--data and --source neo4j exclude each other")
        dataset = read_dataset(store)
    else:
        dataset = load_for_cli(data_dir)
    from ..recommend import Matcher
    from ..recommend.cache import load_or_build

    matcher = Matcher.load(model_path, dataset.fingerprint) if model_path is not None else \
        load_or_build(dataset, progress=echo_err)
    progress = ProgressBar("pushing")
    try:
        summary = push_results(store, dataset, top=top or None, matcher=matcher, reasons=not no_reasons, progress=progress,
                               target_roas=target_roas)
    finally:
        progress.close()
    click.echo(f"Pushed indices of {plural(summary.creators, 'creator')} and {plural(summary.matches, 'match', 'matches')} "
               f"for {plural(summary.brands, 'brand')} (top {top or 'all'}, model {summary.model}) in "
               f"{summary.seconds:.1f}s.")


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="--param")
        out[name.strip()] = value
    return out


@neo4j.command("query")
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A query parameter (repeatable), e.g. --param brand_id=B00001.")
@format_option("table", "csv", "json")
@out_options
@click.option("--show", is_flag=True, help="Print the query's Cypher instead of running it.")
@connection_options
def query_cmd(name: str | None, params: tuple[str, ...], fmt: str, show: bool, uri: str | None, user: str | None,
              password: str | None, database: str | None, out_path: Path | None = None, excel: bool = False) -> None:
    """Run the planner query NAME (without NAME: list them with their parameters).

    The queries live in cypher/queries/*.cypher; each file starts with a comment saying
    what it answers.  Parameters are typed as the file declares them.
    """
    from ..store import planner_queries, planner_query

    if name is None:
        for q in planner_queries():
            click.echo(f"{q.name}")
            click.echo(f"    {q.title}")
            for p in q.params:
                default = "" if p.required else f" (default {p.default!r})"
                click.echo(f"    --param {p.name}=<{p.type}>  {p.help}{default}")
        return
    query = planner_query(name)
    values = query.parameters(_parse_params(params))
    if show:
        click.echo(query.text.rstrip())
        return
    with _open_store(uri, user, password, database) as store:
        keys, rows = store.read_rows(query.text, **values)
    _print_rows(keys, rows, fmt, out_path, excel)


@neo4j.command("status")
@with_store
def status_cmd(store) -> None:
    """Show the server, its plugins, what is loaded and the last load and push."""
    from ..store import cypher, graph_counts

    server = store.read(cypher("admin/server"))
    for row in server:
        click.echo(f"Server:   {row['name']} {row['version']} ({row['edition']}) at {store.config.uri}, "
                   f"database {store.config.database!r}, user {store.config.user!r}")
    plugins = {r["namespace"]: r["procedures"] for r in store.read(cypher("admin/plugins"))}
    click.echo("Plugins:  " + (", ".join(f"{k} ({v} procedures)" for k, v in plugins.items()) or "none (APOC and GDS "
                                                                                                  "are not installed)"))
    info = store.read(cypher("admin/dataset_info"))[0]["info"]
    if info:
        state = "complete" if info.get("load_complete") else "INCOMPLETE (run 'creatormatch neo4j load' again)"
        click.echo(f"Dataset:  fingerprint {info.get('fingerprint', '?')}, loaded {_value(info.get('loaded_at'))}, "
                   f"last load {state}")
        if info.get("matches_model"):
            click.echo(f"Matches:  top {info.get('matches_top')} from model {info['matches_model']}, pushed "
                       f"{_value(info.get('matches_pushed_at'))}")
    else:
        click.echo("Dataset:  none loaded yet ('creatormatch neo4j load')")
    nodes, rels = graph_counts(store)
    _print_counts(nodes, rels)


@neo4j.command("favorites")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=Path("creatormatch-queries.zip"),
              show_default=True, help="The zip file to write.")
def favorites_cmd(out: Path) -> None:
    """Write the planner queries as a zip to drop onto Neo4j Browser as favorites.

    Drag the file onto the Browser window: Browser 5.24 imports every query at once, as a
    favorite in a "creatormatch" folder (Favorites drawer, "Local scripts"), named by its
    first comment line.  Each query's second line is its ":params {...}" line: run it
    (without the "//") before the query.  See docs/neo4j-queries.md.
    """
    from ..store import planner_queries

    out.parent.mkdir(parents=True, exist_ok=True)
    queries = planner_queries()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for q in queries:
            zf.writestr(f"creatormatch/{q.name}.cypher", q.text)
    click.echo(f"Wrote {len(queries)} queries to {out}; drop it onto Neo4j Browser "
               "(http://127.0.0.1:7474/browser/): they appear under Favorites > Local scripts > creatormatch.")


# --------------------------------------------------------------------------- output


def _print_counts(nodes: dict[str, int], rels: dict[str, int]) -> None:
    click.echo("Nodes:         " + (", ".join(f"{k} {v:,}" for k, v in nodes.items()) or "none"))
    click.echo("Relationships: " + (", ".join(f"{k} {v:,}" for k, v in rels.items()) or "none"))


def _value(v: Any) -> Any:
    """A driver value as plain JSON-able data (graph objects summarised)."""
    from neo4j.graph import Node, Path as GraphPath, Relationship

    if isinstance(v, Node):
        return {"labels": sorted(v.labels), **{k: _value(x) for k, x in v.items()}}
    if isinstance(v, Relationship):
        return {"type": v.type, **{k: _value(x) for k, x in v.items()}}
    if isinstance(v, GraphPath):
        return _path_text(v)
    if isinstance(v, list):
        return [_value(x) for x in v]
    if isinstance(v, dict):
        return {k: _value(x) for k, x in v.items()}
    if hasattr(v, "to_native"):  # neo4j.time Date/DateTime: stored in UTC, shown with Z
        native = v.to_native()
        text = native.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(v, float) and v != v:
        return None
    return v


def _node_text(node: Any) -> str:
    labels = ":".join(sorted(node.labels))
    key = next((node.get(k) for k in ("creator_id", "brand_id", "product_id", "category_id", "campaign_id", "key")
                if node.get(k) is not None), node.element_id)
    return f"(:{labels} {key})"


def _path_text(path: Any) -> str:
    parts = [_node_text(path.nodes[0])]
    for rel, node in zip(path.relationships, path.nodes[1:]):
        forward = rel.start_node.element_id != node.element_id
        parts.append(f"-[:{rel.type}]->" if forward else f"<-[:{rel.type}]-")
        parts.append(_node_text(node))
    return "".join(parts)


def _cell(v: Any) -> str:
    """A driver value in a table cell: numbers for people (``output.number``), graph objects as text."""
    from .output import table_cell

    v = _value(v)
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False, default=str)
    return "" if v is None else table_cell(v)


def _print_rows(keys: list[str], rows: list[list[Any]], fmt: str, out_path: Path | None = None,
                excel: bool = False) -> None:
    records = [{k: _value(v) for k, v in zip(keys, row)} for row in rows]
    if fmt != "table":
        export(records, keys, fmt, out_path=out_path, excel=excel)
        return
    if not rows:
        emit_text("(no rows)\n", out_path)
        return
    from ..display import format_table

    cells = [[_cell(v) for v in row] for row in rows]
    emit_text(format_table(keys, cells, max_width=60) + f"\n({plural(len(rows), 'row')})\n", out_path)


COMMANDS = [neo4j]
