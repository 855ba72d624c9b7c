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

__all__ = ["Prepared", "prepare", "STATUS", "status_in", "observation_window"]

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
    window_days: np.ndarray       # float64 per creator: days of the creator's observation window
    window_posts: np.ndarray      # float64 per creator: own posts that count over the window (see _observation_window)


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
        sorted_creator, sorted_seconds = _sort_by_creator_time(video_creator[own], seconds[own])
        n_videos = np.bincount(video_creator, minlength=n)[:n].astype(np.int64)
        n_own = np.bincount(video_creator[own], minlength=n)[:n].astype(np.int64)
        first_record, last_record = _record_span(video_creator, seconds, collab_creator, stamps[:3],
                                                 video_start, n)
        window_days, window_posts = observation_window(
            sorted_creator, sorted_seconds, n, _declared(creators, "observed_from", video_start),
            _declared(creators, "observed_to", video_start), first_record, last_record)
        has_videos = True
    else:
        video_creator = video_category = sorted_creator = sorted_seconds = np.zeros(0, np.int64)
        shoppable = own = np.zeros(0, bool)
        video_start = video_end = np.datetime64("NaT", "s")
        n_videos = np.zeros(n, np.int64)
        n_own = np.zeros(n, np.int64)
        window_days = np.full(n, np.nan)
        window_posts = np.zeros(n)
        has_videos = False
    as_of = _latest(stamps)
    return Prepared(
        n_creators=n, market=market.astype(np.int64), market_names=market_names,
        n_categories=n_categories, as_of=as_of,
        collab_creator=collab_creator, collab_category=collab_category,
        has_videos=has_videos, video_creator=video_creator, video_category=video_category,
        shoppable=shoppable, own=own, n_videos=n_videos, n_own=n_own,
        sorted_own_creator=sorted_creator, sorted_own_seconds=sorted_seconds,
        video_start=video_start, video_end=video_end, window_days=window_days, window_posts=window_posts,
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


def _declared(creators, column: str, origin: np.datetime64) -> np.ndarray:
    """Seconds since ``origin`` of a declared window bound per creator (NaN where empty or
    where the dataset has no such column)."""
    try:
        values = creators[column]
    except KeyError:
        return np.full(len(creators), np.nan)
    values = np.asarray(values).astype("datetime64[s]")
    out = (values - origin).astype(np.int64).astype(np.float64)
    out[np.isnat(values)] = np.nan
    return out


def _record_span(video_creator: np.ndarray, video_seconds: np.ndarray, collab_creator: np.ndarray,
                 collab_stamps: list[np.ndarray], origin: np.datetime64, n: int) -> tuple[np.ndarray, np.ndarray]:
    """First and last record of each creator (any video, any collaboration timestamp), in
    float seconds since ``origin``; NaN for a creator without records."""
    first = np.full(n, np.inf)
    last = np.full(n, -np.inf)
    np.minimum.at(first, video_creator, video_seconds.astype(np.float64))
    np.maximum.at(last, video_creator, video_seconds.astype(np.float64))
    for stamp in collab_stamps:
        ok = ~np.isnat(stamp)
        sec = (stamp[ok].astype("datetime64[s]") - origin).astype(np.int64).astype(np.float64)
        np.minimum.at(first, collab_creator[ok], sec)
        np.maximum.at(last, collab_creator[ok], sec)
    first[np.isinf(first)] = np.nan
    last[np.isinf(last)] = np.nan
    return first, last


def observation_window(creator: np.ndarray, seconds: np.ndarray, n: int, declared_from: np.ndarray,
                       declared_to: np.ndarray, first_record: np.ndarray | None = None,
                       last_record: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each creator's observation window: its length in days and the posts that count over it.

    The window runs from ``declared_from`` (else the creator's first record of any kind: a
    post, a collaboration deliverable, an invitation, an answer or a delivery) to
    ``declared_to`` (else the creator's last record).  The posts that count are the own
    posts inside the window, less the first post when that post opened the window: a window
    opened by a post holds ``k - 1`` waits for the next post, so ``(k - 1) / span`` is the
    posting rate whatever part of the creator's history was collected (``k / span`` would
    make a creator look busier the fewer of their posts were scraped).

        rate = posts / days,  posts = k_in_window - [window opened by an own post]

    A creator with one post and no other record has 0 posts over 0 days (no evidence of a
    rate: the prior decides).  A window with posts is at least one hour long.

    Parameters
    ----------
    creator, seconds : the own-feed posts sorted by (creator, time); seconds on any origin.
    n : number of creators.
    declared_from, declared_to : float seconds on the same origin per creator, NaN = not declared.
    first_record, last_record : float seconds of each creator's first and last record of any
        kind (NaN = none); default: the own posts alone.

    Returns
    -------
    (days, posts) : float64 arrays of length ``n``; days is 0 for a creator without posts
    and without a declared window.

    Examples
    --------
    >>> c = np.array([0, 0, 0, 1, 1]); t = np.array([0, 86400, 172800, 0, 864000])
    >>> nan = np.full(2, np.nan)
    >>> days, posts = observation_window(c, t, 2, nan, nan)
    >>> days.tolist(), posts.tolist()
    ([2.0, 10.0], [2.0, 1.0])
    """
    lo = np.searchsorted(creator, np.arange(n), "left")
    hi = np.searchsorted(creator, np.arange(n), "right")
    has = hi > lo
    first = np.where(has, seconds[np.minimum(lo, len(seconds) - 1)] if len(seconds) else 0, np.nan).astype(float)
    last = np.where(has, seconds[np.maximum(hi - 1, 0)] if len(seconds) else 0, np.nan).astype(float)
    if first_record is not None:
        first_any = np.fmin(first_record, first)
        last_any = np.fmax(last_record, last)
    else:
        first_any, last_any = first, last
    opened_by_post = np.isnan(declared_from) & (first <= first_any)
    start = np.where(np.isnan(declared_from), first_any, declared_from)
    end = np.where(np.isnan(declared_to), last_any, declared_to)
    if len(seconds):
        inside = (seconds >= start[creator]) & (seconds <= end[creator])
        k = np.bincount(creator[inside], minlength=n)[:n].astype(np.float64)
    else:
        k = np.zeros(n)
    posts = np.maximum(k - (opened_by_post & (k > 0)), 0.0)
    days = np.nan_to_num(np.maximum(end - start, 0.0) / SECONDS_PER_DAY, nan=0.0)
    days = np.where(posts > 0, np.maximum(days, 1.0 / 24.0), days)
    return days, posts
