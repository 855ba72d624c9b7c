"""Recovery: on a generated market each index ranks creators like the hidden trait it is
meant to measure (Spearman correlation with the truth file, over creators with at least
``ENOUGH_EVIDENCE`` observations behind the index)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.stats import spearmanr

from creatormatch.data.loader import load_dataset
from creatormatch.data.sample import sample_path
from creatormatch.synthetic.truth import load_truth
from creatormatch.indices import compute_indices

#: index -> (hidden trait, minimum Spearman correlation)
TARGETS = {
    "cooperation": ("cooperation", 0.85),
    "consistency": ("consistency", 0.70),
    "diligence": ("diligence", 0.85),
    "content_volume": ("content_volume", 0.85),
    "content_success": ("content_success", 0.85),
    "sales_uplift": ("sales_conversion", 0.85),
}
#: Invitations with an outcome (cooperation), collaborations + posts (consistency), own
#: videos (diligence, volume), videos (success) or shoppable videos (uplift).
ENOUGH_EVIDENCE = 5


def recovery(path: Path) -> dict[str, tuple[float, int]]:
    """Spearman correlation of each index's raw value with its trait, and the creators used."""
    truth = load_truth(path)
    dataset = load_dataset(path)
    assert truth is not None and (truth.creator_id == dataset.creators.ids).all()
    indices = compute_indices(dataset)
    out = {}
    for name, (trait, _) in TARGETS.items():
        result = indices.table()[name]
        used = (result.evidence >= ENOUGH_EVIDENCE) & ~np.isnan(result.raw)
        rho = spearmanr(result.raw[used], truth.trait(trait)[used]).statistic
        out[name] = (float(rho), int(used.sum()))
    return out


@pytest.fixture(scope="module")
def generated(market_dir: Path) -> dict[str, tuple[float, int]]:
    return recovery(market_dir)


@pytest.mark.parametrize("name", list(TARGETS))
def test_index_recovers_its_trait(generated, name: str) -> None:
    rho, used = generated[name]
    trait, target = TARGETS[name]
    assert used >= 1500, f"too few creators with enough evidence for {name}: {used}"
    assert rho >= target, f"{name} vs {trait}: Spearman {rho:.3f} < {target}"


def test_bundled_sample_recovers_traits() -> None:
    root = sample_path()
    if not (root / "truth.npz").is_file():
        pytest.skip("no bundled sample with a truth file")
    for name, (rho, used) in recovery(root).items():
        if used < 300:
            continue
        assert rho >= TARGETS[name][1], f"{name}: Spearman {rho:.3f} on the bundled sample"
