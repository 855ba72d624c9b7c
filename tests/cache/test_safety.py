"""The cache under stress, through the real program: concurrent cold runs, an unwritable
cache folder, damaged entries (docs/cache.md, "Safety")."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from creatormatch.data.loader import load_dataset

from .conftest import cli_env, command


def _brand(market: Path) -> str:
    return load_dataset(market).brands["brand_id"][0]


def _entries(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.iterdir() if p.suffix in (".npz", ".data"))


def test_two_concurrent_cold_runs_give_the_same_answer_and_one_sound_entry(market, cache, cm):
    brand = _brand(market)
    args = command("match", "--data", market, "--brand", brand, "--format", "json")
    procs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=cli_env(cache)) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert "Traceback" not in err
    assert outs[0][0] == outs[1][0] and json.loads(outs[0][0])[brand]
    fp = load_dataset(market).fingerprint
    assert _entries(cache) == [f"{fp}.data", f"{fp}.npz"]
    # the lock made the second run wait and re-use the first one's model: built once
    assert sum("Building the match model" in err for _, err in outs) == 1
    assert not [p.name for p in cache.iterdir() if p.name.startswith(".")]   # no temporary leftovers
    verify = cm("cache", "verify")
    assert verify.returncode == 0, verify.stderr
    warm = cm("match", "--data", market, "--brand", brand, "--format", "json")
    assert warm.returncode == 0 and warm.stdout == outs[0][0] and warm.stderr == ""


def test_concurrent_cold_copies_without_the_lock_keep_one_whole_entry(market, cache):
    """Two writers racing on the same copy (no lock): the rename decides, nothing is mixed."""
    from concurrent.futures import ThreadPoolExecutor

    from creatormatch.cache.columnar import read_copy, verify_copy, write_copy
    from creatormatch.cache.location import data_entry

    dataset = load_dataset(market)
    target = data_entry(dataset.fingerprint)
    with ThreadPoolExecutor(4) as pool:
        done = list(pool.map(lambda _i: write_copy(dataset, target, "test"), range(8)))
    assert done == [target] * 8
    assert verify_copy(target) == []
    assert read_copy(target, market, "test").n_creators == dataset.n_creators
    assert [p.name for p in target.parent.iterdir()] == [target.name]


def test_an_unwritable_cache_still_works_with_one_message(market, cm, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("the cache folder would have to be inside this file\n")
    unwritable = blocker / "cache"
    brand = _brand(market)
    run = cm("match", "--data", market, "--brand", brand, "--format", "json", env_cache=unwritable)
    assert run.returncode == 0, run.stderr
    notes = [ln for ln in run.stderr.splitlines() if "cannot be written" in ln]
    assert len(notes) == 1, run.stderr
    assert "Traceback" not in run.stderr and "Error" not in run.stderr
    normal = cm("match", "--data", market, "--brand", brand, "--format", "json")
    assert run.stdout == normal.stdout
    for args in (["scores", "--data", market, "--top", "3"], ["info", market]):
        other = cm(*args, env_cache=unwritable)
        assert other.returncode == 0, other.stderr
        assert sum("cannot be written" in ln for ln in other.stderr.splitlines()) == 1


@pytest.mark.parametrize("damage", ["truncated", "emptied", "manifest removed", "bytes changed"])
def test_a_damaged_copy_is_detected_and_rebuilt_never_served(damage, market, cache, cm):
    brand = _brand(market)
    first = cm("scores", "--data", market, "--top", "5", "--format", "json")
    assert first.returncode == 0, first.stderr
    fp = load_dataset(market).fingerprint
    copy = cache / f"{fp}.data"
    victim = copy / "creators.arrow"
    raw = victim.read_bytes()
    if damage == "truncated":
        victim.write_bytes(raw[: len(raw) // 2])
    elif damage == "emptied":
        victim.write_bytes(b"")
    elif damage == "manifest removed":
        (copy / "manifest.json").unlink()
    else:                                           # same size, other bytes (in the id column)
        i = raw.index(b"C\x00\x00\x00")          # ids are stored as UCS-4, as numpy holds them
        victim.write_bytes(raw[:i] + b"Z" + raw[i + 1:])
    again = cm("scores", "--data", market, "--top", "5", "--format", "json")
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout                        # the right answer, not the damaged one
    assert "not usable" in again.stderr or damage == "manifest removed"
    assert cm("cache", "verify").returncode == 0              # rebuilt whole
    ok = cm("match", "--data", market, "--brand", brand, "--format", "json")
    assert ok.returncode == 0, ok.stderr


def test_a_truncated_model_in_the_cache_is_rebuilt(market, cache, cm):
    brand = _brand(market)
    first = cm("match", "--data", market, "--brand", brand, "--format", "json")
    fp = load_dataset(market).fingerprint
    model = cache / f"{fp}.npz"
    model.write_bytes(model.read_bytes()[:-100])
    again = cm("match", "--data", market, "--brand", brand, "--format", "json")
    assert again.returncode == 0 and again.stdout == first.stdout
    assert "Cached model not usable" in again.stderr


def test_a_changed_byte_in_a_sealed_model_is_caught_once_its_state_changes(market, cache, cm):
    """The seal skips the full digest only while the file keeps its state; any write changes it."""
    brand = _brand(market)
    first = cm("match", "--data", market, "--brand", brand, "--format", "json")
    fp = load_dataset(market).fingerprint
    model = cache / f"{fp}.npz"
    raw = bytearray(model.read_bytes())
    raw[len(raw) // 2] ^= 0x5A                      # inside the arrays
    with open(model, "r+b") as fh:                  # in place: same inode, same size
        fh.write(raw)
    again = cm("match", "--data", market, "--brand", brand, "--format", "json")
    assert again.returncode == 0 and again.stdout == first.stdout
    assert "Cached model not usable" in again.stderr


def test_cache_verify_finds_damage_the_metadata_check_cannot_see(market, cache, cm):
    """A changed byte with every state restored is invisible to the quick check by design;
    'cache verify' re-reads everything, reports it (exit 2) and removes the entry."""
    cm("scores", "--data", market, "--top", "1")
    fp = load_dataset(market).fingerprint
    victim = cache / f"{fp}.data" / "creators.arrow"
    raw = bytearray(victim.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    st = os.stat(victim)
    with open(victim, "r+b") as fh:
        fh.write(raw)
    os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns))
    run = cm("cache", "verify", "--keep")
    assert run.returncode == 2 and "CRC-32" in run.stderr and run.stderr.count("Error:") == 1
    assert victim.exists()
    run = cm("cache", "verify")
    assert run.returncode == 2 and "removed" in run.stderr
    assert not (cache / f"{fp}.data").exists()
    assert cm("cache", "verify").returncode == 0


def test_cache_info_and_clear(market, cache, cm):
    empty = cm("cache", "info", "--format", "json")
    assert empty.returncode == 0 and json.loads(empty.stdout)["entries"] == []
    cm("match", "--data", market, "--brand", _brand(market))
    info = json.loads(cm("cache", "info", "--format", "json").stdout)
    fp = load_dataset(market).fingerprint
    [entry] = info["entries"]
    assert entry["fingerprint"] == fp and entry["copy_bytes"] > 0 and entry["model_bytes"] > 0
    assert entry["folders"] == [str(market.resolve())]
    table = cm("cache", "info")
    assert fp in table.stdout and str(market.resolve()) in table.stdout
    cleared = cm("cache", "clear")
    assert cleared.returncode == 0 and "Removed" in cleared.stdout
    assert json.loads(cm("cache", "info", "--format", "json").stdout)["entries"] == []
    assert [p.name for p in cache.iterdir()] == []


_MODULES_AFTER = (
    "import io, contextlib, json, sys\n"
    "from creatormatch.cli import main\n"
    "sys.argv = ['creatormatch', *sys.argv[1:]]\n"
    "with contextlib.redirect_stdout(io.StringIO()):\n"
    "    try:\n"
    "        main()\n"
    "    except SystemExit as exc:\n"
    "        assert not exc.code, exc.code\n"
    "print(json.dumps(sorted(sys.modules)))\n"
)


@pytest.mark.parametrize("args", [["match", "--brand", "BRAND"], ["similar", "--creator", "CREATOR"]])
def test_a_warm_match_imports_only_what_it_needs(args, market, cache, cm):
    ds = load_dataset(market)
    fill = {"BRAND": ds.brands["brand_id"][0], "CREATOR": ds.creators["creator_id"][0]}
    argv = [fill.get(a, a) for a in args] + ["--data", str(market)]
    assert cm(*argv).returncode == 0                             # first use: ingest and build
    import sys

    run = subprocess.run([sys.executable, "-c", _MODULES_AFTER, *argv], capture_output=True, text=True,
                         env=cli_env(cache), timeout=300)
    assert run.returncode == 0, run.stderr
    loaded = set(json.loads(run.stdout.splitlines()[-1]))
    heavy = {"networkx", "implicit", "matplotlib", "neo4j", "pyarrow", "scipy.special", "scipy.stats"}
    # match ranks with the learned ranker when the model has one: it needs lightgbm (about
    # 0.2 s to import); it prices its rows (rate, fair rate) from the price book stored in
    # the model, so it reads neither the dataset's columnar copy (pyarrow) nor scipy.special.
    # similar needs no lightgbm either
    if args[0] != "match":
        heavy.add("lightgbm")
    assert not loaded & heavy, sorted(loaded & heavy)
    # nor the modules of other commands, nor the CSV loader
    assert not loaded & {"creatormatch.cli.evaluate", "creatormatch.cli.neo4jcmds", "creatormatch.cli.generate",
                         "creatormatch.evaluate", "creatormatch.store", "creatormatch.data.loader"}, loaded
