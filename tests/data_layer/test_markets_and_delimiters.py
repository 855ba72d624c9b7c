"""Data import: ISO 3166-1 market codes (aliases read with a warning, others refused with
their line), a hint when a file is not comma-separated, and a lenient load that rejects a
whole required file is a failure, not a success."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from creatormatch.cli import cli
from creatormatch.data.loader import load_dataset
from creatormatch.data.markets import ISO_3166_1, canonical_market
from creatormatch.errors import DataError


def _set_market(folder: Path, line: int, code: str) -> None:
    path = folder / "creators.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    cells = rows[line - 1].split(",")
    cells[2] = code
    rows[line - 1] = ",".join(cells)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_the_iso_list() -> None:
    assert len(ISO_3166_1) == 249
    assert {"GB", "ID", "VN", "US", "SG"} <= ISO_3166_1 and not {"UK", "ZZ", "XX", "EU"} & ISO_3166_1
    assert canonical_market(" uk ") == ("GB", "UK") and canonical_market("el") == ("GR", "EL")


def test_uk_is_read_as_gb_with_a_warning_naming_the_file_and_line(overlay) -> None:
    folder = overlay()
    _set_market(folder, 4, "UK")
    _set_market(folder, 5, "uk")
    dataset = load_dataset(folder)
    assert dataset.creators["market"].tolist()[2:] == ["GB", "GB"]
    assert "creators.csv:4: market 'UK' read as 'GB' (the ISO 3166-1 code) on 2 rows" in dataset.warnings
    result = CliRunner().invoke(cli, ["validate", "--data", str(folder)], catch_exceptions=False)
    assert result.exit_code == 0 and "Warning: creators.csv:4: market 'UK' read as 'GB'" in result.stderr


@pytest.mark.parametrize("code", ["ZZ", "XX", "QM", "U1", "GBR"])
def test_codes_that_are_not_iso_are_refused_with_their_line(overlay, code: str) -> None:
    folder = overlay()
    _set_market(folder, 3, code)
    with pytest.raises(DataError, match=rf"creators.csv:3: column 'market': not an ISO 3166-1 alpha-2 market code.*'{code}'"):
        load_dataset(folder)


@pytest.mark.parametrize("sep, name", [(";", "semicolons"), ("\t", "tabs")])
def test_a_file_separated_by_another_delimiter_gets_a_hint(overlay, sep: str, name: str) -> None:
    folder = overlay()
    path = folder / "brands.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", sep), encoding="utf-8")
    with pytest.raises(DataError, match=rf"brands.csv:1: column 'brand_id': required column is missing from the "
                                        rf"header \(the header looks separated by {name}, not commas"):
        load_dataset(folder)
    result = CliRunner().invoke(cli, ["validate", "--data", str(folder)], catch_exceptions=False)
    assert result.exit_code == 2 and f"separated by {name}" in result.stderr


def test_lenient_fails_when_every_row_of_a_required_file_is_rejected(overlay, tmp_path: Path) -> None:
    folder = overlay()
    for line in (2, 3, 4, 5):
        _set_market(folder, line, "ZZ")
    rejects = tmp_path / "rejects.csv"
    result = CliRunner().invoke(cli, ["validate", "--data", str(folder), "--lenient", "--rejects", str(rejects)],
                                catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert "every row of creators.csv (4 of 4)" in result.stderr and "was rejected" in result.stderr
    assert rejects.is_file()                                # the reasons are still written
    _set_market(folder, 2, "ID")                            # one creator left: a (small) success
    result = CliRunner().invoke(cli, ["validate", "--data", str(folder), "--lenient", "--rejects", str(rejects)],
                                catch_exceptions=False)
    assert result.exit_code == 0 and "rejected" in result.stdout
