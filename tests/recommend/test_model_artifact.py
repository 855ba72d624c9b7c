"""The model artifact: round trip, refusal of damaged or foreign files, atomic writes, cache."""

from __future__ import annotations

import json
import os
import zipfile

import numpy as np
import pytest

from creatormatch.errors import ModelError
from creatormatch.recommend import Matcher, MatchFilters, load_model, save_model
from creatormatch.recommend.cache import cache_path, load_or_build
from creatormatch.recommend.model import FORMAT_VERSION, READABLE_VERSIONS, read_header


def test_round_trip(matcher, market, tmp_path):
    path = save_model(matcher.model, tmp_path / "m.npz")
    header = read_header(path)
    assert header["format"] == "creatormatch-model" and header["format_version"] == FORMAT_VERSION
    assert header["fingerprint"] == market.fingerprint
    assert header["params"]["weights"] == matcher.params.weights
    loaded = Matcher.load(path, market.fingerprint)
    m, l_ = matcher.model, loaded.model
    assert l_.params == m.params
    assert np.array_equal(l_.factors.creator, m.factors.creator)
    assert set(l_.relations) == set(m.relations)
    for name in m.relations:
        assert (l_.relations[name] != m.relations[name]).nnz == 0
    assert (l_.confidence != m.confidence).nnz == 0
    for k in m.indices:
        assert np.array_equal(l_.indices[k], m.indices[k], equal_nan=True)
    for b in range(0, market.n_brands, 17):
        a = [x.to_dict() for x in matcher.match(b, MatchFilters(), 10)]
        assert [x.to_dict() for x in loaded.match(b, MatchFilters(), 10)] == a


def test_fingerprint_mismatch_is_refused(matcher, tmp_path):
    path = save_model(matcher.model, tmp_path / "m.npz")
    with pytest.raises(ModelError, match="other data"):
        load_model(path, fingerprint="0123456789abcdef")


def test_truncated_file_is_refused(matcher, tmp_path):
    path = save_model(matcher.model, tmp_path / "m.npz")
    data = path.read_bytes()
    for cut in (len(data) // 2, len(data) - 10, 100):
        bad = tmp_path / f"cut{cut}.npz"
        bad.write_bytes(data[:cut])
        with pytest.raises(ModelError):
            load_model(bad, matcher.model.fingerprint)


def test_tampered_file_is_refused(matcher, tmp_path):
    path = save_model(matcher.model, tmp_path / "m.npz")
    # rewrite one array with a consistent zip (valid CRCs) but different numbers
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["factors.creator"] = arrays["factors.creator"].copy()
    arrays["factors.creator"][0, 0] += 1.0
    forged = tmp_path / "forged.npz"
    np.savez(forged, **arrays)
    with pytest.raises(ModelError, match="digest"):
        load_model(forged)
    # edited weights in the header are caught as well
    header = json.loads(bytes(arrays["header"]).decode())
    header["params"]["weights"]["mf"] = 0.99
    arrays["factors.creator"][0, 0] -= 1.0
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), np.uint8)
    np.savez(forged, **arrays)
    with pytest.raises(ModelError, match="digest"):
        load_model(forged)
    # a flipped byte inside a stored array fails the zip CRC or the digest
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("factors.creator.npy")
    raw[info.header_offset + 200] ^= 0xFF
    flipped = tmp_path / "flipped.npz"
    flipped.write_bytes(bytes(raw))
    with pytest.raises(ModelError):
        load_model(flipped)


def test_inconsistent_model_is_refused(matcher, tmp_path):
    """A well-formed file whose arrays disagree with its sizes is a ModelError, not a crash."""
    from creatormatch.recommend.mf import Factors

    m = matcher.model
    bad = m.__class__(**{**m.__dict__, "factors": Factors(m.factors.brand[:-1], m.factors.creator,
                                                          m.factors.brand_known, m.factors.creator_known)})
    path = save_model(bad, tmp_path / "bad.npz")
    with pytest.raises(ModelError, match="inconsistent"):
        load_model(path)


def test_other_files_are_refused(tmp_path, matcher):
    junk = tmp_path / "junk.npz"
    junk.write_text("not a model")
    with pytest.raises(ModelError, match="not a readable"):
        load_model(junk)
    np.save(tmp_path / "plain.npy", np.arange(3))
    with pytest.raises(ModelError, match="not a readable"):
        load_model(tmp_path / "plain.npy")
    with pytest.raises(ModelError, match="not found"):
        load_model(tmp_path / "missing.npz")
    other = tmp_path / "other.npz"
    np.savez(other, header=np.frombuffer(json.dumps({"format": "something"}).encode(), np.uint8))
    with pytest.raises(ModelError, match="not a creatormatch model"):
        load_model(other)
    path = save_model(matcher.model, tmp_path / "m.npz")
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    header = json.loads(bytes(arrays["header"]).decode())
    header["format_version"] = FORMAT_VERSION + 1
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), np.uint8)
    np.savez(other, **arrays)
    with pytest.raises(ModelError, match="format"):
        load_model(other)


def test_atomic_write_leaves_no_temporary_files(matcher, tmp_path, monkeypatch):
    target = tmp_path / "out" / "m.npz"
    save_model(matcher.model, target)
    before = target.read_bytes()

    def boom(out, *args, **kwargs):  # the disk fills up in the middle of an array
        out.write(b"\x93NUMPY partial")
        raise OSError("disk full")

    monkeypatch.setattr(np.lib.format, "write_array", boom)
    with pytest.raises(OSError):
        save_model(matcher.model, target)
    assert sorted(os.listdir(target.parent)) == ["m.npz"]
    assert target.read_bytes() == before                # the old model survives a failed write


def test_with_params_changes_only_match_time_knobs(matcher):
    m = matcher.model.with_params(weights={"graph": 1.0}, graph_alpha=0.3)
    assert m.params.weights["graph"] == 1.0 and m.params.weights["mf"] == 0.0
    assert m.params.graph_alpha == 0.3
    assert m.factors is matcher.model.factors
    with pytest.raises(ValueError, match="rebuild"):
        matcher.model.with_params(factors=8)


def test_cache_builds_once_then_loads(market, tmp_path):
    messages: list[str] = []
    first = load_or_build(market, progress=messages.append)
    path = cache_path(market.fingerprint)
    assert path.is_file() and path.parent == tmp_path / "cache"
    assert any("Building" in m for m in messages)
    messages.clear()
    second = load_or_build(market, progress=messages.append)
    assert not any("Building" in m for m in messages)
    assert np.array_equal(second.model.factors.creator, first.model.factors.creator)
    # a damaged cache entry is rebuilt, with a message, never used
    path.write_bytes(path.read_bytes()[:1000])
    third = load_or_build(market, progress=messages.append)
    assert any("not usable" in m for m in messages)
    assert np.array_equal(third.model.factors.creator, first.model.factors.creator)
    load_model(path, market.fingerprint)


def test_explicit_model_of_other_data_is_an_error(market, matcher, tmp_path):
    other = matcher.model.__class__(**{**matcher.model.__dict__, "fingerprint": "feedfacefeedface"})
    path = save_model(other, tmp_path / "other.npz")
    with pytest.raises(ModelError, match="other data"):
        load_or_build(market, model_path=path)


def test_loading_while_the_model_is_replaced(matcher, tmp_path):
    """A reader racing atomic replacements (as ``build`` does) always gets one whole model."""
    import threading

    a = save_model(matcher.model, tmp_path / "a.npz")
    b = save_model(matcher.model.with_params(graph_alpha=0.4), tmp_path / "b.npz")
    target = tmp_path / "model.npz"
    os.link(a, target)
    stop = threading.Event()

    def swap() -> None:
        i = 0
        while not stop.is_set():
            tmp = tmp_path / f".swap{i}.tmp"
            os.link((a, b)[i % 2], tmp)
            os.replace(tmp, target)
            i += 1

    writer = threading.Thread(target=swap, daemon=True)
    writer.start()
    try:
        alphas = {load_model(target, matcher.model.fingerprint).params.graph_alpha for _ in range(30)}
    finally:
        stop.set()
        writer.join(10)
    assert alphas <= {matcher.params.graph_alpha, 0.4}


def test_a_format_2_model_is_refused_with_a_rebuild_hint(matcher, tmp_path):
    """Format 3 changed the ranker's features (and dropped ``affinity``), format 4 stores the
    derived structures and the price book: a format-2 file is refused, naming the formats
    this version reads and how to rebuild."""
    from creatormatch.recommend.model import _arrays, _digest, _header

    model = matcher.model
    arrays = _arrays(model)
    header = _header(model) | {"format_version": 2}
    header["digest"] = _digest(header, arrays)
    path = tmp_path / "format2.npz"
    np.savez(path, header=np.frombuffer(json.dumps(header, sort_keys=True).encode(), np.uint8), **arrays)
    with pytest.raises(ModelError, match=f"model format 2.*reads formats {', '.join(map(str, READABLE_VERSIONS))}.*creatormatch build"):
        load_model(path)
