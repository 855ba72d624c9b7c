"""A plain summary of a dataset (what ``creatormatch info`` prints)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .contract import FILES, STATUSES
from .dataset import Dataset


def _day(value: np.datetime64) -> str | None:
    return None if np.isnat(value) else str(value.astype("datetime64[D]"))


def describe(dataset: Dataset) -> dict[str, Any]:
    """Counts per file, markets, date ranges and status counts of ``dataset``."""
    files = {spec.name: {"present": dataset.has(spec.name),
                         "rows": len(dataset.tables[spec.name]) if dataset.has(spec.name) else 0}
             for spec in FILES}
    c_m, c_n = np.unique(dataset.creators["market"], return_counts=True)
    b_m, b_n = np.unique(dataset.brands["market"], return_counts=True)
    markets: dict[str, dict[str, int]] = {}
    for m in sorted(set(c_m.tolist()) | set(b_m.tolist())):
        markets[m] = {"creators": int(c_n[c_m == m].sum()), "brands": int(b_n[b_m == m].sum())}
    invited = dataset.collaborations["invited_at"]
    dates: dict[str, str | None] = {"first_invitation": _day(invited.min()), "last_invitation": _day(invited.max())}
    if dataset.has("videos") and len(dataset.videos):
        posted = dataset.videos["posted_at"]
        dates.update(first_video=_day(posted.min()), last_video=_day(posted.max()))
    counts = np.bincount(dataset.collaborations["status"].astype(np.int64), minlength=len(STATUSES))
    return {
        "path": str(dataset.root),
        "fingerprint": dataset.fingerprint,
        "files": files,
        "markets": markets,
        "date_range": dates,
        "statuses": {s: int(n) for s, n in zip(STATUSES, counts)},
    }
