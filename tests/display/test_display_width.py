"""Tables stay aligned on wide characters, emoji and long ids (terminal display width)."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from click.testing import CliRunner

from creatormatch.cli import cli
from creatormatch.display import clean, display_width, format_table, pad, truncate

LONG_ID = "C" + "x" * 38 + "9"            # 40 characters
NAMES = ["뷰티하우스", "🌸✨ bloom", "plain", "Ёлка", "👩‍👩‍👧 fam", LONG_ID]


def col_of(line: str, text: str) -> int:
    """Display column at which ``text`` starts in ``line``."""
    return display_width(line[:line.index(text)])


def test_width_of_wide_and_narrow_text():
    assert display_width("abc") == 3
    assert display_width("뷰티") == 4            # Hangul: two columns each
    assert display_width("中文") == 4
    assert display_width("😀") == 2
    assert display_width("👩‍👩‍👧") == 2            # one emoji made of three joined ones
    assert display_width("e\u0301") == 1         # a combining accent takes no column
    assert display_width(LONG_ID) == 40
    assert clean("a\nb\tc") == "a?b?c"           # a line break would break the row


def test_pad_and_truncate_use_columns():
    assert pad("뷰티", 6) == "뷰티  "
    assert pad("😀", 4, "right") == "  😀"
    cut = truncate("한국어한국어", 7)
    assert cut == "한국어…" and display_width(cut) == 7
    assert truncate("short", 7) == "short"


def test_format_table_aligns_every_column():
    rows = [[name, str(10 ** i), f"v{i}"] for i, name in enumerate(NAMES)]
    lines = format_table(["name", "n", "tag"], rows, ["left", "right", "left"]).split("\n")
    assert len(lines) == 2 + len(NAMES)
    # the right-aligned column ends, and the next one starts, at the same column on every line
    n_end = {col_of(line, f"v{i}") for i, line in enumerate(lines[2:])}
    assert n_end == {col_of(lines[0], "tag")}
    assert {display_width(line) for line in lines[2:]} == {col_of(lines[0], "tag") + 2}


def write_csv(path, header, rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def wide_market(tmp_path):
    """Eight creators with emoji, CJK, Cyrillic handles and a 40-character id, three brands."""
    rng = np.random.default_rng(3)
    ids = [f"C{i}" for i in range(7)] + [LONG_ID]
    handles = NAMES + ["中文名字", "x"]
    write_csv(tmp_path / "creators.csv", ["creator_id", "handle", "market", "followers"],
              [[cid, handles[i], "ID", 1000 * (i + 1)] for i, cid in enumerate(ids)])
    write_csv(tmp_path / "brands.csv", ["brand_id", "name", "market"], [[f"B{j}", f"브랜드 {j}", "ID"] for j in range(3)])
    collabs = []
    for n in range(40):
        collabs.append([f"X{n}", f"B{n % 3}", ids[int(rng.integers(0, 8))], f"2024-{1 + n % 12:02d}-03T10:00:00",
                        ["completed", "declined", "expired", "accepted"][n % 4]])
    write_csv(tmp_path / "collaborations.csv", ["collaboration_id", "brand_id", "creator_id", "invited_at", "status"],
              collabs)
    return tmp_path


def test_scores_table_aligned(wide_market, monkeypatch, tmp_path):
    monkeypatch.setenv("CREATORMATCH_CACHE", str(tmp_path / "cache"))
    res = CliRunner().invoke(cli, ["scores", "--data", str(wide_market), "--top", "0", "--sort", "followers"],
                             catch_exceptions=False)
    assert res.exit_code == 0
    lines = res.stdout.rstrip("\n").split("\n")
    head, rule, body = lines[0], lines[1], lines[2:]
    handles = ["x", "中文名字"] + NAMES[::-1]       # most followers first
    assert len(body) == len(handles)
    assert body[0].startswith(LONG_ID) and len(rule.split("  ")[0]) == 40
    handle_col, mkt_col = col_of(head, "handle"), col_of(head, "mkt")
    for line, handle in zip(body, handles):
        assert col_of(line, "  " + handle) + 2 == handle_col, line
        assert col_of(line, " ID ") + 1 == mkt_col, line
        assert display_width(line) == display_width(rule), line    # last column right-aligned


def test_match_table_aligned(wide_market, monkeypatch, tmp_path):
    monkeypatch.setenv("CREATORMATCH_CACHE", str(tmp_path / "cache"))
    res = CliRunner().invoke(cli, ["match", "--data", str(wide_market), "--brand", "B0", "--top", "8"],
                             catch_exceptions=False)
    assert res.exit_code == 0
    table = [line for line in res.stdout.split("\n")[1:] if line and not line.lstrip().startswith("- ")]
    head, body = table[0], table[1:]
    assert any(LONG_ID in line for line in body) and any("뷰티하우스" in line for line in body)
    handle_col, mkt_col = col_of(head, "handle"), col_of(head, "mkt")
    for line in body:
        assert col_of(line, " ID ") + 1 == mkt_col, line
        cid = line.split()[1]
        assert col_of(line, cid) == col_of(head, "creator"), line
        assert col_of(line, cid) + display_width(cid) < handle_col, line
        assert display_width(line) == display_width(head), line    # last column right-aligned
