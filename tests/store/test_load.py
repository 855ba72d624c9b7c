"""Schema and loading against the real server: counts equal the CSV rows, reloads are
idempotent, a newer dataset updates what changed."""

from __future__ import annotations

import csv
import shutil

import numpy as np
import pytest

from creatormatch.data.loader import load_dataset
from creatormatch.store import apply_schema, cypher, graph_counts, load_graph, read_dataset, wipe_graph

from .conftest import csv_counts

pytestmark = pytest.mark.neo4j

NODE_LABEL = {"categories": "Category", "creators": "Creator", "brands": "Brand", "products": "Product",
              "campaigns": "Campaign"}


def expected_relationships(ds) -> dict[str, int]:
    """Relationships the model implies for ``ds``, counted from the arrays."""
    cats, prods, camps, cr, br = ds.categories, ds.products, ds.campaigns, ds.creators, ds.brands
    v = ds.videos
    shop = v["product_id"] >= 0
    featured = len(np.unique(np.stack([v["creator_id"][shop], v["product_id"][shop]]), axis=1)[0])
    creators_with_videos = len(np.unique(v["creator_id"]))
    return {
        "INVITED": len(ds.collaborations),
        "SUBCATEGORY_OF": int((cats["parent_id"] >= 0).sum()),
        "PRIMARY_CATEGORY": int((cr["primary_category"] >= 0).sum()),
        "MAIN_CATEGORY": int((br["category_id"] >= 0).sum()),
        "SELLS": len(prods), "IN_CATEGORY": len(prods) + int((camps["category_id"] >= 0).sum()),
        "RUNS": len(camps), "PROMOTES": int((camps["product_id"] >= 0).sum()),
        "FEATURED": featured, "POSTED": creators_with_videos,  # sample creators have < 2,000 videos each
    }


def constraint_names(store) -> list[str]:
    return [r["name"] for r in store.read(cypher("admin/constraints"))]


def test_schema_applies_idempotently(store):
    apply_schema(store)
    first = constraint_names(store)
    indexes = [r["name"] for r in store.read(cypher("admin/indexes"))]
    apply_schema(store)
    assert constraint_names(store) == first
    assert [r["name"] for r in store.read(cypher("admin/indexes"))] == indexes
    for name in ("creator_id", "brand_id", "product_id", "category_id", "campaign_id", "video_log_key",
                 "invited_collaboration_id"):
        assert name in first
    assert {"creator_market", "creator_followers", "brand_market"} <= set(indexes)
    assert all(r["state"] == "ONLINE" for r in store.read(cypher("admin/indexes")))


def test_load_counts_equal_csv_rows_and_reload_is_idempotent(store, sample):
    summary = load_graph(store, sample)
    nodes, rels = graph_counts(store)
    for table, label in NODE_LABEL.items():
        assert nodes[label] == csv_counts(sample)[table], label
    assert rels["INVITED"] == len(sample.collaborations)
    expected = expected_relationships(sample)
    assert {k: rels.get(k, 0) for k in expected} == expected
    assert summary.rows["collaborations"] == len(sample.collaborations)

    load_graph(store, sample)  # again: nothing new, nothing lost
    assert graph_counts(store) == (nodes, rels)


def _rewrite(path, change):
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    fields = list(rows[0])
    change(rows)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fields)
        w.writeheader()
        w.writerows(rows)


def test_a_newer_dataset_updates_changed_properties(store, valid_dir, tmp_path):
    wipe_graph(store)
    load_graph(store, load_dataset(valid_dir))
    newer = tmp_path / "newer"
    shutil.copytree(valid_dir, newer)

    def creators(rows):
        rows[0]["followers"] = "16000"      # C001 grew
        rows[0]["rate_per_video"] = ""      # and unlisted her rate
        rows[0]["primary_category"] = "beauty"  # moved category

    def collaborations(rows):
        rows[2]["status"] = "completed"     # X003 finished
        rows[2]["delivered_at"] = "2024-04-18T12:00:00"
        rows[2]["deliverables_delivered"] = "1"
        rows.append({**rows[3], "collaboration_id": "X005", "status": "invited"})  # a new invitation
        rows[3]["creator_id"] = "C004"       # X004 was recorded against the wrong creator: moves

    def products(rows):
        rows[1]["brand_id"] = "B01"         # P02 now sold by B01

    _rewrite(newer / "creators.csv", creators)
    _rewrite(newer / "collaborations.csv", collaborations)
    _rewrite(newer / "products.csv", products)
    load_graph(store, load_dataset(newer))

    c = store.read("MATCH (c:Creator {creator_id: $id})-[:PRIMARY_CATEGORY]->(k) "
                   "RETURN c.followers AS f, c.rate_per_video AS r, collect(k.category_id) AS k", id="C001")
    assert c == [{"f": 16000, "r": None, "k": ["beauty"]}]
    x3 = store.read("MATCH ()-[r:INVITED {collaboration_id: 'X003'}]->() "
                    "RETURN r.status AS s, r.deliverables_delivered AS d, toString(r.delivered_at) AS t")
    assert x3 == [{"s": "completed", "d": 1, "t": "2024-04-18T12:00:00Z"}]
    moved = store.read("MATCH (b)-[r:INVITED {collaboration_id: 'X004'}]->(c) RETURN b.brand_id AS b, c.creator_id AS c")
    assert moved == [{"b": "B02", "c": "C004"}]
    sellers = store.read("MATCH (b:Brand)-[:SELLS]->(:Product {product_id: 'P02'}) RETURN b.brand_id AS b")
    assert sellers == [{"b": "B01"}]
    # the graph now reads back as exactly the newer dataset
    back, new = read_dataset(store), load_dataset(newer)
    assert back.fingerprint == new.fingerprint
    nodes, rels = graph_counts(store)
    assert rels["INVITED"] == 5 and nodes["Creator"] == 4


def test_absent_optional_files_load_as_key_only_nodes(store, overlay):
    folder = overlay()
    (folder / "categories.csv").unlink()
    ds = load_dataset(folder)
    wipe_graph(store)
    load_graph(store, ds)
    back = read_dataset(store)
    assert back.derived == ds.derived == frozenset({"categories"})
    assert np.array_equal(back.categories.ids, ds.categories.ids)
    assert back.fingerprint == ds.fingerprint


def test_replace_leaves_exactly_the_new_dataset(store, valid_dir, tmp_path):
    from creatormatch.synthetic.generator import generate_market

    generate_market(tmp_path / "other", 30, 3, seed=1, videos_per_creator=3, invitations_per_creator=2)
    load_graph(store, load_dataset(tmp_path / "other"))
    load_graph(store, load_dataset(valid_dir), replace=True)
    nodes, rels = graph_counts(store)
    assert nodes["Creator"] == 4 and nodes["Brand"] == 2 and rels["INVITED"] == 4
    assert read_dataset(store).fingerprint == load_dataset(valid_dir).fingerprint


def test_a_graph_edited_against_the_contract_is_refused_by_name(store, valid_dir):
    from creatormatch.errors import StoreError

    load_graph(store, load_dataset(valid_dir), replace=True)
    store.write("MATCH (k:Category {category_id: 'beauty.skincare'}), (p:Category {category_id: 'fashion'}) "
                "CREATE (k)-[:SUBCATEGORY_OF]->(p)")
    with pytest.raises(StoreError, match=r"Category category_id='beauty.skincare': parent_id has 2 relationships"):
        read_dataset(store)
    load_graph(store, load_dataset(valid_dir), replace=True)
    store.write("MATCH (c:Creator {creator_id: 'C002'}) REMOVE c.market")
    with pytest.raises(StoreError, match=r"Creator creator_id='C002': market is missing but required"):
        read_dataset(store)
    store.write("MATCH ()-[r:INVITED {collaboration_id: 'X001'}]->() SET r.status = 'maybe'")
    load_graph(store, load_dataset(valid_dir))  # a reload repairs both
    assert read_dataset(store).fingerprint == load_dataset(valid_dir).fingerprint


def test_any_number_of_workers_loads_the_same_graph(store, sample):
    """Workers write node-disjoint blocks side by side (store.schedule); the graph must not
    depend on how many there are: same counts, and the read-back content digest equals the
    CSV one (read_dataset keeps the CSV fingerprint only then)."""
    wipe_graph(store)
    one = load_graph(store, sample, workers=1)
    counts = graph_counts(store)
    assert read_dataset(store).fingerprint == sample.fingerprint
    wipe_graph(store)
    three = load_graph(store, sample, workers=3, batch_size=700)
    assert three.rows == one.rows
    assert three.transactions > one.transactions  # smaller batches, split into blocks
    assert graph_counts(store) == counts
    assert read_dataset(store).fingerprint == sample.fingerprint
    load_graph(store, sample, workers=3, batch_size=700)  # a parallel reload is idempotent too
    assert graph_counts(store) == counts


def test_workers_must_be_positive(store, sample):
    with pytest.raises(ValueError, match="workers"):
        load_graph(store, sample, workers=0)
