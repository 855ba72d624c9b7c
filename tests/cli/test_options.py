"""Shared options have one name, type and help text in every command (``cli/options.py``)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from creatormatch.cli import cli
from creatormatch.cli.options import FORMATS

#: Options with one meaning wherever they appear.
SHARED = ("--data", "--top", "--format", "--market", "--category", "--brand", "--creator", "--model", "--source",
          "--ranker", "--lenient", "--rejects", "--target-roas", "--excel")
#: Where a shared flag means something else, and why (the name is older than this rule).
OTHER_MEANING = {
    ("import posts", "--market"): "the market given to creators whose posts carry no country, not a filter",
    ("build", "--ranker"): "which ranker to train (lightgbm or none), not which one ranks a match",
}


def _commands(group: click.Group = cli, prefix: str = "") -> dict[str, click.Command]:
    out: dict[str, click.Command] = {}
    for name, command in sorted(group.commands.items()):
        path = f"{prefix}{name}"
        out[path] = command
        if isinstance(command, click.Group):
            out.update(_commands(command, path + " "))
    return out


COMMANDS = _commands()


def _signature(param: click.Parameter) -> tuple:
    kind = type(param.type).__name__
    if isinstance(param.type, click.IntRange):
        kind += f"[{param.type.min},{param.type.max}]"
    return (kind, param.help)   # the flag is the name; the Python name (brand, brands) is not seen


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_command_has_help(path: str) -> None:
    result = CliRunner().invoke(cli, path.split() + ["--help"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout and len(result.stdout.splitlines()) > 3


def test_shared_options_have_one_name_type_and_help() -> None:
    seen: dict[str, dict[tuple, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path, command in COMMANDS.items():
        help_text = CliRunner().invoke(cli, path.split() + ["--help"]).stdout
        for param in command.params:
            if not isinstance(param, click.Option):
                continue
            for flag in param.opts:
                if flag in SHARED and (path, flag) not in OTHER_MEANING:
                    assert flag in help_text, (path, flag)
                    seen[flag][_signature(param)].append(path)
    for flag in SHARED:
        assert seen[flag], f"{flag} is used by no command"
        assert len(seen[flag]) == 1, f"{flag} differs between commands: {dict(seen[flag])}"


def test_format_offers_only_the_shared_formats() -> None:
    for path, command in COMMANDS.items():
        for param in command.params:
            if "--format" in getattr(param, "opts", ()):
                assert set(param.type.choices) <= set(FORMATS) | {"text"}, path   # scorecard: text = table
                assert "table" in param.type.choices or path == "neo4j query", path


def test_out_writes_the_output_wherever_there_is_excel() -> None:
    helps = {command.params[[p.name for p in command.params].index("out_path")].help
             for command in COMMANDS.values() if any(p.name == "excel" for p in command.params)}
    assert len(helps) == 1


def test_top_zero_means_all_everywhere() -> None:
    for path, command in COMMANDS.items():
        for param in command.params:
            if "--top" in getattr(param, "opts", ()):
                assert isinstance(param.type, click.IntRange) and param.type.min == 0, path
                assert "0 = all" in param.help, path


@pytest.mark.parametrize("command", ["info", "validate"])
def test_data_option_and_the_old_positional_folder(run, small_market: Path, command: str) -> None:
    by_option = run(command, "--data", small_market)
    assert by_option.exit_code == 0, by_option.output
    assert str(small_market) in by_option.stdout
    by_argument = run(command, small_market)
    assert by_argument.exit_code == 0 and by_argument.stdout == by_option.stdout


def test_error_hints_name_only_options_the_command_has(run, overlay) -> None:
    broken = overlay("broken/missing_required_value")
    validate = run("validate", "--data", broken)
    assert validate.exit_code == 2 and "--lenient" in validate.stderr
    for args in (["scores", "--data", broken], ["match", "--brand", "B1", "--data", broken]):
        result = run(*args)
        assert result.exit_code == 2 and "problem" in result.stderr
        assert "--lenient" not in result.stderr, args


def test_explain_never_mentions_an_option_it_lacks(run, small_market: Path) -> None:
    from creatormatch.data.loader import load_dataset
    import numpy as np

    dataset = load_dataset(small_market)
    col = dataset.collaborations
    done = np.flatnonzero(np.isin(col["status"], [1, 4]))[0]            # accepted / completed
    brand, creator = dataset.brands.ids[col["brand_id"][done]], dataset.creators.ids[col["creator_id"][done]]
    result = run("explain", "--data", small_market, "--brand", brand, "--creator", creator)
    assert result.exit_code == 0, result.output
    assert "already worked with" in result.stdout
    flags = {opt for p in COMMANDS["explain"].params for opt in getattr(p, "opts", ())}
    named = {word.strip("'.,()") for word in result.output.split() if word.startswith("--")}
    assert named <= flags, named - flags


def test_a_closed_pipe_ends_quietly(small_market: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.run(f"{sys.executable} -m creatormatch creators --data {small_market} --top 0 | head -2",
                          shell=True, capture_output=True, text=True, timeout=300)
    assert len(proc.stdout.splitlines()) == 2
    assert "Error" not in proc.stderr and "Broken pipe" not in proc.stderr, proc.stderr


def test_no_scientific_notation_in_tables(run, small_market: Path) -> None:
    import re

    for args in (["scores", "--top", "0"], ["creators", "--top", "0"], ["pricing", "--top", "0"],
                 ["influencers", "--category", "beauty"]):
        out = run(*args, "--data", small_market).stdout
        assert not re.search(r"\d[eE][-+]\d", out), args
