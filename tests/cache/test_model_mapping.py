"""The model file is read memory-mapped: every array in place, aligned, nothing copied."""

from __future__ import annotations

import numpy as np

from creatormatch.data.loader import load_dataset
from creatormatch.recommend.matcher import Matcher
from creatormatch.recommend.model import load_model, save_model


def test_arrays_are_aligned_views_of_the_file_and_np_load_still_reads_it(market, tmp_path):
    model = Matcher.from_dataset(load_dataset(market)).model
    path = save_model(model, tmp_path / "m.npz")
    loaded = load_model(path, model.fingerprint)
    mapped = [loaded.factors.creator, loaded.factors.brand, loaded.pagerank["creator"],
              loaded.confidence.indices, loaded.confidence.data, loaded.influence.data,
              *(m.indices for m in loaded.relations.values())]
    for a in mapped:
        assert not a.flags.writeable                     # a view of the read-only map, not a copy
        assert a.ctypes.data % 64 == 0                   # each member starts on a 64-byte boundary
    with np.load(path, allow_pickle=False) as z:         # still a plain .npz for any reader
        assert np.array_equal(z["factors.creator"], model.factors.creator)
        assert set(z.files) >= {"header", "creator.id", "factors.creator"}
    assert list(loaded.tables["creator"]["id"]) == list(model.tables["creator"]["id"])
    assert list(loaded.tables["creator"]["handle"]) == list(model.tables["creator"]["handle"])


def test_new_members_and_header_fields_round_trip_untouched(market, tmp_path):
    """The container is generic: what a later version adds to ``extra`` comes back as written."""
    from dataclasses import replace

    model = Matcher.from_dataset(load_dataset(market)).model
    model = replace(model, extra={"ranker": {"features": ["a", "b"], "version": 2}})
    path = save_model(model, tmp_path / "m.npz")
    assert load_model(path).extra == {"ranker": {"features": ["a", "b"], "version": 2}}


def test_plain_headers_are_parsed_like_numpy_does(tmp_path) -> None:
    """The fast path for numpy's one-line ``.npy`` header gives numpy's own dtype, shape and
    order; other headers (a structured dtype) go through numpy's parser."""
    import numpy as np

    from creatormatch.recommend._npzmap import NpzMap, _plain_npy_header, write_aligned_npz

    arrays = {"f8": np.arange(10.0), "f4_2d": np.zeros((3, 4), np.float32), "bytes": np.array([b"ab", b"c"]),
              "empty": np.zeros(0, np.int64), "fortran": np.asfortranarray(np.ones((2, 3))),
              "bool": np.array([True, False]), "structured": np.zeros(3, dtype=[("x", "<i4")])}
    path = tmp_path / "a.npz"
    with open(path, "wb") as fh:
        write_aligned_npz(fh, arrays)
    with open(path, "rb") as fh:
        z = NpzMap(fh)
    for name, arr in arrays.items():
        got = z[name]
        assert got.dtype == arr.dtype and got.shape == arr.shape and np.array_equal(got, arr), name
    raw = path.read_bytes()
    plain = raw.index(b"\x93NUMPY")
    assert _plain_npy_header(raw, plain, len(raw))[:3] == (np.dtype("<f8"), (10,), False)
    structured = raw.rindex(b"\x93NUMPY")
    assert _plain_npy_header(raw, structured, len(raw)) is None
