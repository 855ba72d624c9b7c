"""The synthetic market: a generator of contract-v1 datasets with a known hidden truth.

``generate_market`` writes the CSV files of a market whose creators have hidden traits
(cooperation, consistency, diligence, content volume and success, sales conversion) and
whose brand-creator pairs have a hidden affinity; ``truth`` saves and reads those values
(``truth.npz``).  The engine never reads the truth: tests, the evaluation oracle and the
benchmarks use it to check what the indices and recommenders recover (docs/generator.md).
"""

from .generator import GenerationSummary, generate_market
from .truth import TRUTH_FILENAME, Truth, load_truth

__all__ = ["GenerationSummary", "TRUTH_FILENAME", "Truth", "generate_market", "load_truth"]
