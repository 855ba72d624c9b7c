"""The result types of the creator indices (re-exported by ``creatormatch.indices``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ._stats import market_percentile

__all__ = ["IndexResult", "CategoryInfluence", "CreatorIndices", "INDEX_NAMES", "CREATOR_REASONS", "NO_VIDEOS",
           "finish", "unavailable"]

#: The per-creator indices, in reporting order.
INDEX_NAMES: tuple[str, ...] = (
    "cooperation", "consistency", "diligence", "content_volume", "content_success", "sales_uplift",
)

#: Why an available index has no value for one creator (``IndexResult.reason_for``).
CREATOR_REASONS: dict[str, str] = {
    "cooperation": "no invitations with an outcome",
    "consistency": "no finished collaborations and fewer than three own posts",
    "diligence": "no own-feed videos",
    "content_volume": "no own-feed videos",
    "content_success": "no videos with views",
    "sales_uplift": "no shoppable videos with sales figures",
}
#: The reason of every video-based index when the dataset has no videos.
NO_VIDEOS = "no videos (videos.csv is not part of this dataset)"


@dataclass(frozen=True)
class IndexResult:
    """One index for every creator (arrays in row order of ``dataset.creators``).

    Attributes
    ----------
    name : the index name (one of ``INDEX_NAMES``).
    raw : float64, the index value before normalisation (a weighted mean of standard
        scores of shrunk components, see ``docs/indices.md``); NaN = not available.
    score : 0–100 percentile of ``raw`` within the creator's market; NaN = not available.
    evidence : int64, number of observations behind the value (collaborations or videos).
    available : False when the dataset lacks the inputs altogether (then all NaN).
    components : named per-creator inputs (observed and shrunk), for scorecards.
    reason : why the index is not available in this dataset ("no products", "no views",
        ...); empty when it is available.
    """

    name: str
    raw: np.ndarray
    score: np.ndarray
    evidence: np.ndarray
    available: bool
    components: dict[str, np.ndarray] = field(default_factory=dict)
    reason: str = ""

    def reason_for(self, row: int) -> str | None:
        """Why creator ``row`` has no value: the dataset's reason, the creator's own (no
        evidence), or None when the creator has a score."""
        if not self.available:
            return self.reason
        if np.isnan(self.score[row]):
            return CREATOR_REASONS[self.name]
        return None


@dataclass(frozen=True)
class CategoryInfluence:
    """Influence of every creator in every category (creators x categories, CSR).

    ``matrix`` holds the 0–100 percentile among creators active in the same category and
    market (zero = no activity), ``raw`` the raw influence value, ``affinity`` the share of
    the creator's activity in each category (rows sum to 1, or 0 without activity).
    ``top_category`` is the category row with the highest score (-1 if none) and
    ``top_score`` that score (NaN if none).
    """

    matrix: sp.csr_matrix
    raw: sp.csr_matrix
    top_category: np.ndarray
    top_score: np.ndarray
    affinity: sp.csr_matrix
    components: dict[str, sp.csr_matrix] = field(default_factory=dict)


@dataclass(frozen=True)
class CreatorIndices:
    """All creator indices of one dataset."""

    cooperation: IndexResult
    consistency: IndexResult
    diligence: IndexResult
    content_volume: IndexResult
    content_success: IndexResult
    sales_uplift: IndexResult
    influence: CategoryInfluence

    def table(self) -> dict[str, IndexResult]:
        """Index name -> result, in the order of ``INDEX_NAMES``."""
        return {name: getattr(self, name) for name in INDEX_NAMES}


def finish(name: str, raw: np.ndarray, evidence: np.ndarray, market: np.ndarray,
           components: dict[str, np.ndarray]) -> IndexResult:
    """Wrap a raw index: NaN where there is no evidence, percentile within market."""
    evidence = np.asarray(evidence, np.int64)
    raw = np.where(evidence > 0, raw, np.nan)
    return IndexResult(name=name, raw=raw, score=market_percentile(raw, market), evidence=evidence,
                       available=True, components=components)


def unavailable(name: str, n: int, reason: str) -> IndexResult:
    """The result of an index whose inputs are missing from the dataset, and why
    (``reason``: what is missing, e.g. "no products")."""
    nan = np.full(n, np.nan)
    return IndexResult(name=name, raw=nan, score=nan.copy(), evidence=np.zeros(n, np.int64),
                       available=False, components={}, reason=reason)
