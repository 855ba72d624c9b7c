"""Options and error handling shared by every command."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import click

from ..errors import CreatorMatchError


def data_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--data DIR``: the dataset folder; defaults to the bundled sample."""
    return click.option(
        "--data", "data_dir", type=click.Path(path_type=Path), default=None,
        help="Dataset folder (contract v1). Default: the bundled sample market.",
    )(func)


def format_option(*choices: str, default: str = "table") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--format``: how results are printed."""
    return click.option(
        "--format", "fmt", type=click.Choice(choices), default=default, show_default=True,
        help="Output format.",
    )


def resolve_data_dir(data_dir: Path | None) -> Path:
    """The dataset folder to read: ``data_dir`` or the bundled sample."""
    from ..data.sample import sample_path

    return data_dir if data_dir is not None else sample_path()


class GuardedError(click.ClickException):
    """A library error shown as one message, exit code 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True)


class GuardedGroup(click.Group):
    """A click group that shows library errors as one line and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CreatorMatchError as exc:
            raise GuardedError(str(exc)) from None
        except MemoryError:
            raise GuardedError("out of memory; try a smaller dataset or a machine with more RAM") from None
        except OSError as exc:  # a path the user gave cannot be read or written
            where = f": {exc.filename}" if exc.filename else ""
            raise GuardedError(f"{exc.strerror or exc}{where}") from None


def run_guarded(cli: click.Group) -> int:
    """Run ``cli`` as a program: never let a traceback reach the user.

    Expected failures are ``CreatorMatchError`` (handled by ``GuardedGroup``); anything
    else is a bug, reported in one line with a way to get the traceback.
    """
    import os

    try:
        cli.main(prog_name="creatormatch")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except Exception as exc:  # a bug: say so plainly
        if os.environ.get("CREATORMATCH_DEBUG"):
            raise
        click.echo(f"Internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo("This is a bug in creatormatch; rerun with CREATORMATCH_DEBUG=1 for the traceback.", err=True)
        return 1
    return 0


def echo_err(message: str) -> None:
    click.echo(message, err=True)
