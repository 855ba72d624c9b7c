"""Arrays shared by several indices, derived once per dataset.

``prepare(dataset)`` resolves the creator's market, the dataset's time span, each
collaboration's and each video's category, and the videos sorted by (creator, posted_at)
-- the one sort of videos that the cadence, volume and window computations share.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data.contract import STATUSES
from ..data.dataset import Dataset

__all__ = ["Prepared", "prepare", "STATUS"]

#: Status codes by name (``collaborations["status"]`` holds the index into ``STATUSES``).
STATUS = {name: code for code, name in enumerate(STATUSES)}

SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class Prepared:
    """Derived arrays of one dataset (creators in row order of ``dataset.creators``)."""

    n_creators: int
    market: np.ndarray            # int64 market code per creator
    market_names: np.ndarray      # code -> market string
    n_categories: int
    as_of: np.datetime64          # the latest timestamp in the dataset
    collab_creator: np.ndarray    # int64 creator row per collaboration
    collab_category: np.ndarray   # int64 category row per collaboration, -1 if unknown
    has_videos: bool
    video_creator: np.ndarray     # int64 creator row per video (empty without videos.csv)
    video_category: np.ndarray    # int64 category row of the video's product, -1 if none
    shoppable: np.ndarray         # bool per video: it features a product
    n_videos: np.ndarray          # int64 videos per creator
    sorted_video_creator: np.ndarray  # creator row of the videos sorted by (creator, posted_at)
    sorted_video_seconds: np.ndarray  # their posted_at, seconds since ``video_start``
    video_start: np.datetime64    # first posted_at in videos.csv (NaT without videos)
    video_end: np.datetime64      # last posted_at in videos.csv
    window_days: np.ndarray       # float64 per creator: days the creator was observable in videos.csv


def prepare(dataset: Dataset) -> Prepared:
    """Compute the shared arrays of ``dataset`` (vectorised; one sort of the videos)."""
    creators = dataset.creators
    n = len(creators)
    market_names, market = np.unique(creators["market"], return_inverse=True)
    cats = dataset.categories
    n_categories = len(cats) if cats is not None else 0
    collabs = dataset.collaborations
    collab_creator = collabs["creator_id"].astype(np.int64)
    collab_category = _collaboration_category(dataset)

    stamps = [collabs["invited_at"], collabs["responded_at"], collabs["delivered_at"]]
    videos = dataset.videos if dataset.has("videos") else None
    if videos is not None and len(videos):
        video_creator = videos["creator_id"].astype(np.int64)
        product = videos["product_id"].astype(np.int64)
        shoppable = product >= 0
        products = dataset.products
        if products is not None and n_categories:
            prod_cat = products["category_id"].astype(np.int64)
            video_category = np.where(shoppable, prod_cat[np.maximum(product, 0)], -1)
        else:
            video_category = np.full(len(videos), -1, np.int64)
        posted = videos["posted_at"]
        stamps.append(posted)
        video_start, video_end = posted.min(), posted.max()
        seconds = (posted - video_start).astype(np.int64)
        key = np.sort((video_creator << 32) | seconds)
        sorted_creator = key >> 32
        sorted_seconds = key & (2**32 - 1)
        n_videos = np.bincount(video_creator, minlength=n)[:n].astype(np.int64)
        window_days = _observation_window(creators["joined_at"], video_start, video_end,
                                          sorted_creator, sorted_seconds, n_videos, n)
        has_videos = True
    else:
        video_creator = video_category = sorted_creator = sorted_seconds = np.zeros(0, np.int64)
        shoppable = np.zeros(0, bool)
        video_start = video_end = np.datetime64("NaT", "s")
        n_videos = np.zeros(n, np.int64)
        window_days = np.full(n, np.nan)
        has_videos = False
    as_of = max((s.max() for s in stamps if len(s) and not np.isnat(s.max())),
                default=np.datetime64("NaT", "s"))
    # max() ignores NaT only when the array has no NaT at all; take the real maximum
    as_of = max((np.nanmax(s) if len(s) and (~np.isnat(s)).any() else np.datetime64("NaT", "s")
                 for s in stamps), default=as_of)
    return Prepared(
        n_creators=n, market=market.astype(np.int64), market_names=market_names,
        n_categories=n_categories, as_of=as_of,
        collab_creator=collab_creator, collab_category=collab_category,
        has_videos=has_videos, video_creator=video_creator, video_category=video_category,
        shoppable=shoppable, n_videos=n_videos,
        sorted_video_creator=sorted_creator, sorted_video_seconds=sorted_seconds,
        video_start=video_start, video_end=video_end, window_days=window_days,
    )


def _collaboration_category(dataset: Dataset) -> np.ndarray:
    """Category of each collaboration: the campaign's category, else the campaign product's
    category, else the inviting brand's category; -1 when none is known."""
    collabs = dataset.collaborations
    m = len(collabs)
    cats = dataset.categories
    if cats is None or len(cats) == 0:
        return np.full(m, -1, np.int64)
    brand_cat = dataset.brands["category_id"].astype(np.int64)
    out = brand_cat[collabs["brand_id"].astype(np.int64)]
    campaigns = dataset.campaigns
    if campaigns is not None and len(campaigns):
        camp = collabs["campaign_id"].astype(np.int64)
        camp_cat = campaigns["category_id"].astype(np.int64)
        products = dataset.products
        if products is not None and len(products):
            prod = campaigns["product_id"].astype(np.int64)
            prod_cat = np.where(prod >= 0, products["category_id"].astype(np.int64)[np.maximum(prod, 0)], -1)
            camp_cat = np.where(camp_cat >= 0, camp_cat, prod_cat)
        from_campaign = np.where(camp >= 0, camp_cat[np.maximum(camp, 0)], -1)
        out = np.where(from_campaign >= 0, from_campaign, out)
    return out.astype(np.int64)


def _observation_window(joined_at: np.ndarray, start: np.datetime64, end: np.datetime64,
                        sorted_creator: np.ndarray, sorted_seconds: np.ndarray,
                        n_videos: np.ndarray, n: int) -> np.ndarray:
    """Days each creator was observable in videos.csv: from ``max(first video date, joined_at)``
    ... see ``docs/indices.md`` (content volume)."""
    span = (end - start).astype(np.int64) / SECONDS_PER_DAY
    joined = (joined_at.astype("datetime64[s]") - start).astype(np.float64) / SECONDS_PER_DAY
    joined[np.isnat(joined_at)] = 0.0
    begin = np.clip(joined, 0.0, span)
    # a creator who posted before the recorded join date was observable from that post
    first = np.full(n, np.inf)
    starts = np.cumsum(n_videos) - n_videos
    has = n_videos > 0
    first[has] = sorted_seconds[starts[has]] / SECONDS_PER_DAY
    begin = np.minimum(begin, first)
    return np.maximum(span - begin, 1.0)
