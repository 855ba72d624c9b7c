"""The resolver's rules through the commands: every command finds things the same way."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from creatormatch.data.loader import load_dataset


def test_brand_names_in_any_case_in_match_explain_and_plan(run, small_market: Path) -> None:
    dataset = load_dataset(small_market)
    names, counts = np.unique(np.char.lower(dataset.brands["name"]), return_counts=True)
    name = str(names[counts == 1][0])
    row = int(np.flatnonzero(np.char.lower(dataset.brands["name"]) == name)[0])
    brand_id = str(dataset.brands.ids[row])
    by_name = run("match", "--brand", name.upper(), "--data", small_market, "--format", "json")
    assert by_name.exit_code == 0, by_name.output
    assert list(json.loads(by_name.stdout)) == [brand_id]               # keyed by the id, as documented
    by_id = run("match", "--brand", brand_id.lower(), "--data", small_market, "--format", "json")
    assert by_id.stdout == by_name.stdout
    found = run("brands", "--search", name[:4], "--data", small_market, "--format", "json")
    assert brand_id in [b["brand_id"] for b in json.loads(found.stdout)]


def test_a_parent_category_covers_its_subcategories_everywhere(run, small_market: Path) -> None:
    dataset = load_dataset(small_market)
    market = str(dataset.creators["market"][0])
    for args in (["influencers", "--category", "Beauty"], ["scores", "--category", "BEAUTY"],
                 ["pricing", "--category", "beauty"], ["creators", "--category", "Beauty"]):
        result = run(*args, "--market", market.lower(), "--data", small_market, "--format", "json")
        assert result.exit_code == 0, (args, result.output)
        assert len(json.loads(result.stdout)) > 0, args
    rows = json.loads(run("influencers", "--category", "beauty", "--data", small_market, "--format", "json").stdout)
    assert len({r["category"] for r in rows}) > 1                       # creators of several subcategories


def test_market_alias_is_read_with_a_warning(run, small_market: Path) -> None:
    result = run("scores", "--market", "uk", "--data", small_market, "--format", "json")
    assert result.exit_code == 0, result.output
    assert "Warning: market 'uk' read as 'GB'" in result.stderr
    assert {r["market"] for r in json.loads(result.stdout)} == {"GB"}
    zz = run("creators", "--market", "ZZ", "--data", small_market)
    assert zz.exit_code == 2 and "not an ISO 3166-1" in zz.stderr


def test_nonsense_suggests_nothing(run, small_market: Path) -> None:
    result = run("match", "--brand", "B00001", "--category", "nonsense", "--data", small_market)
    assert result.exit_code == 2
    assert "unknown category 'nonsense'; no close match" in result.stderr
    typo = run("influencers", "--category", "beuty", "--data", small_market)
    assert typo.exit_code == 2 and "did you mean: Beauty?" in typo.stderr
