"""The synthetic market generator, its truth file and ``creatormatch generate``.

Contract rules are checked directly on the CSV text (parsed with the csv module and
numpy), independently of the loader; one test also runs the loader.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from scipy.stats import spearmanr

from creatormatch.data import contract
from creatormatch.synthetic.generator import DATA_FILES, generate_market
from creatormatch.synthetic.truth import TRAITS, TRUTH_FILENAME, Truth, load_truth
from creatormatch.errors import UsageError

N_CREATORS, N_BRANDS, SEED = 3000, 150, 7
START, DAYS = np.datetime64("2024-01-01T00:00:00", "s"), 730
END = START + np.timedelta64(DAYS * 86400, "s")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def read_csv(path: Path) -> tuple[list[str], dict[str, np.ndarray]]:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = list(reader)
    assert all(len(r) == len(header) for r in rows), f"{path.name}: ragged rows"
    cols = {name: np.array([r[i] for r in rows], dtype=str) for i, name in enumerate(header)}
    return header, cols


def times(cells: np.ndarray) -> np.ndarray:
    out = np.full(cells.shape, np.datetime64("NaT"), dtype="datetime64[s]")
    filled = cells != ""
    out[filled] = cells[filled].astype("datetime64[s]")
    return out


def floats(cells: np.ndarray) -> np.ndarray:
    return np.where(cells == "", "nan", cells).astype(float)


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("market")
    summary = generate_market(out, N_CREATORS, N_BRANDS, SEED)
    files = {name: read_csv(out / f"{name}.csv") for name in DATA_FILES}
    return out, summary, {name: cols for name, (_, cols) in files.items()}, {n: h for n, (h, _) in files.items()}


@pytest.fixture(scope="module")
def truth(market) -> Truth:
    t = load_truth(market[0])
    assert t is not None
    return t


# ----------------------------------------------------------------------------- determinism
def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    a = generate_market(tmp_path / "a", 300, 20, seed=3)
    b = generate_market(tmp_path / "b", 300, 20, seed=3)
    assert a.sizes == b.sizes
    for name in a.sizes:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_different_seed_gives_different_files(tmp_path: Path) -> None:
    generate_market(tmp_path / "a", 300, 20, seed=3)
    generate_market(tmp_path / "b", 300, 20, seed=4)
    for name in ("creators.csv", "collaborations.csv", "videos.csv", TRUTH_FILENAME):
        assert (tmp_path / "a" / name).read_bytes() != (tmp_path / "b" / name).read_bytes(), name


# ----------------------------------------------------------------------------- shape
def test_every_contract_file_with_contract_columns_in_order(market) -> None:
    out, summary, data, headers = market
    for spec in contract.FILES:
        assert (out / spec.filename).is_file()
        # every column in contract order, but for the scrape window (a generated market is observed whole)
        assert headers[spec.name] == [c.name for c in spec.columns if c.name not in ("observed_from", "observed_to")]
        assert summary.counts[spec.name] == len(data[spec.name][spec.key])
    assert summary.truth_path == out / TRUTH_FILENAME and summary.truth_path.is_file()
    assert set(summary.sizes) == {f"{n}.csv" for n in DATA_FILES} | {TRUTH_FILENAME}
    assert summary.start == "2024-01-01" and summary.end == "2025-12-30"


def test_counts_and_distributions_are_plausible(market) -> None:
    _, summary, data, _ = market
    c = summary.counts
    assert c["creators"] == N_CREATORS and c["brands"] == N_BRANDS
    assert 8.5 * N_CREATORS < c["collaborations"] < 10.5 * N_CREATORS
    assert 18 * N_CREATORS < c["videos"] < 22 * N_CREATORS
    assert c["categories"] == 33
    followers = data["creators"]["followers"].astype(np.int64)
    assert followers.min() >= 1_000 and followers.max() <= 10_000_000
    assert 1_500 < np.median(followers) < 5_000 and np.quantile(followers, 0.99) > 100_000  # heavy tail
    markets, counts = np.unique(data["creators"]["market"], return_counts=True)
    assert set(markets) == {"ID", "MY", "PH", "SG", "TH", "VN", "GB", "US"}
    assert counts.max() > 3 * counts.min()                                   # unequal weights
    rate = data["creators"]["rate_per_video"]
    assert 0.05 < np.mean(rate == "") < 0.2
    listed = rate != ""
    us = listed & (data["creators"]["market"] == "US")
    rho = spearmanr(followers[us], rate[us].astype(float))[0]
    assert rho > 0.85                                                         # rate grows with followers
    status, n = np.unique(data["collaborations"]["status"], return_counts=True)
    assert set(status) == set(contract.STATUSES)
    brands_used = np.unique(data["collaborations"]["brand_id"])
    assert len(brands_used) == N_BRANDS                                       # every brand invites


def test_categories_form_a_two_level_taxonomy(market) -> None:
    cats = market[2]["categories"]
    top = cats["parent_id"] == ""
    assert top.sum() == 8
    assert set(cats["parent_id"][~top]) == set(cats["category_id"][top])
    for cid, parent in zip(cats["category_id"][~top], cats["parent_id"][~top]):
        assert cid.startswith(parent + ".")
    subs = set(cats["category_id"][~top])
    assert set(market[2]["creators"]["primary_category"]) <= subs
    assert set(market[2]["brands"]["category_id"]) <= subs


# ----------------------------------------------------------------------------- contract rules
def test_ids_are_unique_sorted_and_zero_padded(market) -> None:
    data = market[2]
    patterns = {"creators": r"C\d{7}", "brands": r"B\d{5}", "products": r"P\d{6}", "campaigns": r"K\d{6}",
                "collaborations": r"X\d{8}", "videos": r"V\d{9}"}
    for name, pattern in patterns.items():
        ids = data[name][contract.spec(name).key]
        assert len(np.unique(ids)) == len(ids), name
        assert np.all(ids[:-1] < ids[1:]), name
        assert all(re.fullmatch(pattern, i) for i in ids[:50]), name


def test_references_resolve(market) -> None:
    data = market[2]
    for spec in contract.FILES:
        for col in spec.columns:
            if col.kind != "ref":
                continue
            cells = data[spec.name][col.name]
            if col.required:
                assert np.all(cells != ""), (spec.name, col.name)
            keys = data[col.ref][contract.spec(col.ref).key]
            filled = cells[cells != ""]
            assert np.isin(filled, keys).all(), (spec.name, col.name)


def test_value_types_and_bounds(market) -> None:
    data = market[2]
    for spec in contract.FILES:
        for col in spec.columns:
            if col.name not in data[spec.name]:      # an optional column the generator leaves out
                assert not col.required
                continue
            cells = data[spec.name][col.name]
            if col.required:
                assert np.all(cells != ""), (spec.name, col.name)
            filled = cells[cells != ""]
            if col.kind == "int":
                assert all(v.isdigit() for v in filled.tolist()), (spec.name, col.name)
            elif col.kind == "float":
                values = filled.astype(float)
                assert np.isfinite(values).all()
                if col.min is not None:
                    assert values.min() >= col.min, (spec.name, col.name)
                if col.max is not None:
                    assert values.max() <= col.max, (spec.name, col.name)
            elif col.kind == "datetime":
                assert all(DATETIME.match(v) for v in filled.tolist()), (spec.name, col.name)
            elif col.kind == "date":
                assert all(DATE.match(v) for v in filled.tolist()), (spec.name, col.name)
            elif col.kind == "status":
                assert np.isin(filled, contract.STATUSES).all()
            elif col.kind == "text":
                assert all(v == v.strip() for v in filled.tolist()), (spec.name, col.name)


def test_collaboration_rules(market) -> None:
    co = market[2]["collaborations"]
    status = co["status"]
    invited, responded = times(co["invited_at"]), times(co["responded_at"])
    due, delivered_at = times(co["due_at"]), times(co["delivered_at"])
    ok = ~np.isnat(responded)
    assert np.all(responded[ok] >= invited[ok])
    ok = ~np.isnat(delivered_at)
    assert np.all(delivered_at[ok] >= invited[ok]) and np.all(delivered_at[ok] >= responded[ok])
    ok = ~np.isnat(due)
    assert np.all(due[ok] > responded[ok])
    promised = co["deliverables_promised"].astype(np.int64)
    assert promised.min() >= 1 and promised.max() <= 5
    has = co["deliverables_delivered"] != ""
    assert np.all(co["deliverables_delivered"][has].astype(np.int64) <= promised[has])
    rating = floats(co["rating"])
    rated = ~np.isnan(rating)
    assert np.all((rating[rated] >= 1) & (rating[rated] <= 5))
    assert np.all(rating[rated] == np.round(rating[rated]))                   # whole stars

    answered = np.isin(status, contract.ANSWERED_STATUSES)
    assert np.array_equal(~np.isnat(responded), answered)
    assert np.array_equal(~np.isnat(due), np.isin(status, ("accepted", "completed", "cancelled")))
    done = status == "completed"
    assert np.array_equal(~np.isnat(delivered_at), done)
    assert np.array_equal(co["gmv"] != "", done)
    assert np.all(co["deliverables_delivered"][status == "cancelled"] == "0")
    assert np.all(co["deliverables_delivered"][done].astype(np.int64) >= 1)
    assert set(np.unique(status[rated])) <= {"completed", "cancelled"}
    # expired invitations had their whole response window before the end; open ones are recent
    window = np.timedelta64(168 * 3600, "s")
    assert np.all(invited[status == "expired"] + window <= END)
    assert np.all(invited[status == "invited"] + window > END)


def test_all_event_times_lie_in_the_market_window(market) -> None:
    data = market[2]
    co = data["collaborations"]
    events = [times(co[c]) for c in ("invited_at", "responded_at", "delivered_at")]
    events.append(times(data["videos"]["posted_at"]))
    for name, col in (("creators", "joined_at"), ("campaigns", "start_date"), ("campaigns", "end_date")):
        events.append(times(data[name][col]))
    for t in events:
        t = t[~np.isnat(t)]
        assert t.min() >= START and t.max() < END
    # a due date after the end only for invitations still open
    due = times(co["due_at"])
    late = ~np.isnat(due) & (due >= END)
    assert set(np.unique(co["status"][late])) <= {"accepted"}


def test_nothing_happens_before_a_creator_joined(market) -> None:
    data = market[2]
    creators = data["creators"]
    joined = times(creators["joined_at"])
    for table, col in (("collaborations", "invited_at"), ("videos", "posted_at")):
        rows = np.searchsorted(creators["creator_id"], data[table]["creator_id"])
        assert np.all(times(data[table][col]) >= joined[rows]), table


def test_videos_are_consistent_with_products_and_collaborations(market) -> None:
    data = market[2]
    v, co, pr, camp = data["videos"], data["collaborations"], data["products"], data["campaigns"]
    shop = v["product_id"] != ""
    assert np.array_equal(v["orders"] != "", shop) and np.array_equal(v["gmv"] != "", shop)
    views, likes = v["views"].astype(np.int64), v["likes"].astype(np.int64)
    assert np.all(likes <= views) and np.all(v["comments"].astype(np.int64) <= likes)
    price = pr["price"].astype(float)[np.searchsorted(pr["product_id"], v["product_id"][shop])]
    gmv = v["gmv"][shop].astype(float)
    assert np.allclose(gmv, v["orders"][shop].astype(float) * price, atol=0.005)

    linked = v["collaboration_id"] != ""
    rows = np.searchsorted(co["collaboration_id"], v["collaboration_id"][linked])
    assert np.all(co["status"][rows] == "completed")
    assert np.all(co["creator_id"][rows] == v["creator_id"][linked])          # same creator
    campaign_product = camp["product_id"][np.searchsorted(camp["campaign_id"], co["campaign_id"][rows])]
    assert np.all(v["product_id"][linked] == campaign_product)
    posted = times(v["posted_at"][linked])
    assert np.all(posted <= times(co["delivered_at"][rows])) and np.all(posted >= times(co["responded_at"][rows]))
    # one video per delivered deliverable; collaboration gmv is the sum of its videos
    done = np.flatnonzero(co["status"] == "completed")
    n_videos = np.bincount(rows, minlength=len(co["status"]))
    assert np.array_equal(n_videos[done], co["deliverables_delivered"][done].astype(np.int64))
    video_gmv = np.bincount(rows, weights=v["gmv"][linked].astype(float), minlength=len(co["status"]))
    assert np.allclose(video_gmv[done], co["gmv"][done].astype(float), atol=0.01)


def test_text_needing_quotes_round_trips(market) -> None:
    out, _, data, _ = market
    handles = data["creators"]["handle"]
    assert any("," in h for h in handles) and any('"' in h for h in handles)
    assert any(not h.isascii() for h in handles)
    assert any('"' in n for n in data["products"]["name"])
    raw = (out / "creators.csv").read_text(encoding="utf-8")
    assert '""' in raw and raw.endswith("\n") and "\r" not in raw


def test_strict_loader_accepts_the_market(market) -> None:
    loader = pytest.importorskip("creatormatch.data.loader")
    ds = loader.load_dataset(market[0])
    assert ds.n_creators == N_CREATORS and ds.n_brands == N_BRANDS
    assert ds.warnings == []


# ----------------------------------------------------------------------------- truth file
def test_truth_rows_match_the_files(market, truth: Truth) -> None:
    data = market[2]
    assert np.array_equal(truth.creator_id, data["creators"]["creator_id"])
    assert np.array_equal(truth.brand_id, data["brands"]["brand_id"])
    assert np.array_equal(truth.category_id, data["categories"]["category_id"])
    assert np.array_equal(truth.category_id[truth.creator_primary], data["creators"]["primary_category"])
    assert np.array_equal(truth.category_id[truth.brand_category], data["brands"]["category_id"])
    assert np.array_equal(truth.markets[truth.creator_market], data["creators"]["market"])
    for name in TRAITS:
        values = truth.trait(name)
        assert values.shape == (N_CREATORS,) and np.all(values > 0), name
    for name in ("cooperation", "consistency", "diligence"):
        assert np.all(truth.trait(name) < 1), name
    assert truth.meta["seed"] == SEED
    assert truth.creator_rows(["C0000002", "nope"]).tolist() == [1, -1]


def test_affinity_broadcasts_and_matches_per_brand(truth: Truth) -> None:
    creators = np.arange(truth.n_creators)
    row = truth.affinity_for_brand(3)
    assert row.shape == (N_CREATORS,)
    assert np.allclose(row, truth.affinity(np.full(N_CREATORS, 3), creators))
    block = truth.affinity(np.array([3, 5])[:, None], creators[None, :10])
    assert block.shape == (2, 10) and np.allclose(block[0], row[:10])
    # category fit matters: creators whose primary category is the brand's score higher
    same = truth.creator_primary == truth.brand_category[3]
    assert row[same].mean() > row[~same].mean() + 1.0


def test_load_truth_is_none_without_file_and_rejects_garbage(tmp_path: Path) -> None:
    from creatormatch.errors import DataError

    assert load_truth(tmp_path) is None
    (tmp_path / TRUTH_FILENAME).write_bytes(b"not a zip")
    with pytest.raises(DataError):
        load_truth(tmp_path)


# ----------------------------------------------------------------------------- traits drive data
def _per_creator(ids: np.ndarray, creator_ids: np.ndarray) -> np.ndarray:
    return np.searchsorted(creator_ids, ids)


def test_diligence_drives_the_shoppable_share(market, truth: Truth) -> None:
    v = market[2]["videos"]
    owner = _per_creator(v["creator_id"], truth.creator_id)
    organic = v["collaboration_id"] == ""
    shop = v["product_id"] != ""
    n = np.bincount(owner[organic], minlength=N_CREATORS)
    k = np.bincount(owner[organic & shop], minlength=N_CREATORS)
    enough = n >= 10
    assert enough.sum() > 1000
    assert spearmanr(truth.diligence[enough], k[enough] / n[enough])[0] >= 0.9


def test_volume_and_success_drive_videos(market, truth: Truth) -> None:
    data = market[2]
    v = data["videos"]
    owner = _per_creator(v["creator_id"], truth.creator_id)
    organic = v["collaboration_id"] == ""
    active = (END - times(data["creators"]["joined_at"])).astype(float) / 86400
    per_day = np.bincount(owner[organic], minlength=N_CREATORS) / active
    assert spearmanr(truth.content_volume, per_day)[0] >= 0.8

    followers = data["creators"]["followers"].astype(float)
    residual = np.log1p(v["views"].astype(float)) - 0.9 * np.log(followers[owner])
    n = np.bincount(owner, minlength=N_CREATORS)
    mean_residual = np.bincount(owner, weights=residual, minlength=N_CREATORS) / np.maximum(n, 1)
    like_rate = np.log((v["likes"].astype(float) + 1) / (v["views"].astype(float) + 20))
    mean_like = np.bincount(owner, weights=like_rate, minlength=N_CREATORS) / np.maximum(n, 1)
    ok = n >= 5
    assert spearmanr(truth.content_success[ok], mean_residual[ok])[0] >= 0.8
    assert spearmanr(truth.content_success[ok], mean_like[ok])[0] >= 0.8
    # traits are independent of follower size
    for name in TRAITS:
        if name != "content_volume":
            assert abs(spearmanr(truth.trait(name), followers)[0]) < 0.1, name


def test_sales_conversion_drives_orders_per_view(market, truth: Truth) -> None:
    data = market[2]
    v, pr, cats = data["videos"], data["products"], data["categories"]
    base = {"beauty": .004, "fashion": .003, "electronics": .0012, "food": .005, "health": .0035,
            "home": .0025, "sports": .002, "toys": .003}
    assert set(base) == set(cats["category_id"][cats["parent_id"] == ""])
    shop = v["product_id"] != ""
    owner = _per_creator(v["creator_id"][shop], truth.creator_id)
    category = pr["category_id"][np.searchsorted(pr["product_id"], v["product_id"][shop])]
    conv = np.array([base[c.split(".")[0]] for c in category])
    expected = np.bincount(owner, weights=v["views"][shop].astype(float) * conv, minlength=N_CREATORS)
    orders = np.bincount(owner, weights=v["orders"][shop].astype(float), minlength=N_CREATORS)
    ok = expected > 5
    assert spearmanr(truth.sales_conversion[ok], orders[ok] / expected[ok])[0] >= 0.8


def test_cooperation_and_consistency_drive_collaborations(market, truth: Truth) -> None:
    data = market[2]
    co = data["collaborations"]
    who = _per_creator(co["creator_id"], truth.creator_id)
    status = co["status"]
    answered = np.isin(status, contract.ANSWERED_STATUSES)
    closed = status != "invited"
    n_closed = np.bincount(who[closed], minlength=N_CREATORS)
    rate = np.bincount(who[closed & answered], minlength=N_CREATORS) / np.maximum(n_closed, 1)
    ok = n_closed >= 5
    assert spearmanr(truth.cooperation[ok], rate[ok])[0] >= 0.6
    delay = (times(co["responded_at"][answered]) - times(co["invited_at"][answered])).astype(float)
    n_ans = np.bincount(who[answered], minlength=N_CREATORS)
    mean_log_delay = np.bincount(who[answered], weights=np.log(delay), minlength=N_CREATORS) / np.maximum(n_ans, 1)
    ok = n_ans >= 3
    assert spearmanr(truth.cooperation[ok], -mean_log_delay[ok])[0] >= 0.85

    done = status == "completed"
    late = (times(co["delivered_at"][done]) - times(co["due_at"][done])).astype(float)
    n_done = np.bincount(who[done], minlength=N_CREATORS)
    mean_late = np.bincount(who[done], weights=late, minlength=N_CREATORS) / np.maximum(n_done, 1)
    ok = n_done >= 2
    assert spearmanr(truth.consistency[ok], -mean_late[ok])[0] >= 0.6

    v = data["videos"]
    organic = v["collaboration_id"] == ""
    owner = _per_creator(v["creator_id"][organic], truth.creator_id)
    posted = times(v["posted_at"][organic]).astype(np.int64)
    order = np.lexsort((posted, owner))
    owner, posted = owner[order], posted[order]
    same = owner[1:] == owner[:-1]
    gap, gap_owner = np.diff(posted)[same].astype(float), owner[1:][same]
    n = np.bincount(gap_owner, minlength=N_CREATORS)
    mean = np.bincount(gap_owner, weights=gap, minlength=N_CREATORS) / np.maximum(n, 1)
    sq = np.bincount(gap_owner, weights=gap * gap, minlength=N_CREATORS) / np.maximum(n, 1)
    cv = np.sqrt(np.maximum(sq - mean**2, 0)) / np.maximum(mean, 1e-9)
    ok = n >= 5
    assert spearmanr(truth.consistency[ok], -cv[ok])[0] >= 0.7


def test_acceptance_rises_with_true_affinity(market, truth: Truth) -> None:
    co = market[2]["collaborations"]
    answered = np.isin(co["status"], contract.ANSWERED_STATUSES)
    b = truth.brand_rows(co["brand_id"][answered])
    c = truth.creator_rows(co["creator_id"][answered])
    affinity = truth.affinity(b, c)
    accepted = co["status"][answered] != "declined"
    edges = np.quantile(affinity, np.linspace(0, 1, 6))
    band = np.clip(np.searchsorted(edges, affinity, side="right") - 1, 0, 4)
    rates = np.array([accepted[band == i].mean() for i in range(5)])
    assert np.all(np.diff(rates) > 0)
    assert rates[-1] - rates[0] > 0.5


def test_brands_stay_mostly_home_and_invite_again(market) -> None:
    data = market[2]
    co = data["collaborations"]
    creator_market = data["creators"]["market"][np.searchsorted(data["creators"]["creator_id"], co["creator_id"])]
    brand_market = data["brands"]["market"][np.searchsorted(data["brands"]["brand_id"], co["brand_id"])]
    assert 0.03 < np.mean(creator_market != brand_market) < 0.2
    done = co["status"] == "completed"
    _, repeats = np.unique(np.char.add(co["brand_id"][done], co["creator_id"][done]), return_counts=True)
    assert (repeats > 1).mean() > 0.1                                          # repeat collaborations


# ----------------------------------------------------------------------------- library errors, progress
@pytest.mark.parametrize("kwargs", [
    dict(n_creators=5), dict(n_brands=0), dict(seed=-1), dict(days=7), dict(start="2024-13-01"),
])
def test_bad_parameters_raise_usage_error(tmp_path: Path, kwargs: dict) -> None:
    args = dict(n_creators=100, n_brands=5, seed=1) | kwargs
    start = args.pop("start", "2024-01-01")
    days = args.pop("days", 730)
    with pytest.raises(UsageError):
        generate_market(tmp_path, args["n_creators"], args["n_brands"], args["seed"], start=start, days=days)


def test_progress_reports_rising_fractions_up_to_one(tmp_path: Path) -> None:
    seen: list[tuple[str, float]] = []
    generate_market(tmp_path, 200, 10, 1, progress=lambda stage, f: seen.append((stage, f)))
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert {"collaborations", "videos.csv"} <= {s for s, _ in seen}


def test_start_and_days_shift_the_window(tmp_path: Path) -> None:
    summary = generate_market(tmp_path, 200, 10, 1, start="2023-03-15", days=60)
    assert (summary.start, summary.end) == ("2023-03-15", "2023-05-13")
    _, v = read_csv(tmp_path / "videos.csv")
    t = times(v["posted_at"])
    assert t.min() >= np.datetime64("2023-03-15") and t.max() < np.datetime64("2023-05-14")


# ----------------------------------------------------------------------------- CLI
@pytest.fixture(scope="module")
def cli():
    from creatormatch.cli import cli as group

    return group


def test_cli_help_explains_the_truth_file(cli) -> None:
    result = CliRunner().invoke(cli, ["generate", "--help"], catch_exceptions=False)
    assert result.exit_code == 0
    for word in ("truth.npz", "cooperation", "--creators", "--force", "contract v1"):
        assert word in result.output


def test_cli_generates_and_summarises(cli, tmp_path: Path) -> None:
    out = tmp_path / "m"
    result = CliRunner().invoke(cli, ["generate", "--out", str(out), "--creators", "300", "--brands", "12",
                                      "--seed", "5"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "300 creators" in result.output and "12 brands" in result.output
    assert str(out / TRUTH_FILENAME) in result.output
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{n}.csv" for n in DATA_FILES] + [TRUTH_FILENAME])
    # same as the library with the same arguments
    generate_market(tmp_path / "lib", 300, 12, 5)
    assert (out / "videos.csv").read_bytes() == (tmp_path / "lib" / "videos.csv").read_bytes()


def test_cli_refuses_a_non_empty_folder_unless_forced(cli, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    args = ["generate", "--out", str(tmp_path), "--creators", "100", "--brands", "5"]
    refused = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert refused.exit_code == 2
    assert "not empty" in refused.output and "--force" in refused.output
    assert not (tmp_path / "creators.csv").exists()
    forced = CliRunner().invoke(cli, args + ["--force"], catch_exceptions=False)
    assert forced.exit_code == 0 and (tmp_path / "creators.csv").is_file()
    assert (tmp_path / "notes.txt").read_text() == "keep me"


def test_cli_bad_start_date_exits_2(cli, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["generate", "--out", str(tmp_path / "x"), "--start", "yesterday"],
                                catch_exceptions=False)
    assert result.exit_code == 2 and "ISO date" in result.output


def test_cli_shows_a_progress_bar_for_large_markets(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import creatormatch.cli.generate as command

    monkeypatch.setattr(command, "PROGRESS_MIN_CREATORS", 100)
    result = CliRunner().invoke(cli, ["generate", "--out", str(tmp_path / "m"), "--creators", "150",
                                      "--brands", "5"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "Generating" in result.stderr and "Generating" not in result.stdout


# ----------------------------------------------------------------------------- the bundled sample
def test_bundled_sample_is_small_and_has_its_truth() -> None:
    from creatormatch.data.sample import sample_path

    root = sample_path()
    if not (root / "creators.csv").is_file():
        pytest.skip("no bundled sample in this checkout")
    total = sum(p.stat().st_size for p in root.iterdir() if p.is_file())
    assert total <= 5.5e6
    truth = load_truth(root)
    assert truth is not None and truth.meta["seed"] == 42
    _, creators = read_csv(root / "creators.csv")
    assert np.array_equal(truth.creator_id, creators["creator_id"])
