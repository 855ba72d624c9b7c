"""Each creator's delivered sales: the evidence the value-per-video estimate learns from.

Two sources (``docs/pricing.md``, "Evidence"):

* **shoppable videos** -- rows of ``videos.csv`` with a ``product_id`` and a ``gmv``:
  one observation ``y = gmv`` each;
* **completed collaborations** with a ``gmv`` whose deliverables are *not* in
  ``videos.csv`` (no video links to them): ``d = max(deliverables_delivered, 1)`` videos
  with total ``gmv`` -- counted as ``d`` observations summing to ``gmv``.  A collaboration
  whose videos are in ``videos.csv`` is already counted through them.

Everything is columnar: per-creator sums by ``np.bincount``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data.contract import STATUSES
from ..data.dataset import Dataset

__all__ = ["SalesEvidence", "sales_evidence"]

_COMPLETED = STATUSES.index("completed")


@dataclass(frozen=True)
class SalesEvidence:
    """Per-creator sufficient statistics of GMV per shoppable video.

    Attributes
    ----------
    n : videos of evidence per creator (float: collaboration deliverables count whole).
    total : sum of their GMV per creator.
    video_creator, video_gmv, video_category : one entry per shoppable video with a GMV
        (category row of its product, -1 when unknown) -- used for the within-creator
        spread and the category multipliers.
    """

    n: np.ndarray
    total: np.ndarray
    video_creator: np.ndarray
    video_gmv: np.ndarray
    video_category: np.ndarray

    @property
    def mean(self) -> np.ndarray:
        """The creator's own mean GMV per video, ``total / n``; NaN without evidence."""
        out = np.full(len(self.n), np.nan)
        np.divide(self.total, self.n, out=out, where=self.n > 0)
        return out


def sales_evidence(dataset: Dataset) -> SalesEvidence:
    """Collect the evidence of every creator of ``dataset`` (see the module docstring)."""
    nc = dataset.n_creators
    n = np.zeros(nc)
    total = np.zeros(nc)
    vc = np.zeros(0, np.int64)
    vg = np.zeros(0, np.float64)
    vk = np.zeros(0, np.int64)
    linked = np.zeros(len(dataset.collaborations), bool)
    videos = dataset.videos
    if videos is not None and len(videos):
        shop = (videos["product_id"] >= 0) & ~np.isnan(videos["gmv"])
        vc = videos["creator_id"][shop].astype(np.int64)
        vg = videos["gmv"][shop].astype(np.float64)
        products = dataset.products
        prod = videos["product_id"][shop].astype(np.int64)
        if products is not None and len(products) and "category_id" in products:
            vk = products["category_id"][prod].astype(np.int64)
        else:
            vk = np.full(len(prod), -1, np.int64)
        n += np.bincount(vc, minlength=nc)[:nc]
        total += np.bincount(vc, weights=vg, minlength=nc)[:nc]
        ref = videos["collaboration_id"]
        linked[ref[ref >= 0]] = True
    col = dataset.collaborations
    done = (col["status"] == _COMPLETED) & ~np.isnan(col["gmv"]) & ~linked
    if done.any():
        d = np.maximum(col["deliverables_delivered"][done], 1).astype(np.float64)
        who = col["creator_id"][done].astype(np.int64)
        n += np.bincount(who, weights=d, minlength=nc)[:nc]
        total += np.bincount(who, weights=col["gmv"][done], minlength=nc)[:nc]
    return SalesEvidence(n, total, vc, vg, vk)
