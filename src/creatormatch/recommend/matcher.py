"""Brand-specific creator matching: the one code path behind ``match``, ``explain``,
``similar`` and the offline evaluation.

For a brand ``b`` the matcher scores every creator of a *scope* (the brand's market by
default, or every creator with ``market="any"``) on six components (``COMPONENTS``):

============  ===================================================================
mf            factor dot product ``y_c . x_b`` of the MF model (``recommend.mf``)
graph         truncated brand-personalised walk score (``graph.walk``), divided by
              ``degree_c ** graph_beta``
category_fit  ``F[c] . q_b`` (``recommend.categories``)
cooperation   cooperation index percentile (``creatormatch.indices``)
consistency   consistency index percentile
uplift        sales-uplift index percentile
============  ===================================================================

normalises them to [0, 1] and blends them (``recommend.blend``).  Filters then select
candidates; they never change a score.  Usage::

    matcher = Matcher.from_dataset(dataset)           # or Matcher.load(path, fingerprint)
    matches = matcher.match("B0042", MatchFilters(max_rate=300), top=10)
    ranking = matcher.rank(brand_row)                 # full ranking, for evaluation

Cold start: a brand without collaborations has no learnt MF factors; if creators have
featured its products, ALS folds those creators in as the brand's row (``brand_factors``),
otherwise ``mf`` is not available.  It still reaches creators through its products,
categories and campaigns in the graph and through ``category_fit``.  A creator without
collaborations has no factors and is matched on its content (graph edges to products and
categories, ``category_fit``) and its indices.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import scipy.sparse as sp

from .._textcolumns import text_at, text_equals, text_position
from ..data.dataset import Dataset
from ..errors import UsageError
from ..vocabulary import Vocabulary
from ..graph.walk import TypedWalk
from ._blas import single_thread_blas
from .blend import blend, normalise_graph, normalise_mf
from .derived import derive_structures
from .filters import MatchFilters, filter_mask
from .model import MatchModel, build_model, load_model, save_model
from .params import MatchParams
from .results import BrandScores, Match, Ranking
from .scope import INDEX_COMPONENTS, MarketScope
from .explain import Explanation, explain_match
from .reasons import match_reasons
from .similar import SimilarCreator, similar_creators

__all__ = ["MatchFilters", "BrandScores", "Ranking", "Match", "Matcher", "INDEX_COMPONENTS"]


class Matcher:
    """Scores, filters and ranks creators for brands from a ``MatchModel``."""

    def __init__(self, model: MatchModel, use_ranker: bool = True):
        self.model = model
        #: rank with the learned second stage when the model has one (``--ranker none``: False)
        self.use_ranker = bool(use_ranker and model.ranker is not None and model.history is not None)
        self._pair_signals = None
        p = model.params
        t = model.tables
        self.creator = t["creator"]
        self.brand = t["brand"]
        self.category_ids = t["category"]["id"]
        derived = model.derived if model.derived is not None and model.derived.valid_for(p) else None
        if derived is None:  # a model built in memory, or whose category parameters were changed
            derived = derive_structures(model)
            if model.derived is None:
                model.derived = derived
        self.walk = TypedWalk.from_blocks(model.sizes, derived.blocks, derived.degree)
        self.categories = derived.category_index(t["category"]["parent"])
        self.markets = derived.markets
        self._scopes: dict[str, MarketScope] = {}
        self._folded: dict[int, np.ndarray | None] = {}
        self._vocabulary: Vocabulary | None = None

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_dataset(cls, dataset: Dataset, params: MatchParams | None = None,
                     progress: Callable[[str], None] | None = None) -> "Matcher":
        """Build a model from ``dataset`` (e.g. a time-restricted one) and wrap it."""
        return cls(build_model(dataset, params, progress))

    @classmethod
    def load(cls, path: str | Path, fingerprint: str | None = None) -> "Matcher":
        """Load a saved model (``fingerprint``: refuse a model built from other data)."""
        return cls(load_model(path, fingerprint))

    def save(self, path: str | Path) -> Path:
        return save_model(self.model, path)

    @property
    def params(self) -> MatchParams:
        return self.model.params

    @property
    def pair_signals(self):
        """Creator-wide vectors the ranker's features read (``ranker.signals.PairSignals``)."""
        if self._pair_signals is None:
            from ..ranker.signals import PairSignals

            self._pair_signals = PairSignals(self.model, self.walk.blocks.get(("product", "creator")),
                                             self.walk.blocks.get(("creator", "brand")))
        return self._pair_signals

    def scope_positions(self, scores: BrandScores, creator_rows: np.ndarray) -> np.ndarray:
        """Positions of ``creator_rows`` in ``scores.rows`` (-1 outside the scope)."""
        rows = scores.rows
        creator_rows = np.asarray(creator_rows, np.int64)
        if len(rows) == self.model.sizes["creator"]:
            return creator_rows.copy()
        pos = np.minimum(np.searchsorted(rows, creator_rows), max(len(rows) - 1, 0))
        return np.where(len(rows) > 0, np.where(rows[pos] == creator_rows, pos, -1), -1)

    # ------------------------------------------------------------------ lookups

    @property
    def vocabulary(self) -> Vocabulary:
        """The names of the model's brands, creators, categories and markets (``creatormatch.vocabulary``)."""
        if self._vocabulary is None:
            t = self.model.tables
            self._vocabulary = Vocabulary(
                brand_ids=self.brand["id"], brand_names=self.brand["name"], creator_ids=self.creator["id"],
                creator_handles=self.creator["handle"], category_ids=self.category_ids,
                category_names=t["category"]["name"], category_parent=t["category"]["parent"],
                markets=tuple(map(str, self.markets.tolist())))
        return self._vocabulary

    def brand_row(self, brand: str) -> int:
        """Row of the brand ``brand`` names (id or name, any case); ``UsageError`` with close matches.
        An exact id is found on the stored bytes, without decoding (or building) the vocabulary."""
        row = text_position(self.brand, "id", brand)
        return row if row >= 0 else self.vocabulary.brand(brand)

    def creator_row(self, creator: str) -> int:
        """Row of the creator ``creator`` names (id or handle, any case); an exact id without
        decoding the ids."""
        row = text_position(self.creator, "id", creator)
        return row if row >= 0 else self.vocabulary.creator(creator)

    def category_row(self, category: str) -> int:
        """Row of the category ``category`` names (id or name, any case); filters cover the categories below it."""
        return self.vocabulary.category(category)

    def scope_key(self, market: str | None, default: str) -> str:
        """The scope for a market option: ``default`` when None, ``"any"``, or a market code
        (``vocabulary.market``: ISO codes, aliases with a warning)."""
        if market is None:
            return default
        return self.vocabulary.market(market, allow_any=True)

    def market_of(self, brand_row: int, market: str | None) -> str:
        """The scope of a brand for a market option (default: the brand's own market)."""
        return self.scope_key(market, text_at(self.brand, "market", brand_row))

    # ------------------------------------------------------------------ scopes

    def scope(self, key: str) -> MarketScope:
        """The creators scored together under scope ``key`` (a market code or "any"), cached."""
        if key in self._scopes:
            return self._scopes[key]
        m = self.model
        if key == "any":
            rows, local, take = np.arange(m.sizes["creator"]), None, slice(None)
        else:
            rows = np.flatnonzero(text_equals(self.creator, "market", key))
            local = np.full(m.sizes["creator"], -1, np.int64)
            local[rows] = np.arange(len(rows))
            take = rows
        walk_scope = self.walk.scope(None if key == "any" else rows, key=key)
        index = {comp: np.asarray(m.indices[f"{name}.score"][take], np.float64)
                 for comp, name in INDEX_COMPONENTS.items()}
        known = m.factors.creator_known[take]
        scope = MarketScope(
            key=key, rows=rows, local=local, walk=walk_scope,
            factors=np.ascontiguousarray(m.factors.creator[take]), known=known, n_known=int(known.sum()),
            fit=sp.csc_array(self.categories.fit[take] if key != "any" else self.categories.fit),
            has_category=self.categories.creator_has_category[take], index=index,
            index_values={c: np.where(np.isnan(v), 0.0, v / 100.0) for c, v in index.items()},
            index_available={c: ~np.isnan(v) for c, v in index.items()},
            followers=self.creator["followers"][take], rate=self.creator["rate"][take],
            invitations=self.creator["invitations"][take], degree=self.walk.degree["creator"][take],
        )
        self._scopes[key] = scope
        return scope

    def warm_up(self, markets: list[str] | None = None) -> None:
        """Prepare every market scope and its category expansions now rather than on first use.

        A first match in a market slices that market's arrays, and the first brand of each
        category fills the walk's category cache (``graph.walk``); a long-running process can
        pay that once up front, so every later match takes the fast path.
        """
        for key in (markets if markets is not None else [str(m) for m in self.markets]):
            scope = self.scope(key)
            for k in range(self.walk.sizes.get("category", 0)):
                self.walk.hub_scores(k, scope.walk, 1)
                self.walk.hub_scores(k, scope.walk, 2)

    # ------------------------------------------------------------------ scoring

    def score_brand(self, brand_row: int, *, market: str | None = None, category: str | None = None,
                    weights: dict[str, float] | None = None) -> BrandScores:
        """All components and the blended score of every creator in the brand's scope.

        Parameters
        ----------
        brand_row : row of the brand.
        market : scope (see ``MatchFilters.market``).
        category : category id whose profile replaces the brand's in ``category_fit``.
        weights : blend weights overriding the model's (e.g. a single-component baseline).
        """
        p = self.params
        scope = self.scope(self.market_of(brand_row, market))
        n = len(scope.rows)
        raw: dict[str, np.ndarray] = {}
        val: dict[str, np.ndarray] = {}
        avail: dict[str, np.ndarray] = {}
        has: dict[str, bool] = {}
        none = np.zeros(n, bool)
        zero = np.zeros(n, np.float32)

        xb = self.brand_factors(brand_row)
        has["mf"] = xb is not None
        if xb is not None:
            with single_thread_blas():
                raw["mf"] = scope.factors @ xb
            # creators without factors have exactly zero factors, hence raw 0 (fast path)
            val["mf"] = normalise_mf(raw["mf"], scope.known, scope.n_known, zero_unknown=True)
            avail["mf"] = scope.known
        else:
            raw["mf"], val["mf"], avail["mf"] = zero, zero, none

        has["graph"] = bool(self.walk.degree["brand"][brand_row] > 0)
        steps = damping = None
        if has["graph"]:
            terms = self.walk.scores("brand", brand_row, scope.walk, alpha=p.graph_alpha, steps=p.graph_steps,
                                     by_step=True)
            g = terms.sum(axis=0).astype(np.float32)
            steps = terms                  # undamped: the ranker damps only its candidates'
            if p.graph_beta:
                damping = scope.damping(p.graph_beta)
                g *= damping
            raw["graph"], val["graph"], avail["graph"] = g, normalise_graph(g), np.ones(n, bool)
        else:
            raw["graph"], val["graph"], avail["graph"] = zero, zero, none

        q = self.categories.profile(brand_row, self.category_row(category) if category else None)
        has["category_fit"] = q is not None
        if q is not None:
            fit = scope.category_fit(q)
            raw["category_fit"], val["category_fit"], avail["category_fit"] = fit, fit, scope.has_category
        else:
            raw["category_fit"], val["category_fit"], avail["category_fit"] = zero, zero, none

        w = weights if weights is not None else p.weights
        if p.missing == "renormalise":
            score = scope.blend_renormalised(val, has, w)
        for comp in INDEX_COMPONENTS:
            raw[comp], val[comp], avail[comp] = scope.index[comp], scope.index_values[comp], scope.index_available[comp]
        if p.missing == "neutral":
            score = scope.blend_neutral(val, avail, w)
        elif p.missing != "renormalise":
            score = blend(val, avail, w, p.missing)
        return BrandScores(brand_row, scope.rows, raw, val, avail, score, steps, scope.key, damping)

    def brand_mf_row(self, brand_row: int) -> sp.csr_matrix:
        """The brand's row of the MF input (1 x creators): its confidence row; for a brand
        without collaborations, the creators who featured its products in videos, weighted
        by the ``features`` edge weight (``log(1 + videos)``) — its fold-in pseudo-row."""
        conf = self.model.confidence
        row = conf[[brand_row]]
        if row.nnz or self.model.factors.brand_known[brand_row]:
            return row
        sells, features = self.walk.blocks.get(("brand", "product")), self.walk.blocks.get(("product", "creator"))
        if sells is None or features is None:
            return row
        products = sells.indices[sells.indptr[brand_row]:sells.indptr[brand_row + 1]]
        pseudo = sp.csr_matrix(features[products].sum(axis=0).reshape(1, -1), dtype=np.float32)
        pseudo.eliminate_zeros()
        return pseudo

    def brand_factors(self, brand_row: int) -> np.ndarray | None:
        """MF factors of a brand: learnt, or folded in from ``brand_mf_row`` (ALS only) for a
        brand without collaborations whose products creators featured; None otherwise."""
        f = self.model.factors
        if f.brand_known[brand_row]:
            return f.brand[brand_row]
        if brand_row not in self._folded:
            vec = None
            if self.params.mf_model == "als" and f.creator_known.any():
                row = self.brand_mf_row(brand_row)
                if row.nnz and f.creator_known[row.indices].any():
                    from .mf import fold_in_brand

                    vec = fold_in_brand(f, row, self.params)
                    vec = vec if np.abs(vec).sum() > 0 else None
            self._folded[brand_row] = vec
        return self._folded[brand_row]

    def candidate_mask(self, brand_row: int, filters: MatchFilters) -> np.ndarray:
        """Boolean mask over the brand's scope (``filters.market``) of the allowed creators."""
        scope = self.scope(self.market_of(brand_row, filters.market))
        members = None if filters.category is None else self.categories.members(self.category_row(filters.category))
        refused = self.refused_creators(brand_row) if filters.exclude_refused else None
        return filter_mask(scope, filters, members, self.past_collaborators(brand_row), refused)

    def refused_creators(self, brand_row: int) -> np.ndarray:
        """Creator rows who declined, let expire or cancelled an invitation of the brand and never
        accepted one (``--exclude-refused``)."""
        hist = self.model.history
        if hist is None:
            raise UsageError("this model has no pair history (built by an older creatormatch); rebuild it with "
                             "'creatormatch build' to exclude creators who refused")
        pair = hist.pair
        said_no = sum(pair[s][[brand_row]] for s in ("declined", "expired", "cancelled"))
        said_yes = pair["accepted"][[brand_row]] + pair["completed"][[brand_row]]
        no = set(sp.csr_array(said_no).indices.tolist())
        yes = set(sp.csr_array(said_yes).indices.tolist())
        return np.array(sorted(no - yes), np.int64)

    def past_collaborators(self, brand_row: int) -> np.ndarray:
        """Creator rows with a positive collaboration with the brand."""
        c = self.model.confidence
        return c.indices[c.indptr[brand_row]:c.indptr[brand_row + 1]].astype(np.int64)

    def candidate_scores(self, brand_row: int, filters: MatchFilters = MatchFilters(),
                         weights: dict[str, float] | None = None) -> tuple[BrandScores, np.ndarray]:
        """The brand's component scores over the scope ``filters`` asks for, and the positions
        into ``scores.rows`` of the creators the filters allow (ascending, i.e. by creator row):
        the blend's ranking before it is sorted."""
        scores = self.score_brand(brand_row, market=filters.market, category=filters.category, weights=weights)
        return scores, np.flatnonzero(self.candidate_mask(brand_row, filters))

    def rank(self, brand_row: int, filters: MatchFilters = MatchFilters(), top: int | None = None,
             weights: dict[str, float] | None = None) -> Ranking:
        """Rank the brand's candidates (all of them when ``top`` is None).

        Ties are broken by creator row, so a ranking is fully deterministic.  With the
        default filters the candidates are exactly "every creator in the brand's market
        minus its past collaborators" — the evaluation protocol's candidate set.
        """
        if self.use_ranker and weights is None:
            from ..ranker.scoring import learned_ranking

            return learned_ranking(self, brand_row, filters, top)
        scores, pos = self.candidate_scores(brand_row, filters, weights)
        n_candidates = len(pos)
        s = scores.score[pos]
        if top is not None and top < len(pos):
            kth = np.partition(-s, top - 1)[top - 1]
            keep = -s <= kth
            pos, s = pos[keep], s[keep]
        order = np.lexsort((scores.rows[pos], -s))
        if top is not None:
            order = order[:top]
        pos = pos[order]
        return Ranking(scores.rows[pos], scores.score[pos], pos, scores, n_candidates)

    def match(self, brand: str | int, filters: MatchFilters = MatchFilters(), top: int | None = 10,
              reasons: bool = True) -> list[Match]:
        """The top ``top`` creators for ``brand`` (id, name or row; ``top`` None: every
        candidate) with components and reasons."""
        b = self.brand_row(brand) if isinstance(brand, str) else int(brand)
        if top is not None and top < 1:
            raise UsageError("{option} must be at least 1", option="top")
        ranking = self.rank(b, filters, top)
        sc = ranking.scores
        contrib, yes = None, None
        if ranking.features is not None:
            from ..ranker.reasons import contribution_dicts, learned_reasons

            raw = self.model.ranker.contributions(ranking.features, completed=True)
            yes = self.model.ranker.yes_if_invited(ranking.features, completed=True)
            contrib = contribution_dicts(ranking, raw, self.model.ranker.calibration[0])
            why = learned_reasons(self, b, ranking, raw) if reasons else [[] for _ in ranking.rows]
        else:
            why = match_reasons(self, b, ranking) if reasons else [[] for _ in ranking.rows]
        out = []
        for i, (row, pos) in enumerate(zip(ranking.rows, ranking.positions)):
            out.append(Match(
                rank=i + 1, creator_row=int(row), creator_id=text_at(self.creator, "id", row),
                handle=text_at(self.creator, "handle", row), market=text_at(self.creator, "market", row),
                followers=int(self.creator["followers"][row]), score=float(ranking.score[i]),
                components=sc.components_at(int(pos)), reasons=why[i],
                contributions=None if contrib is None else contrib[i],
                yes_if_invited=None if yes is None else float(yes[i])))
        return out

    def match_many(self, brands: list[str], filters: MatchFilters = MatchFilters(),
                   top: int = 10) -> dict[str, list[Match]]:
        """``match`` for several brand ids (all looked up first, so a typo fails fast)."""
        rows = [self.brand_row(b) for b in brands]
        return {str(self.brand["id"][r]): self.match(r, filters, top) for r in rows}

    def explain(self, brand: str | int, creator: str | int) -> Explanation:
        """``explain.explain_match`` for ids or rows."""
        b = self.brand_row(brand) if isinstance(brand, str) else int(brand)
        c = self.creator_row(creator) if isinstance(creator, str) else int(creator)
        return explain_match(self, b, c)

    def similar(self, creator: str | int, top: int | None = 10, market: str | None = None) -> list[SimilarCreator]:
        """``similar.similar_creators`` for an id or row (``top`` None: every candidate)."""
        c = self.creator_row(creator) if isinstance(creator, str) else int(creator)
        return similar_creators(self, c, top, market)
