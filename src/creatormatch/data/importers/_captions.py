"""What a caption says: @mentions, #hashtags, and whether the post is marked as paid.

* **mentions** -- ``@name`` where ``name`` is 1-30 letters, digits, ``.`` or ``_`` (the
  handle alphabet of Instagram and TikTok), not preceded by a letter, digit, ``.``, ``_``
  or ``@`` (so ``anna@mail.com`` is no mention); a trailing ``.`` ends the sentence, not the
  handle.  Lower-cased (handles are case-insensitive); each account once per caption, in
  order of first appearance.
* **hashtags** -- ``#word`` (any Unicode letters and digits), lower-cased.
* **paid** -- a hashtag in ``PAID_HASHTAGS`` (``#ad``, ``#sponsored``, ... exactly: not
  ``#adventure``) or the words "paid partnership" (Instagram's label, as scrapers copy it
  into the caption).
"""

from __future__ import annotations

import re

__all__ = ["mentions", "hashtags", "is_paid", "PAID_HASHTAGS", "PAID_PHRASES"]

_MENTION = re.compile(r"(?<![A-Za-z0-9._@])@([A-Za-z0-9._]{1,30})")
_HASHTAG = re.compile(r"(?<![\w#&])#(\w+)")
#: Hashtags that mark a paid post (compared lower-case, whole tag).
PAID_HASHTAGS = frozenset({"ad", "ads", "sponsored", "paidpartnership", "paidpartner", "advertisement"})
#: Phrases that mark a paid post (a platform's label copied into the caption).
PAID_PHRASES = ("paid partnership",)


def mentions(caption: str) -> list[str]:
    """Accounts @mentioned in ``caption``, lower-cased, each once, in order.

    >>> mentions("Love @Gucci.  Mail me: anna@mail.com, thanks @gucci and @dior_official.")
    ['gucci', 'dior_official']
    """
    seen: dict[str, None] = {}
    for m in _MENTION.finditer(caption):
        name = m.group(1).rstrip(".").lower()
        if name:
            seen.setdefault(name, None)
    return list(seen)


def hashtags(caption: str) -> list[str]:
    """Hashtags in ``caption``, lower-cased, each once, in order.

    >>> hashtags("Sunny day #Ad #adventure #뷰티 #ad")
    ['ad', 'adventure', '뷰티']
    """
    seen: dict[str, None] = {}
    for m in _HASHTAG.finditer(caption):
        seen.setdefault(m.group(1).lower(), None)
    return list(seen)


def is_paid(caption: str, tags: list[str] | None = None) -> bool:
    """True when ``caption`` carries a paid marker (see the module docstring).

    >>> is_paid("new serum #AD"), is_paid("trip #adventure"), is_paid("Paid partnership with dior")
    (True, False, True)
    """
    tags = hashtags(caption) if tags is None else tags
    if PAID_HASHTAGS.intersection(tags):
        return True
    low = caption.lower()
    return any(p in low for p in PAID_PHRASES)
