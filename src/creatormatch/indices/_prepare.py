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

__all__ = ["Prepared", "prepare", "STATUS", "status_in"]

#: Status codes by name (``collaborations["status"]`` holds the index into ``STATUSES``).
STATUS = {name: code for code, name in enumerate(STATUSES)}

SECONDS_PER_DAY = 86_400.0


def status_in(status: np.ndarray, *names: str) -> np.ndarray:
    """Boolean mask of ``status`` codes among ``names`` (a table lookup, faster than ``np.isin``)."""
    table = np.zeros(len(STATUSES), bool)
    table[[STATUS[name] for name in names]] = True
    return table[status]


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
    own: np.ndarray               # bool per video: the creator's own feed (not a collaboration deliverable)
    n_videos: np.ndarray          # int64 videos per creator
    n_own: np.ndarray             # int64 own-feed videos per creator
    sorted_own_creator: np.ndarray  # creator row of the own-feed videos sorted by (creator, posted_at)
    sorted_own_seconds: np.ndarray  # their posted_at, seconds since ``video_start``
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
        # deliverables are timed by the brand's deadline, not the creator's own rhythm; when
        # the file links no video to a collaboration, every video counts as the creator's own
        linked = videos["collaboration_id"] >= 0
        own = ~linked if linked.any() else np.ones(len(videos), bool)
        posted = videos["posted_at"]
        stamps.append(posted)
        video_start, video_end = posted.min(), posted.max()
        seconds = (posted - video_start).astype(np.int64)
        first_seconds = np.full(n, np.iinfo(np.int64).max)
        np.minimum.at(first_seconds, video_creator, seconds)
        sorted_creator, sorted_seconds = _sort_by_creator_time(video_creator[own], seconds[own])
        n_videos = np.bincount(video_creator, minlength=n)[:n].astype(np.int64)
        n_own = np.bincount(video_creator[own], minlength=n)[:n].astype(np.int64)
        window_days = _observation_window(creators["joined_at"], video_start, video_end, first_seconds)
        has_videos = True
    else:
        video_creator = video_category = sorted_creator = sorted_seconds = np.zeros(0, np.int64)
        shoppable = own = np.zeros(0, bool)
        video_start = video_end = np.datetime64("NaT", "s")
        n_videos = np.zeros(n, np.int64)
        n_own = np.zeros(n, np.int64)
        window_days = np.full(n, np.nan)
        has_videos = False
    as_of = _latest(stamps)
    return Prepared(
        n_creators=n, market=market.astype(np.int64), market_names=market_names,
        n_categories=n_categories, as_of=as_of,
        collab_creator=collab_creator, collab_category=collab_category,
        has_videos=has_videos, video_creator=video_creator, video_category=video_category,
        shoppable=shoppable, own=own, n_videos=n_videos, n_own=n_own,
        sorted_own_creator=sorted_creator, sorted_own_seconds=sorted_seconds,
        video_start=video_start, video_end=video_end, window_days=window_days,
    )


def _sort_by_creator_time(creator: np.ndarray, seconds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(creator, seconds)`` pairs sorted by creator, then time.

    One ``np.sort`` of a composite int64 key (creator in the high bits) -- several times
    faster than ``np.lexsort`` -- unless the times span more than 2**32 seconds.
    """
    if len(seconds) == 0 or int(seconds.max()) < 2**32:
        key = np.sort((creator << 32) | seconds)
        return key >> 32, key & (2**32 - 1)
    order = np.lexsort((seconds, creator))
    return creator[order], seconds[order]


def _latest(arrays: list[np.ndarray]) -> np.datetime64:
    """The latest non-NaT timestamp of ``arrays`` (NaT when there is none)."""
    best = np.datetime64("NaT", "s")
    for a in arrays:
        a = a[~np.isnat(a)]
        if len(a) and (np.isnat(best) or a.max() > best):
            best = a.max()
    return best


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
                        first_seconds: np.ndarray) -> np.ndarray:
    """Days each creator could be seen posting in videos.csv.

    From the later of the first day of videos.csv and the creator's ``joined_at`` (or from
    the creator's first video, if that came earlier) to the last day of videos.csv; at
    least one day.
    """
    span = (end - start).astype(np.int64) / SECONDS_PER_DAY
    joined = (joined_at.astype("datetime64[s]") - start).astype(np.int64) / SECONDS_PER_DAY
    joined[np.isnat(joined_at)] = 0.0
    begin = np.clip(joined, 0.0, span)
    begin = np.minimum(begin, first_seconds / SECONDS_PER_DAY)
    return np.maximum(span - begin, 1.0)
