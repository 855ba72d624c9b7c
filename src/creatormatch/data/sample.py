"""Where the bundled sample market lives.

In a wheel the sample is packaged as ``creatormatch/_sample``; in a source checkout or an
editable install it is ``datasets/sample`` at the top of the repository.
"""

from __future__ import annotations

from pathlib import Path


def sample_path() -> Path:
    """Return the folder of the bundled sample dataset."""
    packaged = Path(__file__).resolve().parent.parent / "_sample"
    if (packaged / "creators.csv").is_file():
        return packaged
    return Path(__file__).resolve().parents[3] / "datasets" / "sample"
