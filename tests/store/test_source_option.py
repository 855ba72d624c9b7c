"""``build --source neo4j`` and ``match --source neo4j`` give what the CSV folder gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from creatormatch.cli import cli

pytestmark = pytest.mark.neo4j


def test_match_from_neo4j_equals_match_from_csv(loaded_sample, sample_dir: Path, tmp_path: Path,
                                                  monkeypatch) -> None:
    monkeypatch.setenv("CREATORMATCH_CACHE", str(tmp_path / "cache"))
    runner = CliRunner()
    brand = str(loaded_sample.brands.ids[0])
    from_csv = runner.invoke(cli, ["match", "--brand", brand, "--data", str(sample_dir), "--format", "json"])
    from_graph = runner.invoke(cli, ["match", "--brand", brand, "--source", "neo4j", "--format", "json"])
    assert from_csv.exit_code == 0, from_csv.output
    assert from_graph.exit_code == 0, from_graph.output
    a = json.loads(from_csv.stdout)
    b = json.loads(from_graph.stdout)
    assert a == b and len(a[brand]) == 10


def test_build_from_neo4j_writes_a_model_usable_with_the_csv_folder(loaded_sample, sample_dir: Path,
                                                                     tmp_path: Path) -> None:
    runner = CliRunner()
    model = tmp_path / "model.npz"
    built = runner.invoke(cli, ["build", "--source", "neo4j", "--out", str(model)])
    assert built.exit_code == 0, built.output
    brand = str(loaded_sample.brands.ids[1])
    used = runner.invoke(cli, ["match", "--brand", brand, "--data", str(sample_dir), "--model", str(model),
                               "--format", "json"])
    assert used.exit_code == 0, used.output  # same fingerprint: the CSV folder accepts it


def test_a_model_built_from_neo4j_never_holds_the_password(loaded_sample, tmp_path: Path) -> None:
    import zipfile

    from creatormatch.store import StoreConfig

    password = StoreConfig.from_env().password
    assert password
    model = tmp_path / "model.npz"
    built = CliRunner().invoke(cli, ["build", "--source", "neo4j", "--out", str(model)])
    assert built.exit_code == 0, built.output
    assert password not in built.output
    raw = model.read_bytes()
    assert password.encode() not in raw
    with zipfile.ZipFile(model) as zf:  # members may be compressed: look inside each one
        for name in zf.namelist():
            data = zf.read(name)
            for encoding in ("utf-8", "utf-32-le"):  # numpy stores unicode arrays as UTF-32
                assert password.encode(encoding) not in data, name
