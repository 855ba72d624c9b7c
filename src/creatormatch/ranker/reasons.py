"""Plain-words reasons for a learned match, from the model's own contributions.

For each ranked creator the TreeSHAP contributions (``RankerModel.contributions``) are
summed per *topic* (a feature and its evidence count, the walk's steps with the walk
score, ...), and the topics with the largest positive and the largest negative
contributions are written out with the creator's actual values, e.g.

* "declined an invitation from Sobel Store on 2025-09-03" (the pair's history),
* "cooperation index 91/100 (14 invitations with an outcome)",
* "primary category Skincare is the brand's",
* "against: 1,200 followers".

Brand-level features (the brand's history length, size, category) shift every creator
of a brand alike; they calibrate the probability but never explain one creator over
another, so they never give a reason.  The pair's own history is always mentioned when
there is one, whatever its contribution.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .._textcolumns import text_at
from .features import FEATURE_NAMES, FEATURES, INDEX_NAMES, row_values

if TYPE_CHECKING:  # pragma: no cover
    from ..recommend.matcher import Matcher, Ranking

__all__ = ["learned_reasons", "history_lines", "contribution_dicts", "TOPIC"]

#: feature -> topic its contribution is pooled into
TOPIC: dict[str, str] = {}
for _f in FEATURES:
    if _f.group == "brand":
        continue
    if _f.name.startswith("graph"):
        TOPIC[_f.name] = "graph"
    elif _f.name.startswith("mf_"):
        TOPIC[_f.name] = "mf"
    elif _f.name.endswith("_evidence"):
        TOPIC[_f.name] = _f.name[: -len("_evidence")]
    elif _f.name.startswith("pair_") or _f.name == "featured_products":
        TOPIC[_f.name] = "history" if _f.name != "featured_products" else "featured_products"
    elif _f.name in ("category_positive", "category_acceptance"):
        TOPIC[_f.name] = "category_acceptance"
    else:
        TOPIC[_f.name] = _f.name

_WORDS = {"cooperation": "cooperation", "consistency": "consistency", "diligence": "diligence",
          "content_volume": "content volume", "content_success": "content success", "sales_uplift": "sales uplift"}


def _day(value: float) -> str:
    return str(np.datetime64(int(round(value * 86_400.0)), "s"))[:10] if value > 0 else "?"


def _pair_value(matcher: "Matcher", name: str, brand_row: int, creator_row: int) -> float:
    return float(row_values(matcher.model.history.pair[name], brand_row, np.array([creator_row]))[0])


def history_lines(matcher: "Matcher", brand_row: int, creator_row: int) -> list[str]:
    """The pair's history with the brand in plain words (empty when they never met)."""
    if matcher.model.history is None or _pair_value(matcher, "last_event", brand_row, creator_row) <= 0:
        return []    # no history (most candidates): one look-up instead of six
    brand = text_at(matcher.brand, "name", brand_row)
    phrases = {
        "completed": "completed {n} collaboration{s} with {brand} (last invited {day})",
        "accepted": "accepted an invitation from {brand} on {day}, not yet delivered",
        "invited": "has an open invitation from {brand} (sent {day})",
        "declined": "declined {an} invitation{s} from {brand} (last on {day})",
        "expired": "let {an} invitation{s} from {brand} expire (last sent {day})",
        "cancelled": "cancelled {a} collaboration{s} with {brand} (last invited {day})",
    }
    out = []
    for status in ("completed", "accepted", "invited", "declined", "expired", "cancelled"):
        n = int(_pair_value(matcher, status, brand_row, creator_row))
        if n <= 0:
            continue
        day = _day(_pair_value(matcher, f"last_{status}", brand_row, creator_row))
        out.append(phrases[status].format(n=n, s="" if n == 1 else "s", an="an" if n == 1 else str(n),
                                          a="a" if n == 1 else str(n), brand=brand, day=day))
    return out


def _topic_text(matcher: "Matcher", topic: str, x: dict[str, float], brand_row: int, creator_row: int,
                positive: bool) -> str | None:
    brand = text_at(matcher.brand, "name", brand_row)
    cr = matcher.creator
    if topic == "history":
        return None  # written by history_lines
    if topic == "featured_products":
        return f"featured {brand}'s products in videos" if x["featured_products"] > 0 else \
            f"has not featured {brand}'s products"
    if topic == "graph":
        return f"close to {brand} in the collaboration graph" if x["graph"] > 0 else \
            f"no link to {brand} in the collaboration graph yet"
    if topic == "co_collaborators":
        return (f"works with brands that share creators with {brand}" if x["co_collaborators"] > 0 else
                f"has not worked with brands that share creators with {brand}")
    if topic == "mf":
        if np.isnan(x["mf_z"]):
            return "no collaborations yet, so no collaborative-taste signal"
        return (f"collaborative taste close to {brand}'s past creators" if positive else
                f"collaborative taste unlike {brand}'s past creators")
    if topic == "blend":
        return f"overall fit with {brand} {x['blend']:.2f} of 1 (blend of taste, graph, categories, indices)"
    if topic == "creator_pagerank":
        return "central in the market" if positive else "peripheral in the market"
    if topic == "category_fit":
        if np.isnan(x["category_fit"]):
            return "no category known"
        return f"content fit with {brand}'s categories {x['category_fit']:.2f} of 1"
    if topic == "exposure":
        return _exposure_text(matcher, brand, brand_row, creator_row, x, positive)
    if topic == "acceptance":
        if np.isnan(x["acceptance"]):
            return None
        chance = f"{np.exp(x['acceptance']):.0%} predicted"
        return (f"likely to accept an invitation from {brand} ({chance})" if positive else
                f"less likely to accept an invitation from {brand} ({chance})")
    if topic == "primary_match":
        cat = int(cr["primary_category"][creator_row])
        name = str(matcher.model.tables["category"]["name"][cat]) if cat >= 0 else "unknown"
        level = x["primary_match"]
        if np.isnan(level):
            return "primary category unknown"
        return {2.0: f"primary category {name} is {brand}'s",
                1.0: f"primary category {name} is next to {brand}'s"}.get(level, f"primary category {name} differs "
                                                                          f"from {brand}'s")
    if topic in INDEX_NAMES:
        v, ev = x[topic], x[f"{topic}_evidence"]
        if np.isnan(v):
            return f"{_WORDS[topic]} index not available yet"
        return f"{_WORDS[topic]} index {v:.0f}/100 (evidence {ev:.0f})"
    if topic == "log_followers":
        return f"{int(cr['followers'][creator_row]):,} followers"
    if topic == "log_rate":
        r = float(cr["rate"][creator_row])
        return "no listed rate" if np.isnan(r) else f"rate {r:,.0f} per video"
    if topic == "creator_negative":
        return f"{x['creator_negative']:.0f} invitations declined, expired or cancelled"
    if topic == "creator_positive":
        return f"{x['creator_positive']:.0f} collaborations with any brand"
    if topic == "in_market_brands":
        return f"worked with {x['in_market_brands']:.0f} brands in {text_at(matcher.brand, 'market', brand_row)}"
    if topic == "same_market":
        return "same market as the brand" if x["same_market"] > 0 else "in another market than the brand"
    if topic == "days_since_active":
        d = x["days_since_active"]
        return "no activity on record" if np.isnan(d) else f"last active {d:.0f} days ago"
    if topic == "category_acceptance":
        n, r = x["category_positive"], x["category_acceptance"]
        if n <= 0:
            return "no collaborations with brands of this category yet"
        return (f"{n:.0f} collaborations with brands of this category "
                f"(acceptance {r:.0%}, shrunk toward 50 %)")
    return None


def _exposure_text(matcher: "Matcher", brand: str, brand_row: int, creator_row: int, x: dict[str, float],
                   positive: bool) -> str | None:
    """The search model's reason (``ranker.exposure``): the share of the brand's products in
    the creator's category, or the audience, or the market; None for an open invitation
    (``exposure`` = log 1), which the pair-history line states."""
    if x.get("pair_invited", 0.0) > 0 and x["exposure"] == 0.0:
        return None     # found already: the history line says so ("has an open invitation from ...")
    mix = matcher.model.history.exposure["mix"]
    cat = int(matcher.creator["primary_category"][creator_row])
    lo, hi = mix.indptr[brand_row], mix.indptr[brand_row + 1]
    at = np.flatnonzero(mix.indices[lo:hi] == cat) if cat >= 0 else ()
    share = float(mix.data[lo + at[0]]) if len(at) else 0.0
    name = str(matcher.model.tables["category"]["name"][cat]) if cat >= 0 else ""
    if positive:
        if share > 0:
            return f"easy for {brand} to find: {share:.0%} of its products are {name}"
        pct = x.get("followers_percentile", np.nan)
        if x.get("same_market", 0.0) > 0 and np.isfinite(pct):   # floored: never "more than 100 %"
            return (f"easy for {brand} to find: in its market, with more followers than {int(pct * 100)}% "
                    f"of the creators there")
        return f"easy for {brand} to find: a large audience"
    if x.get("same_market", 1.0) == 0:
        return f"hard for {brand} to find: another market"
    if share == 0:
        return f"hard for {brand} to find: none of its products is {name}" if name else \
            f"hard for {brand} to find: no category known"
    return f"hard for {brand} to find: a small audience among its {name} creators"


def _favourable(topic: str, x: dict[str, float]) -> bool | None:
    """Whether the creator's own value of ``topic`` reads as good news (None: no direction).

    A reason is only written when its sign and the value agree, so a positive contribution
    of, say, a zero category fit (better than the average candidate's negative evidence) is
    not presented as a reason for the match."""
    if topic == "category_fit":
        return None if np.isnan(x["category_fit"]) else bool(x["category_fit"] >= 0.2)
    if topic == "primary_match":
        return None if np.isnan(x["primary_match"]) else bool(x["primary_match"] >= 1)
    if topic in INDEX_NAMES:
        return None if np.isnan(x[topic]) else bool(x[topic] >= 50)
    if topic in ("graph", "featured_products", "co_collaborators"):
        return bool(x[topic] > 0)
    return None


def contribution_dicts(ranking: "Ranking", contributions: np.ndarray, scale: float) -> list[dict[str, float]]:
    """Per ranked creator: feature -> contribution to the score's log-odds (``scale`` is the
    calibration slope), plus ``base_value``; features contributing exactly 0 are left out."""
    out = []
    for row in contributions:
        d = {FEATURE_NAMES[i]: float(row[i] * scale) for i in np.flatnonzero(row[:-1])}
        d["base_value"] = float(row[-1] * scale)
        out.append(d)
    return out


#: The topics in the order their first feature appears, and the 0/1 matrix that sums a
#: row of feature contributions into one value per topic.
_TOPICS: tuple[str, ...] = tuple(dict.fromkeys(TOPIC[n] for n in FEATURE_NAMES if n in TOPIC))
_TOPIC_MATRIX = np.array([[1.0 if TOPIC.get(n) == t else 0.0 for t in _TOPICS] for n in FEATURE_NAMES])


def learned_reasons(matcher: "Matcher", brand_row: int, ranking: "Ranking", contributions: np.ndarray,
                    n_positive: int = 3, n_negative: int = 2) -> list[list[str]]:
    """Reasons per ranked creator (see the module docstring)."""
    out = []
    pooled_all = np.asarray(contributions, np.float64)[:, :len(FEATURE_NAMES)] @ _TOPIC_MATRIX
    for i, row in enumerate(ranking.rows.tolist()):
        x = dict(zip(FEATURE_NAMES, ranking.features[i].astype(np.float64)))
        ranked = sorted(zip(_TOPICS, pooled_all[i].tolist()), key=lambda kv: -kv[1])
        pos = [t for t, v in ranked if v > 0 and _favourable(t, x) is not False][:n_positive]
        neg = [t for t, v in reversed(ranked) if v < 0 and _favourable(t, x) is not True][:n_negative]
        lines = history_lines(matcher, brand_row, row)
        for topic in pos:
            text = _topic_text(matcher, topic, x, brand_row, row, True)
            if text and _favourable(topic, x) is not False:
                lines.append(text)
        for topic in neg:
            text = _topic_text(matcher, topic, x, brand_row, row, False)
            if text and _favourable(topic, x) is not True:
                lines.append(f"against: {text}")
        out.append(lines)
    return out
