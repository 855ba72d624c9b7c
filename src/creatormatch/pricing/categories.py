"""What a video is worth for a given brand: category multipliers of GMV per video.

A creator's expected GMV per video (``estimate``) is learnt on the mix of products it sold.
A brand sells its own category, which may sell better or worse than that mix.  The
multiplier of category ``k`` compares what videos of ``k`` sold with what their creators'
estimates predicted (``docs/pricing.md``, "Per brand")::

    R_top(t) = (sum_{v in t} y_v + K * mean_g) / (sum_{v in t} g_c(v) + K * mean_g)     top level t
    R(k)     = (sum_{v in k} y_v + K * mean_g * R_top(top(k))) / (sum_{v in k} g_c(v) + K * mean_g)
    mix_c    = mean over c's videos v of R(k_v)         (1 without videos)
    g(b, c)  = g_c * R(k_b) / mix_c

``K = PSEUDO_VIDEOS`` videos at ratio 1 (top level) or at the parent's ratio (subcategory),
``mean_g`` the mean estimate over the videos, ``k_b`` the brand's category (1 when it has
none or no video of it was seen).
"""

from __future__ import annotations

import numpy as np

from .evidence import SalesEvidence

__all__ = ["category_multipliers", "creator_mix", "brand_factor", "PSEUDO_VIDEOS"]

#: Videos at the parent's ratio that every category multiplier starts from.
PSEUDO_VIDEOS = 20.0


def category_multipliers(ev: SalesEvidence, expected: np.ndarray, parent: np.ndarray) -> np.ndarray:
    """``R(k)`` per category row (module docstring); ones when nothing is known."""
    n_cat = len(parent)
    out = np.ones(n_cat)
    k = ev.video_category
    ok = (k >= 0) & np.isfinite(expected[ev.video_creator]) if len(k) else np.zeros(0, bool)
    if n_cat == 0 or not ok.any():
        return out
    k, y, g = k[ok], ev.video_gmv[ok], expected[ev.video_creator[ok]]
    pseudo = PSEUDO_VIDEOS * float(g.mean())
    parent = np.asarray(parent, np.int64)
    top = np.where(parent >= 0, parent, np.arange(n_cat))
    for _ in range(64):
        up = np.where(parent[top] >= 0, parent[top], top)
        if np.array_equal(up, top):
            break
        top = up
    y_top = np.bincount(top[k], weights=y, minlength=n_cat)
    g_top = np.bincount(top[k], weights=g, minlength=n_cat)
    r_top = (y_top + pseudo) / (g_top + pseudo)
    y_k = np.bincount(k, weights=y, minlength=n_cat)
    g_k = np.bincount(k, weights=g, minlength=n_cat)
    return (y_k + pseudo * r_top[top]) / (g_k + pseudo)


def creator_mix(ev: SalesEvidence, multipliers: np.ndarray, n_creators: int) -> np.ndarray:
    """``mix_c``: mean multiplier of the categories each creator sold in (1 without videos)."""
    k = ev.video_category
    ok = k >= 0
    if not ok.any():
        return np.ones(n_creators)
    c = ev.video_creator[ok]
    s = np.bincount(c, weights=multipliers[k[ok]], minlength=n_creators)
    n = np.bincount(c, minlength=n_creators)
    return np.where(n > 0, s / np.maximum(n, 1), 1.0)


def brand_factor(multipliers: np.ndarray, mix: np.ndarray, category_row: int, creator_rows: np.ndarray) -> np.ndarray:
    """``R(k_b) / mix_c`` for the given creators; ones when the brand has no category."""
    rows = np.asarray(creator_rows, np.int64)
    if not 0 <= category_row < len(multipliers):
        return np.ones(len(rows))
    return float(multipliers[category_row]) / mix[rows]
