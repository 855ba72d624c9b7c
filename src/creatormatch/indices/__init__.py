"""Transparent creator indices: cooperation, consistency, diligence, content volume,
content success, sales uplift and category influence -- and the scorecard that explains them.

Each index lives in its own module as a pure, vectorised function of a loaded
``Dataset``; ``compute_indices`` runs them all over one set of shared arrays.  Every
formula, prior and normalisation is written out in ``docs/indices.md``.

>>> from creatormatch.data.loader import load_dataset              # doctest: +SKIP
>>> from creatormatch.indices import compute_indices
>>> indices = compute_indices(load_dataset("datasets/sample"))     # doctest: +SKIP
>>> indices.table()["cooperation"].score                           # doctest: +SKIP
"""

from ._result import INDEX_NAMES, CategoryInfluence, CreatorIndices, IndexResult
from .compute import compute_indices
from .consistency import consistency_index
from .cooperation import cooperation_index
from .diligence import diligence_index
from .influence import category_influence
from .scorecard import Scorecard, scorecard
from .success import content_success_index
from .uplift import sales_uplift_index
from .volume import content_volume_index

__all__ = [
    "INDEX_NAMES", "IndexResult", "CategoryInfluence", "CreatorIndices", "compute_indices",
    "cooperation_index", "consistency_index", "diligence_index", "content_volume_index",
    "content_success_index", "sales_uplift_index", "category_influence", "Scorecard", "scorecard",
]
