"""Every CSV or JSON export returns all its rows by default, or says on stderr that it did not."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest


def _count(result, fmt: str) -> int:
    if fmt == "csv":
        return len(list(csv.DictReader(io.StringIO(result.stdout))))
    data = json.loads(result.stdout)
    if isinstance(data, dict):   # {brand_id: [...]} or {creator_id: [...]}
        return sum(len(v) for v in data.values())
    return len(data)


def _left_out(stderr: str) -> int:
    found = re.search(r"Note: ([\d,]+) more rows? left out of this (CSV|JSON); --top 0", stderr)
    return int(found.group(1).replace(",", "")) if found else 0


def _ids(small_market: Path) -> tuple[str, str]:
    from creatormatch.data.loader import load_dataset

    import numpy as np

    dataset = load_dataset(small_market)
    markets, sizes = np.unique(dataset.creators["market"], return_counts=True)
    biggest = markets[np.argmax(sizes)]                      # many candidates: more than a default page
    brand = dataset.brands.ids[np.flatnonzero(dataset.brands["market"] == biggest)[0]]
    creator = dataset.creators.ids[np.flatnonzero(dataset.creators["market"] == biggest)[0]]
    return str(brand), str(creator)


LISTS = [["scores"], ["influencers", "--category", "beauty"], ["pricing"], ["brands"], ["creators"],
         ["scores", "--market", "ID"], ["creators", "--category", "beauty"]]


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("args", LISTS, ids=lambda a: " ".join(a))
def test_lists_export_every_row_by_default(run, small_market: Path, args: list[str], fmt: str) -> None:
    default = run(*args, "--data", small_market, "--format", fmt)
    everything = run(*args, "--data", small_market, "--format", fmt, "--top", "0")
    assert default.exit_code == 0 and everything.exit_code == 0, default.output
    n = _count(default, fmt)
    assert n == _count(everything, fmt) and n > 20            # more than a table shows
    assert _left_out(default.stderr) == 0
    table = run(*args, "--data", small_market)
    assert f"of {n:,}" in table.stdout and "--top 0 for all" in table.stdout   # the table says it is cut


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("command", ["match", "similar"])
def test_ranked_exports_say_what_they_left_out(run, small_market: Path, command: str, fmt: str) -> None:
    brand, creator = _ids(small_market)
    who = ["--brand", brand] if command == "match" else ["--creator", creator]
    default = run(command, *who, "--data", small_market, "--format", fmt)
    everything = run(command, *who, "--data", small_market, "--format", fmt, "--top", "0")
    assert default.exit_code == 0 and everything.exit_code == 0, default.output
    n, total = _count(default, fmt), _count(everything, fmt)
    assert n == 10 < total
    assert _left_out(default.stderr) == total - n            # says how many and how to get them
    assert _left_out(everything.stderr) == 0


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_plan_exports_every_chosen_creator(run, small_market: Path, fmt: str) -> None:
    brand, _ = _ids(small_market)
    result = run("plan", "--brand", brand, "--budget", "5000", "--data", small_market, "--format", fmt)
    assert result.exit_code == 0, result.output
    json_plan = json.loads(run("plan", "--brand", brand, "--budget", "5000", "--data", small_market,
                               "--format", "json").stdout)
    chosen = sum(len(entry["creators"]) for entry in json_plan.values())
    if fmt == "csv":
        assert _count(result, "csv") == chosen
    assert _left_out(result.stderr) == 0


def test_out_file_gets_the_same_rows(run, small_market: Path, tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    result = run("scores", "--data", small_market, "--format", "csv", "--out", out)
    assert result.exit_code == 0 and f"Wrote {out}" in result.stderr
    text = out.read_text(encoding="utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(text)))) == 300
