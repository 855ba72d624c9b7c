"""The oracle: rank creators by the generator's true probability that the pair becomes positive.

A market made by ``creatormatch generate`` carries ``truth.npz``
(``creatormatch.synthetic.truth``) with everything that decided its collaborations.  A test
pair needs two things: the brand invites the creator (the generator picks invitees by
campaign category, followers, market and chance -- never by affinity) and the creator
accepts and does not cancel (decided by the hidden affinity, cooperation and
consistency).  The oracle ranks every candidate by the product of both true
probabilities, ``Truth.positive_propensity`` over the test period (a creator who joins
during the period can only be invited after joining).  For one brand this orders the
creators exactly as their true probability of becoming a positive through a *new*
invitation: the Bayes-optimal ranking of those.  It does not know which invitations were
still open at the split (such a pair is a test pair if the creator accepts); a model that
reads the pair history does, and on large markets that lets it exceed the oracle
(docs/evaluation.md, "Oracle").  Each model's ``ndcg@k`` divided by the oracle's is its
``oracle_ratio``.

``oracle-no-taste`` (only when ``--models`` names it) ranks by the same probability with the
latent brand-creator taste left out of the acceptance: the Bayes-optimal ranking for a model
that knew every other hidden quantity exactly (the invitation model, cooperation,
consistency, category fit) but not the taste.  It bounds what a model can reach without
recovering the taste from who accepted whom.

The engine never reads the truth file; only this module does, and only to score the oracles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..data.dataset import Dataset
from ..synthetic.truth import Truth, load_truth
from ..errors import DataError, Problem

__all__ = ["OracleRecommender", "load_oracle", "oracle_ratio"]


@dataclass
class OracleRecommender:
    """Scores = true probability that a new invitation slot of the brand makes the pair
    positive (``Truth.positive_propensity``) over the period after the training data.

    ``fit`` learns nothing: it only reads where the training data ends (its latest
    invitation or video) to know the period whose invitations are being predicted.
    """

    truth: Truth
    creator_rows: np.ndarray
    brand_rows: np.ndarray
    name: str = "oracle"
    params: dict[str, Any] = field(default_factory=dict)
    window: tuple[float, float] | None = None
    #: False: ``oracle-no-taste``, the acceptance without the latent taste
    taste: bool = True

    def fit(self, train: Dataset) -> "OracleRecommender":
        self.window = _future_window(train, self.truth)
        self.params = {"ranks_by": "positive_propensity" if self.taste else "positive_propensity without taste",
                       "window_days": None if self.window is None else [round(x, 3) for x in self.window]}
        return self

    def score(self, brand_rows: np.ndarray) -> np.ndarray:
        return self.score_columns(brand_rows, np.arange(len(self.creator_rows)))

    def score_columns(self, brand_rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """``score(brand_rows)[:, cols]``, computing only those creators (a brand's market is
        an eighth of a generated market's creators)."""
        b = self.brand_rows[np.asarray(brand_rows, np.int64)]
        return self.truth.positive_propensity(b[:, None], self.creator_rows[np.asarray(cols, np.int64)][None, :],
                                              self.window, self.taste)


def _future_window(train: Dataset, truth: Truth) -> tuple[float, float] | None:
    """(first, last) market day of the period after ``train``: from its latest invitation or
    video to the end of the generated market (None without the market's dates)."""
    try:
        start = np.datetime64(str(truth.meta["start"]), "s")
        days = float(truth.meta["days"])
    except (KeyError, ValueError):
        return None
    latest = []
    for table, column in (("collaborations", "invited_at"), ("videos", "posted_at")):
        t = train.tables.get(table)
        if t is not None and len(t) and column in t.columns:
            v = t[column]
            v = v[~np.isnat(v)]
            if len(v):
                latest.append(v.max())
    if not latest:
        return (0.0, days)
    first = (max(latest) - start).astype("timedelta64[s]").astype(np.float64) / 86_400.0
    return (float(min(max(first, 0.0), days)), days)


def load_oracle(dataset: Dataset, root: Path | str | None = None) -> OracleRecommender | None:
    """The oracle of ``dataset`` when its folder holds a truth file, else ``None``.

    Raises
    ------
    DataError
        The truth file does not describe this dataset's brands and creators.
    """
    truth = load_truth(root if root is not None else dataset.root)
    if truth is None:
        return None
    if not truth.has_invitation_model:
        raise DataError([Problem("truth.npz", 0, None, "has no invitation model (written by an older generator)")],
                        summary="the truth file predates the invitation-aware oracle; regenerate the market")
    creators = truth.creator_rows(dataset.creators.ids)
    brands = truth.brand_rows(dataset.brands.ids)
    if (creators < 0).any() or (brands < 0).any():
        raise DataError([Problem("truth.npz", 0, None, "names creators or brands this dataset does not have")],
                        summary="the truth file belongs to another dataset; regenerate the market or remove it")
    return OracleRecommender(truth=truth, creator_rows=creators, brand_rows=brands)


def oracle_ratio(model_value: float, oracle_value: float) -> float:
    """``model_value / oracle_value`` (NaN when the oracle scores 0 or NaN)."""
    if not np.isfinite(oracle_value) or oracle_value <= 0:
        return float("nan")
    return float(model_value / oracle_value)
