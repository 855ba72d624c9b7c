"""Finding the model for a dataset: an explicit file, the cache, or a fresh build.

The cache holds one model per dataset fingerprint (layout: ``creatormatch.cache.location``)::

    $CREATORMATCH_CACHE/<fingerprint>.npz      (default ~/.cache/creatormatch/)

A cached model is used only when its header names the same fingerprint; a damaged or
outdated cache entry is rebuilt (with a message), never silently used.  An explicit
``model_path`` that does not match the data is an error (``ModelError``), not a rebuild.

Models are read memory-mapped.  The full digest check (a read of every byte) runs the
first time a file is loaded; then a *seal* (``seals/<key>.json``: the file's state and
digest) lets later loads of the unchanged file skip it -- the same metadata rule as the
dataset copies (``docs/cache.md``).  ``creatormatch cache verify`` re-checks every byte.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Union

from ..cache import location
from ..cache import seal as seals
from ..cache.filestate import file_state
from ..cache.ingest import DatasetRef, fingerprint_and_loader
from ..errors import ModelError
from .params import MatchParams
from ..progress import Say as Progress

if TYPE_CHECKING:
    from ..data.dataset import Dataset
    from .matcher import Matcher

__all__ = ["cache_dir", "cache_path", "load_or_build", "load_sealed", "attach_prices"]

DataLike = Union["Dataset", DatasetRef]

cache_dir = location.cache_dir


def cache_path(fingerprint: str) -> Path:
    """Where the model of the dataset with ``fingerprint`` is cached."""
    return location.model_entry(fingerprint)


def load_sealed(path: str | Path, fingerprint: str | None = None, seal: bool = True) -> "Matcher":
    """``Matcher.load`` that verifies the full digest only when the file changed since it
    was last verified (``seal``: record the verification in the cache)."""
    from .matcher import Matcher
    from .model import load_model

    path = Path(path)
    reference = seals.reference_now()
    state = file_state(path)
    trusted = seals.sealed_digest(path) if seal else None
    model = load_model(path, fingerprint, trusted_digest=trusted)
    if seal and trusted is None:
        seals.seal(path, model.digest, state, reference)
    return Matcher(model)


def load_or_build(dataset: DataLike, model_path: str | Path | None = None, params: MatchParams | None = None,
                  progress: Progress | None = None, use_cache: bool = True) -> "Matcher":
    """A ``Matcher`` for ``dataset`` (a ``Dataset``, or a ``DatasetRef`` loaded only if the
    model has to be built).

    * ``model_path`` given: load it; refuse it (``ModelError``) if it was built from other data.
    * otherwise: the cached model of this fingerprint if present and intact, else build one
      and save it to the cache (when the cache folder is writable).  Concurrent builds of the
      same fingerprint wait for each other (a lock), so the model is built once.
    """
    say = progress or (lambda _m: None)
    fingerprint, get_dataset = fingerprint_and_loader(dataset)
    writable = use_cache and location.ensure_writable(say)
    if model_path is not None:
        return load_sealed(model_path, fingerprint, seal=writable)
    path = None
    if use_cache:
        try:
            path = cache_path(fingerprint)
        except ModelError:
            path = None
    if path is not None and path.is_file():
        try:
            return load_sealed(path, fingerprint, seal=writable)
        except ModelError as exc:
            say(f"Cached model not usable ({exc}); rebuilding.")
    if path is None or not writable:
        return _build(get_dataset(), params, say, None)
    with location.entry_lock(f"model-{fingerprint}"):
        if path.is_file():  # built by another process while we waited
            try:
                return load_sealed(path, fingerprint, seal=True)
            except ModelError:
                pass
        return _build(get_dataset(), params, say, path)


def _build(dataset: "Dataset", params: MatchParams | None, say: Progress, path: Path | None) -> "Matcher":
    say("Building the match model for this dataset (once; it is cached afterwards).")
    from ..ranker.train import build_with_ranker

    matcher = build_with_ranker(dataset, params, progress=lambda m: say(f"  {m}"))
    attach_prices(matcher, dataset, lambda m: say(f"  {m}"))
    if path is not None:
        try:
            matcher.save(path)
            say(f"Cached the model at {path}")
        except OSError as exc:
            location.warn_unwritable(exc, say)
    return matcher


def attach_prices(matcher: "Matcher", dataset: "Dataset", progress: Progress | None = None) -> "Matcher":
    """Store the dataset's price book in the matcher's model (``MatchModel.prices``), so that
    ``match`` and ``plan`` price their rows from the mapped model file instead of reading the
    dataset again."""
    from ..pricing import PriceBook

    (progress or (lambda _m: None))("price book")
    matcher.model.prices = PriceBook.from_dataset(dataset)
    return matcher
