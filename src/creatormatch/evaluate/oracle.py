"""The oracle: rank creators by the generator's hidden true affinity.

A market made by ``creatormatch generate`` carries ``truth.npz``
(``creatormatch.data.truth``) with the brand-creator affinity that decided whether an
invited creator accepted.  Ranking every candidate by it is a practical ceiling for any
model that learns from the data; each model's ``ndcg@k`` divided by the oracle's is its
``oracle_ratio``.

It is a ceiling for *acceptance*, not for the whole test event: a test pair also needs the
brand to have invited the creator, which the generator decides by category, popularity
and chance (never by affinity).  A model that also learns who gets invited can therefore
come close to -- in principle even pass -- the oracle.

The engine never reads the truth file; only this module does, and only to score the oracle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..data.dataset import Dataset
from ..data.truth import Truth, load_truth
from ..errors import DataError, Problem

__all__ = ["OracleRecommender", "load_oracle", "oracle_ratio"]


@dataclass
class OracleRecommender:
    """Scores = true affinity (``Truth.affinity``); fitting learns nothing."""

    truth: Truth
    creator_rows: np.ndarray
    brand_rows: np.ndarray
    name: str = "oracle"
    params: dict[str, Any] = field(default_factory=dict)

    def fit(self, train: Dataset) -> "OracleRecommender":
        return self

    def score(self, brand_rows: np.ndarray) -> np.ndarray:
        b = self.brand_rows[np.asarray(brand_rows, np.int64)]
        return self.truth.affinity(b[:, None], self.creator_rows[None, :])


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
