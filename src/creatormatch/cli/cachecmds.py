"""``creatormatch cache info|verify|clear``: the cache of dataset copies and models."""

from __future__ import annotations

import json

import click

from ._common import GuardedGroup
from .options import format_option
from .output import plural


@click.group("cache", cls=GuardedGroup)
def cache() -> None:
    """The cache of validated dataset copies and match models.

    The first command that reads a dataset folder validates it and keeps a columnar copy
    and its model in $CREATORMATCH_CACHE (default ~/.cache/creatormatch); later commands
    re-use them while the files keep their size, times and inode.  See docs/cache.md.
    """


def _size(n: int) -> str:
    return f"{n / 2**20:,.1f} MiB"


@cache.command("info")
@format_option("table", "json")
def info(fmt: str) -> None:
    """Entries in the cache: one per dataset content, with sizes and the folders it came from."""
    from ..cache.inventory import cache_info
    from ..cache.location import cache_dir

    entries = cache_info()
    if fmt == "json":
        click.echo(json.dumps({"cache_dir": str(cache_dir()), "entries": [e.to_dict() for e in entries]}, indent=2))
        return
    click.echo(f"Cache: {cache_dir()}")
    if not entries:
        click.echo("No entries.")
        return
    total = sum(e.copy_bytes + e.model_bytes + e.indices_bytes for e in entries)
    click.echo(f"{plural(len(entries), 'entry', 'entries')}, {_size(total)}:")
    for e in entries:
        copy, model, indices = (_size(n) if n else "-" for n in (e.copy_bytes, e.model_bytes, e.indices_bytes))
        click.echo(f"  {e.fingerprint}  copy {copy:>12}  model {model:>12}  indices {indices:>12}")
        for folder in e.folders:
            click.echo(f"      dataset {folder}")


@cache.command("verify")
@click.option("--keep", is_flag=True, help="Only report damaged entries; do not remove them.")
def verify(keep: bool) -> None:
    """Re-read every byte of the cache: copies against their CRC-32, models against their
    digest, dataset folders against their recorded fingerprint.

    Damaged entries are removed (rebuilt on next use) unless --keep; exit code 2 when any
    problem was found.
    """
    from ..cache.inventory import verify_cache
    from ..errors import CreatorMatchError

    result = verify_cache(repair=not keep)
    for problem in result.problems:
        click.echo(f"problem: {problem}", err=True)
    for removed in result.removed:
        click.echo(f"removed: {removed}", err=True)
    if result.problems:
        raise CreatorMatchError(f"{plural(len(result.problems), 'problem')} in {plural(len(result.checked), 'cache item')}"
                                + ("" if keep else "; damaged entries were removed and are rebuilt on next use"))
    click.echo(f"OK: {plural(len(result.checked), 'cache item')} verified.")


@cache.command("clear")
def clear() -> None:
    """Remove every copy, model and record from the cache (rebuilt on next use)."""
    from ..cache.inventory import clear_cache
    from ..cache.location import cache_dir

    items, total = clear_cache()
    click.echo(f"Removed {plural(items, 'item')}, {_size(total)}, from {cache_dir()}.")


COMMANDS = [cache]
