"""Diligence index: how willingly a creator fills their own feed with shoppable videos.

Inputs (``videos.csv``), per creator, over the creator's own feed -- videos that are not
the deliverable of a collaboration (a paid deliverable is shoppable by contract, so it says
nothing about the creator's own willingness):

* **shoppable share** -- own videos that feature a product, out of all own videos;
* **shoppable rate** -- own shoppable videos per day of the creator's observation window:
  the shoppable share times the posting rate of ``content_volume`` (the same window rule).

The share is shrunk with a Beta prior, the rate with a Gamma prior; the index is the
weighted mean of their standard scores (``WEIGHTS``).  Not available without videos.csv,
when no video features a product ("no products"), and for a creator without own videos.  Formulas: ``docs/indices.md``.
"""

from __future__ import annotations

import numpy as np

from ..data.dataset import Dataset
from ._prepare import Prepared, prepare
from ._result import NO_VIDEOS, IndexResult, finish, unavailable
from ._stats import beta_prior, beta_shrink, combine, gamma_prior, gamma_shrink, group_count, standard_score

__all__ = ["diligence_index", "WEIGHTS", "NO_OWN_FEED"]

#: Why the own-feed indices are not available when every video delivers a collaboration.
NO_OWN_FEED = "no own-feed videos (every video delivers a collaboration)"

WEIGHTS = {"shoppable_share": 0.8, "shoppable_rate": 0.2}


def diligence_index(dataset: Dataset, prepared: Prepared | None = None) -> IndexResult:
    """Diligence index of every creator (see the module docstring and ``docs/indices.md``).

    Evidence is the number of own-feed videos.
    """
    prep = prepared or prepare(dataset)
    n = prep.n_creators
    if not prep.has_videos:
        return unavailable("diligence", n, NO_VIDEOS)
    if not prep.shoppable.any():
        # without a single product there is nothing to be diligent about: "not available", not 50 for all
        return unavailable("diligence", n, "no products (no video features one)")
    if not prep.n_own.any():
        return unavailable("diligence", n, NO_OWN_FEED)
    own = prep.own
    creator = prep.video_creator
    n_own = prep.n_own
    n_shop = group_count(creator, n, own & prep.shoppable)

    share_prior = beta_prior(n_shop, n_own)
    share = beta_shrink(n_shop, n_own, share_prior)
    # n_own videos over the days in which window_posts of them were counted
    posts = prep.window_posts
    exposure = np.where((n_own > 0) & (posts > 0), prep.window_days * n_own / np.maximum(posts, 1.0), 0.0)
    rate_prior = gamma_prior(n_shop, exposure)
    rate = gamma_shrink(n_shop, exposure, rate_prior)
    components = {
        "own_videos": n_own,
        "shoppable_videos": n_shop,
        "window_days": prep.window_days,
        "shoppable_share": np.where(n_own > 0, n_shop / np.maximum(n_own, 1), np.nan),
        "shoppable_share_shrunk": share,
        "shoppable_share_prior": np.full(n, share_prior.mean),
        "shoppable_per_week": np.where(exposure > 0, 7.0 * n_shop / np.where(exposure > 0, exposure, 1.0), np.nan),
        "shoppable_per_week_shrunk": 7.0 * rate,
        "shoppable_per_week_prior": np.full(n, 7.0 * rate_prior.mean),
    }
    zs = {"shoppable_share": standard_score(share, share_prior.mean, share_prior.sd),
          "shoppable_rate": _log_rate_score(rate, rate_prior.mean, rate_prior.sd)}
    components.update({f"z_{name}": z for name, z in zs.items()})
    raw = combine([(WEIGHTS[name], z) for name, z in zs.items()])
    return finish("diligence", raw, n_own, prep.market, components)


def _log_rate_score(rate: np.ndarray, mean: float, sd: float) -> np.ndarray:
    """Standard score of a rate on the log scale (rates are skewed; a doubling counts the same
    at every level).  The log-scale spread of a Gamma prior is about ``sd / mean``."""
    if not (mean > 0 and sd > 0):
        return np.where(np.isnan(rate), np.nan, 0.0)
    return np.log(rate / mean) / (sd / mean)
