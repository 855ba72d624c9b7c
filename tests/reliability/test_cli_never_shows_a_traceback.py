"""No traceback ever reaches a user: every command of ``creatormatch --help`` (and of
``creatormatch neo4j --help``), given a bad argument -- an unknown brand, creator, market
or category, a missing folder, a broken dataset from tests/data/broken/, a damaged model,
an output path that cannot be written -- exits with code 2 and one ``Error:`` line, run
as a real program (subprocess), never with a traceback or "Internal error"."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from creatormatch.data.loader import load_dataset
from creatormatch.recommend import Matcher, save_model

from .conftest import DATA, cli_env, command, generate_market

BROKEN = sorted(p.name for p in (DATA / "broken").iterdir() if p.is_dir())
NO_SERVER = ["--uri", "bolt://127.0.0.1:1"]          # a port nothing listens on: fails fast, touches no server


def _commands(*group: str) -> set[str]:
    """Command names listed by ``creatormatch [GROUP] --help`` (the real program)."""
    out = subprocess.run(command(*group, "--help"), capture_output=True, text=True, check=True).stdout
    section = out.split("Commands:", 1)[1]
    return {m.group(1) for m in re.finditer(r"^\s{2}(\S+)\s", section, re.MULTILINE)}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """Paths the cases refer to: a market, its model, broken and damaged inputs."""
    root = tmp_path_factory.mktemp("cli_errors")
    market = root / "market"
    generate_market(market, 300, 20, seed=1)
    ds = load_dataset(market)
    model = save_model(Matcher.from_dataset(ds).model, root / "model.npz")
    truncated = root / "truncated.npz"
    truncated.write_bytes(model.read_bytes()[: model.stat().st_size // 2])
    a_file = root / "a_file"
    a_file.write_text("not a folder\n")
    nonempty = root / "nonempty"
    nonempty.mkdir()
    (nonempty / "keep.txt").write_text("x")
    broken = root / "broken_dataset"                  # tests/data/valid + broken/duplicate_id
    broken.mkdir()
    for src in (DATA / "valid", DATA / "broken" / "duplicate_id"):
        for f in src.iterdir():
            (broken / f.name).write_bytes(f.read_bytes())
    return {
        "MARKET": str(market), "MODEL": str(model), "TRUNCATED": str(truncated), "MISSING": str(root / "missing"),
        "FILE": str(a_file), "UNDER_FILE": str(a_file / "out"), "NONEMPTY": str(nonempty), "BROKEN": str(broken),
        "BRAND": str(ds.brands["brand_id"][0]), "CREATOR": str(ds.creators["creator_id"][0]),
        "CACHE": str(root / "cache"),
    }


#: command -> bad invocations.  Placeholders in CAPITALS come from the ``env`` fixture.
CASES: dict[str, list[list[str]]] = {
    "brands": [["--data", "MARKET", "--market", "ZZ"], ["--data", "MARKET", "--category", "nope"],
               ["--data", "MISSING"], ["--data", "BROKEN"], ["--data", "MARKET", "--top", "-1"]],
    "build": [["--data", "MISSING"], ["--data", "BROKEN"], ["--data", "FILE"]],
    "cache": [["nope"]],
    "cache info": [["--format", "xml"]],
    "cache verify": [["--nope"]],
    "cache clear": [["extra"]],
    "creators": [["--data", "MARKET", "--market", "uk-ish"], ["--data", "MARKET", "--category", "nonsense"],
                 ["--data", "MISSING"], ["--data", "MARKET", "--format", "xml"]],
    "evaluate": [["--data", "MISSING"], ["--data", "BROKEN"], ["--data", "MARKET", "--models", "nope"],
                 ["--data", "MARKET", "--split-date", "2024-13-45", "--models", "popularity"]],
    "explain": [["--data", "MARKET", "--model", "MODEL", "--brand", "NOPE", "--creator", "CREATOR"],
                ["--data", "MARKET", "--model", "MODEL", "--brand", "BRAND", "--creator", "NOPE"],
                ["--data", "MARKET", "--model", "TRUNCATED", "--brand", "BRAND", "--creator", "CREATOR"]],
    "generate": [["--out", "FILE"], ["--out", "NONEMPTY"], ["--out", "MISSING", "--creators", "5"],
                 ["--out", "MISSING", "--start", "yesterday"]],
    "influencers": [["--data", "MARKET", "--category", "nope"], ["--data", "MISSING", "--category", "x"],
                    ["--data", "MARKET", "--category", "beauty", "--market", "XX"]],
    "import": [["nope"], ["posts", "MISSING", "--out", "NONEMPTY"], ["posts", "FILE", "--out", "NONEMPTY"],
               ["posts", "FILE", "--out", "NONEMPTY", "--map", "oops"]],
    "info": [["MISSING"], ["BROKEN"], ["FILE"]],
    "match": [["--data", "MARKET", "--model", "MODEL", "--brand", "NOPE"],
              ["--data", "MARKET", "--model", "MODEL", "--brand", "BRAND", "--market", "XX"],
              ["--data", "MARKET", "--model", "MODEL", "--brand", "BRAND", "--category", "nope"],
              ["--data", "MARKET", "--model", "TRUNCATED", "--brand", "BRAND"],
              ["--data", "MARKET", "--model", "MISSING", "--brand", "BRAND"],
              ["--data", "MISSING", "--brand", "BRAND"], ["--data", "BROKEN", "--brand", "BRAND"],
              ["--data", "MARKET", "--model", "MODEL", "--brand", "BRAND", "--top", "-1"]],
    "neo4j": [["nope"]],
    "neo4j schema": [NO_SERVER],
    "neo4j load": [["--data", "MISSING", *NO_SERVER], ["--data", "MARKET", "--batch-size", "0"]],
    "neo4j push": [["--data", "MARKET", *NO_SERVER], ["--top", "-1"]],
    "neo4j query": [["nope"], ["brand_top_matches", "--show", "--param", "oops"],
                    ["brand_top_matches", "--show", "--param", "nope=1"],
                    ["category_leaders", "--show", "--param", "category_id=x", "--param", "limit=ten"],
                    ["brand_top_matches", *NO_SERVER, "--param", "brand_id=B1"]],
    "neo4j status": [NO_SERVER, ["--uri", "http://127.0.0.1:7474"]],
    "neo4j favorites": [["--out", "NONEMPTY"]],
    "plan": [["--data", "MARKET", "--model", "MODEL", "--brand", "NOPE", "--budget", "100"],
             ["--data", "MARKET", "--model", "MODEL", "--brand", "BRAND", "--budget", "-1"],
             ["--data", "MARKET", "--model", "MODEL", "--brand", "BRAND", "--budget", "nan"],
             ["--data", "MARKET", "--model", "MODEL", "--brand", "BRAND", "--budget", "ten"],
             ["--data", "MARKET", "--model", "MODEL", "--brand", "BRAND", "--budget", "100",
              "--max-brands-per-creator", "0"],
             ["--data", "MARKET", "--model", "MODEL", "--brand", "BRAND", "--budget", "100",
              "--max-videos-per-creator", "0"],
             ["--data", "MARKET", "--model", "MODEL", "--brand", "BRAND", "--budget", "100", "--category", "nope"],
             ["--data", "MARKET", "--model", "MODEL", "--brand", "BRAND", "--budget", "100", "--target-roas", "0"],
             ["--data", "MARKET", "--model", "TRUNCATED", "--brand", "BRAND", "--budget", "100"],
             ["--data", "MISSING", "--brand", "BRAND", "--budget", "100"], ["--brand", "BRAND"]],
    "pricing": [["--data", "MARKET", "--market", "XX"], ["--data", "MARKET", "--category", "nope"],
                ["--data", "MARKET", "--target-roas", "-2"], ["--data", "MARKET", "--target-roas", "inf"],
                ["--data", "MISSING"], ["--data", "BROKEN"], ["--data", "MARKET", "--top", "-1"]],
    "scorecard": [["NOPE", "--data", "MARKET"], ["CREATOR", "--data", "MISSING"], ["CREATOR", "--data", "BROKEN"]],
    "scores": [["--data", "MARKET", "--market", "XX"], ["--data", "MARKET", "--category", "nope"],
               ["--data", "MARKET", "--sort", "nope"], ["--data", "BROKEN"]],
    "similar": [["--data", "MARKET", "--model", "MODEL", "--creator", "NOPE"],
                ["--data", "MARKET", "--model", "MODEL", "--creator", "CREATOR", "--market", "XX"],
                ["--data", "MARKET", "--model", "TRUNCATED", "--creator", "CREATOR"]],
    "tune": [["--data", "MISSING"], ["--data", "BROKEN"]],
    "validate": [["MISSING"], ["FILE"], ["BROKEN"]],
}

#: Output paths that cannot be written (a path under a file): the library raises OSError,
#: which must become "Error: ..." and exit 2 like any other user mistake.
UNWRITABLE_OUTPUT: dict[str, list[str]] = {
    "build": ["--data", "MARKET", "--out", "UNDER_FILE/m.npz"],
    "generate": ["--out", "UNDER_FILE", "--creators", "10", "--brands", "1"],
    "evaluate": ["--data", "MARKET", "--models", "popularity", "--no-tune", "--report", "UNDER_FILE"],
    "creators": ["--data", "MARKET", "--format", "csv", "--out", "UNDER_FILE/c.csv"],
    "validate": ["BROKEN", "--lenient", "--rejects", "UNDER_FILE/rejects.csv"],
    "neo4j favorites": ["--out", "UNDER_FILE/q.zip"],
    "pricing": ["--data", "MARKET", "--format", "csv", "--out", "UNDER_FILE/p.csv"],
    "plan": ["--data", "MARKET", "--model", "MODEL", "--brand", "BRAND", "--budget", "100", "--out", "UNDER_FILE/p.csv"],
}


def _fill(args: list[str], env: dict[str, str]) -> list[str]:
    out = []
    for a in args:
        head, sep, tail = a.partition("/")
        out.append(env[head] + sep + tail if head in env else a)
    return out


def _run(env: dict[str, str], cmd: str, args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(command(*cmd.split(), *_fill(args, env)), capture_output=True, text=True,
                          env=cli_env(Path(env["CACHE"])), timeout=300, cwd=Path(env["CACHE"]).parent)


def _assert_clean_refusal(proc: subprocess.CompletedProcess) -> None:
    shown = (f"{proc.args[2:]} -> exit {proc.returncode}\n--- stdout\n{proc.stdout[-2000:]}\n"
             f"--- stderr\n{proc.stderr[-2000:]}")
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, shown
    assert "Internal error" not in proc.stderr, shown
    assert proc.returncode == 2, shown
    assert re.search(r"^Error: \S", proc.stderr, re.MULTILINE), shown


def test_every_command_has_bad_argument_cases():
    """A new command must get its cases here."""
    top = _commands()
    assert {"build", "match", "validate", "neo4j"} <= top
    listed = top | {f"neo4j {c}" for c in _commands("neo4j")} | {f"cache {c}" for c in _commands("cache")}
    assert listed == set(CASES), f"commands without cases: {listed - set(CASES)}; stale: {set(CASES) - listed}"


@pytest.mark.parametrize("cmd, args", [(c, a) for c, cases in CASES.items() for a in cases],
                         ids=[f"{c}:{' '.join(a)}" for c, cases in CASES.items() for a in cases])
def test_a_bad_argument_is_exit_2_with_one_error_line(env, cmd, args):
    _assert_clean_refusal(_run(env, cmd, args))


@pytest.mark.parametrize("cmd", sorted(UNWRITABLE_OUTPUT))
def test_an_unwritable_output_path_is_exit_2_not_an_internal_error(env, cmd):
    _assert_clean_refusal(_run(env, cmd, UNWRITABLE_OUTPUT[cmd]))


@pytest.mark.slow
def test_tune_with_an_unwritable_output_path_is_exit_2(env):
    _assert_clean_refusal(_run(env, "tune", ["--data", "MARKET", "--out", "UNDER_FILE/m.npz"]))


#: Runs ``creatormatch`` (its real entry point, ``main``) once per line of JSON argv lists
#: on stdin, in one process so the cross-product below does not pay the imports each time;
#: prints one JSON object per run: exit code and everything written to stdout/stderr.
_BATCH = (
    "import contextlib, io, json, sys, traceback\n"
    "from creatormatch.cli import main\n"
    "for line in sys.stdin:\n"
    "    argv = json.loads(line)\n"
    "    out, err = io.StringIO(), io.StringIO()\n"
    "    code = 0\n"
    "    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):\n"
    "        sys.argv = ['creatormatch', *argv]\n"
    "        try:\n"
    "            main()\n"
    "        except SystemExit as exc:\n"
    "            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)\n"
    "        except BaseException:\n"
    "            err.write(traceback.format_exc()); code = 99\n"
    "    print(json.dumps({'argv': argv, 'code': code, 'stdout': out.getvalue(), 'stderr': err.getvalue()}))\n"
)

DATA_COMMANDS = (("validate", "{d}"), ("info", "{d}"), ("scores", "--data {d}"), ("build", "--data {d} --out {m}"),
                 ("match", "--data {d} --brand B1"), ("scorecard", "C1 --data {d}"),
                 ("influencers", "--data {d} --category beauty"), ("pricing", "--data {d}"), ("evaluate", "--data {d}"), ("tune", "--data {d}"))


def test_every_broken_dataset_is_exit_2_with_file_and_line_for_every_data_command(env, tmp_path):
    """Each dataset of tests/data/broken/ (laid over tests/data/valid) through every
    command that reads a dataset: exit 2, the problem as FILE:LINE: ..., no traceback,
    nothing written."""
    import json

    runs = []
    for name in BROKEN:
        folder = tmp_path / name
        folder.mkdir()
        for src in (DATA / "valid", DATA / "broken" / name):
            for f in src.iterdir():
                (folder / f.name).write_bytes(f.read_bytes())
        for cmd, args in DATA_COMMANDS:
            runs.append([cmd, *args.format(d=folder, m=tmp_path / f"{name}.npz").split()])
    proc = subprocess.run([sys.executable, "-c", _BATCH], input="\n".join(map(json.dumps, runs)) + "\n",
                          capture_output=True, text=True, env=cli_env(Path(env["CACHE"])), timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(results) == len(runs) == len(BROKEN) * len(DATA_COMMANDS) and len(BROKEN) >= 25
    for r in results:
        shown = f"{r['argv']} -> exit {r['code']}\n{r['stderr'][-2000:]}"
        assert "Traceback" not in r["stderr"] + r["stdout"] and "Internal error" not in r["stderr"], shown
        assert r["code"] == 2 and r["stdout"] == "", shown
        assert re.search(r"^Error: ", r["stderr"], re.MULTILINE), shown
        assert re.search(r"\w+\.csv(:\d+)?: ", r["stderr"]), f"no FILE:LINE: {shown}"
    assert not list(tmp_path.glob("*.npz"))
