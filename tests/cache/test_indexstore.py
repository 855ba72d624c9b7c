"""Creator indices computed once per dataset content and read back from the cache."""

from __future__ import annotations

import numpy as np
import pytest

from creatormatch.cache import open_dataset
from creatormatch.cache.indexstore import cached_indices, indices_entry
from creatormatch.indices import INDEX_NAMES, compute_indices


def _assert_same(a, b) -> None:
    for name in INDEX_NAMES:
        x, y = getattr(a, name), getattr(b, name)
        assert x.available == y.available and set(x.components) == set(y.components), name
        for field in ("raw", "score", "evidence"):
            assert np.array_equal(getattr(x, field), getattr(y, field), equal_nan=True), (name, field)
        for key in x.components:
            assert np.array_equal(x.components[key], y.components[key], equal_nan=True), (name, key)
    p, q = a.influence, b.influence
    for field in ("matrix", "raw", "affinity"):
        m, n = getattr(p, field), getattr(q, field)
        assert type(m) is type(n) and m.shape == n.shape and abs(m - n).sum() == 0, field
    assert set(p.components) == set(q.components)
    for key in p.components:
        assert abs(p.components[key] - q.components[key]).sum() == 0
    assert np.array_equal(p.top_category, q.top_category)
    assert np.array_equal(p.top_score, q.top_score, equal_nan=True)


def test_stored_indices_are_exactly_the_computed_ones(market, cache):
    dataset = open_dataset(market).load()
    first = cached_indices(dataset)
    assert indices_entry(dataset.fingerprint).is_file()
    again = cached_indices(open_dataset(market).load())
    assert not again.cooperation.score.flags.writeable        # read from the mapped file
    _assert_same(again, compute_indices(dataset))
    _assert_same(first, again)


@pytest.mark.parametrize("damage", ["truncated", "flipped in place"])
def test_damaged_stored_indices_are_recomputed(damage, market, cache):
    dataset = open_dataset(market).load()
    cached_indices(dataset)
    path = indices_entry(dataset.fingerprint)
    raw = bytearray(path.read_bytes())
    if damage == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    else:
        raw[len(raw) // 2] ^= 0x40
        with open(path, "r+b") as fh:
            fh.write(raw)
    said: list[str] = []
    again = cached_indices(dataset, say=said.append)
    assert said and "not usable" in said[0]
    _assert_same(again, compute_indices(dataset))


def test_scores_from_the_cache_equal_scores_without_it(market, cm, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x\n")
    for args in (["scores", "--top", "0", "--format", "csv"], ["influencers", "--category", "beauty", "--format", "csv"]):
        cold = cm(*args, "--data", market)
        warm = cm(*args, "--data", market)
        bare = cm(*args, "--data", market, env_cache=blocker / "cache")
        assert cold.returncode == warm.returncode == bare.returncode == 0, (cold.stderr, warm.stderr, bare.stderr)
        assert cold.stdout == warm.stdout == bare.stdout and warm.stderr == ""
