"""Ingest once: a changed file is seen and re-ingested, an untouched one is never read, a
touched one is re-hashed and its copy re-used (docs/cache.md)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

from creatormatch.cache import content_fingerprint, open_dataset
from creatormatch.cache.filestate import FileState, trusted_unchanged
from creatormatch.cache.location import data_entry
from creatormatch.data.loader import load_dataset

from .conftest import HOUR_NS, age


def _first_data_line(path: Path) -> tuple[bytes, bytes]:
    raw = path.read_bytes()
    head, _, rest = raw.partition(b"\n")
    return head, rest


def _assert_same_dataset(a, b) -> None:
    assert a.fingerprint == b.fingerprint
    assert set(a.tables) == set(b.tables) and a.derived == b.derived and a.warnings == b.warnings
    for name, t in a.tables.items():
        u = b.tables[name]
        assert set(t.columns) == set(u.columns), name
        for col, values in t.columns.items():
            assert values.dtype == u.columns[col].dtype, (name, col)
            assert np.array_equal(values, u.columns[col], equal_nan=values.dtype.kind in "fcmM"), (name, col)
        assert np.array_equal(t.line, u.line)


def _open(market: Path):
    ref = open_dataset(market)
    dataset = ref.load()
    return ref, dataset


def test_fingerprint_of_the_bytes_is_the_loaders(market):
    assert content_fingerprint(market) == load_dataset(market).fingerprint


@pytest.mark.parametrize("folder", ["valid", "sample"])
def test_the_copy_holds_exactly_the_loaded_dataset(folder, cache, data_root):
    from creatormatch.data.sample import sample_path

    root = data_root / "valid" if folder == "valid" else sample_path()
    first, fresh = _open(root)
    assert first.how == "ingested"
    again, copied = _open(root)
    assert again.how in ("metadata", "rehashed")          # the test data may be younger than 2 s
    _assert_same_dataset(copied, load_dataset(root))
    assert not copied.creators["creator_id"].flags.writeable   # memory-mapped, read-only


def test_unchanged_files_are_not_read(market, cache, monkeypatch):
    _open(market)
    import creatormatch.cache.ingest as ingest

    def no_hashing(root):
        raise AssertionError("an unchanged folder was hashed again")

    monkeypatch.setattr(ingest, "content_fingerprint", no_hashing)
    ref, dataset = _open(market)
    assert ref.how == "metadata"
    _assert_same_dataset(dataset, load_dataset(market))


def test_editing_a_cell_is_seen_and_re_ingested(market, cache):
    _, before = _open(market)
    path = market / "creators.csv"
    text = path.read_text(encoding="utf-8")
    row = before.creators
    old = f",{row['followers'][0]},"
    assert old in text
    path.write_text(text.replace(old, f",{row['followers'][0] + 1},", 1), encoding="utf-8")
    ref, after = _open(market)
    assert ref.how == "ingested" and after.fingerprint != before.fingerprint
    assert after.fingerprint == load_dataset(market).fingerprint
    assert int(after.creators["followers"][0]) == int(before.creators["followers"][0]) + 1


def test_editing_a_cell_in_place_with_the_old_size_and_mtime_is_seen(market, cache):
    """The same size, the mtime set back: the ctime (which no user call can set back) still changes."""
    _, before = _open(market)
    path = market / "brands.csv"
    st = os.stat(path)
    raw = bytearray(path.read_bytes())
    i = raw.index(b",", raw.index(b"\n")) + 1      # first character of the first brand's name
    raw[i] = ord("X") if raw[i] != ord("X") else ord("Y")
    with open(path, "r+b") as fh:                  # same inode, same size
        fh.write(raw)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(path).st_size == st.st_size and os.stat(path).st_mtime_ns == st.st_mtime_ns
    ref, after = _open(market)
    assert ref.how == "ingested" and after.fingerprint != before.fingerprint


def test_appending_a_row_is_seen_and_re_ingested(market, cache):
    _, before = _open(market)
    path = market / "creators.csv"
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("C9999999,newcomer,ID,12,,,\n")
    ref, after = _open(market)
    assert ref.how == "ingested"
    assert after.n_creators == before.n_creators + 1
    assert "C9999999" in set(after.creators["creator_id"].tolist())


def test_replacing_a_file_with_one_of_the_same_size_is_seen(market, cache, tmp_path):
    """Another file of the same size renamed over it, even with the old mtime: the inode differs."""
    _, before = _open(market)
    path = market / "creators.csv"
    st = os.stat(path)
    head, rest = _first_data_line(path)
    lines = rest.split(b"\n")
    lines[0], lines[1] = lines[1], lines[0]         # same bytes, other order: same size, other content
    other = tmp_path / "creators.csv.new"
    other.write_bytes(head + b"\n" + b"\n".join(lines))
    os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(other, path)
    assert os.stat(path).st_size == st.st_size and os.stat(path).st_mtime_ns == st.st_mtime_ns
    ref, after = _open(market)
    assert ref.how == "ingested" and after.fingerprint != before.fingerprint
    assert after.fingerprint == load_dataset(market).fingerprint


def test_touching_a_file_re_hashes_it_and_re_uses_the_copy(market, cache):
    first, before = _open(market)
    copy = data_entry(before.fingerprint)
    written = {p.name: os.stat(p).st_ino for p in copy.iterdir()}
    age(market, HOUR_NS // 2)                      # every file touched: new mtime and ctime, same bytes
    ref, after = _open(market)
    assert ref.how == "rehashed"
    assert after.fingerprint == before.fingerprint
    assert {p.name: os.stat(p).st_ino for p in copy.iterdir()} == written   # not written again
    ref, _ = _open(market)
    assert ref.how == "metadata"                   # the refreshed record is trusted again


def test_adding_or_removing_an_optional_file_is_seen(market, cache):
    _, before = _open(market)
    (market / "videos.csv").rename(market.parent / "videos.csv")
    ref, after = _open(market)
    assert ref.how == "ingested" and after.videos is None and after.fingerprint != before.fingerprint


def test_a_file_written_just_before_the_check_is_racily_clean():
    """git's rule: equal state, but an mtime not older than the reference -> hash it again."""
    now = time.time_ns()
    state = FileState(10, now, now, 1, 1)
    assert not trusted_unchanged(state, state, now)
    assert not trusted_unchanged(state, state, now - 1)
    assert trusted_unchanged(state, state, now + 1)
    assert not trusted_unchanged(FileState(11, now, now, 1, 1), state, now + 1)
    assert trusted_unchanged(None, None, now) and not trusted_unchanged(None, state, now + 1)


def test_a_fresh_file_is_hashed_until_it_is_old_enough(cache, small_market_src, tmp_path):
    import shutil

    market = tmp_path / "fresh"
    shutil.copytree(small_market_src, market)
    for p in market.iterdir():                     # written "now": inside the racy margin
        os.utime(p)
    _open(market)
    ref, _ = _open(market)
    assert ref.how == "rehashed"                   # not trusted from metadata yet

