"""What is in the cache, whether it is sound, and emptying it (``creatormatch cache ...``).

``cache_info()`` lists entries (one per dataset fingerprint: its columnar copy and model,
their sizes, the folders last seen with that content); ``verify_cache()`` re-reads every
byte (CRC-32 of each copy file, the model's SHA-256 digest) and re-hashes every recorded
dataset folder; ``clear_cache()`` removes everything creatormatch wrote there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import location
from .columnar import verify_copy
from .filestate import FileState, file_state, read_json, trusted_unchanged

__all__ = ["CacheEntry", "cache_info", "verify_cache", "clear_cache", "VerifyResult"]


@dataclass
class CacheEntry:
    """Everything the cache holds for one dataset fingerprint."""

    fingerprint: str
    copy_bytes: int = 0
    model_bytes: int = 0
    indices_bytes: int = 0
    folders: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"fingerprint": self.fingerprint, "copy_bytes": self.copy_bytes, "model_bytes": self.model_bytes,
                "indices_bytes": self.indices_bytes, "folders": list(self.folders)}


def _tree_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _records() -> list[dict[str, Any]]:
    folder = location.cache_dir() / "folders"
    out = []
    if folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            found = read_json(path)
            if found is not None:
                out.append(found[0])
    return out


def cache_info() -> list[CacheEntry]:
    """One ``CacheEntry`` per fingerprint with a copy or a model in the cache, by fingerprint."""
    root = location.cache_dir()
    entries: dict[str, CacheEntry] = {}
    if not root.is_dir():
        return []
    for path in root.iterdir():
        if path.name.startswith("."):
            continue
        if path.suffix == ".data" and path.is_dir():
            entries.setdefault(path.stem, CacheEntry(path.stem)).copy_bytes = _tree_bytes(path)
        elif path.name.endswith(".indices.npz") and path.is_file():
            fp = path.name.split(".", 1)[0]
            entries.setdefault(fp, CacheEntry(fp)).indices_bytes = path.stat().st_size
        elif path.suffix == ".npz" and path.is_file():
            entries.setdefault(path.stem, CacheEntry(path.stem)).model_bytes = path.stat().st_size
    for record in _records():
        fp = str(record.get("fingerprint", ""))
        if fp in entries:
            entries[fp].folders.append(str(record.get("root", "")))
    return [entries[k] for k in sorted(entries)]


@dataclass
class VerifyResult:
    """The outcome of ``verify_cache``: what was checked and every problem found."""

    checked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def verify_cache(repair: bool = True) -> VerifyResult:
    """Re-read every byte of the cache.

    * each columnar copy against the CRC-32 of every file recorded when it was written;
    * each model and each stored set of creator indices against its SHA-256 digest
      (structure, header and every array);
    * each dataset folder seen before: its files are hashed again and compared with the
      recorded fingerprint (a change the metadata check could not see is reported).

    Parameters
    ----------
    repair : remove damaged entries (they are rebuilt on next use) and records that no
        longer hold, so the next command re-checks the folder.
    """
    from ..recommend.model import verify_model
    from .indexstore import verify_indices
    from .ingest import content_fingerprint

    result = VerifyResult()
    root = location.cache_dir()
    if not root.is_dir():
        return result
    for path in sorted(root.iterdir()):
        if path.name.startswith("."):
            continue
        if path.suffix == ".data" and path.is_dir():
            problems = verify_copy(path)
        elif path.name.endswith(".indices.npz") and path.is_file():
            problems = verify_indices(path)
        elif path.suffix == ".npz" and path.is_file():
            problems = verify_model(path)
        else:
            continue
        result.checked.append(path.name)
        result.problems.extend(problems)
        if problems and repair:
            location.remove_aside(path)
            result.removed.append(path.name)
    for record_path in sorted((root / "folders").glob("*.json")) if (root / "folders").is_dir() else []:
        found = read_json(record_path)
        if found is None:
            continue
        record = found[0]
        folder = Path(str(record.get("root", "")))
        result.checked.append(f"dataset folder {folder}")
        if not folder.is_dir() or not _record_trusted(record, folder):
            continue  # changed metadata: the next command re-hashes the folder anyway
        now = content_fingerprint(folder)
        if now != record.get("fingerprint"):
            result.problems.append(f"{folder}: its files changed without changing their size, times or inode "
                                   f"(content {now}, recorded {record.get('fingerprint')})")
            if repair:
                record_path.unlink(missing_ok=True)
                result.removed.append(f"record of {folder}")
    return result


def _record_trusted(record: dict[str, Any], folder: Path) -> bool:
    """Whether the metadata check would trust the record of ``folder`` today."""
    try:
        reference = int(record["reference_ns"])
        for name, then in record["files"].items():
            recorded = None if then is None else FileState.from_list(then)
            if not trusted_unchanged(file_state(folder / name), recorded, reference):
                return False
    except (KeyError, TypeError, ValueError, AttributeError):
        return False
    return True




def clear_cache() -> tuple[int, int]:
    """Remove every entry, record, seal and lock file.  Returns ``(items, bytes)`` removed."""
    root = location.cache_dir()
    if not root.is_dir():
        return 0, 0
    items = total = 0
    for path in list(root.iterdir()):
        is_ours = (path.suffix in (".npz", ".data") or path.name in ("folders", "seals", "locks")
                   or path.name.endswith((".tmp", ".old", ".removed")))
        if not is_ours:
            continue
        total += _tree_bytes(path)
        items += 1
        location.remove_aside(path)
    return items, total
