"""Matrix factorisation of the brand x creator confidence matrix with ``implicit``.

Rows are brands ("users"), columns creators ("items").  ALS (default) minimises

.. math::

    \\sum_{b,c} w_{bc} (p_{bc} - x_b^\\top y_c)^2 + \\lambda (\\|x_b\\|^2 + \\|y_c\\|^2),
    \\quad p_{bc} = [C_{bc} > 0], \\quad w_{bc} = 1 \\text{ or } \\alpha C_{bc}

(implicit's convention: the stored value times ``alpha`` *is* the confidence of a positive
pair, unobserved pairs weigh 1).  BPR is selectable with ``mf_model="bpr"``.

Reproducibility: an integer ``random_state``, ``use_gpu=False``, and BLAS limited to one
thread around every implicit call (OpenBLAS threads make ALS slow, see implicit's warning).
BPR runs on one thread unless ``num_threads`` says otherwise (it is only deterministic then).

Brands and creators without any positive collaboration keep **zero** factors (the solver
would leave small random residues); ``brand_known``/``creator_known`` mark who was learnt.
A match scores a market with factor dot products ``creator_factors @ brand_factor`` — the
same numbers implicit's ``recommend`` ranks by, without its filtering machinery.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

from .params import MatchParams

__all__ = ["Factors", "fit_factors", "fold_in_brand", "mf_contributions"]


@dataclass
class Factors:
    """Learnt factors: ``brand`` (brands x k) and ``creator`` (creators x k), float32."""

    brand: np.ndarray
    creator: np.ndarray
    brand_known: np.ndarray
    creator_known: np.ndarray
    #: an implicit CPU ALS object carrying these factors (its cached Y^T Y makes fold-in cheap)
    _als: Any = field(default=None, repr=False, compare=False)

    def scores(self, brand_row: int, creator_rows: np.ndarray | slice = slice(None)) -> np.ndarray:
        """``creator_factors[creator_rows] @ brand_factors[brand_row]``."""
        return self.creator[creator_rows] @ self.brand[brand_row]


def _import_implicit() -> None:
    """Import implicit (and the BLAS it loads) *before* limiting threads: threadpoolctl only
    limits libraries already loaded when the limit is entered."""
    import importlib

    for module in ("implicit.als", "implicit.bpr", "implicit.cpu.als"):
        importlib.import_module(module)


def _als(params: MatchParams):
    import implicit

    return implicit.als.AlternatingLeastSquares(
        factors=params.factors, regularization=params.regularization, alpha=params.alpha,
        iterations=params.iterations, random_state=params.random_state, use_gpu=False,
        num_threads=params.num_threads)


def _bpr(params: MatchParams):
    import implicit

    return implicit.bpr.BayesianPersonalizedRanking(
        factors=params.factors, learning_rate=params.learning_rate, regularization=params.bpr_regularization,
        iterations=params.bpr_iterations, random_state=params.random_state, use_gpu=False,
        num_threads=params.num_threads or 1)


def fit_factors(confidence: sp.csr_matrix, params: MatchParams | None = None) -> Factors:
    """Fit ALS or BPR on ``confidence`` (brands x creators, ``csr_matrix``).

    Returns
    -------
    Factors, with zero rows for brands and creators that have no positive entry.
    """
    p = params or MatchParams()
    conf = sp.csr_matrix(confidence, dtype=np.float32)
    brand_known = np.diff(conf.indptr) > 0
    creator_known = np.bincount(conf.indices, minlength=conf.shape[1]) > 0
    k = p.factors + (1 if p.mf_model == "bpr" else 0)
    _import_implicit()
    if conf.nnz == 0:
        return Factors(np.zeros((conf.shape[0], k), np.float32), np.zeros((conf.shape[1], k), np.float32),
                       brand_known, creator_known)
    with threadpool_limits(limits=1, user_api="blas"):
        model = _als(p) if p.mf_model == "als" else _bpr(p)
        model.fit(conf, show_progress=False)
    brand = np.ascontiguousarray(model.user_factors, dtype=np.float32)
    creator = np.ascontiguousarray(model.item_factors, dtype=np.float32)
    brand[~brand_known] = 0.0
    creator[~creator_known] = 0.0
    return Factors(brand, creator, brand_known, creator_known)


def _cpu_als(factors: Factors, params: MatchParams):
    """A CPU ALS model carrying already-fitted factors (for fold-in and explain), kept on
    ``factors`` so its ``Y^T Y`` is computed once."""
    model = factors._als
    if model is not None and (model.regularization, model.alpha) == (params.regularization, params.alpha):
        return model
    _import_implicit()
    from implicit.cpu.als import AlternatingLeastSquares

    with threadpool_limits(limits=1, user_api="blas"):
        model = AlternatingLeastSquares(factors=factors.creator.shape[1], regularization=params.regularization,
                                        alpha=params.alpha, random_state=params.random_state, num_threads=1)
    # implicit's Cython solver takes writable buffers; a memory-mapped model's are read-only
    model.item_factors = np.require(factors.creator, requirements=["W", "C"])
    model.user_factors = np.require(factors.brand, requirements=["W", "C"])
    factors._als = model
    return model


def fold_in_brand(factors: Factors, row: sp.csr_matrix, params: MatchParams | None = None) -> np.ndarray:
    """Factors of a brand from its confidence row (1 x creators) without refitting (ALS only).

    Solves ``x = (Y^T C Y + lambda I)^-1 Y^T C p`` with implicit's ``recalculate_user``:
    how a brand that is new to the model (or has new collaborations) gets an MF score.
    """
    p = params or MatchParams()
    if p.mf_model != "als":
        raise ValueError("fold-in needs ALS; BPR cannot recalculate a brand")
    row = sp.csr_matrix(row, dtype=np.float32)
    if row.nnz == 0:
        return np.zeros(factors.brand.shape[1], np.float32)
    model = _cpu_als(factors, p)
    with threadpool_limits(limits=1, user_api="blas"):
        return np.asarray(model.recalculate_user(0, row), dtype=np.float32)


def mf_contributions(factors: Factors, row: sp.csr_matrix, creator_row: int, params: MatchParams | None = None,
                     top: int = 5) -> list[tuple[int, float]]:
    """The brand's past collaborators that drive its MF score for ``creator_row``.

    ALS: implicit's ``explain`` — the score ``x_b^T y_c`` rewritten as a sum over the brand's
    collaborators ``j`` of ``C_bj * y_c^T W_b y_j``.  BPR: cosine similarity of ``y_c`` and
    ``y_j`` times the confidence.  Returns ``(creator row, contribution)``, largest first.
    """
    p = params or MatchParams()
    row = sp.csr_matrix(row, dtype=np.float32)
    if row.nnz == 0 or not factors.creator_known[creator_row]:
        return []
    if p.mf_model == "als":
        model = _cpu_als(factors, p)
        with threadpool_limits(limits=1, user_api="blas"):
            _, top_items, _ = model.explain(0, row, creator_row, N=top)
        return [(int(i), float(s)) for i, s in top_items]
    y = factors.creator
    norms = np.linalg.norm(y[row.indices], axis=1) * max(np.linalg.norm(y[creator_row]), 1e-12)
    sim = (y[row.indices] @ y[creator_row]) / np.maximum(norms, 1e-12) * row.data
    order = np.argsort(-sim, kind="stable")[:top]
    return [(int(row.indices[i]), float(sim[i])) for i in order]
