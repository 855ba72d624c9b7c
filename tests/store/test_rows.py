"""Dataset arrays -> UNWIND rows: pure functions, checked by hand on tests/data/valid (no server)."""

from __future__ import annotations

import numpy as np
import pytest

from creatormatch.data.loader import load_dataset
from creatormatch.store import rows as R
from creatormatch.store._digest import content_digest


@pytest.fixture
def valid(valid_dir):
    return load_dataset(valid_dir)


def test_creator_rows_carry_props_refs_and_iso_dates(valid):
    rows = {r["creator_id"]: r for r in R.node_rows(valid, "creators")}
    assert rows["C001"] == {
        "creator_id": "C001",
        "props": {"handle": "glowwithmaya", "market": "ID", "followers": 15000, "rate_per_video": 120.5},
        "joined_at": "2023-04-01", "primary_category": "beauty.skincare",
        "observed_from": None, "observed_to": None,
    }
    # empty cells become None, so a reload removes a value that was emptied
    assert rows["C003"]["props"]["rate_per_video"] is None
    assert rows["C003"]["joined_at"] is None
    assert rows["C003"]["primary_category"] == "fashion"


def test_category_rows_name_parents(valid):
    rows = {r["category_id"]: r for r in R.node_rows(valid, "categories")}
    assert rows["beauty"]["parent_id"] is None
    assert rows["beauty.skincare"] == {"category_id": "beauty.skincare", "props": {"name": "Skincare"},
                                       "parent_id": "beauty"}


def test_product_and_campaign_rows(valid):
    products = {r["product_id"]: r for r in R.node_rows(valid, "products")}
    assert products["P01"] == {"product_id": "P01", "props": {"name": "Serum 30ml", "price": 12.9},
                               "brand_id": "B01", "category_id": "beauty.skincare"}
    campaigns = {r["campaign_id"]: r for r in R.node_rows(valid, "campaigns")}
    assert campaigns["K02"] == {"campaign_id": "K02", "props": {"budget": None}, "brand_id": "B02",
                                "product_id": "P02", "category_id": None, "start_date": "2024-04-01",
                                "end_date": None}


def test_collaboration_rows(valid):
    rows = {r["collaboration_id"]: r for r in R.collaboration_rows(valid)}
    assert rows["X001"] == {
        "collaboration_id": "X001", "brand_id": "B01", "creator_id": "C001",
        "invited_at": "2024-03-01T09:00:00Z", "responded_at": "2024-03-01T15:00:00Z",
        "due_at": "2024-03-15T00:00:00Z", "delivered_at": "2024-03-14T10:00:00Z",
        "props": {"campaign_id": "K01", "status": "completed", "deliverables_promised": 2,
                  "deliverables_delivered": 2, "fee": 240.0, "gmv": 1520.5, "rating": 5.0},
    }
    x004 = rows["X004"]
    assert x004["props"]["campaign_id"] is None and x004["props"]["status"] == "expired"
    assert x004["responded_at"] is None and x004["props"]["fee"] is None


def test_video_logs_hold_columns_as_lists_sorted_by_time(valid):
    rows = list(R.video_log_rows(valid))
    assert [(r["creator_id"], r["part"]) for r in rows] == [("C001", 0), ("C003", 0)]
    assert R.video_log_count(valid) == 2 and R.featured_count(valid) == 1
    c001 = rows[0]
    # V003 (Feb) before V001 (Mar 10) before V002 (Mar 14)
    assert c001["props"]["video_id"] == ["V003", "V001", "V002"]
    assert c001["posted_at"] == ["2024-02-01T12:00:00Z", "2024-03-10T18:00:00Z", "2024-03-14T10:00:00Z"]
    assert c001["props"]["product_id"] == ["", "P01", "P01"]  # lists cannot hold null: "" = none
    assert c001["props"]["orders"] == [-1, 61, 57]             # -1 = missing, as in the dataset
    assert c001["props"]["gmv"][0] != c001["props"]["gmv"][0]  # NaN = missing
    assert c001["props"]["videos"] == 3 and c001["props"]["total_orders"] == 118
    assert c001["first_posted_at"] == "2024-02-01T12:00:00Z"
    assert c001["last_posted_at"] == "2024-03-14T10:00:00Z"


def test_video_logs_split_into_parts(valid):
    rows = list(R.video_log_rows(valid, part_size=2))
    assert [(r["creator_id"], r["part"], r["props"]["video_id"]) for r in rows] == [
        ("C001", 0, ["V003", "V001"]), ("C001", 1, ["V002"]), ("C003", 0, ["V004"])]
    prune = {r["creator_id"]: r for r in R.video_prune_rows(valid, part_size=2)}
    assert prune["C001"]["parts"] == 2 and prune["C003"]["parts"] == 1 and prune["C002"]["parts"] == 0
    assert prune["C001"]["product_ids"] == ["P01"] and prune["C003"]["product_ids"] == []


def test_featured_rows_aggregate_shoppable_videos(valid):
    rows = list(R.featured_rows(valid))
    assert rows == [{
        "creator_id": "C001", "product_id": "P01",
        "props": {"videos": 2, "views": 100000, "likes": 8000, "comments": 215, "shares": 158, "orders": 118,
                  "gmv": pytest.approx(1522.2)},
        "first_posted_at": "2024-03-10T18:00:00Z", "last_posted_at": "2024-03-14T10:00:00Z",
    }]


def test_featured_rows_match_a_slow_reference(rng, tmp_path):
    from creatormatch.synthetic.generator import generate_market

    generate_market(tmp_path / "m", 60, 6, seed=3, videos_per_creator=8, invitations_per_creator=3)
    ds = load_dataset(tmp_path / "m")
    got = {(r["creator_id"], r["product_id"]): r["props"] for r in R.featured_rows(ds)}
    v = ds.videos
    expect: dict[tuple[str, str], dict[str, float]] = {}
    for i in range(len(v)):
        if v["product_id"][i] < 0:
            continue
        key = (str(ds.creators.ids[v["creator_id"][i]]), str(ds.products.ids[v["product_id"][i]]))
        e = expect.setdefault(key, {"videos": 0, "views": 0})
        e["videos"] += 1
        e["views"] += max(int(v["views"][i]), 0)
    assert set(got) == set(expect)
    for key, e in expect.items():
        assert got[key]["videos"] == e["videos"]
        assert (got[key]["views"] or 0) == e["views"]


def test_node_rows_are_the_same_in_any_chunk_size(valid):
    whole = list(R.node_rows(valid, "creators"))
    assert list(R.node_rows(valid, "creators", chunk=1)) == whole
    assert list(R.collaboration_rows(valid, chunk=3)) == list(R.collaboration_rows(valid))


def test_derived_tables_give_key_rows_only(overlay, tmp_path):
    folder = overlay()
    (folder / "categories.csv").unlink()
    ds = load_dataset(folder)
    assert "categories" in ds.derived
    assert list(R.key_rows(ds, "categories"))[:2] == [{"category_id": "beauty"}, {"category_id": "beauty.skincare"}]


def test_batches_by_rows_and_by_weight():
    rows = [{"props": {"videos": n}} for n in (5, 1, 1, 7, 2)]
    assert [len(b) for b in R.batches(rows, 2)] == [2, 2, 1]
    assert [len(b) for b in R.batches(iter(rows), 2)] == [2, 2, 1]  # any iterable, consumed lazily
    assert [[r["props"]["videos"] for r in b] for b in R.batches(rows, 6, weight="videos")] == [
        [5, 1], [1], [7], [2]]
    with pytest.raises(ValueError):
        list(R.batches(rows, 0))


def test_creator_index_rows_turn_nan_into_none():
    rows = R.creator_index_rows(np.array(["C1", "C2"]), {"cooperation": np.array([87.5, np.nan])},
                                {"cooperation": np.array([4, 0])}, ["beauty", None], np.array([70.0, np.nan]),
                                model="m1")
    assert rows[0] == {"creator_id": "C1", "props": {"cooperation_index": 87.5, "cooperation_evidence": 4,
                                                     "top_category_id": "beauty", "top_category_influence": 70.0,
                                                     "indices_model": "m1"}}
    assert rows[1]["props"]["cooperation_index"] is None and rows[1]["props"]["top_category_id"] is None


def test_brand_match_rows_group_per_brand_and_keep_empty_brands():
    rows = R.brand_match_rows(
        np.array(["B1", "B2", "B3"]), match_brand=np.array([2, 0, 0]), rank=np.array([1, 2, 1]),
        creator_ids=np.array(["C9", "C2", "C1"]), score=np.array([0.5, 0.4, 0.9]),
        components={"mf": np.array([0.1, np.nan, 0.3])}, model="m", reasons=[["a"], [], ["b", "c"]])
    assert [r["brand_id"] for r in rows] == ["B1", "B2", "B3"]
    assert [m["creator_id"] for m in rows[0]["matches"]] == ["C1", "C2"]  # in rank order
    assert rows[0]["matches"][1]["props"] == {"rank": 2, "score": 0.4, "model": "m", "reasons": []}  # mf n/a
    assert rows[0]["matches"][0]["props"]["mf"] == 0.3
    assert rows[1]["matches"] == []  # B2 loses its old matches
    with pytest.raises(ValueError):
        R.brand_match_rows(["B1"], np.array([0]), np.array([1, 2]), ["C1"], np.array([1.0]), {}, "m")


def test_brand_match_rows_store_the_chance_of_a_yes_where_there_is_one():
    rows = R.brand_match_rows(np.array(["B1"]), np.array([0, 0]), np.array([1, 2]), np.array(["C1", "C2"]),
                              np.array([0.03, 0.02]), {"yes_if_invited": np.array([0.31, np.nan])}, "m")
    first, second = (m["props"] for m in rows[0]["matches"])
    assert first["yes_if_invited"] == 0.31 and "yes_if_invited" not in second      # NaN: left out
    assert "yes_if_invited" not in R.brand_match_rows(["B1"], np.array([0]), np.array([1]), ["C1"], np.array([0.5]),
                                                      {}, "m")[0]["matches"][0]["props"]
    with pytest.raises(ValueError, match="yes_if_invited"):
        R.brand_match_rows(["B1"], np.array([0]), np.array([1]), ["C1"], np.array([0.5]),
                           {"yes_if_invited": np.array([0.1, 0.2])}, "m")


def test_content_digest_ignores_string_width_and_nan_payload(valid):
    a = content_digest(valid)
    creators = valid.creators
    creators.columns["handle"] = creators["handle"].astype("U300")
    rate = creators["rate_per_video"].copy()
    rate[np.isnan(rate)] = -np.nan
    creators.columns["rate_per_video"] = rate
    assert content_digest(valid) == a
    creators.columns["followers"] = creators["followers"] + 1
    assert content_digest(valid) != a


def test_rows_of_a_subset_are_those_rows_of_the_whole(tmp_path):
    """The load workers build rows for blocks of units (table rows, creators, pairs): a
    subset gives exactly those rows of the full list, in the subset's order."""
    from creatormatch.synthetic.generator import generate_market

    generate_market(tmp_path / "m", 80, 6, seed=4, videos_per_creator=6, invitations_per_creator=3)
    ds = load_dataset(tmp_path / "m")
    pick = np.array([0, 3, 4, 17, 40, 79])
    for name in ("creators", "products"):
        whole = list(R.node_rows(ds, name))
        some = pick[pick < len(whole)]
        assert list(R.node_rows(ds, name, chunk=4, subset=some)) == [whole[i] for i in some]
    whole = list(R.collaboration_rows(ds))
    assert list(R.collaboration_rows(ds, chunk=2, subset=pick)) == [whole[i] for i in pick]

    pair_creator, _ = R.featured_pairs(ds)
    whole = list(R.featured_rows(ds))
    assert len(whole) == len(pair_creator) == R.featured_count(ds)
    some = np.arange(1, len(whole), 3)
    assert list(R.featured_rows(ds, subset=some, chunk=5)) == [whole[i] for i in some]

    whole = list(R.video_log_rows(ds))
    wanted = {str(ds.creators.ids[i]) for i in pick}
    got = list(R.video_log_rows(ds, subset=pick))
    assert got and repr(got) == repr([r for r in whole if r["creator_id"] in wanted])  # repr: NaN == NaN
