"""Content volume: how much a creator posts in their own feed.

Input (``videos.csv``): own-feed videos (not collaboration deliverables, which the brand
times) per day of the creator's observation window -- from the later of the first day of
videos.csv and the creator's ``joined_at`` to the last day of videos.csv.

The rate is shrunk with a Gamma prior (``(videos + m b) / (days + b)``) and scored on the
log scale.  Not available without videos.csv, and for a creator without own videos.
Formulas: ``docs/indices.md``.
"""

from __future__ import annotations

import numpy as np

from ..data.dataset import Dataset
from ._prepare import Prepared, prepare
from ._result import IndexResult, finish, unavailable
from ._stats import gamma_prior, gamma_shrink
from .diligence import _log_rate_score

__all__ = ["content_volume_index"]


def content_volume_index(dataset: Dataset, prepared: Prepared | None = None) -> IndexResult:
    """Content volume of every creator (see the module docstring and ``docs/indices.md``).

    Evidence is the number of own-feed videos.
    """
    prep = prepared or prepare(dataset)
    n = prep.n_creators
    if not prep.has_videos:
        return unavailable("content_volume", n)
    n_own = prep.n_own
    exposure = np.where(n_own > 0, prep.window_days, 0.0)
    prior = gamma_prior(n_own, exposure)
    rate = gamma_shrink(n_own, exposure, prior)
    components = {
        "own_videos": n_own,
        "all_videos": prep.n_videos,
        "window_days": prep.window_days,
        "videos_per_week": np.where(n_own > 0, 7.0 * n_own / prep.window_days, np.nan),
        "videos_per_week_shrunk": 7.0 * rate,
        "videos_per_week_prior": np.full(n, 7.0 * prior.mean),
    }
    raw = _log_rate_score(rate, prior.mean, prior.sd)
    components["z_posting_rate"] = raw
    return finish("content_volume", raw, n_own, prep.market, components)
