"""Nothing computed from the indices depends on the order of rows in the CSV files."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from creatormatch.data.loader import load_dataset
from creatormatch.indices import compute_indices


def _shuffled_copy(src: Path, dst: Path, seed: int) -> Path:
    dst.mkdir()
    rnd = random.Random(seed)
    for f in sorted(src.glob("*.csv")):
        header, *rows = f.read_text(encoding="utf-8").splitlines(keepends=True)
        rnd.shuffle(rows)
        (dst / f.name).write_text(header + "".join(rows), encoding="utf-8")
    return dst


def _same(a: np.ndarray, b: np.ndarray) -> None:
    np.testing.assert_array_equal(a, b)  # NaN equals NaN here; no tolerance: bit-identical


def test_row_order_does_not_matter(small_market_dir: Path, tmp_path: Path) -> None:
    # the generated files hold handles with commas and quotes, but no line breaks inside fields
    one = compute_indices(load_dataset(small_market_dir))
    two = compute_indices(load_dataset(_shuffled_copy(small_market_dir, tmp_path / "shuffled", 5)))
    for name, r1 in one.table().items():
        r2 = two.table()[name]
        _same(r1.raw, r2.raw)
        _same(r1.score, r2.score)
        _same(r1.evidence, r2.evidence)
        assert r1.components.keys() == r2.components.keys()
        for key in r1.components:
            _same(r1.components[key], r2.components[key])
    for attr in ("matrix", "raw", "affinity"):
        m1, m2 = getattr(one.influence, attr), getattr(two.influence, attr)
        _same(m1.indptr, m2.indptr)
        _same(m1.indices, m2.indices)
        _same(m1.data, m2.data)
    _same(one.influence.top_category, two.influence.top_category)
    _same(one.influence.top_score, two.influence.top_score)
