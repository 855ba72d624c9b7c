"""Dataset contract v1, the strict loader, market codes and catalog lists (the synthetic market
generator is in ``creatormatch.synthetic``)."""

from .contract import CONTRACT_VERSION, FILES, POSITIVE_STATUSES, STATUSES, spec
from .dataset import MISSING_INT, Dataset, Table
from .sample import sample_path

__all__ = [
    "CONTRACT_VERSION", "FILES", "POSITIVE_STATUSES", "STATUSES", "spec",
    "MISSING_INT", "Dataset", "Table", "sample_path", "LoadReport", "load_dataset",
]


def __getattr__(name: str):
    # the loader (and pyarrow's CSV reader behind it) is imported on first use only: a
    # command answered from the cache never needs it
    if name in ("LoadReport", "load_dataset"):
        from . import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
