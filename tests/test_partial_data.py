"""benchmarks/partial_data.py: the partial copies hold exactly what they claim, and load."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from creatormatch.data import load_dataset


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("kind", ["outcomes", "posts"])
def test_a_partial_copy_keeps_the_positive_collaborations_only(generated_market, partial_copy, tmp_path, kind):
    market = generated_market(300, 20, 5)
    out = partial_copy(market, tmp_path / kind, kind)
    full = _rows(market / "collaborations.csv")
    kept = _rows(out / "collaborations.csv")
    positive = [r for r in full if r["status"] in ("accepted", "completed")]
    assert [r["collaboration_id"] for r in kept] == [r["collaboration_id"] for r in positive]
    assert len(kept) < len(full)
    ids = {r["collaboration_id"] for r in kept}
    videos = _rows(out / "videos.csv")
    assert len(videos) == len(_rows(market / "videos.csv"))
    assert all(not v["collaboration_id"] or v["collaboration_id"] in ids for v in videos)
    if kind == "posts":
        assert not (out / "products.csv").exists()
        assert not any(v["views"] or v["gmv"] or v["orders"] or v["product_id"] for v in videos)
        assert not any(r["gmv"] or r["fee"] or r["rating"] for r in kept)
        assert not any(c["product_id"] for c in _rows(out / "campaigns.csv"))
    else:
        assert (out / "products.csv").read_bytes() == (market / "products.csv").read_bytes()
        assert any(v["views"] for v in videos)
    ds = load_dataset(out)                           # a valid contract-v1 dataset
    assert ds.n_creators == 300 and len(ds.collaborations) == len(kept)


def test_an_unknown_kind_is_refused(partial_copy, tmp_path):
    with pytest.raises(ValueError, match="kind must be one of"):
        partial_copy(tmp_path, tmp_path / "x", "views")
