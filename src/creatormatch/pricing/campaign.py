"""``creatormatch plan``: candidates from the matcher, values from the price book,
p_accept from ``acceptance``, the plan from ``plan.solve_plan`` -- and the report.

Candidates of a brand are its ``CANDIDATES`` best-ranked creators (``Matcher.rank`` with the
brand's default filters: its market, past collaborators left out, ``--category`` when
given) that list a rate.  The same creator may be a candidate of several brands; the
plan gives it to at most ``max_brands`` of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .._unique import sorted_unique
from ..errors import UsageError
from .acceptance import LEARNED, STAND_IN, AcceptanceHistory, acceptance_probability, learned_acceptance
from .book import PriceBook
from .fair_rate import DEFAULT_TARGET_ROAS
from .plan import PlanInputs, PlanResult, exposure_gini, solve_plan

if TYPE_CHECKING:
    from ..recommend.matcher import Matcher

__all__ = ["CampaignPlan", "plan_campaigns", "CANDIDATES", "PLAN_COLUMNS"]

#: Best-ranked creators per brand the plan chooses from.
CANDIDATES = 100
#: Columns of ``creatormatch plan --format csv`` (names shared with ``match`` and ``pricing``).
PLAN_COLUMNS = ("brand_id", "creator_id", "handle", "market", "followers", "rate_per_video", "videos", "cost",
                "p_accept", "expected_gmv_per_video", "expected_gmv", "fair_rate", "value_ratio", "reasons")


@dataclass
class CampaignPlan:
    """A plan for several brands and what it cost to share creators between them."""

    brand_ids: list[str]
    budget: float
    result: PlanResult
    alone: PlanResult
    inputs: PlanInputs
    pair_rows: np.ndarray                 # creator row per pair
    pair_extra: dict[str, np.ndarray]     # per pair: fair_rate, value_ratio, rank, evidence
    book: PriceBook
    candidates: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # unique candidate rows
    #: where p_accept came from (``pricing.acceptance``: the learned model or the stand-in)
    p_accept_source: str = STAND_IN

    def creators_of(self, i: int) -> list[dict[str, Any]]:
        r, inp = self.result, self.inputs
        pairs = np.flatnonzero((inp.brand == i) & (r.videos > 0))
        pairs = pairs[np.lexsort((self.book.creator_ids[self.pair_rows[pairs]], -r.expected_gmv[pairs]))]
        out = []
        for p in pairs.tolist():
            c = int(self.pair_rows[p])
            out.append({
                "creator_id": str(self.book.creator_ids[c]), "videos": int(r.videos[p]),
                "cost": round(float(r.cost[p]), 2), "p_accept": round(float(inp.p_accept[p]), 4),
                "expected_gmv": round(float(r.expected_gmv[p]), 2), "reasons": self._reasons(p),
            })
        return out

    def _reasons(self, p: int) -> list[str]:
        inp, x = self.inputs, self.pair_extra
        v = int(self.result.videos[p])
        lines = [
            f"match rank {int(x['rank'][p])} for the brand",
            f"expected GMV per video for the brand's category {inp.value[p]:,.2f} "
            f"(80% interval {x['low'][p]:,.2f}-{x['high'][p]:,.2f}, from {int(x['evidence'][p])} videos of evidence)",
            f"p_accept {inp.p_accept[p]:.2f} ({self.p_accept_source})",
            f"rate {inp.rate[p]:,.2f} per video x {v} = {inp.rate[p] * v:,.2f}; fair rate {x['fair_rate'][p]:,.2f}"
            + (f" (value ratio {x['value_ratio'][p]:.2f})" if np.isfinite(x['value_ratio'][p]) else ""),
        ]
        if v > 1:
            lines.append(f"{v} videos: each further video to the same audience is counted at "
                         f"{inp.decay:.0%} of the one before")
        return lines

    def to_json(self) -> dict[str, Any]:
        """Exactly ``{"<brand_id>": {"budget", "spent", "expected_gmv", "creators": [...]}}``."""
        out = {}
        for i, b in enumerate(self.brand_ids):
            creators = self.creators_of(i)
            out[b] = {"budget": self.budget, "spent": round(sum(c["cost"] for c in creators), 2),
                      "expected_gmv": round(sum(c["expected_gmv"] for c in creators), 2), "creators": creators}
        return out

    def rows(self) -> list[dict[str, Any]]:
        """One record per chosen (brand, creator) with ``PLAN_COLUMNS``."""
        out = []
        inp = self.inputs
        for i, b in enumerate(self.brand_ids):
            for c in self.creators_of(i):
                row = int(self.book.creator_ids.searchsorted(c["creator_id"]))
                p = int(np.flatnonzero((inp.brand == i) & (self.pair_rows == row))[0])
                out.append({"brand_id": b, "creator_id": c["creator_id"], "handle": str(self.book.handle[row]),
                            "market": str(self.book.market[row]), "followers": int(self.book.followers[row]),
                            "rate_per_video": round(float(inp.rate[p]), 2), "videos": c["videos"], "cost": c["cost"],
                            "p_accept": c["p_accept"], "expected_gmv_per_video": round(float(inp.value[p]), 2),
                            "expected_gmv": c["expected_gmv"],
                            "fair_rate": _num(self.pair_extra["fair_rate"][p]),
                            "value_ratio": _num(self.pair_extra["value_ratio"][p], 3),
                            "reasons": " | ".join(c["reasons"])})
        return out

    @property
    def exposure_gini(self) -> float:
        """Gini of videos over the chosen creators (all brands together)."""
        r = self.result
        on = r.videos > 0
        per = np.bincount(self.pair_rows[on], weights=r.videos[on], minlength=len(self.book.creator_ids))
        return exposure_gini(per[per > 0])

    @property
    def candidate_gini(self) -> float:
        """Gini of videos over every candidate creator, those left out counting 0."""
        r = self.result
        per = np.bincount(self.pair_rows, weights=r.videos, minlength=len(self.book.creator_ids))
        return exposure_gini(per[self.candidates])

    @property
    def sharing_cost(self) -> float:
        """Expected GMV lost to ``--max-brands-per-creator``: brands planned alone minus together."""
        return max(self.alone.objective - self.result.objective, 0.0)

    def summary(self) -> dict[str, Any]:
        r = self.result
        return {"brands": len(self.brand_ids), "creators_chosen": int(len(np.unique(self.pair_rows[r.videos > 0]))),
                "videos": int(r.videos.sum()), "expected_gmv": round(r.objective, 2),
                "expected_gmv_planned_alone": round(self.alone.objective, 2),
                "cost_of_sharing_constraint": round(self.sharing_cost, 2),
                "exposure_gini_chosen": round(self.exposure_gini, 4),
                "exposure_gini_candidates": round(self.candidate_gini, 4),
                "solver": r.method, "optimality_gap": round(r.gap, 6)}


def _num(x: float, digits: int = 2) -> float | None:
    return round(float(x), digits) if np.isfinite(x) else None


def plan_campaigns(matcher: "Matcher", book: PriceBook, history: AcceptanceHistory, brand_ids: list[str],
                   budget: float, *, max_videos: int = 3, max_brands: int = 1, category: str | None = None,
                   candidates: int = CANDIDATES, target_roas: float = DEFAULT_TARGET_ROAS,
                   time_limit: float | None = None) -> CampaignPlan:
    """Plan every brand of ``brand_ids`` with ``budget`` each (see the module docstring).

    Raises
    ------
    UsageError
        An unknown brand or category, a negative budget, or caps below 1.
    """
    from ..recommend.matcher import MatchFilters

    if not np.isfinite(budget) or budget < 0:
        raise UsageError(f"{{option}} must be a number of at least 0 (got {budget})", option="budget")
    if candidates < 1:
        raise UsageError("{option} must be at least 1", option="candidates")
    brands = list(dict.fromkeys(brand_ids))
    rows_b = [matcher.brand_row(b) for b in brands]
    k_row = matcher.category_row(category) if category else None
    if len(matcher.creator["id"]) != len(book.creator_ids) or not np.array_equal(matcher.creator["id"], book.creator_ids):
        raise UsageError("the model and the dataset disagree on the creators; rebuild the model")
    filters = MatchFilters(category=category)
    cols: dict[str, list[np.ndarray]] = {k: [] for k in ("brand", "rows", "value", "low", "high", "rate", "p",
                                                         "fair", "ratio", "rank", "evidence")}
    for i, b in enumerate(rows_b):
        ranking = matcher.rank(b, filters, top=candidates)
        c = ranking.rows.astype(np.int64)
        rank = np.arange(1, len(c) + 1)
        feats = ranking.features   # the ranker's pair features (None with the blend)
        listed = np.isfinite(book.rate[c])
        c, rank = c[listed], rank[listed]
        feats = feats[listed] if feats is not None else None
        prices = book.for_brand(b, c, target_roas, category_row=k_row)
        ok = np.isfinite(prices.expected)
        c, rank = c[ok], rank[ok]
        feats = feats[ok] if feats is not None else None
        cols["brand"].append(np.full(len(c), i))
        cols["rows"].append(c)
        cols["rank"].append(rank)
        for key, arr in (("value", prices.expected), ("low", prices.low), ("high", prices.high), ("rate", prices.rate),
                         ("fair", prices.fair.fair_rate), ("ratio", prices.fair.value_ratio),
                         ("evidence", prices.evidence)):
            cols[key].append(arr[ok])
        cols["p"].append(acceptance_probability(matcher, b, c, history, feats))
    cat = {k: (np.concatenate(v) if v else np.zeros(0)) for k, v in cols.items()}
    inp = PlanInputs(budget=np.full(len(brands), float(budget)), brand=cat["brand"].astype(np.int64),
                     creator=cat["rows"].astype(np.int64), value=cat["value"], rate=cat["rate"],
                     p_accept=cat["p"], max_videos=max_videos, max_brands=max_brands)
    kw = {} if time_limit is None else {"time_limit": time_limit}
    joint = solve_plan(inp, **kw)
    alone = solve_plan(inp, share_creators=False, **kw)
    return CampaignPlan(brand_ids=brands, budget=float(budget), result=joint, alone=alone, inputs=inp,
                        pair_rows=cat["rows"].astype(np.int64),
                        pair_extra={"fair_rate": cat["fair"], "value_ratio": cat["ratio"], "rank": cat["rank"],
                                    "low": cat["low"], "high": cat["high"], "evidence": cat["evidence"]},
                        book=book, candidates=sorted_unique(cat["rows"].astype(np.int64)),
                        p_accept_source=LEARNED if learned_acceptance(matcher) else STAND_IN)
