"""Content success: how well a creator's videos do for an account of its size.

Inputs (``videos.csv``, every video of the creator), per video:

* **reach** -- ``log((views + 1) / (followers + 1))``: views relative to the audience;
* **engagement** -- ``log((likes + comments + shares + 1) / (views + 1))``.

Each is averaged per creator, shrunk toward the mean of the creator's **follower tier**
(half a decade of followers: 10k–32k, 32k–100k, ...) with a normal prior, and scored
against that tier -- raw views would only say who is big.  The index is the weighted
mean of the two standard scores (``WEIGHTS``).  Formulas: ``docs/indices.md``.
"""

from __future__ import annotations

import numpy as np

from ..data.dataset import Dataset
from ._prepare import Prepared, prepare
from ._result import NO_VIDEOS, IndexResult, finish, unavailable
from ._stats import combine, follower_tier, shrink_event_means

__all__ = ["content_success_index", "WEIGHTS"]

WEIGHTS = {"reach": 0.5, "engagement": 0.5}


def content_success_index(dataset: Dataset, prepared: Prepared | None = None) -> IndexResult:
    """Content success of every creator (see the module docstring and ``docs/indices.md``).

    Evidence is the number of videos with a view count.
    """
    prep = prepared or prepare(dataset)
    n = prep.n_creators
    if not prep.has_videos:
        return unavailable("content_success", n, NO_VIDEOS)
    videos = dataset.videos
    creator = prep.video_creator
    followers = dataset.creators["followers"].astype(np.float64)
    tier_of_creator = follower_tier(followers)
    tier_of_creator -= tier_of_creator.min() if n else 0
    n_tiers = int(tier_of_creator.max()) + 1 if n else 1

    views = videos["views"]
    seen = views >= 0
    if not seen.any():
        return unavailable("content_success", n, "no views (no video has a view count)")
    reach_v = np.log((views[seen] + 1.0) / (followers[creator[seen]] + 1.0))
    reach = shrink_event_means(creator[seen], reach_v, n, tier_of_creator, n_tiers)

    parts = [(WEIGHTS["reach"], reach.z)]
    interactions = sum(np.maximum(videos[c], 0) for c in ("likes", "comments", "shares"))
    counted = seen & (views > 0) & ((videos["likes"] >= 0) | (videos["comments"] >= 0) | (videos["shares"] >= 0))
    components = {
        "videos_with_views": reach.count,
        "followers": followers,
        "follower_tier": tier_of_creator,
        "views_per_follower": np.exp(reach.mean),
        "views_per_follower_tier": np.exp(reach.prior.means[tier_of_creator]),
    }
    if counted.any():
        eng_v = np.log((interactions[counted] + 1.0) / (views[counted] + 1.0))
        engagement = shrink_event_means(creator[counted], eng_v, n, tier_of_creator, n_tiers)
        parts.append((WEIGHTS["engagement"], np.where(np.isnan(engagement.z) & (reach.count > 0), 0.0,
                                                      engagement.z)))
        components["engagement_rate"] = np.exp(engagement.mean)
        components["engagement_rate_tier"] = np.exp(engagement.prior.means[tier_of_creator])
    components["median_views"] = _median_views(creator[seen], views[seen], n)
    components["z_reach"] = parts[0][1]
    if len(parts) > 1:
        components["z_engagement"] = parts[1][1]
    return finish("content_success", combine(parts), reach.count, prep.market, components)


def _median_views(creator: np.ndarray, views: np.ndarray, n: int) -> np.ndarray:
    from ._stats import group_median

    return group_median(creator, np.minimum(views, 2**31 - 1), n)
