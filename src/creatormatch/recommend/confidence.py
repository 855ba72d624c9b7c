"""The brand x creator confidence matrix: how sure we are that a brand and a creator "like"
each other, from the outcomes of their collaborations.

For each collaboration ``i`` with a positive status (``accepted`` or ``completed``)::

    v_i = s(status_i) * (1 + g * log(1 + gmv_i / gmv_ref)) * (1 + r * (rating_i - 3) / 2)

* ``s(completed) = completed_weight`` (2), ``s(accepted) = accepted_weight`` (1): a
  delivered collaboration says more than a promise;
* ``gmv_ref`` is the median GMV of the positive collaborations with a GMV, so the GMV term
  is scale free; a missing GMV adds nothing;
* a rating of 5 multiplies by ``1 + r`` (1.5), a rating of 1 by ``1 - r`` (0.5); a missing
  rating leaves ``v_i`` unchanged.

``C[b, c] = sum of v_i`` over the pair's positive collaborations (repeat work adds up).
Declined, expired, cancelled and still-open invitations are **not** positives: their
entries stay empty, i.e. "unknown", as implicit feedback ALS expects.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..data.contract import STATUSES
from ..data.dataset import Dataset
from ..graph.build import positive_mask
from .params import MatchParams

__all__ = ["collaboration_confidence", "confidence_matrix"]

_COMPLETED = STATUSES.index("completed")


def collaboration_confidence(dataset: Dataset, params: MatchParams | None = None) -> np.ndarray:
    """``v_i`` of every collaboration (0 for non-positive ones); float64, one per row."""
    p = params or MatchParams()
    col = dataset.collaborations
    positive = positive_mask(dataset)
    base = np.where(col["status"] == _COMPLETED, p.completed_weight, p.accepted_weight)
    gmv = col["gmv"]
    has_gmv = positive & ~np.isnan(gmv)
    ref = float(np.median(gmv[has_gmv])) if has_gmv.any() else 1.0
    ref = ref if ref > 0 else 1.0
    gmv_term = 1.0 + p.gmv_weight * np.log1p(np.where(has_gmv, gmv, 0.0) / ref)
    rating = col["rating"]
    rating_term = np.where(np.isnan(rating), 1.0, 1.0 + p.rating_weight * (np.nan_to_num(rating, nan=3.0) - 3.0) / 2.0)
    return np.where(positive, base * gmv_term * np.maximum(rating_term, 0.0), 0.0)


def confidence_matrix(dataset: Dataset, params: MatchParams | None = None) -> sp.csr_matrix:
    """Brands x creators confidence ``C`` (float32 ``scipy.sparse.csr_matrix``, as implicit wants).

    Examples
    --------
    >>> c = confidence_matrix(dataset)          # doctest: +SKIP
    >>> c[brand_row].indices                    # creators the brand worked with
    """
    v = collaboration_confidence(dataset, params)
    col = dataset.collaborations
    keep = v > 0
    m = sp.csr_matrix((v[keep], (col["brand_id"][keep].astype(np.int64), col["creator_id"][keep].astype(np.int64))),
                      shape=(dataset.n_brands, dataset.n_creators), dtype=np.float64)
    m.sum_duplicates()
    m.sort_indices()
    return m.astype(np.float32)
