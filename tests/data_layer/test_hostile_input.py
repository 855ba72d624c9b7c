"""Hostile CSV input: whatever the bytes, the loader loads or raises DataError — nothing else.

Property-based (hypothesis) over raw bytes and over structured mutations of a valid file,
plus the named nasty cases: truncation, NUL bytes, huge numbers, NaN/inf, 0000-00-00,
mixed encodings, a 100 MB field, duplicate headers, header case and blank variants.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creatormatch.cli import cli
from creatormatch.data import load_dataset
from creatormatch.errors import DataError

VALID = Path(__file__).parents[1] / "data" / "valid"
FILES = ["creators.csv", "brands.csv", "collaborations.csv", "videos.csv", "categories.csv"]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _load_or_data_error(folder: Path, **kw):
    try:
        return load_dataset(folder, **kw)
    except DataError as exc:
        assert str(exc)  # always a message
        return None


def _fresh(tmp_path: Path, tag: str) -> Path:
    out = tmp_path / tag
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(VALID, out)
    return out


@FUZZ
@given(name=st.sampled_from(FILES), payload=st.binary(max_size=600))
def test_random_bytes_never_crash(tmp_path: Path, name: str, payload: bytes) -> None:
    folder = _fresh(tmp_path, "bytes")
    (folder / name).write_bytes(payload)
    _load_or_data_error(folder)


@FUZZ
@given(name=st.sampled_from(FILES), cut=st.integers(min_value=0, max_value=400),
       insert=st.binary(max_size=12), at=st.integers(min_value=0, max_value=400))
def test_mutated_valid_files_never_crash(tmp_path: Path, name: str, cut: int, insert: bytes, at: int) -> None:
    folder = _fresh(tmp_path, "mutate")
    data = (VALID / name).read_bytes()
    data = data[:at] + insert + data[at:]
    data = data[: len(data) - cut] if cut < len(data) else data  # truncation
    (folder / name).write_bytes(data)
    _load_or_data_error(folder)


CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "NaN", "inf", "-inf", "1e309", "99999999999999999999999", "-1", "0000-00-00",
                     "2024-02-30", "NaT", "nat", "2024-01-01T25:00:00", " 7 ", "1_000", "0x10", "\x00",
                     "2024-01-01T10:00:00+25:00", "2024-01-01T10:00:00Z", "completed", "ID", "C001", "B01"]),
)


@FUZZ
@given(row=st.lists(CELL, min_size=1, max_size=16), name=st.sampled_from(FILES))
def test_hostile_cells_in_an_appended_row(tmp_path: Path, row: list[str], name: str) -> None:
    folder = _fresh(tmp_path, "cells")
    buf = io.StringIO()
    csv.writer(buf).writerow(row)
    with (folder / name).open("a", encoding="utf-8", errors="surrogatepass", newline="") as fh:
        fh.write(buf.getvalue())
    strict = _load_or_data_error(folder)
    lenient = _load_or_data_error(folder, lenient=True, rejects_path=tmp_path / "rejects.csv")
    if lenient is not None:  # lenient accounting always balances
        rep = lenient.report
        for f in rep.rows_read:
            assert rep.rows_read[f] == rep.rows_loaded[f] + rep.rows_rejected[f]
    if strict is not None:
        assert lenient is not None


@FUZZ
@given(bad=st.lists(st.tuples(st.sampled_from(["followers", "market", "creator_id", "joined_at", "width"]),
                              st.integers(0, 3)), max_size=4))
def test_lenient_accounting_balances(tmp_path: Path, bad: list[tuple[str, int]]) -> None:
    """rows read = rows loaded + rows in rejects.csv, for every file, whatever is broken."""
    folder = _fresh(tmp_path, "acct")
    lines = (VALID / "creators.csv").read_text().splitlines()
    header = lines[0].split(",")
    rows = [ln.split(",") for ln in lines[1:]]
    for column, i in bad:
        if column == "width":
            rows[i].append("x")
        else:
            rows[i][header.index(column)] = {"followers": "-3", "market": "Mars", "creator_id": "",
                                             "joined_at": "yesterday"}[column]
    (folder / "creators.csv").write_text("\n".join([lines[0]] + [",".join(r) for r in rows]) + "\n")
    rejects = tmp_path / "rejects.csv"
    try:
        ds = load_dataset(folder, lenient=True, rejects_path=rejects)
    except DataError as exc:  # every creator rejected: nothing to load, and it says so
        assert "every row of creators.csv (4 of 4)" in str(exc)
        assert len({i for _, i in bad}) == 4
        rejects.unlink(missing_ok=True)
        return
    rep = ds.report
    n_rejects = 0
    if rejects.exists() and rep.rejects_path is not None:
        with rejects.open(newline="", encoding="utf-8") as fh:
            n_rejects = sum(1 for _ in csv.DictReader(fh))
    for f in rep.rows_read:
        assert rep.rows_read[f] == rep.rows_loaded[f] + rep.rows_rejected[f] == len(ds.tables[f]) + rep.rows_rejected[f]
    assert n_rejects == sum(rep.rows_rejected.values())
    if rejects.exists():
        rejects.unlink()


@pytest.mark.parametrize("payload", [
    b"creator_id,handle,market,followers\nC001,a,ID,1\nC002,b,ID,",      # truncated mid-row (empty required)
    b'creator_id,handle,market,followers\nC001,"unterminated,ID,1\n',     # truncated inside quotes
    "creator_id,handle,market,followers\nC001,caf\u00e9,ID,1\n".encode("utf-8")
    + "C002,caf\u00e9,ID,2\n".encode("cp1252"),                          # mixed encodings
    b"creator_id,creator_id,market,followers\nC001,C001,ID,1\n",          # duplicate header
    b"\xff\xfec\x00r\x00",                                               # UTF-16
    b"creator_id,handle,market,followers\nC001,a,ID,1e400\n",
    b"creator_id,handle,market,followers\nC001,a,ID,18446744073709551617\n",
])
def test_named_nasty_inputs_give_data_error(tmp_path: Path, payload: bytes) -> None:
    folder = _fresh(tmp_path, "nasty")
    (folder / "creators.csv").write_bytes(payload)
    with pytest.raises(DataError):
        load_dataset(folder)
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_header_blanks_are_trimmed_but_case_is_kept(tmp_path: Path) -> None:
    folder = _fresh(tmp_path, "hdr")
    text = (VALID / "brands.csv").read_text()
    (folder / "brands.csv").write_text(text.replace("brand_id,name,market", " brand_id ,\tname, market"))
    assert load_dataset(folder).n_brands == 2
    (folder / "brands.csv").write_text(text.replace("brand_id,name", "Brand_ID,name"))
    with pytest.raises(DataError, match="found 'Brand_ID': column names are case-sensitive"):
        load_dataset(folder)


@pytest.mark.slow
def test_a_100_mb_field_is_read_and_reported_briefly(tmp_path: Path) -> None:
    folder = _fresh(tmp_path, "huge")
    text = (VALID / "creators.csv").read_text()
    huge = "x" * (100 * 1024 * 1024)
    (folder / "creators.csv").write_text(text.replace("kl_kicks,MY,3200", f"kl_kicks,MY,{huge}"))
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    message = str(info.value)
    assert "creators.csv:4: column 'followers': value is too long (at most 100 characters)" in message
    assert len(message) < 2000  # the value is clipped, not echoed in full
