"""The on-disk cache: each dataset's columnar copy and match model, found by fingerprint.

* ``ingest`` -- ingest once: ``open_dataset(root)`` decides from file metadata whether the
  columnar copy is current (git's index rule) and loads or re-ingests accordingly;
* ``columnar`` -- the copy itself: Arrow IPC files read memory-mapped, without copying;
* ``filestate`` -- file states and the "racily clean" rule;
* ``location`` -- the cache folder, entry names, locks, the unwritable-cache notice;
* ``inventory`` -- what ``creatormatch cache info|verify|clear`` report and do.

What each check guarantees is written in ``docs/cache.md``.
"""

from .ingest import DatasetRef, content_fingerprint, open_dataset
from .location import cache_dir

__all__ = ["DatasetRef", "open_dataset", "content_fingerprint", "cache_dir"]
