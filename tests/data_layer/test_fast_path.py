"""The Arrow fast path and the csv-module path read every file identically."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from creatormatch.data import _arrowread, load_dataset

VALID = Path(__file__).parents[1] / "data" / "valid"


def _same(a, b) -> None:
    assert a.fingerprint == b.fingerprint
    assert set(a.tables) == set(b.tables)
    for name, table in a.tables.items():
        np.testing.assert_array_equal(table.line, b.tables[name].line)
        for col, values in table.columns.items():
            other = b.tables[name][col]
            assert values.dtype == other.dtype, f"{name}.{col}"
            np.testing.assert_array_equal(values, other, err_msg=f"{name}.{col}")


@pytest.mark.skipif(not _arrowread.available(), reason="pyarrow not installed")
@pytest.mark.parametrize("extra", ["", "C005,new,SG,12,2024-01-01T00:00:00Z,,\n",
                                   "C005,new,SG,12,2024-01-01 10:30,3.5e2,\n"])
def test_fast_and_exact_paths_agree(tmp_path: Path, overlay, monkeypatch, extra: str) -> None:
    folder = overlay()
    with (folder / "creators.csv").open("a") as fh:
        fh.write(extra)
    fast = load_dataset(folder)
    monkeypatch.setattr(_arrowread, "pa", None)
    exact = load_dataset(folder)
    _same(fast, exact)


@pytest.mark.skipif(not _arrowread.available(), reason="pyarrow not installed")
def test_fast_path_reports_the_same_problems(tmp_path: Path, overlay, monkeypatch) -> None:
    from creatormatch.errors import DataError

    folder = overlay("broken/negative_count")
    with pytest.raises(DataError) as fast:
        load_dataset(folder)
    monkeypatch.setattr(_arrowread, "pa", None)
    with pytest.raises(DataError) as exact:
        load_dataset(folder)
    assert [str(p) for p in fast.value.problems] == [str(p) for p in exact.value.problems]
