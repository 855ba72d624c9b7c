"""No Cypher is ever assembled from data.

Queries come from ``cypher/*.cypher`` files (loaded by name) or constant strings, and
every value travels as a parameter (``$name``).  Labels and relationship types are
written in the files; property keys reach the server only as the keys of a ``props`` map
built by the code, never from the data.  This module checks all three:

* a scanner over every ``src/creatormatch/**/*.py`` file flags f-strings, ``%``,
  ``.format()``, ``+``/``+=`` and ``str.join`` that build text shaped like Cypher, and any
  templating of a loaded query (``cypher(...).replace``/``.format``/``+``);
* the ``.cypher`` files use no dynamic labels/keys (``$(...)``, ``n[$key]``) and no
  string-executing procedures (``apoc.cypher.run`` ...);
* the row builders of ``creatormatch.store.rows`` give the same property keys whatever the
  data holds (a hostile extra column name never becomes a key).

The scanner looks for Cypher *syntax* (``MATCH (``, ``UNWIND x AS``, ``SET n.k``,
``CREATE CONSTRAINT``, ``-[r:T]->`` ...), not bare words, so docstrings and messages such
as "the MATCH edges of brand {b}" are not flagged; its own tests below show both sides.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest

import creatormatch
from creatormatch.data.loader import load_dataset
from creatormatch.store import queries as Q

SRC = Path(creatormatch.__file__).resolve().parent

#: Cypher clauses (keywords in upper case, as every query of the project is written).  A
#: bare pattern such as ``-[:{type}]->`` is not enough: the CLI renders graph paths that way.
_CYPHER_SYNTAX = re.compile(
    r"""
      \b(?:OPTIONAL\s+)?MATCH\s*\(
    | \bMERGE\s*\(
    | \bCREATE\s*\(
    | \bCREATE\s+(?:OR\s+REPLACE\s+)?(?:CONSTRAINT|(?:RANGE\s+|TEXT\s+|POINT\s+|FULLTEXT\s+|LOOKUP\s+)?INDEX|DATABASE)\b
    | \bDROP\s+(?:CONSTRAINT|INDEX|DATABASE)\b
    | \bUNWIND\s+\S+\s+AS\b
    | \bSET\s+\w+\s*(?:\.\s*(?:\w|\{\})|\+?=|:\s*(?:\w|\{\}))
    | \bREMOVE\s+\w+\s*[.:]\s*(?:\w|\{\})
    | \bRETURN\s+(?:DISTINCT\s+)?(?:\*|[\w$]+\s*(?:[.,(]|\bAS\b|$))
    | \b(?:DETACH\s+)?DELETE\s+(?:\w+|\{\})\s*(?:,|$|\bRETURN\b|\bWITH\b)
    | \bWITH\s+\w+\s*(?:,|\bAS\b|\bWHERE\b|\bMATCH\b)
    | \bCALL\s*\{
    | \bCALL\s+\w+(?:\.\w+)+\s*\(
    """,
    re.VERBOSE | re.MULTILINE,
)

#: Names of functions that hand out query text (a call's result is Cypher).
_QUERY_SOURCES = {"cypher", "planner_query", "schema_statements"}


def _const(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _template(node: ast.AST) -> str:
    """The text of a string expression with every computed part replaced by ``{}``."""
    text = _const(node)
    if text is not None:
        return text
    if isinstance(node, ast.JoinedStr):
        return "".join(_const(v) if _const(v) is not None else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _template(node.left) + _template(node.right)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and _const(node.left) is not None:
        return re.sub(r"%(?:\([^)]*\))?[-+ #0]*\d*(?:\.\d+)?[sdrfigeEx]", "{}", node.left.value)
    return "{}"


def _is_query_source(node: ast.AST) -> bool:
    """``cypher(...)``, ``Q.cypher(...)``, ``planner_query(...).text``, ``query.text``."""
    if isinstance(node, ast.Attribute) and node.attr == "text":
        return True
    if isinstance(node, ast.Call):
        f = node.func
        name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
        return name in _QUERY_SOURCES
    return False


def _is_string_built(node: ast.AST) -> bool:
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return True
    return False


def string_built_queries(source: str, filename: str = "<src>") -> list[str]:
    """Every place in ``source`` where Cypher-shaped text is assembled at run time."""
    found: list[str] = []

    def flag(node: ast.AST, why: str, text: str) -> None:
        found.append(f"{filename}:{node.lineno}: {why}: {' '.join(text.split())[:80]!r}")

    tree = ast.parse(source)
    inner: set[int] = set()       # "a" + b + "c" is one expression: judge the outermost only

    def mark_inner(node: ast.BinOp) -> None:
        for child in (node.left, node.right):
            if isinstance(child, ast.BinOp):
                inner.add(id(child))
                mark_inner(child)

    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp):
            if id(node) in inner:
                continue
            mark_inner(node)
        if _is_string_built(node):
            text = _template(node)
            kind = "f-string" if isinstance(node, ast.JoinedStr) else "%-format" if isinstance(
                getattr(node, "op", None), ast.Mod) else "concatenation"
            if _CYPHER_SYNTAX.search(text):
                flag(node, kind, text)
            elif isinstance(node, ast.BinOp) and (_is_query_source(node.left) or _is_query_source(node.right)):
                flag(node, "a loaded query is concatenated", text)
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add):
            text = _template(node.value)
            if _CYPHER_SYNTAX.search(text):
                flag(node, "+= onto a string", text)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            attr, receiver = node.func.attr, node.func.value
            if attr in ("format", "format_map") and _const(receiver) is not None:
                if _CYPHER_SYNTAX.search(receiver.value):
                    flag(node, ".format()", receiver.value)
            elif attr == "join" and _const(receiver) is not None and node.args:
                parts = node.args[0]
                elts = parts.elts if isinstance(parts, (ast.List, ast.Tuple)) else []
                text = receiver.value.join(_template(e) for e in elts)
                if _CYPHER_SYNTAX.search(text):
                    flag(node, "str.join", text)
            if attr in ("format", "format_map", "replace", "join", "__add__") and _is_query_source(receiver):
                flag(node, f"a loaded query is templated with .{attr}()", ast.unparse(node))
    return found


def _source_files() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "__pycache__" not in p.parts)


# --------------------------------------------------------------------------- the scan


def test_the_scan_covers_every_module():
    files = {str(p.relative_to(SRC)) for p in _source_files()}
    for expected in ("store/loader.py", "store/push.py", "store/readback.py", "store/queries.py",
                     "cli/neo4jcmds.py", "recommend/matcher.py", "data/loader.py"):
        assert expected in files


def test_no_cypher_is_assembled_from_strings_anywhere_in_the_source():
    offenders = [hit for f in _source_files()
                 for hit in string_built_queries(f.read_text(encoding="utf-8"), str(f.relative_to(SRC)))]
    assert offenders == [], "Cypher must come from cypher/*.cypher with $parameters:\n" + "\n".join(offenders)


def test_queries_sent_to_the_driver_are_never_literals_or_built_strings():
    """Every ``run``/``read``/``write`` call on a store or session gets its query from a
    ``.cypher`` file (a name or variable), never a literal or formatted string."""
    methods = {"run", "read", "read_rows", "read_columns", "write", "run_autocommit", "execute_query",
               "execute_read", "execute_write"}
    offenders = []
    for f in _source_files():
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in methods
                    and node.args):
                first = node.args[0]
                text = _template(first) if isinstance(first, (ast.Constant, ast.JoinedStr, ast.BinOp)) else ""
                if _CYPHER_SYNTAX.search(text):
                    offenders.append(f"{f.relative_to(SRC)}:{node.lineno}: {ast.unparse(first)[:80]}")
    assert offenders == []


# --------------------------------------------------------------------------- the scanner itself


@pytest.mark.parametrize("code", [
    'label = "Creator"\nq = f"MATCH (n:{label}) RETURN n"\n',
    'q = f"MATCH (c:Creator {{creator_id: \'{cid}\'}}) RETURN c"\n',
    'q = "MATCH (b:Brand) WHERE b.name = \'" + name + "\' RETURN b"\n',
    'q = "MERGE (c:Creator {creator_id: \'%s\'})" % cid\n',
    'q = "UNWIND $rows AS row SET n.{} = row.v".format(key)\n',
    'q = "MATCH (n) "\nq += f"SET n.{key} = $v"\n',
    'q = " ".join(["MATCH (n)", f"WHERE n.x = {x}", "RETURN n"])\n',
    'q = f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:Creator) REQUIRE n.id IS UNIQUE"\n',
    'q = f"MATCH (a)-[r:{rel}]->(b) DELETE r"\n',
    'q = cypher("load/creators").replace("Creator", label)\n',
    'q = cypher("load/creators") + extra\n',
    'q = planner_query(name).text.format(label=label)\n',
])
def test_the_scanner_flags_string_built_queries(code):
    assert string_built_queries(code), code


@pytest.mark.parametrize("code", [
    '"""Deletes each brand\'s MATCH edges and creates the new ones (MERGE on the key)."""\n',
    'def f():\n    """Rows for ``load/creators.cypher``: MATCH (c:Creator) ... SET c += row.props."""\n',
    'raise StoreError(f"writing matches: {n} brand(s) are missing; run the load first")\n',
    'msg = f"the MATCH edges of {brand} were replaced ({n} rows)"\n',
    'msg = f"{n:,} rows to MERGE in {steps} steps; RETURN code {rc}"\n',
    'path = f"load/{name}_keys"\n',
    'q = cypher(f"queries/{name}")\n',
    'q = "MATCH (c:Creator {creator_id: $creator_id}) RETURN c"\n',   # a constant with a parameter
    'store.write(cypher("push/matches"), rows=batch, action=f"writing {step}")\n',
    'click.echo(f"Set {name} to {value}; delete {path} to reset")\n',
])
def test_the_scanner_leaves_docstrings_messages_and_constants_alone(code):
    assert string_built_queries(code) == []


# --------------------------------------------------------------------------- the .cypher files


_DYNAMIC = re.compile(
    r"""
      \$\(\s*(?:\$|row\b)            # a label/type from a parameter or a row: (n:$($label))
    | \w\s*\[\s*\$\w+\s*\]           # n[$key]: a property key from a parameter
    | \bapoc\.cypher\.(?:run|doIt|runMany|runWrite|runFile)\w*
    | \bapoc\.(?:create|merge)\.(?:node|nodes|relationship|addLabels|setLabels|setProperty|setRelProperty)\b
    | \bapoc\.periodic\.(?:iterate|commit|submit)\b
    """,
    re.VERBOSE | re.IGNORECASE,
)


def _cypher_files() -> list[Path]:
    return sorted(Q.cypher_root().rglob("*.cypher"))


def test_cypher_files_have_no_dynamic_labels_keys_or_string_execution():
    """Dynamic labels appear only over the server's own list (``db.labels()`` in
    admin/node_counts.cypher), never from a parameter or a row."""
    assert len(_cypher_files()) >= 20
    offenders = []
    for path in _cypher_files():
        code = "\n".join(line.split("//", 1)[0] if not line.lstrip().startswith("//") else ""
                         for line in path.read_text(encoding="utf-8").splitlines())
        for m in _DYNAMIC.finditer(code):
            offenders.append(f"{path.relative_to(Q.cypher_root())}: {m.group(0)!r}")
    assert offenders == []


def test_labels_and_relationship_types_come_from_a_fixed_set():
    """The graph's vocabulary is the fixed set written in the files (docs/graph-model.md)."""
    labels, types = set(), set()
    for path in _cypher_files():
        text = "\n".join(ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.lstrip().startswith("//"))
        text = re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", "''", text)   # drop string literals
        labels |= set(re.findall(r"\(\s*\w*\s*:\s*([A-Za-z_]\w*)", text))
        types |= set(re.findall(r"\[\s*\w*\s*:\s*([A-Za-z_]\w*)", text))
    assert labels and types
    assert all(re.fullmatch(r"[A-Z][A-Za-z]*", x) for x in labels), labels
    assert all(re.fullmatch(r"[A-Z][A-Z_]*", x) for x in types), types


# --------------------------------------------------------------------------- property keys


HOSTILE_KEY = "x` }) DETACH DELETE n //"


def _props_keys(dataset) -> dict[str, set[str]]:
    from creatormatch.store import rows as R

    keys: dict[str, set[str]] = {}
    for name in ("creators", "brands", "categories", "products", "campaigns"):
        keys[name] = {k for row in R.node_rows(dataset, name) for k in row["props"]}
        keys[name] |= {k for row in R.node_rows(dataset, name) for k in row if k != "props"}
    keys["collaborations"] = {k for row in R.collaboration_rows(dataset) for k in (*row, *row["props"])}
    keys["video_logs"] = {k for row in R.video_log_rows(dataset) for k in (*row, *row["props"])}
    keys["featured"] = {k for row in R.featured_rows(dataset) for k in (*row, *row["props"])}
    return keys


def test_property_keys_never_come_from_the_data(valid_dir, tmp_path):
    """An extra column named like an injection is ignored: every row builder gives the
    same keys as on the clean dataset, each a plain identifier."""
    hostile = tmp_path / "hostile"
    shutil.copytree(valid_dir, hostile)
    for f in hostile.glob("*.csv"):
        lines = f.read_text(encoding="utf-8").splitlines()
        lines[0] += f',"{HOSTILE_KEY}"'
        lines[1:] = [ln + ",1" for ln in lines[1:] if ln]
        f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    clean_ds = load_dataset(valid_dir)
    hostile_ds = load_dataset(hostile)
    assert any(HOSTILE_KEY in w for w in hostile_ds.warnings)       # ignored, with a warning
    clean, dirty = _props_keys(clean_ds), _props_keys(hostile_ds)
    assert dirty == clean
    for name, keys in dirty.items():
        assert keys and all(re.fullmatch(r"[a-z][a-z0-9_]*", k) for k in keys), (name, keys)
