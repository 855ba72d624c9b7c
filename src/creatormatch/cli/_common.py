"""The one place library errors and warnings become what a user sees.

* ``CreatorMatchError`` -> ``Error: <message>`` on stderr, exit code 2.  A message about
  one input (``UsageError.option``) names the flag of the command that ran; a hint
  (``CreatorMatchError.hint``) is added only where the command has that option.
* ``CreatorMatchWarning`` -> ``Warning: <message>`` on stderr, as it happens.
* A closed pipe (``creatormatch scores | head``) ends the command quietly.
"""

from __future__ import annotations

import errno
import os
import sys
import warnings
from typing import Any

import click

from ..errors import CreatorMatchError, CreatorMatchWarning, UsageError
from .output import echo_err

__all__ = ["GuardedError", "GuardedGroup", "run_guarded", "echo_err"]


class GuardedError(click.ClickException):
    """A library error shown as one message, exit code 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True)


def _flag(command: click.Command | None, option: str) -> str | None:
    """The flag (``--top``) of ``command``'s parameter named ``option``, or None."""
    for param in getattr(command, "params", ()):
        if param.name == option or param.name == f"{option}s":
            longest = max(param.opts, key=len)
            return longest if longest.startswith("-") else longest.upper()
    return None


def user_message(exc: CreatorMatchError, command: click.Command | None) -> str:
    """What the user reads for ``exc`` raised by ``command``: flags of this command only."""
    text = exc.render(_flag(command, exc.option) if exc.option else None) if isinstance(exc, UsageError) else str(exc)
    if exc.hint is not None:
        flag = _flag(command, exc.hint[0])
        if flag is not None:  # a one-line message stays one line
            text += ("\n" if "\n" in text else " ") + exc.hint[1].replace("{option}", flag)
    return text


def _show_warning(message: Any, category: type[Warning], filename: str, lineno: int, file: Any = None,
                  line: str | None = None, _default: Any = warnings.showwarning) -> None:
    if issubclass(category, CreatorMatchWarning):
        echo_err(f"Warning: {message}")
    else:
        _default(message, category, filename, lineno, file, line)


class GuardedGroup(click.Group):
    """A click group that shows library errors as one line and exit code 2, and library
    warnings as ``Warning:`` lines."""

    def invoke(self, ctx: click.Context) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("always", CreatorMatchWarning)
            warnings.showwarning = _show_warning
            try:
                return super().invoke(ctx)
            except CreatorMatchError as exc:
                command = self.get_command(ctx, ctx.invoked_subcommand) if ctx.invoked_subcommand else None
                raise GuardedError(user_message(exc, command)) from None
            except MemoryError:
                raise GuardedError("out of memory; try a smaller dataset or a machine with more RAM") from None
            except BrokenPipeError:
                raise
            except OSError as exc:  # a path the user gave cannot be read or written
                if exc.errno == errno.EPIPE:
                    raise
                where = f": {exc.filename}" if exc.filename else ""
                raise GuardedError(f"{exc.strerror or exc}{where}") from None


def _quiet_pipe() -> None:
    """The reader of stdout went away (``| head``): stop writing, say nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def run_guarded(cli: click.Group) -> int:
    """Run ``cli`` as a program: never let a traceback reach the user.

    Expected failures are ``CreatorMatchError`` (handled by ``GuardedGroup``); anything
    else is a bug, reported in one line with a way to get the traceback.
    """
    try:
        cli.main(prog_name="creatormatch")
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if code == 1 and _pipe_closed():
            return 0
        return code
    except BrokenPipeError:
        _quiet_pipe()
        return 0
    except KeyboardInterrupt:
        echo_err("Interrupted.")
        return 130
    except Exception as exc:  # a bug: say so plainly
        if os.environ.get("CREATORMATCH_DEBUG"):
            raise
        echo_err(f"Internal error: {type(exc).__name__}: {exc}")
        echo_err("This is a bug in creatormatch; rerun with CREATORMATCH_DEBUG=1 for the traceback.")
        return 1
    return 0


def _pipe_closed() -> bool:
    """Whether click ended the command because stdout's reader went away (it then
    replaces ``sys.stdout`` with a wrapper that ignores the broken pipe)."""
    return type(sys.stdout).__name__ == "PacifyFlushWrapper"
