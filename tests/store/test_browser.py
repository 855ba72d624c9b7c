"""What a planner sees in Neo4j Browser 5.24: the shipped style file captions every label
of the graph model, and every query file runs with the parameters its ``:params`` line
sets, read the way Browser reads them (every number a float), against the real server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from creatormatch.store import graph_counts, planner_queries, push_results
from creatormatch.store.centrality import PROJECTION_LABELS
from creatormatch.store import queries as Q

ROOT = Path(__file__).resolve().parents[2]
GDS_FILES = ["gds/version", "gds/drop", "gds/project", "gds/pagerank", "gds/drop"]  # in the order Browser runs them


def parse_grass(text: str) -> dict[str, dict[str, str]]:
    """Neo4j Browser 5.24's own GraSS reader (``parseGrass`` in its bundle), written again:
    ``selector { key: value; ... }``, quotes dropped, a declaration kept only when it has
    exactly one ``:``, no comments."""
    rules: dict[str, str] = {}
    selector, body, in_string, in_rule, depth = "", "", False, False, False
    for char in text:
        if char in "'\"":
            in_string = not in_string
            continue
        if char == "{" and not in_string:
            if in_rule:
                depth = True
            else:
                in_rule = True
                continue
        elif char == "}" and not in_string:
            if depth:
                depth = False
            else:
                in_rule = False
                rules[selector] = body
                selector, body = "", ""
                continue
        if in_rule:
            body += char
        elif not char.isspace():
            selector += char
    out: dict[str, dict[str, str]] = {}
    for sel, decls in rules.items():
        out[sel] = {}
        for decl in decls.split(";"):
            parts = decl.split(":")
            if len(parts) == 2:
                out[sel][parts[0].strip()] = parts[1].strip()
    return out


def graph_model_labels() -> list[str]:
    """The node labels of docs/graph-model.md's Nodes table."""
    doc = (ROOT / "docs" / "graph-model.md").read_text(encoding="utf-8")
    table = doc.split("## Nodes", 1)[1].split("##", 1)[0]
    return re.findall(r"^\| `(\w+)` \|", table, flags=re.M)


def caption_properties(style: dict[str, dict[str, str]], label: str) -> list[str]:
    return re.findall(r"\{(\w+)\}", style[f"node.{label}"]["caption"])


def test_the_grass_reader_reads_what_browser_reads():
    style = parse_grass("node {\n  caption: '<id>';\n}\nnode.A {\n  caption: '{name}';\n  color: #fff;\n  url: http://x;\n}\n")
    assert style == {"node": {"caption": "<id>"}, "node.A": {"caption": "{name}", "color": "#fff"}}


def test_the_style_file_captions_every_label_of_the_graph_model():
    labels = graph_model_labels()
    assert {"Creator", "Brand", "Product", "Category", "Campaign", "VideoLog", "DatasetInfo"} <= set(labels)
    style = parse_grass(Q.browser_style().read_text(encoding="utf-8"))
    assert "/*" not in Q.browser_style().read_text(encoding="utf-8"), "Browser's reader has no comments"
    for label in labels:
        assert f"node.{label}" in style, f"no style for {label}"
        assert caption_properties(style, label), f"{label} has no caption property"
    assert caption_properties(style, "Creator") == ["handle"]
    assert caption_properties(style, "Campaign") == ["campaign_id"]
    assert caption_properties(style, "Brand") == ["name"]


def every_query_file() -> list[str]:
    return [f"queries/{q.name}" for q in planner_queries()] + sorted(set(GDS_FILES))


@pytest.mark.parametrize("name", every_query_file())
def test_every_query_file_has_a_params_line_setting_exactly_its_parameters(name):
    text = Q.cypher(name)
    line = Q.browser_params_line(text)
    assert line is not None, f"{name}.cypher has no ':params {{...}}' line in its header"
    if name.startswith("queries/"):
        assert text.splitlines()[1] == f"// {line}", "the :params line comes right after the title"
        query = Q.planner_query(name.split("/")[1])
        assert query.browser_line == line
        kinds = {"string": str, "int": float, "float": float, "bool": bool, "list": list}  # numbers: floats
        for p in query.params:
            assert isinstance(Q.browser_params(line)[p.name], kinds[p.type]), f"{p.name} is not a {p.type}"
    used = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", "\n".join(
        ln for ln in text.splitlines() if not ln.lstrip().startswith("//"))))
    assert set(Q.browser_params(line)) == used, "':params' replaces every parameter, so it must set all the query uses"


def test_browser_params_reads_relaxed_json_as_browser_does():
    assert Q.browser_params(":params {a: 'x', \"b\": \"it's\", n: 10, f: -0.5, l: ['A', 2], m: {K: {o: 'U'}}, "
                            "t: true, z: null}") == {
        "a": "x", "b": "it's", "n": 10.0, "f": -0.5, "l": ["A", 2.0], "m": {"K": {"o": "U"}}, "t": True, "z": None}
    assert isinstance(Q.browser_params(":params {limit: 10}")["limit"], float)  # as Browser sends it
    assert Q.browser_params(":params {}") == {}
    for bad in [":param x => 1", ":params {a: }", ":params {a: 1", ":params [1]", ":params {a: 1} x"]:
        with pytest.raises(ValueError):
            Q.browser_params(bad)


# ---------------------------------------------------------------- against the real server


@pytest.fixture(scope="module")
def pushed(store, loaded_sample):
    """The sample loaded and pushed (brand_top_matches, category_leaders, ... read what a push writes)."""
    return push_results(store, loaded_sample, top=5)


def _floats(value):
    if isinstance(value, float):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _floats(v)
    elif isinstance(value, list):
        for v in value:
            yield from _floats(v)


@pytest.mark.neo4j
@pytest.mark.parametrize("query", planner_queries(), ids=lambda q: q.name)
def test_every_planner_query_runs_in_browser_with_its_params_line(store, pushed, query):
    params = Q.browser_params(query.browser_line)
    keys, rows = store.read_rows(query.text, **params)
    assert rows, f"{query.name} returned no rows for {query.browser_line}"
    if query.name not in ("brand_graph",):
        numbers = [x for row in rows for x in _floats(row)]
        unrounded = [x for x in numbers if x == x and round(x, 3) != x]
        assert not unrounded, f"{query.name}: unrounded numbers in the result, e.g. {unrounded[:3]}"


@pytest.mark.neo4j
def test_the_gds_files_run_in_browser_with_their_params_lines(store, pushed):
    results = {}
    for name in GDS_FILES:
        text = Q.cypher(name)
        results[name] = store.run_autocommit(text, action=name, **Q.browser_params(Q.browser_params_line(text)))
    assert results["gds/version"][0]["version"].startswith("2.")
    project = results["gds/project"][0]
    nodes, _ = graph_counts(store)
    assert project["nodeCount"] == sum(nodes[label] for label in PROJECTION_LABELS)
    assert project["relationshipCount"] > 0
    scores = [row["score"] for row in results["gds/pagerank"]]
    assert len(scores) == project["nodeCount"]
    assert all(round(x, 6) == x for x in scores), "PageRank scores are rounded for Browser"


@pytest.mark.neo4j
def test_similar_brand_creators_widens_until_it_finds_creators_and_says_how(store, pushed, loaded_sample):
    query = Q.planner_query("similar_brand_creators")
    params = Q.browser_params(query.browser_line)
    assert params["brand_id"] == "B00001"  # the docs' own example
    rows = store.read(query.text, **params)
    assert rows, "B00001 gets creators"
    # B00001 sells outdoor sports gear in GB; no other GB brand is in sports.outdoor, GB brands in
    # other sports subcategories are -- so it widens to the parent category, and stays in GB.
    assert {r["similar_by"] for r in rows} == {"parent category"}
    assert {r["market"] for r in rows} == {"GB"}
    levels = {}
    for brand in loaded_sample.brands.ids.tolist():
        found = store.read(query.text, brand_id=brand, limit=1000.0)
        assert found, f"{brand} gets no creators"
        assert len({r["similar_by"] for r in found}) == 1, "one level per answer"
        levels[brand] = found[0]["similar_by"]
    assert set(levels.values()) == {"category", "parent category", "all markets"}
    market = {str(b): str(m) for b, m in zip(loaded_sample.brands.ids.tolist(), loaded_sample.brands["market"])}
    for brand, level in levels.items():
        if level != "all markets":
            found = store.read(query.text, brand_id=brand, limit=1000.0)
            assert {r["market"] for r in found} == {market[brand]}, brand


MISSING_CAPTIONS = """
UNWIND $captions AS caption
MATCH (n)
WHERE caption.label IN labels(n)
RETURN caption.label AS label, count(n) AS nodes, count(CASE WHEN n[caption.property] IS NULL THEN 1 END) AS missing
"""


@pytest.mark.neo4j
def test_every_node_of_the_sample_has_its_caption_property(store, pushed):
    style = parse_grass(Q.browser_style().read_text(encoding="utf-8"))
    in_graph = {row["label"] for row in store.read("CALL db.labels() YIELD label RETURN label")}
    assert in_graph <= set(graph_model_labels()), "a label in the graph that the model (and the style) lacks"
    captions = [{"label": label, "property": caption_properties(style, label)[0]} for label in sorted(in_graph)]
    rows = store.read(MISSING_CAPTIONS, captions=captions)
    assert {r["label"] for r in rows} == in_graph
    for row in rows:
        assert row["nodes"] > 0 and row["missing"] == 0, row
