"""The ``creatormatch`` command line: a thin click layer over the library.

Each command lives in its own module and is registered here.  Library errors
(``CreatorMatchError``) become one clear message on stderr and exit code 2; no
traceback ever reaches a user.
"""

from __future__ import annotations

import sys

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
    "pricingcmds",
)


@click.group(cls=GuardedGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="creatormatch")
def cli() -> None:
    """Open, graph-based creator-brand matching for social commerce.

    Every command reads a dataset folder (contract v1, see datasets/README.md);
    without --data it uses the bundled sample market, so you can try it at once:

    \b
        creatormatch info
        creatormatch match --brand <brand_id>
    """


def _register() -> None:
    import importlib

    for name in COMMAND_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    """Console-script entry point."""
    sys.exit(run_guarded(cli))
