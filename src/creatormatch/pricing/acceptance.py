"""The probability that an invited creator says yes -- the one place ``plan`` gets it from.

``acceptance_probability(matcher, brand_row, creator_rows, history, features)`` is the
interface.  Where the model carries the learned ranker's **acceptance model**
(``RankerModel.accept_probability``: calibrated ``P(yes | invited)`` per (brand, creator)
pair, trained on the answered invitations of the ranker's cuts, ``ranker.train``) and the
pairs' features are given, it is that probability.  Otherwise a **stand-in**: the
creator's own record, shrunk (Beta-binomial, ``indices._stats``) toward the rate of its
market::

    p_c = (yes_c + m_market k_market) / (n_c + k_market)

``n_c`` counts the creator's invitations with an outcome (every status except the still
open ``invited``), ``yes_c`` those that became positive (``accepted`` or ``completed``:
``data.contract.POSITIVE_STATUSES``); ``m``, ``k`` are fitted per market by the method of
moments (``beta_prior``).  A creator with no record gets its market's rate ``m``.  The
stand-in ignores the brand; the acceptance model does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..data.contract import POSITIVE_STATUSES, STATUSES
from ..data.dataset import Dataset
from ..indices._stats import beta_prior, beta_shrink

if TYPE_CHECKING:
    from ..recommend.matcher import Matcher

__all__ = ["AcceptanceHistory", "acceptance_history", "acceptance_probability", "learned_acceptance",
           "LEARNED", "STAND_IN"]

#: How ``plan`` describes where its p_accept comes from (shown in every plan's reasons).
STAND_IN = "the creator's own acceptance record, shrunk toward its market"
LEARNED = "learned acceptance model: calibrated probability of a yes to this brand"


def learned_acceptance(matcher: "Matcher | None") -> bool:
    """Whether ``matcher``'s model carries an acceptance model ``plan`` uses."""
    ranker = getattr(getattr(matcher, "model", None), "ranker", None)
    return bool(getattr(matcher, "use_ranker", False) and ranker is not None and ranker.has_acceptance)


_OPEN = STATUSES.index("invited")
_YES = np.array([STATUSES.index(s) for s in POSITIVE_STATUSES], np.int8)


@dataclass(frozen=True)
class AcceptanceHistory:
    """Per creator: shrunk rate of positive answers and invitations with an outcome."""

    rate: np.ndarray
    invitations: np.ndarray


def acceptance_history(dataset: Dataset) -> AcceptanceHistory:
    """The stand-in's per-creator rates (module docstring) for ``dataset``."""
    col = dataset.collaborations
    nc = dataset.n_creators
    who = col["creator_id"].astype(np.int64)
    closed = col["status"] != _OPEN
    yes = np.isin(col["status"], _YES)
    n = np.bincount(who[closed], minlength=nc).astype(np.float64)
    s = np.bincount(who[yes & closed], minlength=nc).astype(np.float64)
    markets, code = np.unique(dataset.creators["market"], return_inverse=True)
    rate = np.full(nc, np.nan)
    overall = float(s.sum() / n.sum()) if n.sum() > 0 else 0.0
    for m in range(len(markets)):
        inside = code == m
        prior = beta_prior(s[inside], n[inside])
        if not np.isfinite(prior.mean):
            rate[inside] = overall
            continue
        shrunk = beta_shrink(s[inside], n[inside], prior)
        rate[inside] = np.where(np.isnan(shrunk), prior.mean, shrunk)
    return AcceptanceHistory(rate=rate, invitations=n.astype(np.int64))


def acceptance_probability(matcher: "Matcher | None", brand_row: int, creator_rows: np.ndarray,
                           history: AcceptanceHistory, features: np.ndarray | None = None) -> np.ndarray:
    """Probability that each of ``creator_rows`` says yes to ``brand_row`` (values in [0, 1]).

    This is the single point ``plan`` reads p_accept from: the acceptance model's
    probability when ``learned_acceptance(matcher)`` and ``features`` (the pairs'
    ``ranker.features.pair_features`` rows, as a ranking carries them) are given, else the
    stand-in (module docstring).
    """
    del brand_row   # the features are the brand's pairs'; the stand-in ignores the brand
    if features is not None and learned_acceptance(matcher) and len(features) == len(creator_rows):
        return np.clip(matcher.model.ranker.accept_probability(features), 0.0, 1.0)  # type: ignore[union-attr]
    return np.clip(history.rate[np.asarray(creator_rows, np.int64)], 0.0, 1.0)
