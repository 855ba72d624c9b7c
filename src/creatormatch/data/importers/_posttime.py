"""Post ids and the time they encode (TikTok video ids, Instagram shortcodes and media ids).

* **TikTok**: a video id (``tiktok.com/@user/video/<id>``) holds the Unix time of the
  upload in its top 32 bits: ``seconds = id >> 32``.
* **Instagram**: a shortcode (``instagram.com/p/<code>/``, ``/reel/``, ``/tv/``) is the
  media id in base 64 (alphabet ``A-Z a-z 0-9 - _``); the media id holds the milliseconds
  since Instagram's epoch (``1314220021721`` ms, 2011-08-24) in the bits above the lowest 23:
  ``ms = (id >> 23) + 1314220021721``.

A bare number is read both ways and kept only when exactly one reading falls in
``PLAUSIBLE_YEARS``.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

__all__ = ["post_id_from_url", "time_from_post", "PLAUSIBLE_YEARS", "shortcode_to_media_id"]

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_INDEX = {c: i for i, c in enumerate(_ALPHABET)}
INSTAGRAM_EPOCH_MS = 1_314_220_021_721
#: Years a decoded post time may fall in (outside: the id is not of that platform).
PLAUSIBLE_YEARS = (2010, 2035)

_TIKTOK = re.compile(r"tiktok\.com/.*?/(?:video|photo)/(\d{15,20})", re.I)
_INSTAGRAM = re.compile(r"instagram\.com/(?:[^/?#]+/)?(?:p|reel|reels|tv)/([A-Za-z0-9_-]{5,})", re.I)


def shortcode_to_media_id(code: str) -> int:
    """The Instagram media id of a shortcode (its first 11 characters: longer private codes
    carry extra characters after the id)."""
    value = 0
    for ch in code[:11]:
        value = value * 64 + _INDEX[ch]
    return value


def _tiktok_time(number: int) -> datetime:
    return datetime.fromtimestamp(number >> 32, tz=timezone.utc)


def _instagram_time(media_id: int) -> datetime:
    return datetime.fromtimestamp(((media_id >> 23) + INSTAGRAM_EPOCH_MS) / 1000.0, tz=timezone.utc)


def _plausible(t: datetime) -> bool:
    return PLAUSIBLE_YEARS[0] <= t.year <= PLAUSIBLE_YEARS[1]


def post_id_from_url(url: str) -> str | None:
    """The post id in a TikTok or Instagram post URL (the video id or the shortcode), else None.

    >>> post_id_from_url("https://www.tiktok.com/@anna/video/7234567890123456789?lang=en")
    '7234567890123456789'
    >>> post_id_from_url("https://www.instagram.com/p/CrAbC123xyz/")
    'CrAbC123xyz'
    """
    m = _TIKTOK.search(url) or _INSTAGRAM.search(url)
    return m.group(1) if m else None


def time_from_post(url: str = "", post_id: str = "") -> datetime | None:
    """The UTC time a post URL or id encodes, or None when it encodes none we can read.

    >>> time_from_post(url="https://www.tiktok.com/@a/video/7234567890123456789").isoformat()
    '2023-05-18T16:58:18+00:00'
    """
    if url:
        m = _TIKTOK.search(url)
        if m:
            t = _tiktok_time(int(m.group(1)))
            return t if _plausible(t) else None
        m = _INSTAGRAM.search(url)
        if m:
            try:
                t = _instagram_time(shortcode_to_media_id(m.group(1)))
            except (KeyError, OverflowError, ValueError, OSError):
                return None
            return t if _plausible(t) else None
    pid = post_id.strip()
    if not pid:
        return None
    if pid.isdigit() and 15 <= len(pid) <= 20:
        number = int(pid.split("_")[0])
        readings = []
        for read in (_tiktok_time, _instagram_time):
            try:
                t = read(number)
            except (OverflowError, ValueError, OSError):
                continue
            if _plausible(t):
                readings.append(t)
        return readings[0] if len(readings) == 1 else None
    if re.fullmatch(r"\d{15,20}_\d+", pid):       # Instagram "<media id>_<owner id>"
        t = _instagram_time(int(pid.split("_")[0]))
        return t if _plausible(t) else None
    if re.fullmatch(r"[A-Za-z0-9_-]{11,}", pid) and not pid.isdigit():
        try:
            t = _instagram_time(shortcode_to_media_id(pid))
        except (KeyError, OverflowError, ValueError, OSError):
            return None
        return t if _plausible(t) else None
    return None
