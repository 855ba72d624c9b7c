"""The trained second stage: the funnel's offset, LightGBM models and the calibration of the raw score.

``RankerModel.probability(X)`` is the calibrated probability that a pair becomes a
positive collaboration (accepted or completed) within ``horizon_days`` of the moment the
model's data ends:

.. math::

    p = \\sigma(a \\cdot f(x) + b), \\qquad \\sigma(z) = 1 / (1 + e^{-z}), \\qquad
    f(x) = o(x) + w \\, T(x)

with ``T(x)`` the trees' raw score (log-odds for the binary objective, an arbitrary scale
for lambdarank) and ``(a, b)`` fitted by logistic regression (Platt scaling) on the
validation cut, which the trees never trained on.  ``o(x)``, the offset the trees were
trained on top of (LightGBM ``init_score``), is the sum of the ``params["offset"]``
features -- by default the funnel every collaboration goes through::

    o(x) = exposure + acceptance + brand_volume
         = log P(b finds c) + log P(c says yes | b invites c) + log V_b

``exposure`` from the search model (``ranker.exposure``), ``acceptance`` from the acceptance
model below, ``brand_volume`` the brand's expected new collaborators (``ranker.features``).
``w`` (``params["tree_weight"]``) is 1, or 0 when there are no residual trees -- the default
whenever there is an acceptance model (``RankerParams.residual_trees``; ``booster_text``
None) -- or the validation cut ranked best without them (``ranker.train``).

``RankerModel.accept_probability(X)`` is a second, smaller model over the same features:
the calibrated probability that an **invited** creator says yes (accepted or completed),
``P(yes | invited)``, trained on the invitations of the same cuts that got an answer
(``ranker.train``; None when the data holds too few).  Its log is the ``acceptance``
feature, filled in by ``complete(X)`` (``pair_features`` leaves it empty: it is a function
of the other features), and ``plan`` weighs creators' costs with it (``pricing.acceptance``):
the first model's probability also contains the brand's choice to invite, which a plan makes
itself.

``contributions(X)`` are LightGBM's exact TreeSHAP values (``pred_contrib``, times ``w``)
plus the offset, split like them into the base value's share and the row's own: for
``exposure`` and ``brand_volume``, ``o_j(x) - r_j`` goes to its column and ``r_j``
(``params["offset_reference"][j]``, its mean over the training rows) to the base value;
the ``acceptance`` term is spread over the features the acceptance model read, in
proportion to that model's own TreeSHAP values (``_acceptance_contributions``).  One column
per feature plus the base value, summing to ``f(x)``; on the probability's log-odds scale
each is multiplied by ``a``.

The boosters are stored as LightGBM's own text format inside the model artifact, with the
feature names, parameters and training summary in its header (no pickles).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .features import model_input

__all__ = ["RankerModel", "offset", "platt", "sigmoid", "PREDICT_THREADS", "OFFSET_FEATURES", "ACCEPTANCE_FEATURE"]

#: The features the trees are trained on top of (``f(x) = sum of these columns + T(x)``).
OFFSET_FEATURES: tuple[str, ...] = ("exposure", "acceptance", "brand_volume")
#: The column ``complete`` fills with ``log P(yes | invited)``.
ACCEPTANCE_FEATURE = "acceptance"
#: ``P(yes | invited)`` is clipped to at least this before its log is taken.
_MIN_ACCEPT = 1e-6


def offset(X: np.ndarray, feature_names: tuple[str, ...] | list[str], names) -> np.ndarray:
    """The offset ``o(x)`` per row: the sum of the columns ``names`` of ``X`` (one name or a
    sequence; a missing value counts 0), or zeros when ``names`` is None."""
    out = np.zeros(len(X))
    if names is None:
        return out
    columns = list(feature_names)
    for name in ([names] if isinstance(names, str) else names):
        out += np.nan_to_num(np.asarray(X[:, columns.index(name)], np.float64), nan=0.0)
    return out


def _accept_raw(booster, X: np.ndarray) -> np.ndarray:
    """The acceptance ``booster``'s raw score per row of ``X`` (``pair_features`` rows; the
    priors are filled in here)."""
    return np.asarray(booster.predict(model_input(X), raw_score=True, num_threads=PREDICT_THREADS), np.float64)


def _log_accept(raw: np.ndarray, calibration: tuple[float, float]) -> np.ndarray:
    """``log P(yes | invited)`` from the acceptance model's raw score: the log of its Platt
    ``calibration``, clipped at ``_MIN_ACCEPT``."""
    a, b = calibration
    return np.log(np.maximum(sigmoid(a * np.asarray(raw, np.float64) + b), _MIN_ACCEPT))


def accept_log_probability(booster, calibration: tuple[float, float], X: np.ndarray) -> np.ndarray:
    """``log P(yes | invited)`` of the acceptance ``booster`` with Platt ``calibration`` per
    row of ``X`` (``pair_features`` rows)."""
    return _log_accept(_accept_raw(booster, X), calibration)


def complete(X: np.ndarray, feature_names: tuple[str, ...] | list[str], accept, copy: bool = True) -> np.ndarray:
    """``X`` with its ``acceptance`` column set to ``accept(X)`` (a copy, or ``X`` itself
    with ``copy=False``); unchanged when ``accept`` is None or the features have no such column."""
    names = list(feature_names)
    if accept is None or ACCEPTANCE_FEATURE not in names or len(X) == 0:
        return X
    out = np.array(X, np.float32, copy=True) if copy else X
    out[:, names.index(ACCEPTANCE_FEATURE)] = accept(X)
    return out

#: Threads LightGBM predicts with: a match scores ~3,000 candidates at 1M creators, 6.8 ms on
#: one thread and 3.7 ms on two (BENCHMARKS.md); each row is scored on its own, so the result
#: does not depend on the thread count.
PREDICT_THREADS = 2


def _booster_from(text: str):
    """A LightGBM booster from its text, predicting on ``PREDICT_THREADS`` (lightgbm is
    imported here, on first use)."""
    import lightgbm as lgb

    booster = lgb.Booster(model_str=text)
    booster.params["num_threads"] = PREDICT_THREADS
    return booster


def sigmoid(z: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-z))``, computed without overflow."""
    z = np.asarray(z, np.float64)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def platt(raw: np.ndarray, labels: np.ndarray, iterations: int = 50) -> tuple[float, float]:
    """Logistic regression of ``labels`` (0/1) on ``raw``: the ``(a, b)`` of ``sigmoid(a raw + b)``.

    Newton's method on the log-likelihood with Platt's smoothed targets
    (``(N+ + 1) / (N+ + 2)`` and ``1 / (N- + 2)``), which keeps ``a`` finite when the
    classes separate.  Returns ``(1, 0)`` when there is nothing to fit.
    """
    x = np.asarray(raw, np.float64)
    y = np.asarray(labels, np.float64)
    n_pos, n_neg = float(y.sum()), float(len(y) - y.sum())
    if len(x) == 0 or n_pos == 0 or n_neg == 0:
        return 1.0, 0.0
    t = np.where(y > 0, (n_pos + 1.0) / (n_pos + 2.0), 1.0 / (n_neg + 2.0))
    a, b = 1.0, 0.0
    for _ in range(iterations):
        p = sigmoid(a * x + b)
        w = np.maximum(p * (1.0 - p), 1e-12)
        g = np.array([np.dot(p - t, x), np.sum(p - t)])
        h = np.array([[np.dot(w, x * x), np.dot(w, x)], [np.dot(w, x), w.sum()]])
        h[0, 0] += 1e-9
        h[1, 1] += 1e-9
        step = np.linalg.solve(h, g)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-10:
            break
    return float(a), float(b)


@dataclass
class RankerModel:
    """A trained ranker: LightGBM text model, feature names, calibration, training summary."""

    #: the residual trees' LightGBM text; None when they were not trained (``tree_weight`` 0)
    booster_text: str | None
    feature_names: tuple[str, ...]
    calibration: tuple[float, float]
    params: dict[str, Any]
    info: dict[str, Any] = field(default_factory=dict)
    #: the acceptance model, P(yes | invited): LightGBM text and Platt calibration (None: none)
    acceptance_text: str | None = None
    acceptance_calibration: tuple[float, float] | None = None
    _booster: Any = field(default=None, repr=False, compare=False)
    _acceptance: Any = field(default=None, repr=False, compare=False)

    @property
    def booster(self):
        """The LightGBM booster (built from the text on first use; lightgbm is imported lazily)."""
        if self._booster is None:
            self._booster = _booster_from(self.booster_text)
        return self._booster

    @property
    def has_acceptance(self) -> bool:
        return self.acceptance_text is not None and self.acceptance_calibration is not None

    def _acceptance_booster(self):
        if self._acceptance is None:
            self._acceptance = _booster_from(self.acceptance_text)
        return self._acceptance

    def accept_probability(self, X: np.ndarray) -> np.ndarray:
        """Calibrated ``P(yes | invited)`` per row of ``X`` (``pair_features`` rows)."""
        if not self.has_acceptance:
            raise ValueError("this ranker has no acceptance model")
        if len(X) == 0:
            return np.zeros(0)
        a, b = self.acceptance_calibration  # type: ignore[misc]
        return sigmoid(a * _accept_raw(self._acceptance_booster(), X) + b)

    def yes_if_invited(self, X: np.ndarray, completed: bool = False) -> np.ndarray | None:
        """``P(yes | invited)`` per row of ``X``: the chance that the creator accepts (and does
        not cancel) if the brand invites them -- the acceptance model alone, without how
        likely the brand is to find the creator or how many creators it takes on.  None
        without an acceptance model.  ``completed``: ``X`` comes from ``complete``, whose
        ``acceptance`` column already holds its log (floored at ``_MIN_ACCEPT``), so the
        model is not evaluated again."""
        if not self.has_acceptance:
            return None
        if not completed:
            return self.accept_probability(X)
        column = list(self.feature_names).index(ACCEPTANCE_FEATURE)
        return np.exp(np.asarray(X[:, column], np.float64))

    @property
    def horizon_days(self) -> float:
        return float(self.params.get("horizon_days", 0.0))

    @property
    def offset_features(self) -> tuple[str, ...]:
        """The features the trees were trained on top of (empty: no offset)."""
        return tuple(self.params.get("offset") or ())

    @property
    def tree_weight(self) -> float:
        """``w``: 1, or 0 when the trees were left out or not trained (module docstring)."""
        if self.booster_text is None:
            return 0.0
        return float(self.params.get("tree_weight", 1.0))

    def complete(self, X: np.ndarray) -> np.ndarray:
        """``X`` (``features.pair_features`` rows) with the ``acceptance`` feature filled in
        from the acceptance model; ``X`` itself when the model has none (the column stays
        empty and counts 0 in the offset)."""
        if not self.has_acceptance:
            return X
        return complete(X, self.feature_names,
                        lambda rows: accept_log_probability(self._acceptance_booster(), self.acceptance_calibration, rows))

    def raw(self, X: np.ndarray, completed: bool = False) -> np.ndarray:
        """The raw score ``f(x) = o(x) + w T(x)`` per row of ``X`` (``features.pair_features``;
        the acceptance feature -- unless ``completed`` says ``X`` comes from ``complete`` -- and
        the priors of ``features.model_input`` are filled in here)."""
        if len(X) == 0:
            return np.zeros(0)
        if not completed:
            X = self.complete(X)
        out = offset(X, self.feature_names, self.offset_features)
        if self.tree_weight != 0.0:     # the trees are not even evaluated when left out
            out += self.tree_weight * np.asarray(self.booster.predict(model_input(X), raw_score=True,
                                                                      num_threads=PREDICT_THREADS), np.float64)
        return out

    def probability(self, X: np.ndarray, completed: bool = False) -> np.ndarray:
        """Calibrated probability of a positive collaboration within the horizon."""
        a, b = self.calibration
        return sigmoid(a * self.raw(X, completed) + b)

    def contributions(self, X: np.ndarray, completed: bool = False) -> np.ndarray:
        """Exact TreeSHAP contributions ``(rows, features + 1)``; the last column is the base
        value and each row sums to ``raw(X)`` (``completed``: ``X`` comes from ``complete``, as
        a ranking's features do, so the acceptance model is not evaluated twice)."""
        if len(X) == 0:
            return np.zeros((0, len(self.feature_names) + 1))
        if not completed:
            X = self.complete(X)
        if self.tree_weight != 0.0:
            out = self.tree_weight * np.asarray(self.booster.predict(model_input(X), pred_contrib=True,
                                                                     num_threads=PREDICT_THREADS), np.float64)
        else:
            out = np.zeros((len(X), len(self.feature_names) + 1))
        reference = self.params.get("offset_reference", {})
        names = list(self.feature_names)
        for name in self.offset_features:
            column = names.index(name)
            if name == ACCEPTANCE_FEATURE and self.has_acceptance:
                spread, base = self._acceptance_contributions(X)
                out[:, :-1] += spread
                out[:, -1] += base
                # the float32 rounding of the stored value, so rows still sum to raw(X)
                out[:, column] += offset(X, names, name) - (spread.sum(axis=1) + base)
                continue
            ref = float(reference.get(name, 0.0))
            out[:, column] += offset(X, names, name) - ref
            out[:, -1] += ref
        return out

    def _acceptance_contributions(self, X: np.ndarray) -> tuple[np.ndarray, float]:
        """The acceptance term ``g(z) = log P(yes | invited)`` spread over the features that
        make it, and its base value.

        The acceptance model's TreeSHAP values ``psi_j`` sum to its raw score ``z`` from the
        base value ``z_0``; ``g(z) - g(z_0)`` is split in the same proportions, with the
        secant slope ``s = (g(z) - g(z_0)) / (z - z_0)`` (the slope of ``g`` at ``z_0`` when
        ``z = z_0``): feature ``j`` gets ``s psi_j`` and the base value ``g(z_0)``.  So a
        cooperation index that raises the chance of a yes shows as the cooperation index's
        contribution, exactly additive."""
        psi = np.asarray(self._acceptance_booster().predict(model_input(X), pred_contrib=True,
                                                            num_threads=PREDICT_THREADS), np.float64)
        calibration = self.acceptance_calibration
        a, b = calibration  # type: ignore[misc]
        z = psi.sum(axis=1)
        z0 = float(psi[0, -1])
        g0 = float(_log_accept(np.array([z0]), calibration)[0])   # type: ignore[arg-type]
        gap = z - z0
        near = np.abs(gap) < 1e-9
        slope = np.where(near, a * (1.0 - sigmoid(np.full(len(z), a * z0 + b))),
                         (_log_accept(z, calibration) - g0) / np.where(near, 1.0, gap))   # type: ignore[arg-type]
        return slope[:, None] * psi[:, :-1], g0

    def to_header(self) -> dict[str, Any]:
        out = {"feature_names": list(self.feature_names), "calibration": list(self.calibration),
               "params": self.params, "info": self.info}
        if self.has_acceptance:
            out["acceptance_calibration"] = list(self.acceptance_calibration)  # type: ignore[arg-type]
        return out

    @classmethod
    def from_header(cls, header: dict[str, Any], booster_text: str | None,
                    acceptance_text: str | None = None) -> "RankerModel":
        cal = header.get("acceptance_calibration")
        return cls(booster_text=booster_text, feature_names=tuple(header["feature_names"]),
                   calibration=(float(header["calibration"][0]), float(header["calibration"][1])),
                   params=dict(header["params"]), info=dict(header.get("info", {})),
                   acceptance_text=acceptance_text if cal is not None else None,
                   acceptance_calibration=(float(cal[0]), float(cal[1])) if cal is not None else None)
