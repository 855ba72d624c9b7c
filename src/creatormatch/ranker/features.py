"""The features of a (brand, creator) pair that the learned ranker reads.

One function, ``pair_features``, computes them from a ``Matcher`` -- a model built on a
dataset cut -- for training cuts and live matches alike, so training and serving cannot
drift apart.  Every value is a property of the pair alone: it never depends on the other
creators being ranked, on ``--market``, ``--category`` or ``--top``.  Scale-dependent
signals are related to the brand's own home market (``BrandContext``), which does not
change with the filters either.

Missing evidence is never better than good evidence.  ``pair_features`` keeps the raw
values (NaN = not available: what reasons and ``explain`` show); ``model_input`` is what
the trees (the acceptance model's, and the residual trees where trained) read: every missing value the ranker is constrained on is set to its population
prior (an index to 50, its market median; ``mf_z`` to 0, the market mean; no category to
no fit), and the trees are **monotone non-decreasing** in each feature marked ``+`` below
and non-increasing in the one marked ``-`` (LightGBM ``monotone_constraints``).  A creator
whose evidence is good therefore never scores below an otherwise-identical creator with none: more or better evidence can only
raise a score, and "nothing known" sits at the prior, with its evidence count (0) beside
it.  Negative evidence (declines, expiries, cancellations) has its own unconstrained
features, so the trees still learn what bad evidence means.

=========================  =======  ==================================================================
feature               mono group    definition
=========================  =======  ==================================================================
mf_z                  +    mf       ``(y_c . x_b - mean) / sd``, the MF factor dot product standardised
                                    over the creators with factors in the brand's market (NaN: no
                                    factors)
graph                 +    graph    truncated brand walk score, damped by ``degree ** -beta``
graph_rel             +    graph    ``graph / g_ref``, ``g_ref`` the mean positive walk score in the
                                    brand's market (0 when not reached)
graph_step1..3        +    graph    the walk's term of step 1, 2, 3, relative to ``g_ref``
co_collaborators      +    graph    ``log(1 + (X X^T X)[b, c])`` without the brand itself: how many
                                    collaborations link the creator to brands that share creators
                                    with this brand (``X`` the positive pairs)
creator_pagerank      +    graph    global PageRank of the creator x number of creators
blend                 +    blend    the engine's blend (``recommend.blend``, the model's weights) of
                                    ``sigmoid(mf_z)``, ``graph / (graph + g_ref)``, category_fit and
                                    the cooperation, consistency and uplift percentiles / 100, with the
                                    brand's home-market constants (so it never depends on a filter); the
                                    ablations without MF or the graph leave that component out
category_fit          +    content  ``F[c] . q_b`` (``recommend.categories``; NaN: no category)
primary_match         +    content  2 creator's primary category is the brand's, 1 same top level,
                                    0 otherwise (NaN: one of them has none)
brand_picks_category       content  share of the brand's past invitations that went to creators of the
                                    creator's primary category (NaN: no invitation or no category)
brand_picks_top_category   content  the same for the creator's top-level category
exposure                   content  ``log P(b -> c)``, the probability that one of the brand's searches
                                    finds the creator (``ranker.exposure``); 0 (= log 1) when the brand's
                                    invitation to the creator is still open: it has found the creator
                                    already (not in the ablation without the pair history); part of
                                    the offset (the funnel)
acceptance            +    content  ``log P(yes | invited)`` from the ranker's acceptance model, filled
                                    in by ``RankerModel.complete`` (NaN here); part of the offset
<index>, _evidence    +    content  the six creator indices (0-100 market percentile, NaN = not
                                    available) and the evidence behind each
log_followers, log_rate    creator  ``log(1 + followers)``, ``log(1 + rate_per_video)`` (NaN: no rate)
followers_percentile       creator  share of the brand's market's creators with fewer followers
creator_negative           creator  the creator's declined, expired and cancelled invitations
creator_positive      +    creator  the creator's accepted or completed collaborations
in_market_brands      +    creator  distinct brands of the brand's market the creator worked with
same_market                creator  1 when creator and brand share a market
days_since_active     -    creator  days from the creator's last video or collaboration event to now
category_positive     +    creator  creator's accepted or completed invitations from brands of the
                                    brand's top-level category
category_acceptance   +    creator  ``(positive + 1) / (answered + 2)`` of those invitations: the
                                    acceptance share shrunk toward 1/2 (1/2 with none)
pair_invited               history  this brand's invitations to the creator still open now
pair_accepted, ...         history  ... accepted, declined, expired, completed, cancelled
                                    (``+`` on accepted and completed)
pair_days_since_last       history  days since the pair's last event (NaN: none)
pair_gmv              +    history  ``log(1 + GMV)`` the creator delivered for this brand
featured_products     +    history  ``sum log(1 + videos)`` of the creator featuring this brand's
                                    products
brand_history_days         brand    days since the brand's first invitation (NaN: none)
brand_invitations          brand    ``log(1 + invitations)`` the brand sent
brand_positive             brand    ``log(1 + accepted or completed)``
brand_acceptance           brand    accepted share of the brand's answered invitations
brand_products             brand    products the brand sells
brand_top_category         brand    top-level category of the brand (categorical)
market_creators            brand    ``log(1 + creators)`` in the brand's market
brand_invitations_per_day  brand    invitations / days since the brand's first one
brand_volume               brand    ``log(VOLUME_DAYS * (positive + 1) / max(days, 30))``, the brand's
                                    expected new collaborators in ``VOLUME_DAYS`` from its rate so far
                                    (``days`` since its first invitation; none: 30); part of the offset
=========================  =======  ==================================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from .._textcolumns import text_at, text_equals_at
from .exposure import log_exposure
from .history import PAIR_STATUSES

if TYPE_CHECKING:  # pragma: no cover
    from ..recommend.matcher import BrandScores, Matcher

__all__ = ["Feature", "FEATURES", "FEATURE_NAMES", "GROUPS", "BrandContext", "brand_context", "pair_features",
           "CATEGORICAL", "INDEX_NAMES", "MONOTONE", "model_input", "row_values"]

#: ``brand_volume`` counts the brand's expected new collaborators over this many days.
VOLUME_DAYS = 90.0
#: ... from its rate over at least this many days (a brand's first weeks are not its pace).
MIN_VOLUME_DAYS = 30.0

#: Creator indices used as features (names in ``MatchModel.indices``).
INDEX_NAMES: tuple[str, ...] = (
    "cooperation", "consistency", "diligence", "content_volume", "content_success", "sales_uplift",
)


@dataclass(frozen=True)
class Feature:
    """One ranker feature: its column ``name``, ablation ``group``, plain-words ``label``,
    ``monotone`` (+1: the trees never decrease in it; 0: free) and the ``prior`` that stands
    for a missing value in ``model_input`` (None: NaN stays NaN)."""

    name: str
    group: str
    label: str
    monotone: int = 0
    prior: float | None = None


def _features() -> tuple[Feature, ...]:
    f = [
        Feature("mf_z", "mf", "collaborative taste relative to the market", +1, 0.0),
        Feature("graph", "graph", "closeness in the collaboration graph", +1),
        Feature("graph_rel", "graph", "closeness in the collaboration graph", +1),
        Feature("graph_step1", "graph", "direct collaboration links", +1),
        Feature("graph_step2", "graph", "links through the brand's products, categories and campaigns", +1),
        Feature("graph_step3", "graph", "links through creators and brands close to this brand", +1),
        Feature("co_collaborators", "graph", "works with brands that share creators with this brand", +1),
        Feature("creator_pagerank", "graph", "centrality in the whole market", +1),
        Feature("blend", "blend", "the blend of the signals", +1),
        Feature("category_fit", "content", "content in the brand's categories", +1, 0.0),
        Feature("primary_match", "content", "primary category matches the brand's", +1, 0.0),
        Feature("brand_picks_category", "content", "the brand often invites creators of this category"),
        Feature("brand_picks_top_category", "content", "the brand often invites creators of this field"),
        Feature("exposure", "content", "easy for this brand to find (its product categories, audience size)"),
        Feature("acceptance", "content", "likely to say yes to this brand", +1),
    ]
    for name in INDEX_NAMES:
        words = name.replace("_", " ")
        f.append(Feature(name, "content", f"{words} index", +1, 50.0))
        f.append(Feature(f"{name}_evidence", "content", f"evidence behind the {words} index", +1))
    f += [
        Feature("log_followers", "creator", "audience size"),
        Feature("followers_percentile", "creator", "audience size within the brand's market"),
        Feature("log_rate", "creator", "rate per video"),
        Feature("creator_negative", "creator", "invitations declined, expired or cancelled, all brands"),
        Feature("creator_positive", "creator", "collaborations with any brand", +1),
        Feature("in_market_brands", "creator", "brands worked with in this market", +1),
        Feature("same_market", "creator", "same market as the brand"),
        Feature("days_since_active", "creator", "recent activity", -1),
        Feature("category_positive", "creator", "collaborations with brands of this category", +1),
        Feature("category_acceptance", "creator", "acceptance rate with brands of this category", +1),
    ]
    for status in PAIR_STATUSES:
        up = +1 if status in ("accepted", "completed") else 0
        f.append(Feature(f"pair_{status}", "history", f"{status} invitations from this brand", up))
    f += [
        Feature("pair_days_since_last", "history", "time since the last contact with this brand"),
        Feature("pair_gmv", "history", "sales delivered for this brand", +1),
        Feature("featured_products", "history", "videos featuring this brand's products", +1),
        Feature("brand_history_days", "brand", "how long the brand has been inviting"),
        Feature("brand_invitations", "brand", "how many invitations the brand sends"),
        Feature("brand_positive", "brand", "how many collaborations the brand has"),
        Feature("brand_acceptance", "brand", "how often the brand's invitations are accepted"),
        Feature("brand_products", "brand", "how many products the brand sells"),
        Feature("brand_top_category", "brand", "the brand's category"),
        Feature("market_creators", "brand", "how many creators the brand's market has"),
        Feature("brand_invitations_per_day", "brand", "how often the brand invites"),
        Feature("brand_volume", "brand", "how many new collaborators the brand takes on"),
    ]
    return tuple(f)


FEATURES: tuple[Feature, ...] = _features()
FEATURE_NAMES: tuple[str, ...] = tuple(x.name for x in FEATURES)
GROUPS: tuple[str, ...] = ("mf", "graph", "blend", "content", "creator", "history", "brand")
#: Features LightGBM treats as categories.
CATEGORICAL: tuple[str, ...] = ("brand_top_category",)
#: LightGBM ``monotone_constraints``, in feature order.
MONOTONE: tuple[int, ...] = tuple(x.monotone for x in FEATURES)
_COL = {name: i for i, name in enumerate(FEATURE_NAMES)}
_PRIOR_COLS = np.array([i for i, x in enumerate(FEATURES) if x.prior is not None], np.int64)
_PRIOR_VALUES = np.array([x.prior for x in FEATURES if x.prior is not None], np.float32)


def model_input(X: np.ndarray) -> np.ndarray:
    """What the trees read: ``X`` (from ``pair_features``) with each missing value of a
    feature that has a ``prior`` set to that prior (a copy; ``X`` keeps its NaN for reasons).

    >>> x = np.full((1, len(FEATURES)), np.nan, np.float32)
    >>> float(model_input(x)[0, FEATURE_NAMES.index("cooperation")])
    50.0
    """
    out = np.array(X, np.float32, copy=True)
    block = out[:, _PRIOR_COLS]
    missing = np.isnan(block)
    if missing.any():
        block[missing] = np.broadcast_to(_PRIOR_VALUES, block.shape)[missing]
        out[:, _PRIOR_COLS] = block
    return out


@dataclass(frozen=True)
class BrandContext:
    """Per-brand constants of the features, taken from the brand's home market only (so they
    never change with the match filters)."""

    brand_row: int
    market_code: int
    mf_mean: float
    mf_sd: float
    graph_ref: float
    values: dict[str, float]
    #: the brand's home market, as written in the data
    market: str = ""


def _log1p(x) -> np.ndarray:
    return np.log1p(np.maximum(np.asarray(x, np.float64), 0.0))


def brand_context(matcher: "Matcher", brand_row: int, home: "BrandScores") -> BrandContext:
    """The brand's constants from ``home``, its scores over its own market."""
    hist = matcher.model.history
    # creators without factors score exactly 0 (``Matcher.score_brand``): sums over the whole
    # scope are sums over the creators with factors, without a masked copy
    n_known = int(np.count_nonzero(home.available["mf"]))
    raw_mf = home.raw["mf"]
    mean = float(raw_mf.sum(dtype=np.float64)) / n_known if n_known else 0.0
    var = float(np.einsum("i,i->", raw_mf, raw_mf, dtype=np.float64)) / n_known - mean * mean if n_known > 1 else 0.0
    sd = float(np.sqrt(var)) if var > 0 else 0.0
    g = home.raw["graph"]
    n_pos = int(np.count_nonzero(g))
    ref = float(g.sum(dtype=np.float64)) / n_pos if n_pos else 0.0
    br = hist.brand
    answered = br["answered"][brand_row]
    market = text_at(matcher.brand, "market", brand_row)
    codes = np.flatnonzero(hist.markets == market)
    values = {
        "brand_history_days": hist.as_of - br["first_invited"][brand_row],
        "brand_invitations": float(_log1p(br["invitations"][brand_row])),
        "brand_positive": float(_log1p(br["positive"][brand_row])),
        "brand_acceptance": br["positive"][brand_row] / answered if answered > 0 else np.nan,
        "brand_products": br["products"][brand_row],
        "brand_top_category": br["top_category"][brand_row] if br["top_category"][brand_row] >= 0 else np.nan,
        "market_creators": float(np.log1p(matcher.pair_signals.market_size(market))),
    }
    days = values["brand_history_days"]
    values["brand_invitations_per_day"] = br["invitations"][brand_row] / max(days, 1.0) if np.isfinite(days) else np.nan
    span = max(days, MIN_VOLUME_DAYS) if np.isfinite(days) else MIN_VOLUME_DAYS
    values["brand_volume"] = float(np.log(VOLUME_DAYS * (br["positive"][brand_row] + 1.0) / span))
    return BrandContext(brand_row, int(codes[0]) if len(codes) else -1, mean, sd, ref, values, market)


def row_values(m: sp.csr_array, row: int, cols: np.ndarray) -> np.ndarray:
    """``m[row, cols]`` as a dense float64 vector (0 where nothing is stored)."""
    lo, hi = m.indptr[row], m.indptr[row + 1]
    idx = m.indices[lo:hi]
    out = np.zeros(len(cols))
    if hi > lo:
        pos = np.searchsorted(idx, cols)
        pos = np.minimum(pos, len(idx) - 1)
        hit = idx[pos] == cols
        out[hit] = m.data[lo:hi][pos[hit]]
    return out


def pair_features(matcher: "Matcher", brand_row: int, scores: "BrandScores", positions: np.ndarray,
                  context: BrandContext, exclude_groups: tuple[str, ...] = ()) -> np.ndarray:
    """The feature matrix ``(len(positions), len(FEATURES))`` (float32) of the brand's pairs.

    Parameters
    ----------
    matcher : the model (built on a cut for training, the live model for matching).
    brand_row : the brand.
    scores : ``Matcher.score_brand`` of the brand over the scope being ranked, computed with
        the brand's own category profile.
    positions : positions into ``scores.rows`` of the creators to describe.
    context : ``brand_context`` of the brand (its home market's constants).
    exclude_groups : feature groups left blank (NaN) -- an ablation's features, at training
        and at scoring time alike; the blend feature is then made of what is left.
    """
    model = matcher.model
    hist = model.history
    positions = np.asarray(positions, np.int64)
    rows = scores.rows[positions].astype(np.int64)
    n = len(rows)
    X = np.full((n, len(FEATURES)), np.nan, np.float32, order="F")   # filled column by column

    def put(name: str, values) -> None:
        X[:, _COL[name]] = values

    # ---- matrix factorisation
    if scores.available["mf"].any() or context.mf_sd > 0:
        known = scores.available["mf"][positions]
        dot = scores.raw["mf"][positions].astype(np.float64)
        if context.mf_sd > 0:
            put("mf_z", np.where(known, (dot - context.mf_mean) / context.mf_sd, np.nan))
    # ---- graph
    g = scores.raw["graph"][positions].astype(np.float64)
    put("graph", g)
    ref = context.graph_ref
    put("graph_rel", g / ref if ref > 0 else np.zeros(n))
    steps = scores.step_terms(positions)
    for k in range(3):
        if steps is not None and k < steps.shape[0] and ref > 0:
            put(f"graph_step{k + 1}", steps[k] / ref)
        else:
            put(f"graph_step{k + 1}", np.zeros(n))
    put("co_collaborators", _log1p(matcher.pair_signals.co_collaborators(brand_row, rows)))
    put("creator_pagerank", model.pagerank["creator"][rows] * len(model.pagerank["creator"]))
    # ---- content
    fit_ok = scores.available["category_fit"][positions]
    put("category_fit", np.where(fit_ok, scores.raw["category_fit"][positions], np.nan))
    signals = matcher.pair_signals
    put("primary_match", signals.primary_match(brand_row, rows))
    cat_share, top_share = signals.brand_picks(brand_row, rows)
    put("brand_picks_category", cat_share)
    put("brand_picks_top_category", top_share)
    put("exposure", log_exposure(hist.exposure, brand_row, rows, matcher.creator["followers"][rows],
                                 model.tables["creator"]["primary_category"][rows]))
    for name in INDEX_NAMES:
        put(name, model.indices[f"{name}.score"][rows])
        put(f"{name}_evidence", model.indices[f"{name}.evidence"][rows])
    # ---- creator
    cr = matcher.creator
    put("log_followers", _log1p(cr["followers"][rows]))
    market = context.market
    put("followers_percentile", signals.followers_percentile(market, rows))
    rate = cr["rate"][rows].astype(np.float64)
    put("log_rate", np.where(np.isnan(rate), np.nan, np.log1p(np.maximum(rate, 0.0))))
    put("creator_negative", hist.creator["closed"][rows] - hist.creator["positive"][rows])
    put("creator_positive", hist.creator["positive"][rows])
    put("in_market_brands", signals.in_market_brands(context.market_code)[rows])
    put("same_market", text_equals_at(cr, "market", rows, market).astype(np.float32))
    put("days_since_active", hist.as_of - hist.creator["last_active"][rows])
    top = context.values["brand_top_category"]
    if np.isfinite(top):
        answered, positive = signals.category_history(int(top))
        put("category_positive", positive[rows])
        put("category_acceptance", (positive[rows] + 1.0) / (answered[rows] + 2.0))
    else:
        put("category_positive", np.zeros(n))
        put("category_acceptance", np.full(n, 0.5))
    # ---- the pair's own history
    for status in PAIR_STATUSES:
        put(f"pair_{status}", row_values(hist.pair[status], brand_row, rows))
    last = row_values(hist.pair["last_event"], brand_row, rows)
    put("pair_days_since_last", np.where(last > 0, hist.as_of - last, np.nan))
    put("pair_gmv", _log1p(row_values(hist.pair["gmv"], brand_row, rows)))
    put("featured_products", signals.featured_products(brand_row, rows))
    if "history" not in exclude_groups:     # an open invitation: the brand has found the creator already
        X[X[:, _COL["pair_invited"]] > 0, _COL["exposure"]] = 0.0
    # ---- brand context
    for name, value in context.values.items():
        put(name, value)
    for k, f in enumerate(FEATURES):
        if f.group in exclude_groups:
            X[:, k] = np.nan
    put("blend", _blend_feature(X, matcher.params.weights, matcher.params.missing))
    return np.ascontiguousarray(X)


def _blend_feature(X: np.ndarray, weights: dict[str, float], missing: str) -> np.ndarray:
    """The blend of the pair's normalised signals with the model's weights and missing-value
    rule (``recommend.blend``), from columns already in ``X``."""
    from ..recommend.blend import blend

    col = lambda name: X[:, _COL[name]].astype(np.float64)  # noqa: E731
    mf_z, g, ref_rel = col("mf_z"), col("graph"), col("graph_rel")
    with np.errstate(invalid="ignore", divide="ignore"):
        ref = np.where(ref_rel > 0, g / ref_rel, np.nan)
        graph = np.where(g > 0, g / (g + ref), 0.0)
    values = {"mf": 1.0 / (1.0 + np.exp(-np.nan_to_num(mf_z))), "graph": np.nan_to_num(graph),
              "category_fit": np.nan_to_num(col("category_fit")), "cooperation": np.nan_to_num(col("cooperation")) / 100,
              "consistency": np.nan_to_num(col("consistency")) / 100, "uplift": np.nan_to_num(col("sales_uplift")) / 100}
    available = {"mf": ~np.isnan(mf_z), "graph": ~np.isnan(col("graph")), "category_fit": ~np.isnan(col("category_fit")),
                 "cooperation": ~np.isnan(col("cooperation")), "consistency": ~np.isnan(col("consistency")),
                 "uplift": ~np.isnan(col("sales_uplift"))}
    return blend(values, available, weights, missing)
