"""``creatormatch validate`` and ``creatormatch info``: check and describe a dataset."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import echo_err, resolve_data_dir


def _progress_printer():
    """A per-file row counter on stderr, shown only on a terminal."""
    import sys

    if not sys.stderr.isatty():
        return None
    last: dict[str, int] = {}

    def show(name: str, rows: int) -> None:
        if rows - last.get(name, 0) >= 250_000 or name not in last:
            last[name] = rows
            click.echo(f"\r  reading {name}.csv: {rows:,} rows", err=True, nl=False)

    return show


def open_for_cli(data_dir: Path | None, progress=None):
    """The dataset folder of a command as a ``cache.DatasetRef``: its fingerprint comes from
    the cache when no file changed, its data from the columnar copy (ingested on first use)."""
    from ..cache import open_dataset

    return open_dataset(resolve_data_dir(data_dir), say=echo_err, progress=progress)


def load_for_cli(data_dir: Path | None, lenient: bool = False, rejects: Path | None = None):
    """Load the dataset for a command, printing warnings and lenient-mode counts on stderr.

    Strict loads go through the cache (validated once, then read from the columnar copy);
    ``--lenient`` loads always read the CSV files, since they drop rows.
    """
    progress = _progress_printer()
    try:
        if lenient:
            from ..data.loader import load_dataset

            dataset = load_dataset(resolve_data_dir(data_dir), lenient=True, rejects_path=rejects,
                                   progress=progress)
        else:
            dataset = open_for_cli(data_dir, progress).load()
    finally:
        if progress:
            click.echo("\r" + " " * 60 + "\r", err=True, nl=False)
    for warning in dataset.warnings:
        click.echo(f"Warning: {warning}", err=True)
    report = dataset.report
    if report.rejects_path is not None:
        for name, n in report.rows_rejected.items():
            if n:
                click.echo(f"Rejected {n:,} of {report.rows_read[name]:,} rows of {name}.csv", err=True)
        click.echo(f"Rejected rows and their reasons: {report.rejects_path}", err=True)
    return dataset


lenient_option = click.option(
    "--lenient", is_flag=True,
    help="Drop bad rows (and rows that refer to them) instead of refusing the dataset; "
         "they are written with their reasons to --rejects.")
rejects_option = click.option(
    "--rejects", type=click.Path(path_type=Path), default=Path("rejects.csv"), show_default=True,
    help="Where --lenient writes the rejected rows.")


@click.command()
@click.argument("data_dir", required=False, type=click.Path(path_type=Path))
@lenient_option
@rejects_option
def validate(data_dir: Path | None, lenient: bool, rejects: Path) -> None:
    """Check a dataset folder against contract v1 (default: the bundled sample).

    Exit code 0 when the dataset is valid; 2 with one line per problem, as
    FILE:LINE: column 'NAME': what is wrong (value 'V'), when it is not.
    """
    dataset = load_for_cli(data_dir, lenient, rejects)
    counts = ", ".join(f"{len(t):,} {name}" for name, t in dataset.tables.items() if name not in dataset.derived)
    if dataset.report.rejects_path is not None:
        rejected = sum(dataset.report.rows_rejected.values())
        click.echo(f"Loaded {dataset.root} with --lenient: {counts}; {rejected:,} row(s) rejected "
                   f"(see {dataset.report.rejects_path}).")
        return
    click.echo(f"OK: {dataset.root} is a valid contract-v1 dataset ({counts}).")


@click.command()
@click.argument("data_dir", required=False, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="Output format.")
def info(data_dir: Path | None, fmt: str) -> None:
    """Describe a dataset: row counts, markets, date range, optional files present."""
    import json

    from ..data.describe import describe

    dataset = load_for_cli(data_dir)
    summary = describe(dataset)
    if fmt == "json":
        click.echo(json.dumps(summary, indent=2))
        return
    click.echo(f"Dataset:   {summary['path']}")
    click.echo(f"Fingerprint: {summary['fingerprint']}")
    click.echo("Files:")
    for name, entry in summary["files"].items():
        state = f"{entry['rows']:,} rows" if entry["present"] else "not present"
        click.echo(f"  {name + '.csv':<20} {state}")
    click.echo("Markets:   " + ", ".join(f"{m} ({c['creators']:,} creators, {c['brands']:,} brands)"
                                         for m, c in summary["markets"].items()))
    dr = summary["date_range"]
    click.echo(f"Invitations: {dr['first_invitation']} .. {dr['last_invitation']}")
    if dr.get("first_video"):
        click.echo(f"Videos:      {dr['first_video']} .. {dr['last_video']}")
    click.echo("Statuses:  " + ", ".join(f"{k} {v:,}" for k, v in summary["statuses"].items()))


COMMANDS = [validate, info]
