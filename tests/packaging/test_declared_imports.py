"""Every third-party module the package imports is declared in pyproject.toml.

The walk covers every ``import`` statement under ``src/`` -- including imports inside
functions, which a plain "import the package" smoke test never executes -- so a module
that only one command needs (matplotlib for ``evaluate --report``) cannot slip through
because the machine that ran the tests happened to have it installed.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "creatormatch"


def _imported_top_level_modules() -> dict[str, list[str]]:
    """Absolute imports under ``src/``: top-level module name -> files that import it."""
    found: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], []).append(str(path.relative_to(ROOT)))
    return found


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared_distributions() -> set[str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    out = set()
    for requirement in meta["dependencies"]:
        out.add(_normalise(re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0]))
    return out


def test_every_third_party_import_is_a_declared_runtime_dependency():
    distributions = packages_distributions()
    declared = _declared_distributions()
    missing = []
    for module, files in sorted(_imported_top_level_modules().items()):
        if module in sys.stdlib_module_names or module == "creatormatch":
            continue
        provided_by = {_normalise(d) for d in distributions.get(module, [module])}
        if not provided_by & declared:
            missing.append(f"{module} (imported in {files[0]}; provided by {sorted(provided_by)})")
    assert not missing, "imported but not declared in [project].dependencies: " + "; ".join(missing)


def test_the_walk_sees_imports_inside_functions():
    # evaluate/report.py imports matplotlib inside a function: the walk must find it
    assert "matplotlib" in _imported_top_level_modules()
