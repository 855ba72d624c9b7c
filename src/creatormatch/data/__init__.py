"""Dataset contract v1, the strict loader and the synthetic market generator."""

from .contract import CONTRACT_VERSION, FILES, POSITIVE_STATUSES, STATUSES, spec
from .dataset import MISSING_INT, Dataset, Table
from .loader import LoadReport, load_dataset
from .sample import sample_path

__all__ = [
    "CONTRACT_VERSION", "FILES", "POSITIVE_STATUSES", "STATUSES", "spec",
    "MISSING_INT", "Dataset", "Table", "sample_path", "LoadReport", "load_dataset",
]
