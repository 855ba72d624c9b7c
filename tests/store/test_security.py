"""Injection and secrets against the real server: hostile names round-trip verbatim, and
the password never shows in output, logs or exceptions; connection failures are one
line and exit code 2."""

from __future__ import annotations

import csv
import logging
import shutil

import numpy as np
import pytest
from click.testing import CliRunner

from creatormatch.cli import cli
from creatormatch.data.loader import load_dataset
from creatormatch.errors import StoreError
from creatormatch.store import StoreConfig, connect, load_graph, read_dataset

pytestmark = pytest.mark.neo4j

HOSTILE = [
    "O'Brien \"quoted\" `tick`",
    "x}) DETACH DELETE n //",
    "'; MATCH (n) DETACH DELETE n; //",
    "{brace} $param ${injection}",
    "MATCH (n) RETURN n",
    "CALL dbms.killConnections([]) YIELD x",
    "日本語 ✨ émoji 🧪 ‮RTL",
    "line\nbreak\tand tab \\ backslash",
    "  padded  ",
]


def _write(path, fields, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(fields)
        w.writerows(rows)


@pytest.fixture
def hostile_dir(valid_dir, tmp_path):
    """tests/data/valid with hostile brand names, handles, category names, product names and ids."""
    out = tmp_path / "hostile"
    shutil.copytree(valid_dir, out)
    _write(out / "categories.csv", ["category_id", "name", "parent_id"], [
        ["beauty", HOSTILE[4], ""], ["beauty.skincare", HOSTILE[6], "beauty"],
        ["fashion", HOSTILE[1], ""], ["fashion.shoes", HOSTILE[7], "fashion"]])
    _write(out / "brands.csv", ["brand_id", "name", "market", "category_id"], [
        ["B01", HOSTILE[0], "ID", "beauty.skincare"], ["B02", HOSTILE[2], "MY", "fashion.shoes"]])
    _write(out / "creators.csv", ["creator_id", "handle", "market", "followers", "joined_at", "rate_per_video",
                                  "primary_category"], [
        ["C001", HOSTILE[3], "ID", 15000, "2023-04-01", 120.5, "beauty.skincare"],
        ["C002", HOSTILE[5], "ID", 250000, "2022-11-15", 900, "fashion.shoes"],
        ["C003", HOSTILE[8], "MY", 3200, "", "", "fashion"],
        ["C004", "dewdrop", "ID", 0, "2024-01-10", 15, "beauty"]])
    products = (valid_dir / "products.csv").read_text(encoding="utf-8").replace("Serum 30ml", "`Serum` {30ml} //x")
    (out / "products.csv").write_text(products, encoding="utf-8")
    return out


def test_hostile_names_round_trip_verbatim(store, hostile_dir):
    ds = load_dataset(hostile_dir)
    load_graph(store, ds)
    back = read_dataset(store)
    for table, column in [("brands", "name"), ("creators", "handle"), ("categories", "name"), ("products", "name")]:
        assert back.tables[table][column].tolist() == ds.tables[table][column].tolist(), (table, column)
    assert back.fingerprint == ds.fingerprint
    names = store.read("MATCH (b:Brand) RETURN b.name AS name ORDER BY b.brand_id")
    assert [r["name"] for r in names] == [HOSTILE[0], HOSTILE[2]]
    # nothing was executed: every node is still there
    assert store.read("MATCH (c:Creator) RETURN count(c) AS n")[0]["n"] == 4


def test_hostile_ids_round_trip(store, valid_dir, tmp_path):
    out = tmp_path / "ids"
    shutil.copytree(valid_dir, out)
    weird = "C'0\"1`}) //"
    for name in ("creators.csv", "collaborations.csv", "videos.csv"):
        path = out / name
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        for row in rows[1:]:
            row[:] = [weird if cell == "C001" else cell for cell in row]
        _write(path, rows[0], rows[1:])
    ds = load_dataset(out)
    assert weird in ds.creators.ids.tolist()
    load_graph(store, ds, replace=True)
    back = read_dataset(store)
    assert back.creators.ids.tolist() == ds.creators.ids.tolist()
    assert np.array_equal(back.collaborations["creator_id"], ds.collaborations["creator_id"])
    assert back.fingerprint == ds.fingerprint


def test_a_parameter_value_is_never_code(store, loaded_valid):
    runner = CliRunner()
    result = runner.invoke(cli, ["neo4j", "query", "creator_history", "-p",
                                 "creator_id=x'}) MATCH (n) DETACH DELETE n //"], catch_exceptions=False)
    assert result.exit_code == 0 and "(no rows)" in result.output
    assert store.read("MATCH (c:Creator) RETURN count(c) AS n")[0]["n"] == 4


@pytest.fixture
def loaded_valid(store, valid_dir):
    load_graph(store, load_dataset(valid_dir), replace=True)


def _one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.output
    return lines[0]


def test_wrong_password_is_one_line_exit_2_and_never_shown(neo4j_store, caplog):
    secret = "Wr0ng-secret-Pa55-\u00e9"
    caplog.set_level(logging.DEBUG)  # the driver's debug logs too
    result = CliRunner().invoke(cli, ["neo4j", "status"], env={"NEO4J_PASSWORD": secret})
    line = _one_line_error(result)
    assert "rejected user 'neo4j'" in line and "NEO4J_PASSWORD" in line
    assert secret not in result.output
    assert secret not in caplog.text
    with pytest.raises(StoreError) as err:
        connect(StoreConfig.from_env(password=secret))
    assert secret not in str(err.value) and secret not in repr(err.value)
    assert err.value.__cause__ is None and err.value.__context__ is None or secret not in str(err.value.__context__)


def test_the_right_password_is_never_logged(neo4j_store, caplog):
    password = neo4j_store.config.password
    caplog.set_level(logging.DEBUG)
    runner = CliRunner()
    result = runner.invoke(cli, ["neo4j", "status", "--password", password], catch_exceptions=False)
    assert result.exit_code == 0
    assert password not in result.output
    assert password not in caplog.text
    assert password not in repr(neo4j_store) and password not in str(neo4j_store.config)


def test_unreachable_server_is_one_line_exit_2():
    result = CliRunner().invoke(cli, ["neo4j", "status", "--uri", "bolt://127.0.0.1:1"])
    line = _one_line_error(result)
    assert "cannot reach Neo4j at bolt://127.0.0.1:1" in line and "neo4j-local start" in line


def test_missing_database_is_one_line_exit_2(neo4j_store):
    result = CliRunner().invoke(cli, ["neo4j", "status", "--database", "nosuchdb"])
    line = _one_line_error(result)
    assert "no database 'nosuchdb'" in line and "NEO4J_DATABASE" in line
