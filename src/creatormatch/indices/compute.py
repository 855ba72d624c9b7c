"""``compute_indices``: every creator index of a dataset in one call."""

from __future__ import annotations

from ..data.dataset import Dataset
from ._prepare import prepare
from ._result import CreatorIndices
from .consistency import consistency_index
from .cooperation import cooperation_index
from .diligence import diligence_index
from .influence import category_influence
from .success import content_success_index
from .uplift import sales_uplift_index
from .volume import content_volume_index

__all__ = ["compute_indices"]


def compute_indices(dataset: Dataset) -> CreatorIndices:
    """Compute all creator indices of ``dataset``.

    The shared arrays (markets, categories of collaborations and videos, the videos sorted
    by creator and time) are derived once and passed to every index.  Pure: reads the
    arrays of ``dataset``, writes nothing.

    Examples
    --------
    >>> from creatormatch.data.loader import load_dataset          # doctest: +SKIP
    >>> indices = compute_indices(load_dataset("datasets/sample"))  # doctest: +SKIP
    >>> indices.cooperation.score[:3]                               # doctest: +SKIP
    array([71.2, 12.9,  nan])
    """
    prep = prepare(dataset)
    return CreatorIndices(
        cooperation=cooperation_index(dataset, prep),
        consistency=consistency_index(dataset, prep),
        diligence=diligence_index(dataset, prep),
        content_volume=content_volume_index(dataset, prep),
        content_success=content_success_index(dataset, prep),
        sales_uplift=sales_uplift_index(dataset, prep),
        influence=category_influence(dataset, prep),
    )
