"""Plain-language reasons for a match, computed for the returned creators only.

Each reason belongs to a component and reasons are ordered by that component's share of
the score (largest first):

* graph: "worked with N brands that share creators with <brand>: A, B", "featured
  <brand>'s products in videos", "already worked with <brand>" (with ``--include-past``);
* category_fit: "creates content in <category> (influence 87/100)";
* mf: "collaborates like <brand>'s past creators @a, @b" (closest learnt factors);
* cooperation / consistency / uplift: "cooperation index 92/100 in ID" when >= 70;
* a creator without any collaboration: "no collaborations yet: matched on content and indices".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .._textcolumns import text_at
from .blend import contributions
from .params import COMPONENTS

if TYPE_CHECKING:
    from .matcher import Matcher
    from .results import Ranking

__all__ = ["match_reasons"]

_HIGH = 70.0
_INDEX_LABEL = {"cooperation": "cooperation index", "consistency": "consistency index", "uplift": "sales uplift index"}


def _row_indices(m, row: int) -> np.ndarray:
    return m.indices[m.indptr[row]:m.indptr[row + 1]]


def _names(matcher: "Matcher", rows: np.ndarray, limit: int = 2) -> str:
    names = [str(matcher.brand["name"][r]) for r in rows[:limit]]
    return ", ".join(names) + (", ..." if len(rows) > limit else "")


def match_reasons(matcher: "Matcher", brand_row: int, ranking: "Ranking") -> list[list[str]]:
    """One list of reasons per ranked creator of ``ranking``."""
    model = matcher.model
    blocks = matcher.walk.blocks
    brand_name = str(matcher.brand["name"][brand_row])
    weights = matcher.params.weights
    past = set(matcher.past_collaborators(brand_row).tolist())
    # brands that share at least one creator with this brand
    cb = blocks.get(("creator", "brand"))
    co_brands: set[int] = set()
    if cb is not None:
        for c in past:
            co_brands.update(_row_indices(cb, c).tolist())
    co_brands.discard(brand_row)
    sells = blocks.get(("brand", "product"))
    features = blocks.get(("creator", "product"))
    brand_products = set(_row_indices(sells, brand_row).tolist()) if sells is not None else set()
    q = matcher.categories.profile(brand_row)
    fit = matcher.categories.fit
    influence = model.influence
    cat_names = model.tables["category"]["name"]
    cat_ids = model.tables["category"]["id"]
    f = model.factors
    past_arr = np.array(sorted(past), np.int64)
    past_known = past_arr[f.creator_known[past_arr]] if len(past_arr) else past_arr

    out: list[list[str]] = []
    sc = ranking.scores
    for row, pos in zip(ranking.rows.tolist(), ranking.positions.tolist()):
        comps = sc.components_at(pos)
        share = contributions(comps, weights, matcher.params.missing)
        by: dict[str, list[str]] = {c: [] for c in COMPONENTS}
        if row in past:
            by["graph"].append(f"already worked with {brand_name}")
        if cb is not None and co_brands:
            shared = np.array(sorted(set(_row_indices(cb, row).tolist()) & co_brands), np.int64)
            if len(shared):
                by["graph"].append(f"worked with {len(shared)} brand{'s' if len(shared) != 1 else ''} that share creators with {brand_name}: "
                                   f"{_names(matcher, shared)}")
        if features is not None and brand_products:
            n = len(set(_row_indices(features, row).tolist()) & brand_products)
            if n:
                by["graph"].append(f"featured {n} of {brand_name}'s products in videos")
        if q is not None and comps["category_fit"]:
            cats = _row_indices(fit, row)
            if len(cats):
                vals = fit.data[fit.indptr[row]:fit.indptr[row + 1]] * q[cats]
                best = int(cats[np.argmax(vals)])
                if vals.max() > 0:
                    extra = ""
                    if influence.shape == fit.shape:
                        lo, hi = influence.indptr[row], influence.indptr[row + 1]
                        hit = np.flatnonzero(influence.indices[lo:hi] == best)
                        if len(hit) and influence.data[lo + hit[0]] > 0:
                            extra = f" (influence {influence.data[lo + hit[0]]:.0f}/100)"
                    label = str(cat_names[best]) or str(cat_ids[best])
                    by["category_fit"].append(f"creates content in {label}{extra}")
        if comps["mf"] is not None and comps["mf"] >= 0.7 and len(past_known):
            y = f.creator
            sims = y[past_known] @ y[row]
            sims /= np.maximum(np.linalg.norm(y[past_known], axis=1) * np.linalg.norm(y[row]), 1e-12)
            top = past_known[np.argsort(-sims, kind="stable")[:2]]
            handles = ", ".join(text_at(matcher.creator, "handle", t) or text_at(matcher.creator, "id", t) for t in top)
            by["mf"].append(f"collaborates like {brand_name}'s past creators {handles}")
        market = text_at(matcher.creator, "market", row)
        for comp, label in _INDEX_LABEL.items():
            v = comps[comp]
            if v is not None and v * 100 >= _HIGH:
                by[comp].append(f"{label} {v * 100:.0f}/100 in {market}")
        reasons: list[str] = []
        for comp in sorted(COMPONENTS, key=lambda c: -share.get(c, 0.0)):
            reasons.extend(by[comp])
        if not f.creator_known[row]:
            reasons.append("no collaborations yet: matched on content and indices")
        out.append(reasons)
    return out
