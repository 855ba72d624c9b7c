"""Partial copies of a generated market, for measuring the ranker on the data real users have.

    python benchmarks/partial_data.py MARKET_DIR OUT_DIR --kind outcomes
    python benchmarks/partial_data.py MARKET_DIR OUT_DIR --kind posts

* ``outcomes`` -- the invitation outcomes are missing: only the accepted and completed
  collaborations are kept (no declined, expired, cancelled or still-open invitation); a
  video that referenced a dropped collaboration loses that reference.  Products, campaigns,
  views and GMV stay.
* ``posts`` -- what posts and mentions give (``creatormatch import posts``): ``outcomes``,
  and no ``products.csv``, no product on any video or campaign, no views, orders or GMV on
  videos, no fee, GMV or rating on collaborations.

Creators, brands, categories and the truth file are copied unchanged, so the copy is the same
market seen through less data: ``evaluate``'s default split and its test pairs (both read the
accepted and completed collaborations) are those of the full market, and the oracle still
applies.  ``benchmarks/quality.py --partial KIND`` evaluates such copies.
"""

from __future__ import annotations

import argparse
import csv
import shutil
from pathlib import Path

KINDS = ("outcomes", "posts")
_KEPT_STATUSES = ("accepted", "completed")


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def _blank(rows: list[dict[str, str]], *columns: str) -> list[dict[str, str]]:
    return [{**r, **{c: "" for c in columns if c in r}} for r in rows]


def derive(market: Path | str, out: Path | str, kind: str) -> Path:
    """Write the ``kind`` copy of ``market`` into ``out`` (created; files overwritten)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)} (got {kind!r})")
    market, out = Path(market), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name in ("creators.csv", "brands.csv", "categories.csv", "truth.npz"):
        if (market / name).is_file():
            shutil.copy(market / name, out / name)
    fields, collaborations = _read(market / "collaborations.csv")
    kept = [r for r in collaborations if r["status"] in _KEPT_STATUSES]
    ids = {r["collaboration_id"] for r in kept}
    video_fields, videos = _read(market / "videos.csv")
    videos = [r if not r["collaboration_id"] or r["collaboration_id"] in ids else {**r, "collaboration_id": ""}
              for r in videos]
    if kind == "posts":
        kept = _blank(kept, "fee", "gmv", "rating")
        videos = _blank(videos, "views", "orders", "gmv", "product_id")
        if (market / "campaigns.csv").is_file():
            campaign_fields, campaigns = _read(market / "campaigns.csv")
            _write(out / "campaigns.csv", campaign_fields, _blank(campaigns, "product_id"))
        (out / "products.csv").unlink(missing_ok=True)
    else:
        for name in ("products.csv", "campaigns.csv"):
            if (market / name).is_file():
                shutil.copy(market / name, out / name)
    _write(out / "collaborations.csv", fields, kept)
    _write(out / "videos.csv", video_fields, videos)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("market")
    ap.add_argument("out")
    ap.add_argument("--kind", choices=KINDS, required=True)
    args = ap.parse_args(argv)
    print(derive(args.market, args.out, args.kind))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
