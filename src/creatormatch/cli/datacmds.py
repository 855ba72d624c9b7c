"""``creatormatch validate`` and ``creatormatch info``: check and describe a dataset.

Also the dataset loading every command shares (``load_for_cli``, ``open_for_cli``).
"""

from __future__ import annotations

from pathlib import Path

import click

from .options import data_argument, format_option, lenient_options, resolve_data_dir
from .output import echo_err, export, json_text, emit_text, plural, row_counter


def open_for_cli(data_dir: Path | None, progress=None, data_dir_arg: Path | None = None):
    """The dataset folder of a command as a ``cache.DatasetRef``: its fingerprint comes from
    the cache when no file changed, its data from the columnar copy (ingested on first use)."""
    from ..cache import open_dataset

    return open_dataset(resolve_data_dir(data_dir, data_dir_arg), say=echo_err, progress=progress)


def load_for_cli(data_dir: Path | None, lenient: bool = False, rejects: Path | None = None,
                 data_dir_arg: Path | None = None):
    """Load the dataset for a command, printing warnings and lenient-mode counts on stderr.

    Strict loads go through the cache (validated once, then read from the columnar copy);
    ``--lenient`` loads always read the CSV files, since they drop rows.
    """
    progress = row_counter()
    try:
        if lenient:
            from ..data.loader import load_dataset

            dataset = load_dataset(resolve_data_dir(data_dir, data_dir_arg), lenient=True, rejects_path=rejects,
                                   progress=progress)
        else:
            dataset = open_for_cli(data_dir, progress, data_dir_arg).load()
    finally:
        if progress:
            click.echo("\r" + " " * 60 + "\r", err=True, nl=False)
    for warning in dataset.warnings:
        echo_err(f"Warning: {warning}")
    report = dataset.report
    if report.rejects_path is not None:
        for name, n in report.rows_rejected.items():
            if n:
                echo_err(f"Rejected {n:,} of {report.rows_read[name]:,} rows of {name}.csv")
        echo_err(f"Rejected rows and their reasons: {report.rejects_path}")
    return dataset


@click.command()
@data_argument
@lenient_options
def validate(data_dir: Path | None, data_dir_arg: Path | None, lenient: bool, rejects: Path) -> None:
    """Check a dataset folder against contract v1 (default: the bundled sample).

    The folder is --data DIR or, as before, the argument DATA_DIR.  Exit code 0 when the
    dataset is valid; 2 with one line per problem, as FILE:LINE: column 'NAME': what is
    wrong (value 'V'), when it is not.  With --lenient, bad rows are dropped and the exit
    code is 0 unless every row of a required file (creators, brands, collaborations) was
    rejected.  Market codes are ISO 3166-1 alpha-2; UK is read as GB with a warning.
    """
    dataset = load_for_cli(data_dir, lenient, rejects, data_dir_arg)
    counts = ", ".join(f"{len(t):,} {name}" for name, t in dataset.tables.items() if name not in dataset.derived)
    if dataset.report.rejects_path is not None:
        rejected = sum(dataset.report.rows_rejected.values())
        click.echo(f"Loaded {dataset.root} with --lenient: {counts}; {plural(rejected, 'row')} rejected "
                   f"(see {dataset.report.rejects_path}).")
        return
    click.echo(f"OK: {dataset.root} is a valid contract-v1 dataset ({counts}).")


@click.command()
@data_argument
@format_option("table", "json")
def info(data_dir: Path | None, data_dir_arg: Path | None, fmt: str) -> None:
    """Describe a dataset: row counts, markets, date range, optional files present.

    The folder is --data DIR or, as before, the argument DATA_DIR.
    """
    from ..data.describe import describe

    dataset = load_for_cli(data_dir, data_dir_arg=data_dir_arg)
    summary = describe(dataset)
    if fmt == "json":
        emit_text(json_text(summary))
        return
    lines = [f"Dataset:   {summary['path']}", f"Fingerprint: {summary['fingerprint']}", "Files:"]
    for name, entry in summary["files"].items():
        state = f"{entry['rows']:,} rows" if entry["present"] else "not present"
        lines.append(f"  {name + '.csv':<20} {state}")
    lines.append("Markets:   " + ", ".join(f"{m} ({plural(c['creators'], 'creator')}, {plural(c['brands'], 'brand')})"
                                           for m, c in summary["markets"].items()))
    dr = summary["date_range"]
    lines.append(f"Invitations: {dr['first_invitation']} .. {dr['last_invitation']}")
    if dr.get("first_video"):
        lines.append(f"Videos:      {dr['first_video']} .. {dr['last_video']}")
    lines.append("Statuses:  " + ", ".join(f"{k} {v:,}" for k, v in summary["statuses"].items()))
    export([], [], "table", table=lambda: "\n".join(lines))


COMMANDS = [validate, info]
