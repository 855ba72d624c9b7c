"""The ``creatormatch`` command line: a thin click layer over the library.

Each command lives in its own module and is registered here.  Library errors
(``CreatorMatchError``) become one clear message on stderr and exit code 2; no
traceback ever reaches a user.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from .. import __version__
from ._common import GuardedGroup, run_guarded

COMMAND_MODULES = (
    "datacmds",
    "generate",
    "scores",
    "matchcmds",
    "evaluate",
    "neo4jcmds",
    "cachecmds",
    "importcmds",
    "pricingcmds",
    "catalog",
)


#: Command -> the module defining it, so that running a command imports only its own module
#: (``match`` never pays for the indices, evaluation or Neo4j modules).  A command missing
#: here still works: every module in ``COMMAND_MODULES`` is then imported to find it.
COMMAND_HOME = {
    "validate": "datacmds", "info": "datacmds", "generate": "generate",
    "scores": "scores", "scorecard": "scores", "influencers": "scores",
    "build": "matchcmds", "match": "matchcmds", "explain": "matchcmds", "similar": "matchcmds",
    "evaluate": "evaluate", "tune": "evaluate", "neo4j": "neo4jcmds", "cache": "cachecmds",
    "import": "importcmds", "pricing": "pricingcmds", "plan": "pricingcmds",
    "brands": "catalog", "creators": "catalog",
}


class LazyGroup(GuardedGroup):
    """The top-level group: command modules are imported when a command is looked up.

    ``commands`` (and so ``--help``) still lists every command: reading it imports them all.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        self._loaded: set[str] = set()
        super().__init__(*args, **kwargs)

    @property
    def commands(self) -> dict[str, click.Command]:  # type: ignore[override]
        for module in COMMAND_MODULES:
            self._load(module)
        return self._commands

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._commands = value

    def _load(self, module: str) -> None:
        if module in self._loaded:
            return
        self._loaded.add(module)
        for command in importlib.import_module(f"{__name__}.{module}").COMMANDS:
            self._commands[command.name] = command

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMAND_HOME:
            self._load(COMMAND_HOME[cmd_name])
        if cmd_name not in self._commands:
            return self.commands.get(cmd_name)
        return self._commands[cmd_name]


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="creatormatch")
def cli() -> None:
    """Open, graph-based creator-brand matching for social commerce.

    Every command reads a dataset folder (contract v1, see datasets/README.md);
    without --data it uses the bundled sample market, so you can try it at once:

    \b
        creatormatch info
        creatormatch brands --search <name>
        creatormatch match --brand <brand id or name>

    Options mean the same in every command (--data, --top, --format, --out, --market,
    --category, --brand, --creator): see docs/cli.md.
    """


def main() -> None:
    """Console-script entry point."""
    sys.exit(run_guarded(cli))
