"""The strict loader on hand-written datasets: every defect class, legitimate variations, lenient mode."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from creatormatch.cli import cli
from creatormatch.data import STATUSES, load_dataset
from creatormatch.errors import DataError, UsageError

DATA = Path(__file__).parents[1] / "data"

# defect folder -> the problem the loader must report (file:line, column, words of the message)
DEFECTS = {
    "missing_required_column": ("creators.csv:1", "market", "required column is missing"),
    "missing_required_value": ("brands.csv:3", "name", "required value is empty"),
    "unparsable_number": ("creators.csv:4", "followers", "not a whole number"),
    "not_a_number": ("collaborations.csv:2", "gmv", "not a finite number"),
    "unparsable_date": ("collaborations.csv:4", "invited_at", "not an ISO datetime"),
    "impossible_date": ("videos.csv:5", "posted_at", "not an ISO datetime"),
    "negative_count": ("videos.csv:4", "views", "negative value"),
    "unknown_status": ("collaborations.csv:5", "status", "unknown status"),
    "unknown_market": ("creators.csv:5", "market", "not an ISO 3166-1 alpha-2"),
    "duplicate_id": ("creators.csv:5", "creator_id", "duplicate id (first seen on line 2)"),
    "unknown_creator": ("collaborations.csv:5", "creator_id", "unknown creator id"),
    "unknown_brand": ("products.csv:3", "brand_id", "unknown brand id"),
    "unknown_product": ("videos.csv:2", "product_id", "unknown product id"),
    "unknown_campaign": ("collaborations.csv:4", "campaign_id", "unknown campaign id"),
    "unknown_category": ("creators.csv:4", "primary_category", "unknown category id"),
    "unknown_collaboration": ("videos.csv:2", "collaboration_id", "unknown collaboration id"),
    "responded_before_invited": ("collaborations.csv:3", "responded_at", "is before invited_at"),
    "delivered_before_invited": ("collaborations.csv:2", "delivered_at", "is before invited_at"),
    "delivered_more_than_promised": ("collaborations.csv:2", "deliverables_delivered", "more than deliverables_promised"),
    "rating_out_of_range": ("collaborations.csv:2", "rating", "above 5"),
    "empty_file": ("brands.csv", None, "file is empty"),
    "header_only_file": ("products.csv", None, "has a header but no data rows"),
    "non_utf8": ("creators.csv:5", None, "not valid UTF-8"),
    "nul_byte": ("creators.csv:4", None, "NUL byte"),
    "wrong_field_count": ("brands.csv:3", None, "has 5 field(s); the header has 4"),
    "duplicate_header": ("brands.csv:1", "name", "appears twice in the header"),
    "category_cycle": ("categories.csv:2", "parent_id", "its own ancestor"),
    "video_of_other_creator": ("videos.csv:3", "collaboration_id", "another creator's collaboration"),
}


def test_every_defect_folder_is_listed() -> None:
    assert {p.name for p in (DATA / "broken").iterdir()} == set(DEFECTS)


def test_valid_dataset_loads() -> None:
    ds = load_dataset(DATA / "valid")
    assert (ds.n_creators, ds.n_brands, len(ds.collaborations)) == (4, 2, 4)
    assert ds.has("videos") and ds.has("categories") and not ds.derived
    # references are row positions in the referenced (id-sorted) table
    collab = ds.collaborations
    x3 = int(np.flatnonzero(collab.ids == "X003")[0])
    assert ds.creators.ids[collab["creator_id"][x3]] == "C003"
    assert ds.brands.ids[collab["brand_id"][x3]] == "B02"
    assert STATUSES[collab["status"][x3]] == "accepted"
    assert collab["deliverables_delivered"][x3] == 0
    assert np.isnat(collab["delivered_at"][x3]) and np.isnan(collab["gmv"][x3])
    assert collab["invited_at"][x3] == np.datetime64("2024-04-02T10:00:00")
    skincare = ds.categories.position("beauty.skincare")[0]
    assert ds.categories.ids[ds.categories["parent_id"][skincare]] == "beauty"
    v = ds.videos
    assert v["product_id"][v.position("V003")[0]] == -1  # organic video
    assert v["orders"][v.position("V003")[0]] == -1  # empty int cell


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_defect_is_refused_with_location(tmp_path: Path, overlay, defect: str) -> None:
    where, column, words = DEFECTS[defect]
    folder = overlay(f"broken/{defect}")
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    rendered = [str(p) for p in info.value.problems]
    prefix = f"{where}:" + (f" column '{column}':" if column else "")
    assert any(r.startswith(prefix) and words in r for r in rendered), rendered


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_cli_validate_exits_2_without_traceback(tmp_path: Path, overlay, defect: str) -> None:
    folder = overlay(f"broken/{defect}")
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert DEFECTS[defect][0] in result.output


def test_legitimate_variations_are_accepted(tmp_path: Path, overlay) -> None:
    folder = overlay("variations")
    ds = load_dataset(folder)
    handles = dict(zip(ds.creators.ids.tolist(), ds.creators["handle"].tolist()))
    assert handles["C001"] == 'Maya ✨ glow, "skin" first'  # BOM, quotes, commas, unicode
    assert handles["C002"] == "stylebyraf\r\nline two"  # newline inside a quoted field (CRLF file)
    assert handles["C004"] == "دودروپ"
    assert ds.creators["market"][ds.creators.position("C003")[0]] == "MY"  # lower case upper-cased
    assert ds.brands["name"][ds.brands.position("B02")[0]] == "MATCH (n) DETACH DELETE n"
    assert any("notes" in w for w in ds.warnings)  # extra column: one warning
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 0, result.output


def test_line_numbers_count_physical_lines_after_a_multiline_field(tmp_path: Path, overlay) -> None:
    folder = overlay("variations")
    text = (folder / "creators.csv").read_text(encoding="utf-8-sig")
    (folder / "creators.csv").write_text(text.replace("C004,دودروپ,ID,0", "C004,دودروپ,ID,-5"), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    # C002's handle spans lines 3-4, so C003 is on line 5 and C004 on line 6
    assert [str(p) for p in info.value.problems] == ["creators.csv:6: column 'followers': negative value (value '-5')"]


def test_offsets_are_converted_to_utc(tmp_path: Path, overlay) -> None:
    folder = overlay()
    path = folder / "collaborations.csv"
    path.write_text(path.read_text().replace("2024-03-01T09:00:00,completed", "2024-03-01T16:00:00+07:00,completed"))
    ds = load_dataset(folder)
    assert ds.collaborations["invited_at"][ds.collaborations.position("X001")[0]] == np.datetime64("2024-03-01T09:00:00")


def test_at_most_20_problems_per_file_plus_a_count(tmp_path: Path, overlay) -> None:
    folder = overlay()
    with (folder / "creators.csv").open("a") as fh:
        for i in range(45):
            fh.write(f"N{i:03d},h,ID,-1,,,\n")
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    assert len(info.value.problems) == 20
    assert info.value.more == {"creators.csv": 25}
    assert "creators.csv: ... and 25 more problems" in str(info.value)


def test_missing_required_file_and_missing_folder(tmp_path: Path, overlay) -> None:
    folder = overlay()
    (folder / "brands.csv").unlink()
    with pytest.raises(DataError, match="brands.csv: required file is missing"):
        load_dataset(folder)
    with pytest.raises(UsageError):
        load_dataset(tmp_path / "nope")


def test_absent_optional_files_are_derived_not_invented(tmp_path: Path, overlay) -> None:
    folder = overlay()
    for name in ("categories", "products", "campaigns", "videos"):
        (folder / f"{name}.csv").unlink()
    ds = load_dataset(folder)
    assert not ds.has("categories") and ds.categories is not None  # built from the ids referred to
    assert sorted(ds.categories.ids.tolist()) == ["beauty", "beauty.skincare", "fashion", "fashion.shoes"]
    assert (ds.categories["parent_id"] == -1).all()  # unknown, not invented
    assert ds.videos is None and not ds.has("videos")


def test_row_order_does_not_matter(tmp_path: Path, overlay) -> None:
    a = load_dataset(DATA / "valid")
    folder = overlay()
    for f in folder.glob("*.csv"):
        lines = f.read_text().splitlines(keepends=True)
        body = lines[1:]
        random.Random(7).shuffle(body)
        f.write_text(lines[0] + "".join(body))
    b = load_dataset(folder)
    assert a.fingerprint != b.fingerprint
    for name, table in a.tables.items():
        for col, values in table.columns.items():
            np.testing.assert_array_equal(values, b.tables[name][col], err_msg=f"{name}.{col}")


def test_lenient_mode_drops_bad_and_dependent_rows(tmp_path: Path, overlay) -> None:
    folder = overlay("broken/wrong_field_count")
    rejects = tmp_path / "rejects.csv"
    ds = load_dataset(folder, lenient=True, rejects_path=rejects)
    report = ds.report
    assert report.rows_rejected == {"categories": 0, "creators": 0, "brands": 1, "products": 1, "campaigns": 1,
                                    "collaborations": 2, "videos": 0}
    for name in report.rows_read:
        assert report.rows_read[name] == report.rows_loaded[name] + report.rows_rejected[name]
        assert report.rows_loaded[name] == len(ds.tables[name])
    with rejects.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == sum(report.rows_rejected.values())
    got = {(r["file"], r["line"]): r for r in rows}
    assert got[("brands.csv", "3")]["reasons"] == "has 5 field(s); the header has 4"
    assert got[("brands.csv", "3")]["record"] == "B02,Langkah,MY,fashion.shoes,extra"
    assert "refers to a rejected row of brands.csv" in got[("products.csv", "3")]["reasons"]
    # the video of C003 hangs on nothing rejected; V004 is organic and stays
    assert "V004" in ds.videos.ids


def test_lenient_cli_prints_counts(tmp_path: Path, overlay) -> None:
    folder = overlay("broken/unknown_status")
    rejects = tmp_path / "out" / "rejects.csv"
    result = CliRunner().invoke(cli, ["validate", str(folder), "--lenient", "--rejects", str(rejects)])
    assert result.exit_code == 0, result.output
    assert "Rejected 1 of 4 rows of collaborations.csv" in result.output
    assert rejects.is_file()


def test_help_and_version() -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["--version"]).exit_code == 0
    for command in cli.commands:
        result = runner.invoke(cli, [command, "--help"])
        assert result.exit_code == 0 and len(result.output) > 100, command
