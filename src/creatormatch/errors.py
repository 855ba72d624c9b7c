"""The exceptions creatormatch raises.

::

    CreatorMatchError            anything the user can fix; the CLI prints it and exits 2
    ├── DataError                a dataset breaks contract v1 (carries every problem found)
    ├── ModelError               a saved model is missing, damaged or built from other data
    ├── StoreError               Neo4j is unreachable, refuses the credentials, or fails
    └── UsageError               an option names something that does not exist (brand, creator, ...)

    CreatorMatchWarning          (a UserWarning) input accepted in a corrected form, e.g. UK -> GB

Library code raises these; the CLI turns them into one clear message and exit code 2,
never a traceback.  Driver and parser exceptions are wrapped where they happen.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CreatorMatchError", "CreatorMatchWarning", "DataError", "ModelError", "StoreError", "UsageError",
           "Problem"]


class CreatorMatchError(Exception):
    """Base of every error a user can act on.

    ``hint``: a way out through an input of the command, as ``(option, text)`` with
    ``{option}`` in ``text`` (e.g. ``("lenient", "or use {option} to drop the bad rows")``);
    the CLI adds it only where the command has that option, naming its flag.
    """

    exit_code = 2
    hint: tuple[str, str] | None = None

    def __init__(self, *args: object, hint: tuple[str, str] | None = None):
        super().__init__(*args)
        if hint is not None:
            self.hint = hint


@dataclass(frozen=True)
class Problem:
    """One contract violation, located to the file, line and column.

    Rendered as ``FILE:LINE: column 'NAME': what is wrong (value 'V')``.
    ``line`` is 0 for a problem with the whole file (then rendered ``FILE: ...``).
    """

    file: str
    line: int
    column: str | None
    message: str
    value: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        col = f" column '{self.column}':" if self.column else ""
        val = f" (value '{_clip(self.value)}')" if self.value is not None else ""
        return f"{where}:{col} {self.message}{val}"


def _clip(value: str, limit: int = 60) -> str:
    """Keep reported values short and printable (a field may hold 100 MB or NUL bytes)."""
    text = value.encode("unicode_escape", "backslashreplace").decode("ascii") if not value.isprintable() else value
    return text if len(text) <= limit else text[: limit - 3] + "..."


class DataError(CreatorMatchError):
    """A dataset does not meet the contract.

    ``problems`` lists what was found, at most ``MAX_PER_FILE`` per file; ``more`` counts,
    per file, the problems found beyond that.
    """

    MAX_PER_FILE = 20

    def __init__(self, problems: list[Problem], more: dict[str, int] | None = None, summary: str | None = None,
                 hint: tuple[str, str] | None = None):
        self.problems = problems
        self.more = more or {}
        self.summary = summary
        super().__init__(self.render(), hint=hint)

    def render(self) -> str:
        lines: list[str] = []
        if self.summary:
            lines.append(self.summary)
        by_file: dict[str, list[Problem]] = {}
        for p in self.problems:
            by_file.setdefault(p.file, []).append(p)
        for file in sorted(set(by_file) | set(self.more)):
            lines.extend(str(p) for p in by_file.get(file, []))
            if self.more.get(file):
                n = self.more[file]
                lines.append(f"{file}: ... and {n} more problem{'s' if n != 1 else ''}")
        return "\n".join(lines)


class ModelError(CreatorMatchError):
    """A model artifact cannot be used."""


class StoreError(CreatorMatchError):
    """The Neo4j store failed in a way the user can fix (address, credentials, database)."""


class UsageError(CreatorMatchError):
    """An option names a brand, creator, category or file that does not exist, or a value
    is out of range.

    Library code never names a command-line flag: a message about one input carries the
    input's library name in ``option`` (e.g. ``"top"``) and writes ``{option}`` where the
    input is named.  ``str(error)`` fills in the library name; the CLI fills in the flag
    of the command that ran (``render("--top")``).

    >>> str(UsageError("{option} must be at least 1", option="top"))
    'top must be at least 1'
    >>> UsageError("{option} must be at least 1", option="top").render("--top")
    '--top must be at least 1'
    """

    def __init__(self, message: str, *, option: str | None = None):
        self.template = message
        self.option = option
        super().__init__(self.render(option) if option else message)

    def render(self, name: str | None) -> str:
        """The message naming the input as ``name`` (a flag, or the library name)."""
        if self.option is None:
            return self.template
        return self.template.replace("{option}", name or self.option)


class CreatorMatchWarning(UserWarning):
    """Something the user typed or the data holds was accepted in a corrected form (a
    market alias such as UK read as GB).  The CLI prints it as ``Warning: ...``."""
