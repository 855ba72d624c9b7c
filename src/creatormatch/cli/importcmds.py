"""``creatormatch import posts``: a contract-v1 dataset from a table of scraped posts."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import GuardedGroup
from .output import echo_err


@click.group("import", cls=GuardedGroup)
def import_group() -> None:
    """Turn data in other shapes into a contract-v1 dataset."""


@import_group.command("posts")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the dataset, rejects.csv and import-report.md into.")
@click.option("--map", "maps", multiple=True, metavar="COLUMN=FIELD",
              help="Read column COLUMN as FIELD (repeatable). Fields: handle, followers, posted_at, url, post_id, "
                   "caption, likes, comments, views, country, scraped_at, paid_partnership.")
@click.option("--min-creators", type=click.IntRange(min=1), default=2, show_default=True,
              help="An @mentioned account is a brand when at least this many distinct creators mention it.")
@click.option("--exclude", "exclude", multiple=True, metavar="HANDLE",
              help="An account that is a person, never a brand (repeatable).")
@click.option("--exclude-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A file of such accounts, one handle per line.")
@click.option("--market", "market", default=None, metavar="M",
              help="Market of creators whose posts carry no country: an ISO 3166-1 code such as ID or GB "
                   "(needed only when there are such creators).")
def posts(file: Path, out: Path, maps: tuple[str, ...], min_creators: int, exclude: tuple[str, ...],
          exclude_file: Path | None, market: str | None) -> None:
    """Turn FILE, a CSV table of posts, into a contract-v1 dataset in --out.

    One row per post: the author's handle and followers, posted_at (or a post URL or id
    that encodes the time), caption, likes, comments, views, optionally country.  Authors
    become creators; accounts @mentioned by at least --min-creators creators become
    brands; each post's brand mentions become completed collaborations; captions with
    #ad, #sponsored or "paid partnership" mark paid posts.  Every inference is counted in
    import-report.md; rows that cannot be read go to rejects.csv with their line.
    Countries must be ISO 3166-1 alpha-2 codes (UK is read as GB); creators whose posts
    carry none get --market.
    See datasets/README.md.
    """
    from ..data.importers import import_posts, parse_mapping, write_import

    people = list(exclude)
    if exclude_file is not None:
        people += [line.strip() for line in exclude_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    result = import_posts(file, mapping=parse_mapping(maps), min_creators=min_creators, exclude=people,
                          default_market=market)
    write_import(result, out)
    c = result.counts
    click.echo(f"Imported {file}: {c['posts_written']:,} posts of {c['creators_written']:,} creators, "
               f"{c['brands_written']:,} brands, {c['collaborations_written']:,} collaborations into {out}.")
    if result.rejects:
        echo_err(f"Rejected {len(result.rejects):,} of {c['rows_read']:,} rows: {out / 'rejects.csv'}")
    echo_err(f"Every inference and its count: {out / 'import-report.md'}")


COMMANDS = [import_group]
