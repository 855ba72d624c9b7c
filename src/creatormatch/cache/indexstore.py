"""The creator tables of a dataset -- its creator indices and its price book -- computed
once and kept in the cache.

``scores``, ``scorecard`` and ``influencers`` need every index of every creator
(``indices.compute_indices``: 36 s at 1M creators); ``match``, ``scorecard``, ``pricing``
and ``plan`` need the price book (``pricing.PriceBook``: the evidence of every shoppable
video and the estimate's fit).  Both depend only on the dataset's content and on the
creatormatch version, so they are stored once per fingerprint, in one file::

    $CREATORMATCH_CACHE/<fingerprint>.indices.npz

in the model's container format (JSON header + named, 64-byte aligned arrays, read
memory-mapped) with a SHA-256 digest checked on the first load of each file state
(``seal``), exactly like a model (docs/cache.md).  A damaged, outdated or unreadable file is
recomputed, never served.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from .. import __version__
from .._atomic import write_atomically
from ..data.dataset import Dataset
from . import location
from . import seal as seals
from .filestate import file_state
from ..progress import Say

__all__ = ["cached_indices", "cached_price_book", "cached_creator_tables", "CreatorTables", "indices_entry", "FORMAT"]

FORMAT = "creatormatch-indices"
FORMAT_VERSION = 3  # 2: each index keeps its not-available reason; 3: the price book (members prices.*)



def indices_entry(fingerprint: str) -> Path:
    """Where the indices of the dataset with ``fingerprint`` are cached."""
    return location.model_entry(fingerprint).with_suffix(".indices.npz")


def _csr_arrays(prefix: str, m) -> dict[str, np.ndarray]:
    import scipy.sparse as sp

    m = sp.csr_array(m)
    return {f"{prefix}.data": m.data, f"{prefix}.indices": m.indices, f"{prefix}.indptr": m.indptr,
            f"{prefix}.shape": np.asarray(m.shape, np.int64)}


def _csr_of(arrays: dict[str, np.ndarray], prefix: str, kind: str):
    import scipy.sparse as sp

    cls = sp.csr_matrix if kind == "csr_matrix" else sp.csr_array
    shape = tuple(int(x) for x in arrays[f"{prefix}.shape"])
    return cls((arrays[f"{prefix}.data"], arrays[f"{prefix}.indices"], arrays[f"{prefix}.indptr"]), shape=shape)


def _flatten(indices) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """A ``CreatorIndices`` as (header, named arrays)."""
    from ..indices import INDEX_NAMES

    arrays: dict[str, np.ndarray] = {}
    header: dict[str, Any] = {"indices": {}, "influence": {}}
    for name in INDEX_NAMES:
        r = getattr(indices, name)
        header["indices"][name] = {"available": bool(r.available), "components": sorted(r.components),
                                   "reason": str(getattr(r, "reason", ""))}
        for field in ("raw", "score", "evidence"):
            arrays[f"{name}.{field}"] = np.asarray(getattr(r, field))
        for key, values in r.components.items():
            arrays[f"{name}.c.{key}"] = np.asarray(values)
    inf = indices.influence
    kinds = {}
    for field in ("matrix", "raw", "affinity"):
        kinds[field] = type(getattr(inf, field)).__name__
        arrays.update(_csr_arrays(f"influence.{field}", getattr(inf, field)))
    for key, m in inf.components.items():
        kinds[f"c.{key}"] = type(m).__name__
        arrays.update(_csr_arrays(f"influence.c.{key}", m))
    arrays["influence.top_category"] = np.asarray(inf.top_category)
    arrays["influence.top_score"] = np.asarray(inf.top_score)
    header["influence"] = {"kinds": kinds, "components": sorted(inf.components)}
    return header, arrays


def _rebuild(header: dict[str, Any], arrays: dict[str, np.ndarray]):
    from ..indices import INDEX_NAMES, CategoryInfluence, CreatorIndices, IndexResult

    results = {}
    for name in INDEX_NAMES:
        h = header["indices"][name]
        results[name] = IndexResult(
            name=name, raw=arrays[f"{name}.raw"], score=arrays[f"{name}.score"], evidence=arrays[f"{name}.evidence"],
            available=bool(h["available"]), components={k: arrays[f"{name}.c.{k}"] for k in h["components"]},
            reason=str(h.get("reason", "")))
    kinds = header["influence"]["kinds"]
    influence = CategoryInfluence(
        matrix=_csr_of(arrays, "influence.matrix", kinds["matrix"]),
        raw=_csr_of(arrays, "influence.raw", kinds["raw"]),
        top_category=arrays["influence.top_category"], top_score=arrays["influence.top_score"],
        affinity=_csr_of(arrays, "influence.affinity", kinds["affinity"]),
        components={k: _csr_of(arrays, f"influence.c.{k}", kinds[f"c.{k}"])
                    for k in header["influence"]["components"]})
    return CreatorIndices(influence=influence, **results)


def _digest(header: dict[str, Any], arrays: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256(json.dumps({k: v for k, v in header.items() if k != "digest"}, sort_keys=True).encode())
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}|{a.dtype.str}|{a.shape}".encode())
        h.update(memoryview(a).cast("B") if a.size else b"")
    return h.hexdigest()


def save_indices(indices, book, fingerprint: str, path: Path) -> Path:
    """Write ``indices`` and the price ``book`` of the dataset ``fingerprint`` to ``path`` atomically."""
    from ..recommend._npzmap import write_aligned_npz

    header, arrays = _flatten(indices)
    header["prices"], prices = book.to_arrays()
    arrays.update({f"prices.{name}": a for name, a in prices.items()})
    header.update(format=FORMAT, format_version=FORMAT_VERSION, creatormatch_version=__version__,
                  fingerprint=fingerprint)
    header["digest"] = _digest(header, arrays)
    blob = np.frombuffer(json.dumps(header, sort_keys=True).encode("utf-8"), np.uint8)
    return write_atomically(path, lambda fh: write_aligned_npz(fh, {"header": blob, **arrays}))


class IndicesDamaged(Exception):
    """A cached indices file that must not be used (it is recomputed)."""


def load_indices(path: Path, fingerprint: str, trusted_digest: str | None = None):
    """``(CreatorTables, digest)`` from ``path``; ``IndicesDamaged`` when it is unusable."""
    from ..recommend._npzmap import NpzDamaged, NpzMap

    try:
        with open(path, "rb") as fh:
            z = NpzMap(fh)
        header = json.loads(bytes(z["header"]).decode("utf-8"))
    except (OSError, NpzDamaged, KeyError, ValueError, UnicodeDecodeError) as exc:
        raise IndicesDamaged(str(exc)) from None
    if not isinstance(header, dict) or header.get("format") != FORMAT or \
            header.get("format_version") != FORMAT_VERSION or header.get("creatormatch_version") != __version__:
        raise IndicesDamaged("another format or creatormatch version")
    if header.get("fingerprint") != fingerprint:
        raise IndicesDamaged("computed from other data")
    arrays = {name: z[name] for name in z.files if name != "header"}
    if trusted_digest is None or header.get("digest") != trusted_digest:
        if _digest(header, arrays) != header.get("digest"):
            raise IndicesDamaged("does not match its digest")
    try:
        tables = CreatorTables(_rebuild(header, arrays), _price_book(header, arrays))
        return tables, str(header["digest"])
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise IndicesDamaged(f"incomplete ({exc})") from None


def _price_book(header: dict[str, Any], arrays: dict[str, np.ndarray]):
    from ..pricing.book import PriceBook

    n = len("prices.")
    return PriceBook.from_arrays(header["prices"], {k[n:]: a for k, a in arrays.items() if k.startswith("prices.")})


class CreatorTables(NamedTuple):
    """What one entry holds: ``indices`` (``CreatorIndices``) and ``prices`` (``PriceBook``)."""

    indices: Any
    prices: Any


def verify_indices(path: Path) -> list[str]:
    """Problems of a cached indices file after a full check (``[]`` when sound)."""
    fingerprint = path.name.split(".", 1)[0]
    try:
        load_indices(path, fingerprint)
    except IndicesDamaged as exc:
        return [f"{path}: {exc}"]
    return []


def cached_indices(dataset: Dataset, say: Say | None = None):
    """``compute_indices(dataset)``, from the cache when it holds them for this content.

    The first call for a fingerprint computes and stores them with the price book (when
    the cache can be written); later calls map the stored arrays.
    """
    return _cached_tables(dataset, say).indices


def cached_creator_tables(data, say: Say | None = None) -> CreatorTables:
    """Both: ``(indices, prices)`` from one read of the entry (``scorecard`` shows both)."""
    return _cached_tables(data, say)


def cached_price_book(data, say: Say | None = None):
    """``PriceBook.from_dataset`` of ``data`` (a ``Dataset``, or a ``cache.DatasetRef``
    loaded only when the book has to be computed), from the cache like ``cached_indices``."""
    return _cached_tables(data, say).prices


def _cached_tables(data, say: Say | None = None) -> CreatorTables:
    from ..indices import compute_indices
    from ..pricing.book import PriceBook
    from .ingest import fingerprint_and_loader

    speak = say or (lambda _m: None)
    fp, get_dataset = fingerprint_and_loader(data)

    def compute() -> CreatorTables:
        dataset = get_dataset()
        return CreatorTables(compute_indices(dataset), PriceBook.from_dataset(dataset))

    if not location.valid_fingerprint(fp) or not location.ensure_writable(speak):
        return compute()
    path = indices_entry(fp)
    if path.is_file():
        reference, state = seals.reference_now(), file_state(path)
        trusted = seals.sealed_digest(path)
        try:
            tables, digest = load_indices(path, fp, trusted)
            if trusted is None:
                seals.seal(path, digest, state, reference)
            return tables
        except IndicesDamaged as exc:
            speak(f"Cached indices not usable ({exc}); computing them again.")
    with location.entry_lock(f"indices-{fp}"):
        if path.is_file():
            try:
                return load_indices(path, fp)[0]
            except IndicesDamaged:
                pass
        tables = compute()
        try:
            save_indices(tables.indices, tables.prices, fp, path)
        except OSError as exc:
            location.warn_unwritable(exc, speak)
        return tables
