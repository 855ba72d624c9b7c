"""How brands find creators: the exposure model behind the ranker's offset.

Who becomes a brand's collaborator is first a question of who the brand *finds*: a planner
fills a campaign by searching the brand's product categories, by browsing the biggest
accounts of the market, or by chance.  The learned ranker has every ingredient of that as a
feature, but it must learn their product -- the brand's product mix x the creator's share
of the audience of its category in its market -- from the ~2,000 positive pairs of a
100-brand market, and does so poorly.  This module writes the search down as a small
parametric model, fitted by maximum likelihood on the market's own past collaborations, and
its log-probability is the first term of the ranker's funnel (``ranker.booster``); the
acceptance model learns what the search does not explain (who says yes, the pair's history).

The probability that one search of brand ``b`` lands on creator ``c`` (fitted, below, on
the searches that ended in a collaboration)::

    P(b -> c) = A(b, c) * ( pi_cat * mix_b[k_c] * f_c ** alpha / S_alpha[m_c, k_c]
                          + pi_pop * f_c ** beta / P_beta[m_c]
                          + pi_uni / N[m_c] )

    A(b, c)   = 1 - rho                                 if m_c = m_b (the brand's market)
              = rho * N[m_c] / (N_all - N[m_b])         otherwise

* ``f_c = max(followers, 1)``, ``k_c`` the creator's primary category, ``m_c`` its market;
* ``S_alpha[m, k] = sum f ** alpha`` over market ``m``'s creators of primary category
  ``k``, ``P_beta[m] = sum f ** beta`` over market ``m``, ``N[m]`` its creators;
* ``mix_b`` -- where the brand searches: the share of its products in each category; a
  brand without categorised products searches its own category; without either, the
  category term is 0 for it;
* ``pi_cat + pi_pop + pi_uni = 1`` (search by category, by audience, at random),
  ``alpha`` and ``beta`` (how strongly each search favours large audiences) and ``rho``
  (the share of the pairs abroad) are fitted.

**Fit** (``fit_exposure``): the observations are the distinct (brand, creator) pairs that
became positive (accepted or completed) before the cut -- where each brand's collaborators
were found.  The model is then the probability that a search of the brand finds a creator
*who works with it*, the quantity the ranker predicts; category fit raises both the chance
to be invited and the chance to say yes, and the fitted ``pi_cat`` carries both.  (Fitted on
every invited pair instead, it describes the search alone; as the ranker's offset that gave
+0.002 NDCG@10 over ten generated markets, against +0.012 for the positive pairs, and +0.002
on five fresh markets: docs/evaluation.md.)  ``rho`` is the share of the pairs across markets
(``(cross + 1) / (pairs + 2)``).  The same-market pairs (at most ``MAX_FIT_PAIRS``, a
seeded sample) give the likelihood ``sum log(mixture)``: for fixed exponents the mode
shares are its EM estimate, and the exponents are chosen by coordinate ascent over
``EXPONENT_GRID`` (``alpha``, then ``beta``, then ``alpha`` again).  With fewer than
``MIN_FIT_PAIRS`` pairs the defaults ``pi = (1/3, 1/3, 1/3)``, ``alpha = beta = 0.5`` stand.

Everything the score needs at match time -- the parameters, each creator's and brand's
market code, the pools ``S``, ``P`` and ``N`` and the mix -- is computed once per cut
(``exposure_arrays``) and kept in the model's history, so a match reads arrays only.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["EXPONENT_GRID", "MIN_FIT_PAIRS", "MAX_FIT_PAIRS", "PARAMS", "exposure_arrays", "fit_exposure",
           "log_exposure", "search_mix"]

#: Exponents tried for ``alpha`` and ``beta``.
EXPONENT_GRID: np.ndarray = np.round(np.arange(0.0, 1.51, 0.1), 2)
#: Fewer same-market pairs than this: the default parameters.
MIN_FIT_PAIRS = 50
#: At most this many same-market pairs enter the likelihood (a seeded sample).
MAX_FIT_PAIRS = 20_000
#: Names of the entries of the ``params`` array, in order.
PARAMS: tuple[str, ...] = ("rho", "pi_cat", "pi_pop", "pi_uni", "alpha", "beta", "pairs", "fitted")
_DEFAULT = {"pi": (1 / 3, 1 / 3, 1 / 3), "alpha": 0.5, "beta": 0.5}
_EM_ITERATIONS = 60
_FLOOR = 1e-300


def search_mix(n_brands: int, n_categories: int, product_brand: np.ndarray | None,
               product_category: np.ndarray | None, brand_category: np.ndarray) -> sp.csr_array:
    """``mix`` (brands x categories, rows summing to 1 or empty): each brand's share of
    categorised products per category; a brand without one, its own category (1)."""
    shape = (n_brands, max(n_categories, 1))
    if product_brand is not None and len(product_brand):
        ok = (product_brand >= 0) & (product_category >= 0)
        counts = sp.csr_array((np.ones(int(ok.sum())), (product_brand[ok], product_category[ok])), shape=shape)
        counts.sum_duplicates()
    else:
        counts = sp.csr_array(shape)
    has = np.diff(counts.indptr) > 0
    own = ~has & (brand_category >= 0)
    rows = np.flatnonzero(own)
    fallback = sp.csr_array((np.ones(len(rows)), (rows, brand_category[rows])), shape=shape)
    total = counts + fallback
    sums = np.asarray(total.sum(axis=1)).ravel()
    scale = np.divide(1.0, sums, out=np.zeros_like(sums), where=sums > 0)
    return sp.csr_array(sp.diags(scale) @ total)


def _n_markets(creator_market: np.ndarray, brand_market: np.ndarray) -> int:
    return int(max(creator_market.max(initial=0), brand_market.max(initial=0))) + 1


def _pools(market: np.ndarray, category: np.ndarray, f: np.ndarray, n_markets: int, n_cat: int,
           exponent: float) -> np.ndarray:
    """``S[m, k] = sum f ** exponent`` over creators of market ``m``, primary category ``k``."""
    ok = category >= 0
    key = market[ok] * n_cat + category[ok]
    return np.bincount(key, weights=f[ok] ** exponent, minlength=n_markets * n_cat).reshape(n_markets, n_cat)


def _popularity(market: np.ndarray, f: np.ndarray, n_markets: int, exponent: float) -> np.ndarray:
    """``P[m] = sum f ** exponent`` over the creators of market ``m``."""
    return np.bincount(market, weights=f ** exponent, minlength=n_markets)


def _em(components: np.ndarray, iterations: int = _EM_ITERATIONS) -> tuple[np.ndarray, float]:
    """Mixture shares ``pi`` maximising ``sum log(components @ pi)`` (EM; ``components`` is
    ``(pairs, 3)``) and the log-likelihood there."""
    pi = np.full(components.shape[1], 1.0 / components.shape[1])
    for _ in range(iterations):
        mixed = components @ pi
        resp = components * pi / np.maximum(mixed, _FLOOR)[:, None]
        pi = resp.mean(axis=0)
    return pi, float(np.log(np.maximum(components @ pi, _FLOOR)).sum())


def fit_exposure(pair_brand: np.ndarray, pair_creator: np.ndarray, creator_market: np.ndarray,
                 brand_market: np.ndarray, primary: np.ndarray, followers: np.ndarray, mix: sp.csr_array,
                 seed: int = 0) -> dict[str, float]:
    """The parameters (module docstring) from the distinct pairs ``(pair_brand,
    pair_creator)`` (the positive ones, in ``ranker.history``).  ``creator_market`` and
    ``brand_market`` are market codes, ``primary`` the creators' primary category (-1:
    none), ``followers`` their audience."""
    n_pairs = len(pair_brand)
    cross = int(np.count_nonzero(creator_market[pair_creator] != brand_market[pair_brand]))
    out = {"rho": (cross + 1.0) / (n_pairs + 2.0), "pi_cat": _DEFAULT["pi"][0], "pi_pop": _DEFAULT["pi"][1],
           "pi_uni": _DEFAULT["pi"][2], "alpha": _DEFAULT["alpha"], "beta": _DEFAULT["beta"],
           "pairs": float(n_pairs - cross), "fitted": 0.0}
    same = np.flatnonzero(creator_market[pair_creator] == brand_market[pair_brand])
    if len(same) < MIN_FIT_PAIRS:
        return out
    if len(same) > MAX_FIT_PAIRS:
        same = np.sort(np.random.default_rng(seed).choice(same, MAX_FIT_PAIRS, replace=False))
    b, c = pair_brand[same].astype(np.int64), pair_creator[same].astype(np.int64)
    n_markets = _n_markets(creator_market, brand_market)
    n_cat = mix.shape[1]
    f = np.maximum(np.asarray(followers, np.float64), 1.0)
    m, k = creator_market[c], primary[c]
    n_in = np.bincount(creator_market, minlength=n_markets).astype(np.float64)
    weight = np.zeros(len(b))
    has_k = k >= 0
    weight[has_k] = _mix_at(mix, b[has_k], k[has_k])
    uniform = 1.0 / n_in[m]

    def cat_term(alpha: float) -> np.ndarray:
        S = _pools(creator_market, primary, f, n_markets, n_cat, alpha)
        return np.where(has_k, weight * f[c] ** alpha / np.maximum(S[m, np.maximum(k, 0)], _FLOOR), 0.0)

    def pop_term(beta: float) -> np.ndarray:
        return f[c] ** beta / _popularity(creator_market, f, n_markets, beta)[m]

    exponent = {"alpha": _DEFAULT["alpha"], "beta": _DEFAULT["beta"]}
    term = {"alpha": cat_term, "beta": pop_term}
    column = {name: term[name](e) for name, e in exponent.items()}
    for which in ("alpha", "beta", "alpha"):
        trials = []
        for e in EXPONENT_GRID:
            tried = term[which](e)
            cat, pop = (tried, column["beta"]) if which == "alpha" else (column["alpha"], tried)
            pi, ll = _em(np.column_stack((cat, pop, uniform)))
            trials.append((ll, float(e), pi, tried))
        _, exponent[which], pi, column[which] = max(trials, key=lambda t: t[0])
    out.update(pi_cat=float(pi[0]), pi_pop=float(pi[1]), pi_uni=float(pi[2]), alpha=exponent["alpha"],
               beta=exponent["beta"], fitted=1.0)
    return out


def _mix_at(mix: sp.csr_array, brands: np.ndarray, categories: np.ndarray) -> np.ndarray:
    """``mix[brands[i], categories[i]]`` element-wise (0 where nothing is stored)."""
    if len(brands) == 0:
        return np.zeros(0)
    return np.asarray(mix[brands, categories], np.float64).ravel()


def exposure_arrays(pair_brand: np.ndarray, pair_creator: np.ndarray, creator_market: np.ndarray,
                    brand_market: np.ndarray, primary: np.ndarray, followers: np.ndarray,
                    mix: sp.csr_array) -> dict[str, np.ndarray | sp.csr_array]:
    """What ``log_exposure`` reads, for the model's history: ``params`` (``PARAMS`` order),
    the market codes, the pools ``supply`` (``S_alpha``), ``popularity`` (``P_beta``) and
    ``creators`` (``N``) per market, and ``mix``."""
    p = fit_exposure(pair_brand, pair_creator, creator_market, brand_market, primary, followers, mix)
    n_markets = _n_markets(creator_market, brand_market)
    f = np.maximum(np.asarray(followers, np.float64), 1.0)
    return {
        "params": np.array([p[name] for name in PARAMS]),
        "creator_market": creator_market.astype(np.int32),
        "brand_market": brand_market.astype(np.int32),
        "supply": _pools(creator_market, primary, f, n_markets, mix.shape[1], p["alpha"]),
        "popularity": _popularity(creator_market, f, n_markets, p["beta"]),
        "creators": np.bincount(creator_market, minlength=n_markets).astype(np.float64),
        "mix": mix,
    }


def log_exposure(arrays: dict[str, np.ndarray | sp.csr_array], brand_row: int, rows: np.ndarray,
                 followers: np.ndarray, primary: np.ndarray) -> np.ndarray:
    """``log P(b -> c)`` (module docstring) for the creators ``rows`` of brand ``brand_row``;
    ``followers`` and ``primary`` are those creators' values."""
    rho, pi_cat, pi_pop, pi_uni, alpha, beta = (float(x) for x in np.asarray(arrays["params"])[:6])
    m = np.asarray(arrays["creator_market"])[rows].astype(np.int64)
    mb = int(np.asarray(arrays["brand_market"])[brand_row])
    n_in = np.asarray(arrays["creators"])
    f = np.maximum(np.asarray(followers, np.float64), 1.0)
    k = np.asarray(primary, np.int64)
    mix: sp.csr_array = arrays["mix"]   # type: ignore[assignment]
    lo, hi = mix.indptr[brand_row], mix.indptr[brand_row + 1]
    share = np.zeros(mix.shape[1])
    share[mix.indices[lo:hi]] = mix.data[lo:hi]
    has_k = k >= 0
    kk = np.maximum(k, 0)
    fa, fb = f ** alpha, f ** beta
    supply = np.asarray(arrays["supply"])[m, kk]
    cat = np.where(has_k, share[kk] * fa / np.maximum(supply, fa), 0.0)
    pop = fb / np.maximum(np.asarray(arrays["popularity"])[m], fb)
    mixture = pi_cat * cat + pi_pop * pop + pi_uni / np.maximum(n_in[m], 1.0)
    abroad = max(float(n_in.sum() - n_in[mb]), 1.0)
    reach = np.where(m == mb, 1.0 - rho, rho * n_in[m] / abroad)
    return np.log(np.maximum(reach * mixture, _FLOOR))
