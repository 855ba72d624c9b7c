"""docs/reliability.md cites tests that exist: every ``tests/...py::name`` (and every
``::name`` after it in the same table cell) names a test function in that file."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "reliability.md"


def _citations() -> list[tuple[str, str]]:
    cited = []
    for cell in re.split(r"\||\n", DOC.read_text(encoding="utf-8")):
        path = None
        for m in re.finditer(r"`(tests/[\w/]+\.py)?::(\w+)(?:\[[^\]]*\])?`", cell):
            path = m.group(1) or path
            assert path, f"'::{m.group(2)}' without a file before it in: {cell.strip()[:80]}"
            cited.append((path, m.group(2)))
    return cited


def test_every_cited_test_exists():
    cited = _citations()
    assert len(cited) >= 40
    missing = [f"{path}::{name}" for path, name in cited
               if not (ROOT / path).is_file()
               or not re.search(rf"^def {name}\(", (ROOT / path).read_text(encoding="utf-8"), re.MULTILINE)]
    assert missing == [], "docs/reliability.md cites tests that do not exist:\n" + "\n".join(missing)
