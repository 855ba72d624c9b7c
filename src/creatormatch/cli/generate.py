"""``creatormatch generate``: write a synthetic market and its hidden truth."""

from __future__ import annotations

import sys
from pathlib import Path

import click


#: Markets at least this large get a progress bar on stderr.
PROGRESS_MIN_CREATORS = 50_000


@click.command("generate")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write the dataset into (created if missing; must be empty unless --force).")
@click.option("--creators", "n_creators", type=click.IntRange(min=10), default=2000, show_default=True,
              help="Number of creators.")
@click.option("--brands", "n_brands", type=click.IntRange(min=1), default=100, show_default=True,
              help="Number of brands.")
@click.option("--seed", type=click.IntRange(min=0), default=42, show_default=True,
              help="Random seed; the same options give byte-identical files.")
@click.option("--start", default="2024-01-01", show_default=True, metavar="DATE",
              help="First day of the market (ISO date).")
@click.option("--days", type=click.IntRange(min=28), default=730, show_default=True,
              help="Length of the market in days; every event lies in [start, start + days).")
@click.option("--videos-per-creator", type=click.FloatRange(min=0, min_open=True, max=1000), default=20.0,
              show_default=True, help="Average videos per creator (collaboration deliverables included).")
@click.option("--invitations-per-creator", type=click.FloatRange(min=0, min_open=True, max=1000), default=10.0,
              show_default=True, help="Average collaboration invitations per creator.")
@click.option("--taste-weight", type=click.FloatRange(min=0, max=10), default=0.8, show_default=True, metavar="W",
              help="Weight of the hidden brand-creator taste in acceptance (docs/generator.md): higher makes "
                   "collaborative signals (who worked with whom) matter more than category fit.")
@click.option("--force", is_flag=True, help="Write into a non-empty folder, replacing files of the same names.")
def generate(out_dir: Path, n_creators: int, n_brands: int, seed: int, start: str, days: int,
             videos_per_creator: float, invitations_per_creator: float, taste_weight: float, force: bool) -> None:
    """Generate a synthetic creator-brand market (dataset contract v1).

    Writes categories, creators, brands, products, campaigns, collaborations and
    videos CSV files to --out: creators in eight markets (ID, MY, PH, SG, TH, VN, GB,
    US) with power-law followers, brands running campaigns that invite creators, the
    outcome of every invitation (answered or not, accepted, delivered late or on time,
    rated, GMV) and each creator's videos with views, engagement and shop orders.

    Behind the data are hidden creator traits -- cooperation, consistency, diligence,
    content volume, content success and sales conversion -- plus a brand-creator
    affinity (category fit, latent taste, cooperation).  Each trait drives its own
    measurable signal (docs/generator.md has the formulas).  They are saved in
    OUT/truth.npz, the truth file: the engine never reads it; tests and the evaluation
    oracle use it to check how well indices and recommenders recover the truth.

    \b
    Examples:
        creatormatch generate --out market
        creatormatch generate --out big --creators 1000000 --brands 100000 --seed 7
    """
    from ..synthetic.generator import generate_market

    if out_dir.exists() and not out_dir.is_dir():
        raise click.UsageError(f"--out {out_dir} is a file; name a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
        raise click.UsageError(f"--out {out_dir} is not empty; choose an empty or new folder, or pass --force "
                               "to replace the dataset files in it")

    kwargs = dict(start=start, days=days, videos_per_creator=videos_per_creator,
                  invitations_per_creator=invitations_per_creator, taste_weight=taste_weight)
    if n_creators >= PROGRESS_MIN_CREATORS:
        steps = 1000
        with click.progressbar(length=steps, label="Generating", file=sys.stderr,
                               show_percent=True, show_eta=True) as bar:
            done = [0]

            def progress(stage: str, fraction: float) -> None:
                target = int(fraction * steps)
                if target > done[0]:
                    bar.label = f"Generating ({stage})"
                    bar.update(target - done[0])
                    done[0] = target

            summary = generate_market(out_dir, n_creators, n_brands, seed, progress=progress, **kwargs)
    else:
        summary = generate_market(out_dir, n_creators, n_brands, seed, **kwargs)

    c = summary.counts
    click.echo(
        f"Wrote a synthetic market to {summary.out_dir}: {c['categories']:,} categories, "
        f"{c['creators']:,} creators, {c['brands']:,} brands, {c['products']:,} products, "
        f"{c['campaigns']:,} campaigns, {c['collaborations']:,} collaborations and {c['videos']:,} videos, "
        f"dated {summary.start} to {summary.end} (seed {summary.seed}, "
        f"{summary.total_bytes / 1e6:,.1f} MB, {summary.seconds:.1f} s). "
        f"The hidden truth (creator traits and brand-creator affinity) is in {summary.truth_path}; "
        f"the engine never reads it, tests and evaluation use it to check what is recovered."
    )


COMMANDS = [generate]
