"""Finding the model for a dataset: an explicit file, the cache, or a fresh build.

The cache holds one model per dataset fingerprint::

    $CREATORMATCH_CACHE/<fingerprint>.npz      (default ~/.cache/creatormatch/)

A cached model is used only when its header names the same fingerprint; a damaged or
outdated cache entry is rebuilt (with a message), never silently used.  An explicit
``model_path`` that does not match the data is an error (``ModelError``), not a rebuild.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from ..data.dataset import Dataset
from ..errors import ModelError
from .matcher import Matcher
from .params import MatchParams

__all__ = ["cache_dir", "cache_path", "load_or_build"]

Progress = Callable[[str], None]


def cache_dir() -> Path:
    """``$CREATORMATCH_CACHE`` or ``~/.cache/creatormatch``."""
    env = os.environ.get("CREATORMATCH_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "creatormatch"


def cache_path(fingerprint: str) -> Path:
    """Where the model of the dataset with ``fingerprint`` is cached."""
    if not fingerprint or any(ch in fingerprint for ch in "/\\<>:|*?\"") or fingerprint.startswith("."):
        raise ModelError(f"fingerprint {fingerprint!r} cannot name a cache file; pass an explicit model path")
    return cache_dir() / f"{fingerprint}.npz"


def load_or_build(dataset: Dataset, model_path: str | Path | None = None, params: MatchParams | None = None,
                  progress: Progress | None = None, use_cache: bool = True) -> Matcher:
    """A ``Matcher`` for ``dataset``.

    * ``model_path`` given: load it; refuse it (``ModelError``) if it was built from other data.
    * otherwise: the cached model of this fingerprint if present and intact, else build one
      and save it to the cache (when the cache folder is writable).
    """
    say = progress or (lambda _m: None)
    if model_path is not None:
        return Matcher.load(model_path, dataset.fingerprint)
    path = None
    if use_cache:
        try:
            path = cache_path(dataset.fingerprint)
        except ModelError:
            path = None
    if path is not None and path.is_file():
        try:
            return Matcher.load(path, dataset.fingerprint)
        except ModelError as exc:
            say(f"Cached model not usable ({exc}); rebuilding.")
    say("Building the match model for this dataset (once; it is cached afterwards).")
    from ..ranker.train import build_with_ranker

    matcher = build_with_ranker(dataset, params, progress=lambda m: say(f"  {m}"))
    if path is not None:
        try:
            matcher.save(path)
            say(f"Cached the model at {path}")
        except OSError as exc:
            say(f"Could not cache the model at {path} ({exc}); continuing without a cache.")
    return matcher
