"""Content volume: how much a creator posts in their own feed.

Input (``videos.csv``): own-feed videos (not collaboration deliverables, which the brand
times) per day of the creator's own observation window -- the declared ``observed_from`` ..
``observed_to`` of ``creators.csv``, else from the creator's first to last record of any
kind (when an own post opens the window, it is not counted; see
``_prepare.observation_window``).  A scrape of each creator's last ten posts thus gives
equal volume to creators who post at the same rate, whatever span their ten posts cover.

The rate is shrunk with a Gamma prior (``(videos + m b) / (days + b)``) and scored on the
log scale.  Not available without videos.csv, and for a creator without own videos.
Formulas: ``docs/indices.md``.
"""

from __future__ import annotations

import numpy as np

from ..data.dataset import Dataset
from ._prepare import Prepared, prepare
from ._result import NO_VIDEOS, IndexResult, finish, unavailable
from ._stats import gamma_prior, gamma_shrink
from .diligence import NO_OWN_FEED, _log_rate_score

__all__ = ["content_volume_index"]


def content_volume_index(dataset: Dataset, prepared: Prepared | None = None) -> IndexResult:
    """Content volume of every creator (see the module docstring and ``docs/indices.md``).

    Evidence is the number of own-feed videos.
    """
    prep = prepared or prepare(dataset)
    n = prep.n_creators
    if not prep.has_videos:
        return unavailable("content_volume", n, NO_VIDEOS)
    if not prep.n_own.any():
        return unavailable("content_volume", n, NO_OWN_FEED)
    n_own = prep.n_own
    posts, days = prep.window_posts, prep.window_days
    exposure = np.where(n_own > 0, days, 0.0)
    prior = gamma_prior(posts, exposure)
    rate = gamma_shrink(posts, exposure, prior)
    components = {
        "own_videos": n_own,
        "all_videos": prep.n_videos,
        "window_days": days,
        "window_posts": posts,
        "videos_per_week": np.where((n_own > 0) & (days > 0), 7.0 * posts / np.where(days > 0, days, 1.0), np.nan),
        "videos_per_week_shrunk": 7.0 * rate,
        "videos_per_week_prior": np.full(n, 7.0 * prior.mean),
    }
    raw = _log_rate_score(rate, prior.mean, prior.sd)
    # a creator seen posting once has no measured rate: the population's rate is what we know
    raw = np.where(np.isnan(raw) & (n_own > 0), 0.0, raw)
    components["z_posting_rate"] = raw
    return finish("content_volume", raw, n_own, prep.market, components)
