"""A creator's scorecard in plain words: each index, the inputs behind it, where the creator
stands among peers in the market, and what would raise it.

``scorecard(dataset, indices, row)`` builds a ``Scorecard`` (pure data); ``render()`` gives
the text ``creatormatch scorecard`` prints and ``to_dict()`` its JSON form.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Callable

import numpy as np

from ..data.dataset import Dataset
from ._result import CreatorIndices, IndexResult
from .consistency import WEIGHTS as CONSISTENCY_WEIGHTS
from .cooperation import MENTION_WEIGHTS, WEIGHTS as COOPERATION_WEIGHTS
from .diligence import WEIGHTS as DILIGENCE_WEIGHTS
from .success import WEIGHTS as SUCCESS_WEIGHTS
from .uplift import WEIGHTS as UPLIFT_WEIGHTS

__all__ = ["IndexCard", "CategoryLine", "Scorecard", "scorecard", "TITLES"]

TITLES = {
    "cooperation": "Cooperation",
    "consistency": "Consistency",
    "diligence": "Diligence",
    "content_volume": "Content volume",
    "content_success": "Content success",
    "sales_uplift": "Sales uplift",
}
WHAT = {
    "cooperation": "how readily you answer, accept and deliver brand invitations",
    "consistency": "how reliably you deliver on time and how steadily you post",
    "diligence": "how much of your own feed features shoppable products",
    "content_volume": "how often you post in your own feed",
    "content_success": "how your videos do compared with accounts of your size",
    "sales_uplift": "how many sales your shoppable videos bring compared with what is usual for the product",
}
#: Below this much evidence the scorecard says the score is still pulled toward the average.
FEW = {"cooperation": 10, "consistency": 10, "diligence": 10, "content_volume": 10,
       "content_success": 10, "sales_uplift": 10}
EVIDENCE_UNIT = {"cooperation": "invitations with an outcome", "consistency": "collaborations and posts",
                 "diligence": "own videos", "content_volume": "own videos",
                 "content_success": "videos", "sales_uplift": "shoppable videos"}

#: What cooperation's evidence counts on mention-only data.
MENTION_UNIT = "collaborations and posts observed"

#: Why a creator has no value for an index.
NONE_YET = {
    "cooperation": "no invitation with an outcome yet (open invitations do not count until answered or expired)",
    "consistency": "no finished collaboration and fewer than three posts in your own feed yet",
    "diligence": "no videos in your own feed yet (collaboration deliverables do not count)",
    "content_volume": "no videos in your own feed yet (collaboration deliverables do not count)",
    "content_success": "no videos with a view count yet",
    "sales_uplift": "no shoppable videos with sales figures in categories that sell yet",
}
#: What makes an index appear for a creator who has none yet.
START = {
    "cooperation": "answer brand invitations: the index appears with the first invitation you answer or let expire.",
    "consistency": "complete a collaboration or post a few videos in your own feed.",
    "diligence": "post videos in your own feed; the ones featuring a product count.",
    "content_volume": "post videos in your own feed.",
    "content_success": "post videos; their views and engagement are compared with accounts of your size.",
    "sales_uplift": "post shoppable videos; their orders are compared with what is usual for the product.",
}


@dataclass(frozen=True)
class IndexCard:
    """One index on a scorecard."""

    name: str
    title: str
    meaning: str
    available: bool
    score: float | None          # 0–100 percentile in the market, None if not available
    peers: int                   # creators of the market with this index
    evidence: int
    facts: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)
    reason: str | None = None    # why it is not available ("no products", ...); None when it is
    unit: str = ""               # what the evidence counts, when it differs from EVIDENCE_UNIT


@dataclass(frozen=True)
class CategoryLine:
    """The creator's influence in one category."""

    category_id: str
    name: str
    score: float                 # share of active creators in category+market at or below
    peers: int                   # creators active in the category and market
    activity_share: float        # share of the creator's activity in the category


@dataclass(frozen=True)
class Scorecard:
    """A creator's indices explained (see ``render``)."""

    creator_id: str
    handle: str
    market: str
    followers: int
    market_creators: int
    cards: list[IndexCard]
    categories: list[CategoryLine]
    pricing: Any = None          # creatormatch.pricing.explain.PriceCard (issue 14)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return asdict(self)

    def render(self) -> str:
        """The scorecard as plain text, one index per block."""
        handle = f" (@{self.handle})" if self.handle else ""
        lines = [
            f"Scorecard of {self.creator_id}{handle}",
            f"Market {self.market}, {self.followers:,} followers; compared with the "
            f"{self.market_creators:,} creators of {self.market}.",
            "Scores are percentiles: 70 means higher than 70% of the creators of the market "
            "for whom the index is available.",
            "",
        ]
        for card in self.cards:
            if card.available:
                others = _plural(card.peers - 1, "other creator")
                head = (f"{card.title}: {card.score:.0f} / 100 (higher than {card.score:.0f}% of "
                        f"{others} in {self.market}; based on {card.evidence:,} {card.unit or EVIDENCE_UNIT[card.name]})")
            else:
                head = f"{card.title}: not available"
            lines.append(head)
            lines.append(f"  measures {card.meaning}")
            lines.extend(f"  - {fact}" for fact in card.facts)
            lines.extend(f"  To raise it: {tip}" for tip in card.advice)
            lines.append("")
        lines.append("Influence in categories:")
        if not self.categories:
            lines.append("  - no category activity recorded")
        for cat in self.categories:
            lines.append(f"  - {cat.name} ({cat.category_id}): {cat.score:.0f} / 100, at or above "
                         f"{cat.score:.0f}% of the {cat.peers:,} creators active in it in {self.market}; "
                         f"{_pct(cat.activity_share)} of your activity")
        if self.pricing is not None:
            lines.append("")
            lines.extend(self.pricing.lines())
        lines.append("")
        lines.append("How every index is computed: docs/indices.md")
        return "\n".join(lines)


# --------------------------------------------------------------------------- building


def scorecard(dataset: Dataset, indices: CreatorIndices, row: int, *, top_categories: int = 3,
              prices: Any = None) -> Scorecard:
    """The scorecard of the creator at ``row`` of ``dataset.creators``.

    ``prices``: the dataset's ``pricing.PriceBook`` when the caller has it (e.g. from the
    cache); computed from ``dataset`` otherwise.
    """
    creators = dataset.creators
    market_codes = creators["market"]
    same_market = market_codes == market_codes[row]
    cards = []
    for name, result in indices.table().items():
        cards.append(_card(name, result, row, same_market, dataset))
    return Scorecard(
        creator_id=str(creators.ids[row]),
        handle=str(creators["handle"][row]),
        market=str(market_codes[row]),
        followers=int(creators["followers"][row]),
        market_creators=int(same_market.sum()),
        cards=cards,
        categories=_categories(dataset, indices, row, same_market, top_categories),
        pricing=_price_card(dataset, row, prices),
    )


def _price_card(dataset: Dataset, row: int, book: Any = None) -> Any:
    from ..pricing import PriceBook
    from ..pricing.explain import price_card

    return price_card(book if book is not None else PriceBook.from_dataset(dataset), row)


def _card(name: str, result: IndexResult, i: int, peers_mask: np.ndarray, dataset: Dataset) -> IndexCard:
    title, meaning = TITLES[name], WHAT[name]
    if not result.available:
        why = result.reason or "its inputs are not part of this dataset"
        return IndexCard(name, title, meaning, False, None, 0, 0, [f"not available: {why}"], [], why)
    peers = int((peers_mask & ~np.isnan(result.score)).sum())
    c = _Row(result.components, i, peers_mask)
    facts, advice = _EXPLAIN[name](c)
    evidence = int(result.evidence[i])
    if np.isnan(result.score[i]):
        return IndexCard(name, title, meaning, False, None, peers, evidence,
                         facts + [f"not available: {NONE_YET[name]}"], [START[name]], result.reason_for(i))
    unit = MENTION_UNIT if "mention_mode" in result.components else EVIDENCE_UNIT[name]
    if evidence < FEW[name]:
        advice = advice + [f"more {unit}: with only {evidence}, the score is still pulled "
                           "toward the market average (small samples never top the charts)."]
    if not advice:
        advice = ["every input is at or above the market average; keep it up."]
    return IndexCard(name, title, meaning, True, round(float(result.score[i]), 1), peers, evidence, facts, advice,
                     unit=unit if unit != EVIDENCE_UNIT[name] else "")


class _Row:
    """The components of one creator, with market references."""

    def __init__(self, components: dict[str, np.ndarray], i: int, market: np.ndarray):
        self.components, self.i, self.market = components, i, market

    def has(self, key: str) -> bool:
        return key in self.components and not _isnan(self.components[key][self.i])

    def __getitem__(self, key: str) -> float:
        return float(self.components[key][self.i])

    def n(self, key: str) -> int:
        return int(self.components[key][self.i]) if key in self.components else 0

    def market_median(self, key: str) -> float:
        values = self.components[key][self.market].astype(np.float64)
        values = values[~np.isnan(values)]
        return float(np.median(values)) if len(values) else float("nan")

    def market_mean(self, key: str) -> float:
        values = self.components[key][self.market].astype(np.float64)
        values = values[~np.isnan(values)]
        return float(values.mean()) if len(values) else float("nan")

    def weakest(self, weights: dict[str, float]) -> list[str]:
        """Inputs below the population, most costly first (weight x shortfall)."""
        cost = {k: w * -self[f"z_{k}"] for k, w in weights.items() if self.has(f"z_{k}") and self[f"z_{k}"] < -0.05}
        return sorted(cost, key=lambda k: (-cost[k], k))


def _isnan(x: Any) -> bool:
    return isinstance(x, (float, np.floating)) and np.isnan(x)


def _pct(x: float) -> str:
    return f"{100.0 * x:.0f}%"


def _hours(h: float) -> str:
    if np.isnan(h):
        return "n/a"
    if h < 1:
        return f"{h * 60:.0f} min"
    if h < 48:
        return f"{h:.0f} h"
    return f"{h / 24:.1f} days"


def _rate(x: float) -> str:
    return f"{x:.2f}" if x < 1 else f"{x:.1f}"


def _days(d: float) -> str:
    return f"{d:.1f} day{'s' if abs(d) >= 1.05 or abs(d) < 0.95 else ''}"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


Explainer = Callable[[_Row], tuple[list[str], list[str]]]


def _cooperation(c: _Row) -> tuple[list[str], list[str]]:
    if "mention_mode" in c.components:
        return _cooperation_mentions(c)
    facts: list[str] = []
    decided, answered = c.n("invitations_decided"), c.n("invitations_answered")
    open_ = c.n("invitations") - decided
    if decided:
        facts.append(f"answered {answered} of {_plural(decided, 'invitation')} ({_pct(answered / decided)}; "
                     f"creators in the market answer {_pct(c.market_mean('response_rate'))} on average)"
                     + (f"; {decided - answered} expired without an answer" if decided > answered else ""))
    if open_:
        facts.append(f"{_plural(open_, 'invitation')} still open (not counted yet)")
    if c.has("median_reply_hours"):
        facts.append(f"median reply {_hours(c['median_reply_hours'])} "
                     f"(typical creator in the market: {_hours(c.market_median('median_reply_hours'))})")
    if answered:
        yes = c.n("invitations_accepted")
        facts.append(f"said yes to {yes} of {_plural(answered, 'answer')} ({_pct(yes / answered)})")
    promised = c.n("deliverables_promised")
    if promised:
        facts.append(f"delivered {c.n('deliverables_delivered')} of {promised} promised videos "
                     "in completed collaborations")
    worked = c.n("brands_worked_with")
    if worked:
        facts.append(f"{c.n('brands_returned')} of {_plural(worked, 'brand')} you worked with invited you again")
    if c.n("ratings"):
        facts.append(f"average brand rating {c['mean_rating']:.1f} / 5 from {_plural(c.n('ratings'), 'rating')} "
                     f"(market average {c.market_mean('mean_rating'):.1f})")
    tips = {
        "response_rate": "answer every invitation, even with a no: an invitation left to expire counts against you.",
        "reply_speed": (f"reply sooner: your median reply takes {_hours(c['median_reply_hours'])}, the typical "
                        f"creator in your market replies in {_hours(c.market_median('median_reply_hours'))}."
                        if c.has("median_reply_hours") else "reply sooner to invitations."),
        "acceptance_rate": "say yes to more of the invitations that fit your niche.",
        "fulfilment": "deliver every video you promise in a collaboration.",
        "repeat_brands": "brands come back after a smooth collaboration: deliver what was agreed and stay in touch.",
        "rating": ("ask brands for feedback after each collaboration; ratings follow quality, punctuality "
                   "and delivery."),
    }
    return facts, [tips[k] for k in c.weakest(COOPERATION_WEIGHTS)[:2]]


def _cooperation_mentions(c: _Row) -> tuple[list[str], list[str]]:
    """Cooperation on mention-only data: collaborations and brands per post observed."""
    collabs, brands, posts = c.n("collaborations"), c.n("brands_worked_with"), c.n("posts_observed")
    facts = [f"{_plural(collabs, 'collaboration')} with {_plural(brands, 'brand')}"
             + (f" in {_plural(posts, 'post')} observed" if posts else "")
             + " (this dataset records collaborations, not how invitations were answered)"]
    tips = {"collaboration_rate": "work with brands more often.",
            "brand_rate": "work with more different brands.",
            "fulfilment": "deliver every video you promise in a collaboration.",
            "rating": "ask brands for feedback after each collaboration."}
    return facts, [tips[k] for k in c.weakest(MENTION_WEIGHTS)[:2]]


def _consistency(c: _Row) -> tuple[list[str], list[str]]:
    facts: list[str] = []
    timed = c.n("deliveries_timed")
    if timed:
        late = c["mean_lateness_days"]
        when = (f"on average {_days(abs(late))} {'late' if late > 0 else 'early'}" if abs(late) >= 0.05
                else "on average on the day")
        facts.append(f"delivered {c.n('deliveries_on_time')} of {_plural(timed, 'collaboration')} by the due date; "
                     + when)
    if c.has("lateness_spread_days"):
        facts.append(f"delivery dates vary by about ±{_days(c['lateness_spread_days'])} around your average")
    done, cancelled = c.n("collaborations_completed"), c.n("collaborations_cancelled")
    if done + cancelled:
        facts.append(f"completed {done} of {done + cancelled} accepted collaborations that came due"
                     + (f" ({cancelled} cancelled)" if cancelled else ""))
    if c.has("median_gap_days") and c.n("posting_gaps") >= 2:
        facts.append(f"posts every {_days(c['median_gap_days'])} (median); gaps between posts typically vary by "
                     f"a factor of {c['gap_spread_factor']:.1f} "
                     f"(market typical {c.market_median('gap_spread_factor'):.1f})")
    tips = {
        "on_time_rate": "deliver by the due date.",
        "lateness": "deliver earlier: aim to hand in before the due date, not after it.",
        "lateness_spread": "make delivery dates predictable: plan each collaboration back from its due date.",
        "completion_rate": "avoid cancelling collaborations you have accepted; decline up front instead.",
        "cadence_spread": (f"post on a steadier rhythm, e.g. every {_days(c['median_gap_days'])}, instead of bursts "
                           "followed by long breaks." if c.has("median_gap_days") else "post on a steadier rhythm."),
    }
    return facts, [tips[k] for k in c.weakest(CONSISTENCY_WEIGHTS)[:2]]


def _diligence(c: _Row) -> tuple[list[str], list[str]]:
    facts: list[str] = []
    own = c.n("own_videos")
    if own:
        shop = c.n("shoppable_videos")
        facts.append(f"{shop} of {_plural(own, 'video')} in your own feed feature a product ({_pct(shop / own)}; "
                     f"market average {_pct(c.market_mean('shoppable_share'))})")
        facts.append(f"{_rate(c['shoppable_per_week'])} shoppable videos per week over {c['window_days']:.0f} days "
                     "(collaboration deliverables are not counted: they are shoppable by contract)")
    tips = {"shoppable_share": "feature a product you like in more of your own videos.",
            "shoppable_rate": "post shoppable videos more regularly."}
    return facts, [tips[k] for k in c.weakest(DILIGENCE_WEIGHTS)[:1]]


def _volume(c: _Row) -> tuple[list[str], list[str]]:
    facts: list[str] = []
    own = c.n("own_videos")
    if own:
        facts.append(f"{_plural(own, 'own video')} over {c['window_days']:.0f} days = "
                     f"{_rate(c['videos_per_week'])} per week "
                     f"(market median {_rate(c.market_median('videos_per_week'))})")
        extra = c.n("all_videos") - own
        if extra:
            facts.append(f"plus {_plural(extra, 'collaboration deliverable')} "
                         "(not counted: the brand sets their timing)")
    weak = c.has("z_posting_rate") and c["z_posting_rate"] < -0.05
    return facts, ["post more often in your own feed."] if weak else []


def _success(c: _Row) -> tuple[list[str], list[str]]:
    facts: list[str] = []
    if c.n("videos_with_views"):
        tier = _tier_label(c.n("follower_tier"), c.components["follower_tier"], c.components["followers"])
        facts.append(f"median {c['median_views']:,.0f} views per video; {c['views_per_follower']:.2f} views per "
                     f"follower (accounts with {tier} followers: {c['views_per_follower_tier']:.2f})")
        if c.has("engagement_rate"):
            facts.append(f"engagement (likes, comments, shares per view) {100 * c['engagement_rate']:.1f}% "
                         f"(accounts of your size: {100 * c['engagement_rate_tier']:.1f}%)")
    tips = {"reach": "your videos reach fewer viewers than accounts of your size: hook viewers in the first seconds.",
            "engagement": "invite comments and shares: ask questions, reply to comments."}
    return facts, [tips[k] for k in c.weakest(SUCCESS_WEIGHTS)[:2]]


def _uplift(c: _Row) -> tuple[list[str], list[str]]:
    facts: list[str] = []
    if "orders" in c.components and c.has("expected_orders") and c["expected_orders"] > 0:
        facts.append(f"{c['orders']:,.0f} orders from your shoppable videos; "
                     f"{c['expected_orders']:,.1f} expected for their "
                     f"views and product categories ({c['orders_uplift']:.2f}x the usual)")
    if "gmv" in c.components and c.has("expected_gmv") and c["expected_gmv"] > 0:
        facts.append(f"GMV {c['gmv']:,.2f}; {c['expected_gmv']:,.2f} expected ({c['gmv_uplift']:.2f}x)")
    tips = {"orders": "show the product in use and say where to buy it; choose products your audience needs.",
            "gmv": "feature products your audience is ready to pay for."}
    return facts, [tips[k] for k in c.weakest(UPLIFT_WEIGHTS)[:1]]


def _tier_label(tier: int, tiers: np.ndarray, followers: np.ndarray) -> str:
    in_tier = followers[tiers == tier]
    lo, hi = int(in_tier.min()), int(in_tier.max())
    return f"{_short(lo)}–{_short(hi)}"


def _short(x: float) -> str:
    for div, unit in ((1e6, "M"), (1e3, "k")):
        if x >= div:
            return f"{x / div:.3g}{unit}"
    return f"{x:.0f}"


_EXPLAIN: dict[str, Explainer] = {
    "cooperation": _cooperation, "consistency": _consistency, "diligence": _diligence,
    "content_volume": _volume, "content_success": _success, "sales_uplift": _uplift,
}


def _categories(dataset: Dataset, indices: CreatorIndices, row: int, same_market: np.ndarray,
                top: int) -> list[CategoryLine]:
    inf = indices.influence
    if inf.matrix.shape[1] == 0:
        return []
    start, end = inf.matrix.indptr[row], inf.matrix.indptr[row + 1]
    cols = inf.matrix.indices[start:end]
    scores = inf.matrix.data[start:end]
    shares = inf.affinity[row].toarray().ravel()[cols] if len(cols) else np.zeros(0)
    order = np.lexsort((cols, -shares, -scores))[:top]
    cats = dataset.categories
    active = (inf.matrix[same_market] != 0).sum(axis=0)
    active = np.asarray(active).ravel()
    lines = []
    for j in order:
        k = int(cols[j])
        name = str(cats["name"][k]) if cats is not None and str(cats["name"][k]) else str(cats.ids[k])
        lines.append(CategoryLine(str(cats.ids[k]), name, round(float(scores[j]), 1), int(active[k]),
                                  float(shares[j])))
    return lines
