"""Normalising the match components to [0, 1] and blending them into one score.

Each component is mapped to ``[0, 1]`` over the creators being scored for a brand (its
*scope*, e.g. the brand's market — not the filtered list, so a filter never changes a
creator's score):

* ``mf`` (factor dot product ``x``): ``1 / (1 + exp(-(x - mean) / sd))``, mean and sd over
  the scope's creators with learnt factors.  Creators without collaborations have no
  factors: ``mf`` is *not available* for them.
* ``graph`` (walk score ``g >= 0``): ``g / (g + g_ref)``, ``g_ref`` the mean of the positive
  scores in the scope: 0 = not reached, 0.5 = a typical reached creator, -> 1 = strongly
  connected.
* ``category_fit``: already in [0, 1] (see ``matcher``).
* ``cooperation``, ``consistency``, ``uplift``: the creator index's market percentile / 100;
  not available where the index is NaN (no evidence or no input file).

The blended score with weights ``w_i`` and availability ``a_i`` (0/1) is

.. math::

    \\text{renormalise (default):}\\quad s = \\frac{\\sum_i w_i a_i n_i}{\\sum_i w_i a_i}
    \\qquad
    \\text{neutral:}\\quad s = \\frac{\\sum_i w_i (a_i n_i + (1 - a_i) \\tfrac12)}{\\sum_i w_i}

so a missing component is never read as 0 (worst) or silently as 50: it either drops
out of that creator's weighted mean, or counts as exactly the middle of the scale.  A
creator with no available component scores 0.
"""

from __future__ import annotations

import numpy as np

from .params import COMPONENTS

__all__ = ["normalise_mf", "normalise_graph", "blend", "blend_terms", "finish_blend", "contributions"]


def normalise_mf(raw: np.ndarray, known: np.ndarray, n_known: int | None = None,
                 zero_unknown: bool = False) -> np.ndarray:
    """Logistic of the standard score of ``raw`` among ``known`` creators.

    Values of creators outside ``known`` are meaningless (the caller marks them not
    available).  With ``zero_unknown`` the caller promises ``raw`` is exactly 0 outside
    ``known`` (creators without factors), which lets the mean and sd be taken without a
    masked copy — the fast path of a match over a whole market.
    """
    n = int(known.sum()) if n_known is None else n_known
    if raw.dtype.kind != "f":
        raw = raw.astype(np.float64)
    dtype = raw.dtype
    if n == 0:
        return np.full(raw.shape, 0.5, dtype)
    if zero_unknown:
        mean = float(raw.sum(dtype=np.float64)) / n
        var = float(np.einsum("i,i->", raw, raw, dtype=np.float64)) / n - mean * mean  # einsum: no threaded BLAS
    else:
        x = raw[known].astype(np.float64)
        mean, var = float(x.mean()), float(x.var())
    if var <= 1e-24:
        return np.full(raw.shape, 0.5, dtype)
    z = np.subtract(raw, dtype.type(mean), dtype=dtype)
    z *= dtype.type(-1.0 / np.sqrt(var))
    # a spread that is tiny next to the values (E[x^2] - mean^2 cancels) gives huge |z|:
    # clip where exp would overflow float32; the logistic is 0 or 1 there anyway
    np.clip(z, dtype.type(-80.0), dtype.type(80.0), out=z)
    np.exp(z, out=z)
    z += dtype.type(1.0)
    return np.reciprocal(z, out=z)


def normalise_graph(raw: np.ndarray) -> np.ndarray:
    """``g / (g + g_ref)`` with ``g_ref`` the mean positive score (all zeros stay zero)."""
    if raw.dtype.kind != "f":
        raw = raw.astype(np.float64)
    n_pos = np.count_nonzero(raw)
    if n_pos == 0:
        return np.zeros(raw.shape, raw.dtype)
    ref = raw.dtype.type(float(raw.sum(dtype=np.float64)) / n_pos)
    out = np.add(raw, ref)
    return np.divide(raw, out, out=out)


def blend(values: dict[str, np.ndarray], available: dict[str, np.ndarray], weights: dict[str, float],
          missing: str = "renormalise") -> np.ndarray:
    """Weighted blend of normalised components (see the module docstring for the formula).

    Parameters
    ----------
    values : component -> normalised values in [0, 1] (one per creator).
    available : component -> boolean mask, False where the component is missing.
    weights : component -> weight >= 0 (missing keys weigh 0).
    missing : "renormalise" or "neutral".

    Examples
    --------
    >>> v = {"mf": np.array([1.0, 0.2]), "graph": np.array([0.0, 0.6])}
    >>> a = {"mf": np.array([True, False]), "graph": np.array([True, True])}
    >>> blend(v, a, {"mf": 1.0, "graph": 1.0}).round(2).tolist()
    [0.5, 0.6]
    """
    return finish_blend(*blend_terms(values, available, weights, missing), missing)


def blend_terms(values: dict[str, np.ndarray], available: dict[str, np.ndarray], weights: dict[str, float],
                missing: str = "renormalise") -> tuple[np.ndarray, np.ndarray | float]:
    """Numerator and denominator of the blend over the components in ``values``.

    Terms of disjoint component sets add up, so a caller may precompute the part of
    components that do not depend on the brand (the creator indices) once.
    """
    n = len(next(iter(values.values())))
    num = np.zeros(n)
    den: np.ndarray | float = 0.0 if missing == "neutral" else np.zeros(n)
    for name in COMPONENTS:
        w = float(weights.get(name, 0.0))
        if w <= 0 or name not in values:
            continue
        v, a = values[name], available[name]
        if missing == "neutral":
            num += w * np.where(a, v, 0.5)
            den += w
        elif a.all():
            num += w * v
            den += w
        elif a.any():
            num += w * np.where(a, v, 0.0)
            den += w * a
    return num, den


def finish_blend(num: np.ndarray, den: np.ndarray | float, missing: str = "renormalise") -> np.ndarray:
    """``num / den`` of ``blend_terms`` (0 where nothing is available)."""
    if missing == "neutral":
        return num / den if den > 0 else num
    return np.divide(num, den, out=np.zeros(len(num)), where=den > 0)


def contributions(values: dict[str, float | None], weights: dict[str, float], missing: str = "renormalise") -> dict[str, float]:
    """Share of one creator's score each component contributes (sums to the score)."""
    avail = {k: v for k, v in values.items() if v is not None and weights.get(k, 0) > 0}
    if missing == "neutral":
        total = sum(w for k, w in weights.items() if w > 0 and k in values)
        return {k: (weights.get(k, 0.0) * (values[k] if values[k] is not None else 0.5) / total if total else 0.0)
                for k in values}
    den = sum(weights[k] for k in avail)
    return {k: (weights[k] * avail[k] / den if k in avail and den > 0 else 0.0) for k in values}
