"""creatormatch: open, graph-based creator-brand matching for social commerce.

Layers (one sub-package per concern):

* ``creatormatch.data``     dataset contract v1, the strict loader, the synthetic market generator
* ``creatormatch.indices``  transparent creator indices and scorecards
* ``creatormatch.graph``    sparse graph building and (personalised) PageRank
* ``creatormatch.recommend`` matrix factorisation, blending, matching, persistence
* ``creatormatch.evaluate`` offline temporal evaluation
* ``creatormatch.store``    the Neo4j store
* ``creatormatch.cli``      the click command line (the only place that imports click)
"""

__version__ = "0.1.0"

from .errors import CreatorMatchError, DataError, ModelError, StoreError, UsageError

__all__ = ["__version__", "CreatorMatchError", "DataError", "ModelError", "StoreError", "UsageError"]
