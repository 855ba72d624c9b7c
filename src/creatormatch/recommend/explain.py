"""Why a creator is (or is not) a match for a brand: ``creatormatch explain``.

An ``Explanation`` holds

* the blended score and the rank among the brand's default candidates (None when the
  creator is not a candidate: another market, or a past collaborator);
* every component: raw value, normalised value, weight and contribution to the score
  (contributions sum to the score, see ``blend.contributions``);
* the strongest graph paths from the brand to the creator (``graph.paths``), e.g.
  ``brand -> product -> category <- creator``;
* the past collaborators of the brand that drive the MF part (ALS ``explain``: the score
  decomposed over the brand's collaborators; BPR: factor similarity);
* the creator's indices and the match reasons.

The creator is scored in the brand's market when it is there, else over every market
(as ``match --market any`` would).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .._textcolumns import text_at
from ..graph.paths import strongest_paths
from .blend import contributions
from .filters import MatchFilters
from .mf import mf_contributions
from .params import COMPONENTS
from .reasons import match_reasons
from .results import Ranking

if TYPE_CHECKING:  # the matcher calls explain_match; explain never imports it at run time
    from .matcher import Matcher

__all__ = ["Explanation", "explain_match", "node_label"]


@dataclass
class Explanation:
    brand_id: str
    brand_name: str
    creator_id: str
    handle: str
    market: str
    score: float
    rank: int | None
    n_candidates: int
    components: list[dict[str, Any]]
    paths: list[dict[str, Any]]
    mf_drivers: list[dict[str, Any]]
    indices: dict[str, float | None]
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: with the learned ranker: feature -> contribution to the log-odds (plus ``base_value``)
    contributions: dict[str, float] | None = None
    #: with the learned ranker's acceptance model: the chance of a yes if the brand invites
    yes_if_invited: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        for key in ("contributions", "yes_if_invited"):
            if out[key] is None:
                del out[key]
        return out


def node_label(matcher: "Matcher", node: tuple[str, int]) -> str:
    """Human label of a graph node, e.g. ``category Skincare`` or ``creator @putri (C00012)``."""
    t, r = node
    tables = matcher.model.tables

    def text(group: str, column: str) -> str:   # one row's text: the column stays undecoded
        return text_at(tables[group], column, r)

    if t == "creator":
        return f"creator {text('creator', 'handle') or text('creator', 'id')} ({text('creator', 'id')})"
    if t == "brand":
        return f"brand {text('brand', 'name')} ({text('brand', 'id')})"
    if t == "category":
        return f"category {text('category', 'name') or text('category', 'id')}"
    if t == "product":
        try:
            name = text("product", "name") if "name" in tables["product"] else ""
        except IndexError:   # a dataset without product names stores an empty column
            name = ""
        return f"product {name} ({text('product', 'id')})" if name else f"product {text('product', 'id')}"
    return f"campaign {text('campaign', 'id')}"


def explain_match(matcher: "Matcher", brand_row: int, creator_row: int, *, top_paths: int = 5,
                  top_drivers: int = 5) -> Explanation:
    """Explain the score of ``creator_row`` for ``brand_row`` (see the module docstring)."""
    p = matcher.params
    model = matcher.model
    brand_market = str(matcher.brand["market"][brand_row])
    creator_market = text_at(matcher.creator, "market", creator_row)
    market = None if creator_market == brand_market else "any"
    scores = matcher.score_brand(brand_row, market=market)
    pos = int(np.searchsorted(scores.rows, creator_row))
    comps = scores.components_at(pos)
    share = contributions(comps, p.weights, p.missing)
    components = [{
        "name": c, "raw": _num(scores.raw[c][pos]), "value": comps[c], "available": comps[c] is not None,
        "weight": float(p.weights.get(c, 0.0)), "contribution": share[c],
    } for c in COMPONENTS]

    mask = matcher.candidate_mask(brand_row, MatchFilters(market=market))
    notes = []
    if mask[pos]:
        s = scores.score
        better = (s[mask] > s[pos]) | ((s[mask] == s[pos]) & (scores.rows[mask] < creator_row))
        rank: int | None = int(better.sum()) + 1
    else:
        rank = None
        notes.append(f"already worked with {matcher.brand['name'][brand_row]}: match leaves past collaborators out "
                     "unless asked to include them")
    if market == "any":
        notes.append(f"creator is in {creator_market}, the brand in {brand_market}: scored over every market")

    paths = strongest_paths(matcher.walk, ("brand", brand_row), ("creator", creator_row), alpha=p.graph_alpha,
                            steps=p.graph_steps, top=top_paths)
    row = matcher.brand_mf_row(brand_row)
    factors = model.factors
    folded = matcher.brand_factors(brand_row)
    if folded is not None and not factors.brand_known[brand_row]:
        notes.append("no collaborations: MF factors folded in from the creators who featured its products")
    drivers = mf_contributions(factors, row, creator_row, p, top=top_drivers) if folded is not None else []
    one = Ranking(np.array([creator_row]), np.array([scores.score[pos]]), np.array([pos]), scores)
    reasons = match_reasons(matcher, brand_row, one)[0]
    idx = {name: _num(model.indices[f"{name}.score"][creator_row]) for name in
           ("cooperation", "consistency", "diligence", "content_volume", "content_success", "sales_uplift")}
    score = float(scores.score[pos])
    contrib, yes = None, None
    if matcher.use_ranker:
        score, rank, reasons, contrib, yes = _learned(matcher, brand_row, creator_row, market, mask[pos])
    return Explanation(
        brand_id=str(matcher.brand["id"][brand_row]), brand_name=str(matcher.brand["name"][brand_row]),
        creator_id=text_at(matcher.creator, "id", creator_row), handle=text_at(matcher.creator, "handle", creator_row),
        market=creator_market, score=score, rank=rank, n_candidates=int(mask.sum()),
        components=components,
        paths=[{"path": [node_label(matcher, n) for n in wp.nodes], "weight": wp.weight} for wp in paths],
        mf_drivers=[{"creator_id": text_at(matcher.creator, "id", c), "handle": text_at(matcher.creator, "handle", c),
                     "contribution": v} for c, v in drivers],
        indices=idx, reasons=reasons, notes=notes, contributions=contrib, yes_if_invited=yes,
    )


def _learned(matcher: Matcher, brand_row: int, creator_row: int, market: str | None, allowed: bool):
    """Probability, rank among the ranker's candidates, reasons, contributions and the chance
    of a yes if invited (None without an acceptance model) of one pair."""
    from ..ranker.reasons import contribution_dicts, learned_reasons
    from ..ranker.scoring import brand_scores_and_context, score_pairs

    scores, context = brand_scores_and_context(matcher, brand_row, market)
    pos = matcher.scope_positions(scores, np.array([creator_row]))
    X, prob = score_pairs(matcher, brand_row, scores, pos, context)
    one = Ranking(np.array([creator_row]), prob, pos, scores, features=X, context=context)
    raw = matcher.model.ranker.contributions(X, completed=True)
    rank = None
    if allowed:
        ranking = matcher.rank(brand_row, MatchFilters(market=market))
        hit = np.flatnonzero(ranking.rows == creator_row)
        rank = int(hit[0]) + 1 if len(hit) else None
    reasons = learned_reasons(matcher, brand_row, one, raw)[0]
    if allowed and rank is None:
        reasons.append("not among the ranker's candidates for this brand (the top creators of each signal), so "
                       "'match' does not list it")
    ranker = matcher.model.ranker
    yes = ranker.yes_if_invited(X, completed=True)
    return (float(prob[0]), rank, reasons, contribution_dicts(one, raw, ranker.calibration[0])[0],
            None if yes is None else float(yes[0]))


def _num(x: float) -> float | None:
    x = float(x)
    return None if np.isnan(x) else x
