"""PageRank and personalised PageRank by sparse power iteration.

The same fixed point as ``networkx.pagerank`` (the reference in the tests)::

    x_{k+1} = alpha * (x_k P + (sum of x_k over dangling nodes) * d) + (1 - alpha) * p

where ``P = D^-1 W`` is the row-normalised weight matrix (``W[i, j]`` = weight of edge
i -> j), ``p`` the personalisation (restart) distribution, ``d`` the distribution dangling
nodes jump to (``p`` unless given), and iteration stops once ``||x_{k+1} - x_k||_1 < N * tol``
for every column.  Several personalisation vectors (one column each) are iterated together,
so one pass over the edges serves many brands.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["pagerank", "transition_matrix", "PageRankDidNotConverge"]


class PageRankDidNotConverge(RuntimeError):
    """Power iteration hit ``max_iter`` before reaching the tolerance."""


def transition_matrix(weights: sp.sparray | sp.spmatrix) -> tuple[sp.csr_array, np.ndarray]:
    """Row-normalise ``weights`` (N x N, edge i -> j) into ``P``; return ``(P.T, dangling)``.

    The transpose is returned (CSR) because the iteration computes ``P.T @ x``.
    ``dangling`` is a boolean mask of nodes without out-weight.
    """
    w = sp.csr_array(weights, dtype=np.float64)
    out = np.asarray(w.sum(axis=1)).ravel()
    dangling = out == 0
    inv = np.divide(1.0, out, out=np.zeros_like(out), where=~dangling)
    p = sp.diags_array(inv) @ w
    return sp.csr_array(p.T), dangling


def pagerank(weights: sp.sparray | sp.spmatrix | None = None, *, alpha: float = 0.85,
             personalization: np.ndarray | None = None, dangling: np.ndarray | None = None,
             tol: float = 1.0e-6, max_iter: int = 100,
             transition: tuple[sp.csr_array, np.ndarray] | None = None) -> np.ndarray:
    """PageRank of every node of the weighted directed graph ``weights``.

    Parameters
    ----------
    weights : N x N sparse matrix, ``weights[i, j]`` the weight of edge i -> j (ignored when
        ``transition`` is given).
    alpha : damping factor; ``1 - alpha`` is the restart probability.
    personalization : restart distribution, shape (N,) or (N, B) for B walks at once; each
        column is normalised to sum 1.  ``None`` means uniform (global PageRank).
    dangling : where walkers on nodes without out-edges go; defaults to ``personalization``.
    tol, max_iter : stop when the L1 change of every column is below ``N * tol``.
    transition : a precomputed ``transition_matrix(weights)``, to reuse across calls.

    Returns
    -------
    ndarray of shape (N,) or (N, B): each column sums to 1.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> w = sp.csr_array(np.array([[0, 1.0], [1.0, 0]]))
    >>> pagerank(w).round(3).tolist()
    [0.5, 0.5]
    """
    pt, is_dangling = transition if transition is not None else transition_matrix(weights)
    n = pt.shape[0]
    if n == 0:
        return np.zeros(0)
    p = np.full(n, 1.0 / n) if personalization is None else np.asarray(personalization, dtype=np.float64)
    single = p.ndim == 1
    p = p.reshape(n, -1)
    p = p / _column_sums(p)
    d = p if dangling is None else np.asarray(dangling, np.float64).reshape(n, -1)
    d = d / _column_sums(d)
    x = np.full(p.shape, 1.0 / n)
    dmask = is_dangling.astype(np.float64)
    for _ in range(max_iter):
        last = x
        x = alpha * (pt @ last + d * (dmask @ last)) + (1.0 - alpha) * p
        err = np.abs(x - last).sum(axis=0)
        if (err < n * tol).all():
            return x[:, 0] if single else x
    raise PageRankDidNotConverge(f"PageRank did not converge in {max_iter} iterations (tol={tol})")


def _column_sums(a: np.ndarray) -> np.ndarray:
    s = a.sum(axis=0, keepdims=True)
    if (s <= 0).any():
        raise ValueError("each personalisation column needs a positive sum")
    return s
