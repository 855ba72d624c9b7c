"""Turn a table of scraped posts into a contract-v1 dataset.

``import_posts(path, ...)`` reads one CSV file of posts -- one row per post with the
author's ``handle`` and ``followers``, the post time (``posted_at``, or a post ``url`` or
``post_id`` that encodes it), the ``caption``, ``likes``, ``comments``, ``views`` and
optionally ``country``, ``scraped_at`` and ``paid_partnership`` -- and infers:

* **creators** -- every post author (``creator_id`` = the lower-cased handle).  Followers
  and the handle's spelling come from the author's latest row (latest ``scraped_at``,
  else latest post); the market is the author's most frequent ``country`` (ties: the
  first in alphabetical order; an ISO 3166-1 code, ``UK`` read as ``GB``), else
  ``default_market`` (required when some creator's posts carry no country).  With ``scraped_at``, the latest
  scrape is the creator's ``observed_to`` (the end of the observation window).
* **videos** -- one per distinct post.  A post seen twice (the same post id, or without
  one the same author and time -- repeated scrapes) is written once: the row of the
  latest scrape (``scraped_at``), else the one with the most likes + comments + views.
* **brands** -- accounts @mentioned in captions by at least ``min_creators`` distinct
  creators, except self-mentions, accounts listed in ``exclude`` (people) and post
  authors (who are creators here).
* **collaborations** -- one ``completed`` collaboration per post and brand it mentions,
  invited (and delivered) at the post's time; nothing says how an invitation was
  answered, so the cooperation index uses its mention-only inputs.
* **paid posts** -- a caption with ``#ad``, ``#sponsored`` (see ``_captions``), the words
  "paid partnership", or a true ``paid_partnership`` cell.  Contract v1 has no "paid"
  column; a paid post is written as what it is in the contract's terms, **the deliverable
  of its collaboration**: the video's ``collaboration_id`` names the collaboration with the
  first brand it mentions, and that collaboration promised and delivered one video.  (So
  paid posts leave the creator's own feed, like every deliverable.)  A paid post that
  mentions no brand stays an own-feed video and is counted in the report.

Every row that cannot be read is rejected with its line and reasons (``rejects``), like
``validate --lenient``; every inference is counted in ``PostImport.counts``.
``write_import`` writes the CSV files, ``rejects.csv`` and ``import-report.md``.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from ...errors import DataError, Problem, UsageError
from .._parse import parse_datetime
from ..contract import SPECS
from ..markets import canonical_market
from ._captions import hashtags, is_paid, mentions
from ._posttime import post_id_from_url, time_from_post

__all__ = ["FIELDS", "ALIASES", "COUNTS", "PostImport", "import_posts", "write_import", "parse_mapping"]

#: The fields of a post table (a column is mapped to each by name, alias or ``--map``).
FIELDS: tuple[str, ...] = (
    "handle", "followers", "posted_at", "url", "post_id", "caption", "likes", "comments", "views", "country",
    "scraped_at", "paid_partnership",
)
#: Other column names read as a field when no column has the field's own name (lower case).
ALIASES: dict[str, tuple[str, ...]] = {
    "handle": ("username", "owner_username", "author", "account"),
    "followers": ("followers_count", "follower_count"),
    "posted_at": ("timestamp", "taken_at", "created_at", "date"),
    "url": ("post_url", "link", "permalink"),
    "post_id": ("id", "shortcode", "video_id", "media_id"),
    "caption": ("text", "description"),
    "likes": ("likes_count", "like_count"),
    "comments": ("comments_count", "comment_count"),
    "views": ("views_count", "view_count", "video_view_count", "play_count", "plays"),
    "country": ("market",),
}
#: Every count an import reports (``PostImport.counts``; all present, zero or more).
COUNTS: tuple[str, ...] = (
    "rows_read", "rows_rejected", "duplicates_merged", "posts_written", "time_from_id", "creators_written",
    "creators_default_market", "creators_observed_to", "mentions", "posts_with_mentions", "accounts_mentioned",
    "self_mentions", "excluded_people", "excluded_authors", "below_threshold", "brands_written",
    "collaborations_written", "paid_posts", "paid_linked", "paid_without_brand", "posts_with_hashtags",
)
_INT = re.compile(r"\d+|\d{1,3}(?:,\d{3})+")
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f", ""}
_HANDLE = re.compile(r"@?([A-Za-z0-9._]{1,30})")


@dataclass
class _Post:
    line: int
    creator: str
    handle: str
    followers: int
    posted: datetime
    time_from_id: bool
    post_id: str
    caption: str
    likes: int | None
    comments: int | None
    views: int | None
    country: str
    scraped: datetime | None
    paid_cell: bool

    @property
    def engagement(self) -> int:
        return sum(v for v in (self.likes, self.comments, self.views) if v is not None)


@dataclass
class PostImport:
    """The result of ``import_posts``: contract tables as text cells, rejects and counts.

    ``tables[name]`` is a list of rows (column -> text) of contract file ``name``;
    ``rejects`` holds ``(line, reasons, record)`` per rejected row; ``counts`` every
    inference (see ``report_markdown``).
    """

    source: str
    tables: dict[str, list[dict[str, str]]]
    rejects: list[tuple[int, str, str]]
    counts: dict[str, int]
    columns: dict[str, str] = field(default_factory=dict)
    min_creators: int = 2
    default_market: str | None = None

    def report_markdown(self) -> str:
        """The text of ``import-report.md``: every inference with its count."""
        c = self.counts
        out = [f"# Import of `{self.source}`", ""]
        out += ["## Files written", "", "| file | rows |", "|---|---|"]
        out += [f"| {name}.csv | {len(rows):,} |" for name, rows in self.tables.items()]
        out += [f"| rejects.csv | {len(self.rejects):,} |", ""]
        out += ["## Columns read", "", "| field | column |", "|---|---|"]
        out += [f"| {f} | {col} |" for f, col in self.columns.items()]
        out += ["", "## Rows", ""]
        out += [f"* {c['rows_read']:,} rows read = {c['rows_rejected']:,} rejected (rejects.csv, with line and "
                f"reasons) + {c['duplicates_merged']:,} duplicates of another row (the same post from a repeated "
                f"scrape: the latest scrape kept, else the row with the most likes + comments + views) + "
                f"{c['posts_written']:,} posts written to videos.csv.",
                f"* {c['time_from_id']:,} post times read from the post URL or id (no `posted_at`)."]
        out += ["", "## Creators", ""]
        out += [f"* {c['creators_written']:,} creators: every author of a post written (creator_id = the "
                "lower-cased handle).",
                "* Followers and handle spelling from each creator's latest row (latest `scraped_at`, else latest "
                "post).",
                f"* Market: the creator's most frequent `country`; {c['creators_default_market']:,} creators had "
                f"none and got `{self.default_market}`.",
                f"* {c['creators_observed_to']:,} creators have `observed_to` (their latest `scraped_at`): the end "
                "of their observation window."]
        out += ["", "## Brands", ""]
        out += [f"* {c['mentions']:,} @mentions in {c['posts_with_mentions']:,} posts, of "
                f"{c['accounts_mentioned']:,} distinct accounts ({c['self_mentions']:,} self-mentions ignored).",
                f"* {c['excluded_people']:,} mentioned accounts excluded as people (the exclusion list).",
                f"* {c['excluded_authors']:,} mentioned accounts excluded because they post here (creators).",
                f"* {c['below_threshold']:,} accounts mentioned by fewer than {self.min_creators} distinct "
                "creators: not brands.",
                f"* {c['brands_written']:,} brands: accounts mentioned by at least {self.min_creators} distinct "
                "creators; market = the most frequent market of the creators mentioning them."]
        out += ["", "## Collaborations", ""]
        out += [f"* {c['collaborations_written']:,} collaborations: one `completed` collaboration per post and "
                "brand it mentions, invited and delivered at the post's time (no invitation outcomes: the "
                "cooperation index uses its mention-only inputs).",
                f"* {c['paid_posts']:,} posts marked as paid (#ad, #sponsored, ..., \"paid partnership\" or a true "
                f"`paid_partnership` cell): {c['paid_linked']:,} written as the deliverable of their collaboration "
                f"with the first brand they mention (videos.collaboration_id; deliverables promised = delivered "
                f"= 1); {c['paid_without_brand']:,} mention no brand and stay own-feed videos.",
                f"* {c['posts_with_hashtags']:,} posts carry hashtags; hashtags other than the paid markers are "
                "not used.", ""]
        return "\n".join(out)


# --------------------------------------------------------------------------- reading


def parse_mapping(items: Iterable[str]) -> dict[str, str]:
    """``["COLUMN=FIELD", ...]`` -> ``{field: column}``.

    Raises
    ------
    UsageError : an item without ``=``, or an unknown field.
    """
    out: dict[str, str] = {}
    for item in items:
        column, sep, name = item.rpartition("=")
        if not sep or not column.strip() or not name.strip():
            raise UsageError(f"{{option}} takes COLUMN=FIELD, got '{item}'", option="maps")
        name = name.strip().lower()
        if name not in FIELDS:
            raise UsageError(f"{{option}} {item}: unknown field '{name}'; fields: {', '.join(FIELDS)}", option="maps")
        out[name] = column.strip()
    return out


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data:
        line = data[:data.index(b"\x00")].count(b"\n") + 1
        raise DataError([Problem(path.name, line, None, "NUL byte in the file")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise DataError([Problem(path.name, line, None, "bytes that are not UTF-8")]) from None


def _resolve_columns(header: list[str], mapping: Mapping[str, str], name: str) -> dict[str, int]:
    """Field -> column position: ``--map`` first, then the field's own name, then an alias."""
    lower = {h.strip().lower(): i for i, h in reversed(list(enumerate(header)))}
    out: dict[str, int] = {}
    for f, column in mapping.items():
        if column.strip().lower() not in lower:
            raise UsageError(f"{name}: no column '{column}' (from {{option}} {column}={f}); the columns are "
                             f"{', '.join(h.strip() for h in header)}", option="maps")
        out[f] = lower[column.strip().lower()]
    for f in FIELDS:
        if f in out:
            continue
        for candidate in (f, *ALIASES.get(f, ())):
            if candidate in lower and lower[candidate] not in out.values():
                out[f] = lower[candidate]
                break
    missing = [f for f in ("handle", "followers") if f not in out]
    if not ({"posted_at", "url", "post_id"} & set(out)):
        missing.append("posted_at (or url, or post_id)")
    if missing:
        raise DataError([Problem(name, 1, None, f"no column for {', '.join(missing)}")],
                        hint=("maps", "Name the column of each with {option} COLUMN=FIELD."))
    return out


def _record_text(cells: Sequence[str]) -> str:
    return ",".join('"' + c.replace('"', '""') + '"' if any(ch in c for ch in ',"\r\n') else c for c in cells)


def _int_cell(text: str, name: str, reasons: list[str], required: bool = False) -> int | None:
    text = text.strip()
    if not text:
        if required:
            reasons.append(f"column '{name}': empty")
        return None
    if not _INT.fullmatch(text):
        reasons.append(f"column '{name}': not a whole number >= 0 (value '{text[:40]}')")
        return None
    return int(text.replace(",", ""))


def _time_column(cells: list[str]) -> tuple[list[datetime | None], np.ndarray]:
    """Parse a column of times at once: ISO 8601 (offsets to UTC, as the contract reads them)
    or Unix seconds (10 digits) / milliseconds (13 digits).  Returns the times (None where
    empty or bad) and a mask of the bad cells."""
    text = np.array([c.strip() for c in cells], dtype=str) if cells else np.zeros(0, "U1")
    parsed, bad = parse_datetime(text)
    digits = np.char.isdigit(text) & np.isin(np.char.str_len(text), (10, 13))
    if digits.any():
        numbers = text[digits].astype(np.int64)
        ms = np.char.str_len(text[digits]) == 13
        parsed[digits] = np.where(ms, numbers // 1000, numbers).astype("datetime64[s]")
        bad[digits] = False
    out: list[datetime | None] = [None if t is None else t for t in parsed.astype("datetime64[s]").tolist()]
    return out, bad


def _read_posts(path: Path, mapping: Mapping[str, str]) -> tuple[list[_Post], list[tuple[int, str, str]],
                                                                  int, dict[str, str]]:
    text = _read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise DataError([Problem(path.name, 0, None, "empty file")]) from None
    except csv.Error as exc:
        raise DataError([Problem(path.name, 1, None, f"unreadable header: {exc}")]) from None
    cols = _resolve_columns(header, mapping, path.name)
    records: list[tuple[int, list[str]]] = []
    rejects: list[tuple[int, str, str]] = []
    n_read = 0
    last = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise DataError([Problem(path.name, last + 1, None, f"unreadable CSV record: {exc}")]) from None
        line, last = last + 1, reader.line_num
        if not cells or cells == [""]:
            continue
        n_read += 1
        if len(cells) != len(header):
            rejects.append((line, f"{len(cells)} fields, the header has {len(header)}", _record_text(cells)))
            continue
        records.append((line, cells))
    if n_read == 0:
        raise DataError([Problem(path.name, 0, None, "a header but no rows")])
    # the time columns are parsed as columns (one vectorised parse), the rest row by row
    times = {name: _time_column([cells[cols[name]] for _, cells in records]) if name in cols
             else ([None] * len(records), np.zeros(len(records), bool)) for name in ("posted_at", "scraped_at")}
    posts: list[_Post] = []
    for i, (line, cells) in enumerate(records):
        post, reasons = _parse_row(cells, cols, line, {name: (t[0][i], bool(t[1][i])) for name, t in times.items()})
        if post is None:
            rejects.append((line, "; ".join(reasons), _record_text(cells)))
        else:
            posts.append(post)
    return posts, rejects, n_read, {f: header[i].strip() for f, i in cols.items()}


def _checked_time(parsed: tuple[datetime | None, bool], name: str, text: str,
                  reasons: list[str]) -> datetime | None:
    value, bad = parsed
    if bad:
        reasons.append(f"column '{name}': not a date or time (value '{text.strip()[:40]}')")
        return None
    return value


def _parse_row(cells: list[str], cols: dict[str, int], line: int,
               times: dict[str, tuple[datetime | None, bool]]) -> tuple[_Post | None, list[str]]:
    def get(name: str) -> str:
        return cells[cols[name]] if name in cols else ""

    reasons: list[str] = []
    m = _HANDLE.fullmatch(get("handle").strip())
    if not get("handle").strip():
        reasons.append("column 'handle': empty")
    elif not m:
        reasons.append(f"column 'handle': not a handle (value '{get('handle').strip()[:40]}')")
    followers = _int_cell(get("followers"), "followers", reasons, required=True)
    likes = _int_cell(get("likes"), "likes", reasons)
    comments = _int_cell(get("comments"), "comments", reasons)
    views = _int_cell(get("views"), "views", reasons)
    url, given_id = get("url").strip(), get("post_id").strip()
    post_id = given_id or (post_id_from_url(url) if url else None) or ""
    posted = _checked_time(times["posted_at"], "posted_at", get("posted_at"), reasons)
    from_id = False
    if posted is None and not get("posted_at").strip():
        t = time_from_post(url, post_id)
        if t is None:
            reasons.append("no posted_at, and the post URL or id encodes no time")
        else:
            posted, from_id = t.replace(tzinfo=None), True
    if posted is not None and not 1900 <= posted.year <= 2099:
        reasons.append(f"column 'posted_at': year {posted.year} outside 1900-2099")
    scraped = _checked_time(times["scraped_at"], "scraped_at", get("scraped_at"), reasons)
    country = get("country").strip().upper()
    if country:
        found = canonical_market(country)
        if found is None:
            reasons.append(f"column 'country': not an ISO 3166-1 alpha-2 code (value '{country[:40]}')")
        else:
            country = found[0]  # an alias (UK) becomes its ISO code (GB)
    paid = get("paid_partnership").strip().lower()
    if paid not in _TRUE and paid not in _FALSE:
        reasons.append(f"column 'paid_partnership': not true or false (value '{paid[:40]}')")
    if reasons or m is None or followers is None or posted is None:
        return None, reasons
    handle = m.group(1)
    return _Post(line=line, creator=handle.lower(), handle=handle, followers=followers, posted=posted,
                 time_from_id=from_id, post_id=post_id, caption=get("caption"), likes=likes, comments=comments,
                 views=views, country=country, scraped=scraped, paid_cell=paid in _TRUE), []


# --------------------------------------------------------------------------- inferring


def import_posts(path: str | Path, *, mapping: Mapping[str, str] | None = None, min_creators: int = 2,
                 exclude: Iterable[str] = (), default_market: str | None = None) -> PostImport:
    """Read the posts in ``path`` and infer a contract-v1 dataset (see the module docstring).

    Parameters
    ----------
    path : a CSV file of posts (UTF-8, header row; quoted multi-line captions are fine).
    mapping : field -> column name, for columns not named as the field (``parse_mapping``).
    min_creators : an account is a brand when at least this many distinct creators mention it.
    exclude : handles (with or without ``@``) that are people, never brands.
    default_market : the market of a creator whose posts carry no ``country`` (an ISO 3166-1
        code; ``UK`` is read as ``GB``).  Needed only when there is such a creator.

    Returns
    -------
    PostImport

    Raises
    ------
    DataError : the file is not readable CSV, or lacks a column for a required field.
    UsageError : a bad option (mapping to a missing column, a bad market, ``min_creators < 1``).
    """
    path = Path(path)
    if min_creators < 1:
        raise UsageError("{option} must be at least 1", option="min_creators")
    market = None
    if default_market is not None:
        found = canonical_market(default_market)
        if found is None:
            raise UsageError(f"{{option}} must be an ISO 3166-1 alpha-2 code such as ID or GB, got '{default_market}'",
                             option="market")
        market = found[0]
    posts, rejects, n_read, columns = _read_posts(path, dict(mapping or {}))
    posts, merged, clashes = _deduplicate(posts)
    rejects.extend(clashes)
    rejects.sort()
    counts: Counter = Counter(dict.fromkeys(COUNTS, 0))
    counts.update(rows_read=n_read, rows_rejected=len(rejects), duplicates_merged=merged,
                  posts_written=len(posts), time_from_id=sum(p.time_from_id for p in posts))

    by_creator: dict[str, list[_Post]] = {}
    for p in sorted(posts, key=lambda p: (p.creator, p.posted, p.post_id)):
        by_creator.setdefault(p.creator, []).append(p)
    creators, creator_market = _creators(by_creator, market, counts)

    people = {h.strip().lstrip("@").lower() for h in exclude if h.strip().lstrip("@")}
    brands, brand_market = _brands(by_creator, people, creator_market, min_creators, counts)
    if not brands:
        raise UsageError(f"{path.name}: no account is @mentioned by at least {min_creators} distinct creators "
                         f"({counts['accounts_mentioned']:,} accounts mentioned in {len(posts):,} usable posts), so "
                         "there is no brand; lower {option} or check which column holds the captions",
                         option="min_creators")
    videos, collabs = _videos_and_collaborations(by_creator, brands, counts)
    tables = {"creators": creators,
              "brands": [{"brand_id": b, "name": f"@{b}", "market": brand_market[b]} for b in brands],
              "collaborations": collabs, "videos": videos}
    counts.update(creators_written=len(creators), brands_written=len(brands), collaborations_written=len(collabs))
    return PostImport(source=path.name, tables=tables, rejects=rejects, counts=dict(counts), columns=columns,
                      min_creators=min_creators, default_market=market)


def _post_key(p: _Post) -> str:
    return p.post_id or f"{p.creator}-{p.posted:%Y%m%dT%H%M%S}"


def _deduplicate(posts: list[_Post]) -> tuple[list[_Post], int, list[tuple[int, str, str]]]:
    """One row per post: the latest scrape, else the most engagement, else the first row."""
    best: dict[str, _Post] = {}
    merged = 0
    clashes: list[tuple[int, str, str]] = []
    for p in posts:
        key = _post_key(p)
        old = best.get(key)
        if old is None:
            best[key] = p
            continue
        if old.creator != p.creator:
            clashes.append((p.line, f"column 'post_id': post '{key}' already belongs to @{old.creator} "
                                    f"(line {old.line})", f"@{p.handle} post {key}"))
            continue
        merged += 1
        newer = (p.scraped or datetime.min, p.engagement) > (old.scraped or datetime.min, old.engagement)
        if newer:
            best[key] = p
    return list(best.values()), merged, clashes


def _latest(rows: list[_Post]) -> _Post:
    return max(rows, key=lambda p: (p.scraped or datetime.min, p.posted, p.line))


def _most_common(values: Iterable[str]) -> str | None:
    counts = Counter(v for v in values if v)
    if not counts:
        return None
    top = max(counts.values())
    return min(v for v, n in counts.items() if n == top)


def _creators(by_creator: dict[str, list[_Post]], market: str | None,
              counts: Counter) -> tuple[list[dict[str, str]], dict[str, str]]:
    without = sum(1 for ps in by_creator.values() if _most_common(p.country for p in ps) is None)
    if without and market is None:
        raise UsageError(f"the posts of {without:,} creator{'s' if without != 1 else ''} carry no country, and a "
                         "market must be an ISO 3166-1 code: name the market they are in with {option}",
                         option="market")
    rows, markets = [], {}
    for cid, ps in by_creator.items():
        latest = _latest(ps)
        country = _most_common(p.country for p in ps)
        if country is None:
            counts["creators_default_market"] += 1
        markets[cid] = country or market
        scraped = [p.scraped for p in ps if p.scraped is not None]
        if scraped:
            counts["creators_observed_to"] += 1
        rows.append({"creator_id": cid, "handle": latest.handle, "market": markets[cid],
                     "followers": str(latest.followers),
                     "observed_to": _iso(max(scraped)) if scraped else ""})
    return rows, markets


def _brands(by_creator: dict[str, list[_Post]], people: set[str], creator_market: dict[str, str],
            min_creators: int, counts: Counter) -> tuple[list[str], dict[str, str]]:
    mentioned_by: dict[str, set[str]] = {}
    for cid, ps in by_creator.items():
        for p in ps:
            names = mentions(p.caption)
            counts["mentions"] += len(names)
            counts["posts_with_mentions"] += bool(names)
            counts["posts_with_hashtags"] += bool(hashtags(p.caption))
            for name in names:
                if name == cid:
                    counts["self_mentions"] += 1
                    continue
                mentioned_by.setdefault(name, set()).add(cid)
    counts["accounts_mentioned"] = len(mentioned_by)
    brands, market = [], {}
    for name in sorted(mentioned_by):
        if name in people:
            counts["excluded_people"] += 1
        elif name in by_creator:
            counts["excluded_authors"] += 1
        elif len(mentioned_by[name]) < min_creators:
            counts["below_threshold"] += 1
        else:
            brands.append(name)
            market[name] = _most_common(creator_market[c] for c in mentioned_by[name]) or ""
    return brands, market


def _videos_and_collaborations(by_creator: dict[str, list[_Post]], brands: list[str],
                               counts: Counter) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    is_brand = set(brands)
    videos, collabs = [], []
    for cid, ps in by_creator.items():
        for p in ps:
            vid = _post_key(p)
            when = _iso(p.posted)
            tags = hashtags(p.caption)
            paid = p.paid_cell or is_paid(p.caption, tags)
            linked = ""
            for name in mentions(p.caption):
                if name not in is_brand or name == cid:
                    continue
                col_id = f"{vid}:{name}"
                row = {"collaboration_id": col_id, "brand_id": name, "creator_id": cid, "invited_at": when,
                       "status": "completed", "delivered_at": when}
                if paid and not linked:
                    linked = col_id
                    row.update(deliverables_promised="1", deliverables_delivered="1")
                collabs.append(row)
            counts["paid_posts"] += paid
            counts["paid_linked"] += bool(linked)
            counts["paid_without_brand"] += paid and not linked
            videos.append({"video_id": vid, "creator_id": cid, "posted_at": when, "views": _cell(p.views),
                           "likes": _cell(p.likes), "comments": _cell(p.comments), "collaboration_id": linked})
    return videos, collabs


def _cell(value: int | None) -> str:
    return "" if value is None else str(value)


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- writing


def write_import(result: PostImport, out: str | Path) -> list[Path]:
    """Write the dataset of ``result`` into ``out``: the contract files, ``rejects.csv``
    (``file, line, reasons, record``, as ``validate --lenient`` writes it) and
    ``import-report.md``.  Returns the paths written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in result.tables.items():
        columns = [c.name for c in SPECS[name].columns]
        path = out / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows([row.get(c, "") for c in columns] for row in rows)
        written.append(path)
    path = out / "rejects.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["file", "line", "reasons", "record"])
        writer.writerows([result.source, line, reasons, record] for line, reasons, record in result.rejects)
    written.append(path)
    path = out / "import-report.md"
    path.write_text(result.report_markdown(), encoding="utf-8")
    written.append(path)
    return written
