"""The bundled sample in the real server, loaded once for the module: read-back equals the
CSV folder (columns, indices, matches), GDS PageRank agrees with the engine, Neo4j
Browser is served, write-back replaces MATCH edges per brand (atomically, even when the
push is killed), and every planner query returns rows."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections import Counter

import numpy as np
import pytest
from click.testing import CliRunner
from scipy.stats import spearmanr

from creatormatch.cli import cli
from creatormatch.store import planner_queries, push_results, read_dataset

pytestmark = pytest.mark.neo4j


# ---------------------------------------------------------------- read-back and centrality



@pytest.fixture(scope="module")
def back(store, loaded_sample):
    return read_dataset(store)


def test_read_back_equals_the_csv_dataset_column_by_column(back, sample):
    assert set(back.tables) == set(sample.tables)
    assert back.derived == sample.derived
    for name, table in sample.tables.items():
        other = back.tables[name]
        assert len(other) == len(table), name
        for column, values in table.columns.items():
            got = other[column]
            assert got.dtype.kind == values.dtype.kind, (name, column)
            if values.dtype.kind in "U":
                assert got.tolist() == values.tolist(), (name, column)
            else:
                assert got.dtype == values.dtype, (name, column)
                assert np.array_equal(got, values, equal_nan=values.dtype.kind in "fM"), (name, column)
    assert back.fingerprint == sample.fingerprint


def test_read_back_gives_the_same_indices(back, sample):
    from creatormatch.indices import compute_indices

    a, b = compute_indices(sample), compute_indices(back)
    for name, result in a.table().items():
        other = b.table()[name]
        assert np.array_equal(result.score, other.score, equal_nan=True), name
        assert np.array_equal(result.evidence, other.evidence), name
    assert (a.influence.matrix != b.influence.matrix).nnz == 0


def test_read_back_gives_the_same_matches(back, sample):
    from creatormatch.recommend import Matcher, MatchParams

    params = MatchParams(num_threads=1)
    m1, m2 = Matcher.from_dataset(sample, params), Matcher.from_dataset(back, params)
    assert m1.model.fingerprint == m2.model.fingerprint
    for brand in sample.brands.ids[:: max(1, len(sample.brands) // 8)].tolist():
        r1 = [(m.creator_id, round(m.score, 12)) for m in m1.match(brand, top=10, reasons=False)]
        r2 = [(m.creator_id, round(m.score, 12)) for m in m2.match(brand, top=10, reasons=False)]
        assert r1 == r2, brand


def test_gds_pagerank_agrees_with_the_engine(store, loaded_sample):
    from creatormatch.graph.pagerank import pagerank
    from creatormatch.store.centrality import gds_pagerank, projection_adjacency

    projection = projection_adjacency(loaded_sample)
    engine = pagerank(projection.weights, alpha=0.85, tol=1e-12, max_iter=1000)
    gds = gds_pagerank(store, damping=0.85)
    assert len(gds) == len(projection.keys)
    theirs = np.array([gds[(label, key)] for label, key in zip(projection.labels.tolist(), projection.keys.tolist())])
    rho = spearmanr(engine, theirs).statistic
    assert rho >= 0.99, rho
    # the same up to GDS's scale: GDS values are (1 - d) + d * sum(...), unnormalised
    assert np.allclose(engine, theirs / theirs.sum(), rtol=1e-3, atol=1e-9)


def test_neo4j_browser_is_served(neo4j_store):
    import os
    from urllib.parse import urlsplit

    host = urlsplit(neo4j_store.config.uri).hostname
    port = os.environ.get("NEO4J_HTTP_PORT", "7474")  # scripts/neo4j-local's setting
    with urllib.request.urlopen(f"http://{host}:{port}/browser/", timeout=10) as response:
        assert response.status == 200
        page = response.read().decode("utf-8", "replace")
    assert "Neo4j Browser" in page


# ---------------------------------------------------------------- write-back and planner queries


MATCH_EDGES = "MATCH (b:Brand)-[m:MATCH]->(:Creator) RETURN b.brand_id AS brand, m.model AS model, m.rank AS rank"


def edges_by_brand(store) -> dict[str, list[tuple[str, int]]]:
    out: dict[str, list[tuple[str, int]]] = {}
    for row in store.read(MATCH_EDGES):
        out.setdefault(row["brand"], []).append((row["model"], row["rank"]))
    return out


@pytest.fixture(scope="module")
def pushed(store, loaded_sample):
    """The sample loaded and pushed with the top 3 per brand."""
    return push_results(store, loaded_sample, top=3)


def test_push_writes_indices_and_top_k_matches(store, loaded_sample, pushed):
    edges = edges_by_brand(store)
    assert pushed.brands == len(loaded_sample.brands)
    assert pushed.matches == sum(len(v) for v in edges.values())
    assert all(sorted(r for _, r in v) == [1, 2, 3] for v in edges.values())
    assert {m for v in edges.values() for m, _ in v} == {pushed.model}
    row = store.read("MATCH (b:Brand)-[m:MATCH {rank: 1}]->(c:Creator) RETURN m {.*} AS m, "
                     "c.cooperation_index AS coop LIMIT 1")[0]
    assert {"score", "rank", "model", "reasons"} <= set(row["m"])
    assert 0.0 <= row["m"]["score"] <= 1.0
    n_indexed = store.read("MATCH (c:Creator) WHERE c.indices_model IS NOT NULL RETURN count(c) AS n")[0]["n"]
    assert n_indexed == len(loaded_sample.creators)


def test_a_new_push_replaces_the_previous_matches(store, loaded_sample, pushed):
    runner = CliRunner()
    result = runner.invoke(cli, ["neo4j", "push", "--source", "neo4j", "--top", "5", "--no-reasons"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    edges = edges_by_brand(store)
    models = {m for v in edges.values() for m, _ in v}
    assert len(models) == 1
    assert all(sorted(r for _, r in v) == [1, 2, 3, 4, 5] for v in edges.values())
    assert store.read("MATCH ()-[m:MATCH]->() WHERE m.reasons IS NOT NULL RETURN count(m) AS n")[0]["n"] == 0


def test_a_killed_push_leaves_each_brand_old_or_new_never_a_mix(store, loaded_sample, pushed, tmp_path):
    before = edges_by_brand(store)
    old_models = {m for v in before.values() for m, _ in v}
    assert len(old_models) == 1
    script = tmp_path / "push.py"
    script.write_text(textwrap.dedent("""
        import sys, time
        from creatormatch.data import load_dataset
        from creatormatch.data.sample import sample_path
        from creatormatch.recommend import Matcher, MatchParams
        from creatormatch.store import connect
        from creatormatch.store.push import match_table, push_matches
        ds = load_dataset(sample_path())
        time.sleep(1.1)  # a different build second, so a different model id
        rows = match_table(Matcher.from_dataset(ds, MatchParams(factors=8, iterations=3)), top=7, reasons=False)
        def slow(step, done, total):
            print(done, flush=True)
            time.sleep(0.3)
        with connect() as store:
            push_matches(store, rows, brands_per_transaction=2, progress=slow)
    """))
    with subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}) as proc:
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:  # wait until some (not all) brands got the new matches
                line = proc.stdout.readline()
                if not line or int(line) >= 10:
                    break
        finally:
            proc.send_signal(signal.SIGKILL)  # mid-push: the next batch may be in flight
            proc.wait(timeout=30)
    after = edges_by_brand(store)
    kinds = Counter()
    for brand, edges in after.items():
        models = {m for m, _ in edges}
        assert len(models) == 1, f"{brand} mixes models {models}"
        ranks = sorted(r for _, r in edges)
        if models == old_models:
            assert ranks == sorted(r for _, r in before[brand])
            kinds["old"] += 1
        else:
            assert ranks == list(range(1, 8)), brand
            kinds["new"] += 1
    assert kinds["new"] >= 10 and kinds["old"] >= 1, kinds


def _param_values(ds) -> dict[str, str]:
    """Parameter values for which the sample has rows: the busiest brand, creator, product, ..."""
    col = ds.collaborations
    positive = np.isin(col["status"], [3, 4, 1])  # any status with activity
    brand = ds.brands.ids[np.bincount(col["brand_id"][positive], minlength=ds.n_brands).argmax()]
    from creatormatch.data.contract import STATUSES

    ok = np.isin(col["status"], [STATUSES.index("accepted"), STATUSES.index("completed")])
    creator = ds.creators.ids[np.bincount(col["creator_id"][ok], minlength=ds.n_creators).argmax()]
    v = ds.videos
    product = ds.products.ids[np.bincount(v["product_id"][v["product_id"] >= 0], minlength=len(ds.products)).argmax()]
    market = Counter(ds.creators["market"].tolist()).most_common(1)[0][0]
    top_category = ds.categories.ids[ds.categories["parent_id"] < 0][0]
    handle = str(ds.creators["handle"][0])
    return {"brand_id": str(brand), "creator_id": str(creator), "product_id": str(product), "market": market,
            "category_id": str(top_category), "text": handle[:4] + "*"}


@pytest.mark.parametrize("query", planner_queries(), ids=lambda q: q.name)
def test_every_planner_query_returns_rows_on_the_sample(store, loaded_sample, pushed, query):
    values = _param_values(loaded_sample)
    params = query.parameters({p.name: values[p.name] for p in query.params if p.required})
    rows = store.read(query.text, **params)
    assert rows, f"{query.name} returned no rows for {params}"


def test_query_command_prints_a_table_and_json(store, loaded_sample, pushed):
    values = _param_values(loaded_sample)
    runner = CliRunner()
    table = runner.invoke(cli, ["neo4j", "query", "brand_top_matches", "--param", f"brand_id={values['brand_id']}"],
                          catch_exceptions=False)
    assert table.exit_code == 0, table.output
    assert table.output.splitlines()[0].split()[:3] == ["rank", "creator_id", "handle"]
    as_json = runner.invoke(cli, ["neo4j", "query", "creator_history", "-p", f"creator_id={values['creator_id']}",
                                  "--format", "json"], catch_exceptions=False)
    rows = json.loads(as_json.output)
    assert rows and rows[0]["invited_at"].endswith("Z")
    graph = runner.invoke(cli, ["neo4j", "query", "brand_graph", "-p", f"brand_id={values['brand_id']}",
                                "-p", "limit=2"], catch_exceptions=False)
    assert "(:Brand " in graph.output and "-[:INVITED]->" in graph.output


def test_a_push_with_the_learned_ranker_stores_the_chance_of_a_yes(store, loaded_sample, pushed):
    """Last in this module: it pushes the blend's matches, then a quickly trained ranker's."""
    from creatormatch.ranker.train import RankerParams, build_with_ranker

    push_results(store, loaded_sample, top=2, reasons=False)             # the blend: no chance of a yes
    blend_edges = store.read("MATCH ()-[m:MATCH]->() RETURN count(m) AS n, count(m.yes_if_invited) AS yes")[0]
    assert blend_edges["n"] > 0 and blend_edges["yes"] == 0
    matcher = build_with_ranker(loaded_sample, params=RankerParams(cuts=2, num_leaves=(7,), max_rounds=60,
                                                                    early_stopping_rounds=10))
    assert matcher.model.ranker.has_acceptance
    push_results(store, loaded_sample, top=2, matcher=matcher, reasons=False)
    brand = str(loaded_sample.brands.ids[0])
    stored = store.read("MATCH (:Brand {brand_id: $b})-[m:MATCH]->(c:Creator) RETURN c.creator_id AS c, "
                        "m.yes_if_invited AS yes ORDER BY m.rank", b=brand)
    expected = [(m.creator_id, m.yes_if_invited) for m in matcher.match(0, top=2)]
    assert [r["c"] for r in stored] == [c for c, _ in expected]
    assert [r["yes"] for r in stored] == pytest.approx([y for _, y in expected], rel=1e-12)
    edges = store.read("MATCH ()-[m:MATCH]->() RETURN count(m) AS n, count(m.yes_if_invited) AS yes, "
                       "min(m.yes_if_invited) AS lo, max(m.yes_if_invited) AS hi")[0]
    assert edges["n"] == edges["yes"] > 0 and 0 < edges["lo"] <= edges["hi"] < 1
    query = next(q for q in planner_queries() if q.name == "brand_top_matches")
    rows = store.read(query.text, **query.parameters({"brand_id": brand}))
    assert [r["yes_if_invited"] for r in rows] == pytest.approx([round(y, 3) for _, y in expected], abs=1e-9)
