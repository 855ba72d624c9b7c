"""Model artifacts under stress, through the real program: a killed ``build`` never leaves
a partial model, damaged or foreign files are refused with one clear line (exit 2), and
readers keep working while ``build`` replaces the model they read."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from creatormatch.data.loader import load_dataset
from creatormatch.errors import ModelError
from creatormatch.recommend import Matcher, load_model, save_model
from creatormatch.recommend.model import read_header
from creatormatch.recommend.params import MatchParams

from .conftest import cli_env, command

# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def dataset_a(small_market):
    return load_dataset(small_market)


@pytest.fixture(scope="module")
def dataset_b(other_market):
    return load_dataset(other_market)


@pytest.fixture(scope="module")
def model_a(dataset_a, tmp_path_factory) -> Path:
    """A complete model of market A (keep it read-only: tests copy it)."""
    return save_model(Matcher.from_dataset(dataset_a).model, tmp_path_factory.mktemp("model_a") / "a.npz")


@pytest.fixture(scope="module")
def model_a2(dataset_a, tmp_path_factory) -> Path:
    """Another model of market A (other seed): same fingerprint, other bytes."""
    params = MatchParams(random_state=7)
    return save_model(Matcher.from_dataset(dataset_a, params).model, tmp_path_factory.mktemp("model_a2") / "a2.npz")


def _brand(dataset) -> str:
    return str(dataset.brands["brand_id"][0])


def _assert_refused(run, needle: str) -> None:
    assert run.returncode == 2, str(run)
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout, str(run)
    assert run.stdout == "", str(run)                        # no partial result
    errors = [ln for ln in run.stderr.splitlines() if ln.startswith("Error:")]
    assert len(errors) == 1 and needle in errors[0], str(run)
    assert "creatormatch build" in errors[0], "the message names the fix"


def _zip_member_data_offset(path: Path, member: str) -> int:
    """Byte offset of ``member``'s stored data inside the (uncompressed) zip at ``path``."""
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    with open(path, "rb") as fh:
        fh.seek(info.header_offset + 26)
        name_len, extra_len = np.frombuffer(fh.read(4), "<u2")
    return info.header_offset + 30 + int(name_len) + int(extra_len)


def _arrays(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


# --------------------------------------------------------------------------- atomic writes


_PAUSE_AFTER_FSYNC = (
    "import os, sys, time\n"
    "real = os.fsync\n"
    "def paused(fd):\n"
    "    real(fd)\n"
    "    if '.model.npz.' not in os.readlink(f'/proc/self/fd/{fd}'):\n"
    "        return  # the dataset's columnar copy in the cache, not the model\n"
    "    sys.stderr.write('FSYNCED\\n'); sys.stderr.flush()\n"
    "    time.sleep(120)\n"
    "os.fsync = paused\n"
    "sys.argv = ['creatormatch'] + sys.argv[1:]\n"
    "from creatormatch.cli import main\n"
    "main()\n"
)


@pytest.mark.parametrize("existing", [True, False], ids=["replacing", "new-file"])
def test_build_killed_after_writing_before_renaming_leaves_the_old_model(existing, other_market, model_a, tmp_path):
    """``build`` is stopped at the worst moment: the new model is fully written to its
    temporary file, not yet renamed.  A SIGKILL there leaves the target untouched."""
    target = tmp_path / "models" / "model.npz"
    target.parent.mkdir()
    if existing:
        shutil.copy(model_a, target)
    before = target.read_bytes() if existing else None
    with subprocess.Popen([sys.executable, "-c", _PAUSE_AFTER_FSYNC, "build", "--data", str(other_market),
                           "--out", str(target)], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                          env=cli_env(tmp_path / "cache")) as proc:
        try:
            for line in proc.stderr:
                if line.strip() == "FSYNCED":
                    break
            else:
                pytest.fail("build never reached its fsync: save_model no longer writes temp file + fsync + rename?")
            temps = [p for p in target.parent.iterdir() if p.name != target.name]
            assert len(temps) == 1 and temps[0].name.startswith(".model.npz.")    # hidden, next to the target
            assert load_model(temps[0]).fingerprint == load_dataset(other_market).fingerprint   # complete
            assert (target.read_bytes() if existing else target.exists()) == (before if existing else False)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(30)
    if existing:
        assert target.read_bytes() == before
        load_model(target)
    else:
        assert not target.exists()


@pytest.mark.slow
def test_build_killed_at_any_moment_leaves_a_complete_model(small_market, other_market, model_a, dataset_b,
                                                             tmp_path):
    """SIGKILL ``build --out P`` at many moments (before, during and after the save) while a
    watcher reads P continuously: every state ever seen is the old model or the complete
    new one, never a partial file."""
    target = tmp_path / "model.npz"
    shutil.copy(model_a, target)
    old = target.read_bytes()
    seen_bad: list[str] = []
    seen = {"old": 0, "new": 0}
    stop = threading.Event()

    def watch() -> None:
        snap = tmp_path / "snapshot.npz"
        while not stop.is_set():
            try:
                data = target.read_bytes()
            except FileNotFoundError:
                seen_bad.append("the model vanished")
                continue
            if data == old:
                seen["old"] += 1
                continue
            snap.write_bytes(data)
            try:
                assert load_model(snap).fingerprint == dataset_b.fingerprint
                seen["new"] += 1
            except (ModelError, AssertionError) as exc:
                seen_bad.append(f"partial or foreign model visible: {exc}")

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    outcomes = []
    try:
        # delays in seconds after 'saving' is printed; None = kill during the build itself
        for delay in (None, 0.0, 0.002, 0.005, 0.01, 0.02, 0.04, 0.08, 0.2):
            shutil.copy(model_a, tmp_path / "restore.npz")
            os.replace(tmp_path / "restore.npz", target)        # start each round from the old model
            with subprocess.Popen(command("build", "--data", other_market, "--out", target),
                                  stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                                  env=cli_env(tmp_path / "cache")) as proc:
                for line in proc.stderr:
                    if (delay is None and "matrix factorisation" in line) or (delay is not None and "saving" in line):
                        break
                time.sleep(delay or 0.0)
                proc.send_signal(signal.SIGKILL)
                proc.wait(30)
            data = target.read_bytes()
            if data == old:
                outcomes.append("old")
            else:
                assert load_model(target, dataset_b.fingerprint)          # the complete new model
                outcomes.append("new")
    finally:
        stop.set()
        watcher.join(30)
    assert seen_bad == []
    assert outcomes[0] == "old"                                         # killed before the save started
    assert seen["old"] > 0
    # a SIGKILL cannot clean up: a hidden temporary file may stay behind, never under P's name
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".model.npz.")]
    assert all(n.endswith(".tmp") for n in leftovers)


# --------------------------------------------------------------------------- damaged files


@pytest.mark.parametrize("cut", ["empty", "100 bytes", "half", "all but 10 bytes", "all but 1 byte"])
def test_a_truncated_model_is_refused_by_the_cli(cut, cm, small_market, dataset_a, model_a, tmp_path):
    data = model_a.read_bytes()
    keep = {"empty": 0, "100 bytes": 100, "half": len(data) // 2, "all but 10 bytes": len(data) - 10,
            "all but 1 byte": len(data) - 1}[cut]
    bad = tmp_path / "truncated.npz"
    bad.write_bytes(data[:keep])
    with pytest.raises(ModelError):
        load_model(bad, dataset_a.fingerprint)
    run = cm("match", "--data", small_market, "--model", bad, "--brand", _brand(dataset_a))
    _assert_refused(run, str(bad))


def test_a_flipped_byte_in_an_array_is_refused(cm, small_market, dataset_a, model_a, tmp_path):
    """A flipped byte inside the stored numbers: the zip CRC catches it (exit 2)."""
    raw = bytearray(model_a.read_bytes())
    start = _zip_member_data_offset(model_a, "factors.creator.npy")
    raw[start + 128 + 40] ^= 0x5A                                    # past the .npy header, in the floats
    bad = tmp_path / "flipped.npz"
    bad.write_bytes(bytes(raw))
    with pytest.raises(ModelError, match="damaged|not a readable"):
        load_model(bad, dataset_a.fingerprint)
    _assert_refused(cm("match", "--data", small_market, "--model", bad, "--brand", _brand(dataset_a)), str(bad))


def test_a_rewritten_array_with_valid_zip_checksums_is_refused(cm, small_market, dataset_a, model_a, tmp_path):
    """The same change re-zipped with correct CRCs: the model's own digest catches it."""
    arrays = _arrays(model_a)
    arrays["factors.creator"] = arrays["factors.creator"].copy()
    arrays["factors.creator"].flat[5] += 0.25
    bad = tmp_path / "rezipped.npz"
    np.savez(bad, **arrays)
    _assert_refused(cm("match", "--data", small_market, "--model", bad, "--brand", _brand(dataset_a)), "digest")


@pytest.mark.parametrize("edit", ["weights", "fingerprint", "sizes", "relations", "not json", "not utf-8"])
def test_an_edited_header_is_refused(edit, cm, small_market, dataset_a, dataset_b, model_a, tmp_path):
    """Editing the JSON header -- even to claim another dataset's fingerprint -- is refused."""
    arrays = _arrays(model_a)
    header = json.loads(bytes(arrays["header"]).decode("utf-8"))
    if edit == "weights":
        header["params"]["weights"]["mf"] = 0.9
    elif edit == "fingerprint":          # a model of market A dressed up as one of market B
        header["fingerprint"] = dataset_b.fingerprint
    elif edit == "sizes":
        header["sizes"]["creator"] = header["sizes"]["creator"] + 1
    elif edit == "relations":
        header["relations"] = header["relations"] + ["wrote_to"]
    blob = json.dumps(header).encode("utf-8")
    if edit == "not json":
        blob = blob[: len(blob) // 2]
    elif edit == "not utf-8":
        blob = b"\xff\xfe" + blob
    arrays["header"] = np.frombuffer(blob, np.uint8)
    bad = tmp_path / "edited.npz"
    np.savez(bad, **arrays)
    data = small_market if edit != "fingerprint" else dataset_b.root
    fp = dataset_a.fingerprint if edit != "fingerprint" else dataset_b.fingerprint
    with pytest.raises(ModelError):
        load_model(bad, fp)
    brand = _brand(dataset_a if edit != "fingerprint" else dataset_b)
    _assert_refused(cm("match", "--data", data, "--model", bad, "--brand", brand), str(bad))


def test_a_model_of_another_dataset_is_refused(cm, small_market, other_market, dataset_a, dataset_b, model_a):
    assert dataset_a.fingerprint != dataset_b.fingerprint
    with pytest.raises(ModelError, match="other data"):
        load_model(model_a, dataset_b.fingerprint)
    with pytest.raises(ModelError, match="other data"):
        Matcher.load(model_a, dataset_b.fingerprint)
    brand_b = _brand(dataset_b)
    creator_b = str(dataset_b.creators["creator_id"][0])
    for args in (["match", "--brand", brand_b], ["explain", "--brand", brand_b, "--creator", creator_b],
                 ["similar", "--creator", creator_b]):
        run = cm(*args, "--data", other_market, "--model", model_a)
        _assert_refused(run, "built from other data")
        assert dataset_a.fingerprint in run.stderr and dataset_b.fingerprint in run.stderr
    # the same model is accepted with its own data
    ok = cm("match", "--brand", _brand(dataset_a), "--data", small_market, "--model", model_a, "--format", "json")
    assert ok.returncode == 0, str(ok)


def test_a_damaged_cache_entry_is_rebuilt_not_used(cm, small_market, dataset_a, model_a, cache_dir):
    """Without --model the cache is used; a damaged entry is rebuilt with a message."""
    cache_dir.mkdir(parents=True)
    entry = cache_dir / f"{dataset_a.fingerprint}.npz"
    entry.write_bytes(model_a.read_bytes()[:5000])
    run = cm("match", "--data", small_market, "--brand", _brand(dataset_a), "--format", "json")
    assert run.returncode == 0, str(run)
    assert "not usable" in run.stderr and "Traceback" not in run.stderr
    assert json.loads(run.stdout)[_brand(dataset_a)]
    assert load_model(entry, dataset_a.fingerprint)


# --------------------------------------------------------------------------- concurrent readers


def test_load_is_consistent_while_the_file_is_replaced(dataset_a, model_a, model_a2, tmp_path):
    """Readers racing a writer that renames models over the path (as ``build`` does):
    every load returns one complete model -- the old or the new -- never an error.

    The writer thread swaps two valid models of the same data over the path thousands of
    times a second (hard link + rename, like ``save_model``'s final step).
    """
    target = tmp_path / "model.npz"
    os.link(model_a, target)
    stop = threading.Event()
    swaps = [0]

    def swap() -> None:
        i = 0
        while not stop.is_set():
            tmp = tmp_path / f".model.npz.{i}.tmp"
            os.link((model_a, model_a2)[i % 2], tmp)
            os.replace(tmp, target)
            i += 1
        swaps[0] = i

    digests = {read_header(model_a)["digest"], read_header(model_a2)["digest"]}
    writer = threading.Thread(target=swap, daemon=True)
    writer.start()
    failures: list[str] = []
    try:
        for _ in range(120):
            try:
                model = load_model(target, dataset_a.fingerprint)
                assert model.fingerprint == dataset_a.fingerprint
            except ModelError as exc:
                failures.append(str(exc))
    finally:
        stop.set()
        writer.join(30)
    assert swaps[0] > 100 and digests
    assert failures == [], f"{len(failures)} of 120 loads refused a valid model: {failures[0]}"


@pytest.mark.slow
def test_match_processes_read_while_build_replaces_the_model(small_market, dataset_a, model_a, tmp_path):
    """Two ``creatormatch match --model P`` loops run while ``creatormatch build --out P``
    replaces P twice: every process exits 0 with a full, valid result."""
    target = tmp_path / "model.npz"
    shutil.copy(model_a, target)
    env = cli_env(tmp_path / "cache")
    brand = _brand(dataset_a)
    match_argv = command("match", "--data", small_market, "--model", target, "--brand", brand, "--top", "5",
                         "--format", "json")
    results: list[tuple[str, subprocess.CompletedProcess]] = []
    lock = threading.Lock()

    def reader(rounds: int) -> None:
        for _ in range(rounds):
            proc = subprocess.run(match_argv, capture_output=True, text=True, env=env, timeout=120)
            with lock:
                results.append(("match", proc))

    def builder() -> None:
        for seed in (11, 12):
            proc = subprocess.run(command("build", "--data", small_market, "--out", target, "--seed", seed),
                                  capture_output=True, text=True, env=env, timeout=300)
            with lock:
                results.append(("build", proc))

    threads = [threading.Thread(target=reader, args=(4,)), threading.Thread(target=reader, args=(4,)),
               threading.Thread(target=builder)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(600)
    assert len(results) == 10
    for kind, proc in results:
        assert proc.returncode == 0, f"{kind}: exit {proc.returncode}\n{proc.stderr[-2000:]}"
        assert "Traceback" not in proc.stderr
        if kind == "match":
            out = json.loads(proc.stdout)
            assert list(out) == [brand] and len(out[brand]) == 5
            assert [m["rank"] for m in out[brand]] == [1, 2, 3, 4, 5]
    assert load_model(target, dataset_a.fingerprint).params.random_state == 12
