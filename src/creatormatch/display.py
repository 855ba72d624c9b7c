"""Terminal display width of text, and plain-text tables aligned by it.

A terminal shows East Asian wide characters and most emoji in two columns, combining
marks in none, and everything else in one; ``len()`` counts code points, so tables padded
with ``str.ljust`` break on real names.  ``display_width`` asks ``wcwidth`` for the width
of each cell (control characters, which have no width, count one column each after being
shown as ``?``), and ``pad``/``truncate``/``format_table`` align by it.

>>> display_width("뷰티"), display_width("ok"), display_width("😀")
(4, 2, 2)
>>> pad("뷰티", 6) + "|"
'뷰티  |'
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Literal

from wcwidth import wcswidth, wcwidth

__all__ = ["display_width", "pad", "truncate", "clean", "format_table"]

Align = Literal["left", "right"]


def clean(text: str) -> str:
    """``text`` with control characters (tabs, line breaks, escapes) shown as ``?`` -- they
    would move the cursor instead of occupying a column."""
    if text.isprintable():
        return text
    return "".join("?" if unicodedata.category(ch) == "Cc" else ch for ch in text)


def display_width(text: str) -> int:
    """Number of terminal columns ``text`` occupies (wide characters and emoji count 2).

    Control characters count one column each (``clean`` shows them as ``?``).
    """
    text = clean(text)
    width = wcswidth(text)
    if width >= 0:
        return width
    return sum(max(wcwidth(ch), 0) for ch in text)


def truncate(text: str, width: int, ellipsis: str = "…") -> str:
    """``text`` cut to at most ``width`` columns, ending in ``ellipsis`` when it was cut."""
    text = clean(text)
    if display_width(text) <= width:
        return text
    room = width - display_width(ellipsis)
    out, used = [], 0
    for ch in text:
        w = max(wcwidth(ch), 0)
        if used + w > room:
            break
        out.append(ch)
        used += w
    return "".join(out) + ellipsis


def pad(text: str, width: int, align: Align = "left") -> str:
    """``text`` padded with spaces to ``width`` columns (never cut)."""
    text = clean(text)
    fill = " " * max(width - display_width(text), 0)
    return text + fill if align == "left" else fill + text


def format_table(head: Sequence[str], rows: Sequence[Sequence[str]], align: Sequence[Align] | None = None,
                 *, gap: str = "  ", rule: bool = True, max_width: int | None = None) -> str:
    """A plain-text table whose columns line up in a terminal.

    Each column is as wide as its widest cell in display columns (``display_width``);
    cells wider than ``max_width`` are cut with ``…``.  Trailing blanks are removed.

    Parameters
    ----------
    head : column titles.
    rows : cells as strings, one sequence per row (as long as ``head``).
    align : ``"left"`` or ``"right"`` per column (default: all left).
    gap : text between columns.
    rule : draw a line of ``-`` under the titles.
    max_width : the widest a column may be (None: no limit).

    Examples
    --------
    >>> print(format_table(["id", "n"], [["한국", "1"], ["a", "22"]], ["left", "right"]))
    id     n
    ----  --
    한국   1
    a     22
    """
    align = list(align) if align is not None else ["left"] * len(head)
    cells = [[clean(str(c)) for c in head]] + [[clean(str(c)) for c in r] for r in rows]
    if max_width is not None:
        cells = [[truncate(c, max_width) for c in r] for r in cells]
    widths = [max(display_width(r[i]) for r in cells) for i in range(len(head))]

    def line(values: Sequence[str]) -> str:
        return gap.join(pad(v, w, a) for v, w, a in zip(values, widths, align)).rstrip()

    lines = [line(cells[0])]
    if rule:
        lines.append(gap.join("-" * w for w in widths))
    lines.extend(line(r) for r in cells[1:])
    return "\n".join(lines)
