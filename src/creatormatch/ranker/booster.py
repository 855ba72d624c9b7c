"""The trained second stage: a LightGBM model plus the calibration of its raw score.

``RankerModel.probability(X)`` is the calibrated probability that a pair becomes a
positive collaboration (accepted or completed) within ``horizon_days`` of the moment the
model's data ends:

.. math::

    p = \\sigma(a \\cdot f(x) + b), \\qquad \\sigma(z) = 1 / (1 + e^{-z}), \\qquad
    f(x) = o(x) + T(x)

with ``T(x)`` the trees' raw score (log-odds for the binary objective, an arbitrary scale
for lambdarank), ``o(x)`` the offset the trees were trained on top of (LightGBM
``init_score``): the ``exposure`` feature, ``log P(b -> c)`` of ``ranker.exposure``, when
``params["offset"]`` names it (0 otherwise), and ``(a, b)`` fitted by logistic regression (Platt scaling) on the
validation cut, which the trees never trained on.  ``contributions(X)`` are LightGBM's
exact TreeSHAP values (``pred_contrib``) plus the offset, split like them into the base
value's share and the row's own: ``o(x) - o_ref`` goes to the offset feature's column and
``o_ref`` (``params["offset_reference"]``, the offset's mean over the training rows) to the
base value.  One column per feature plus the base value, summing to ``f(x)``; on the probability's log-odds scale each is multiplied by ``a``.

``RankerModel.accept_probability(X)`` is a second, smaller model over the same features:
the calibrated probability that an **invited** creator says yes (accepted or completed),
``P(yes | invited)``, trained on the invitations of the same cuts that got an answer
(``ranker.train``; None when the data holds too few).  ``plan`` weighs creators' costs with
it (``pricing.acceptance``): the first model's probability also contains the brand's choice
to invite, which a plan makes itself.

The boosters are stored as LightGBM's own text format inside the model artifact, with the
feature names, parameters and training summary in its header (no pickles).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .features import model_input

__all__ = ["RankerModel", "offset", "platt", "sigmoid", "PREDICT_THREADS", "OFFSET_FEATURE"]

#: The feature the trees are trained on top of (``f(x) = x[OFFSET_FEATURE] + T(x)``).
OFFSET_FEATURE = "exposure"


def offset(X: np.ndarray, feature_names: tuple[str, ...] | list[str], name: str | None) -> np.ndarray:
    """The offset ``o(x)`` per row: column ``name`` of ``X`` (a missing value counts 0), or
    zeros when ``name`` is None."""
    if name is None:
        return np.zeros(len(X))
    return np.nan_to_num(np.asarray(X[:, list(feature_names).index(name)], np.float64), nan=0.0)

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

    booster_text: str
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

    def accept_probability(self, X: np.ndarray) -> np.ndarray:
        """Calibrated ``P(yes | invited)`` per row of ``X`` (``pair_features`` rows)."""
        if not self.has_acceptance:
            raise ValueError("this ranker has no acceptance model")
        if len(X) == 0:
            return np.zeros(0)
        if self._acceptance is None:
            self._acceptance = _booster_from(self.acceptance_text)
        raw = np.asarray(self._acceptance.predict(model_input(X), raw_score=True, num_threads=PREDICT_THREADS), np.float64)
        a, b = self.acceptance_calibration  # type: ignore[misc]
        return sigmoid(a * raw + b)

    @property
    def horizon_days(self) -> float:
        return float(self.params.get("horizon_days", 0.0))

    @property
    def offset_feature(self) -> str | None:
        """The feature the trees were trained on top of (None: no offset)."""
        return self.params.get("offset")

    def raw(self, X: np.ndarray) -> np.ndarray:
        """The raw score ``f(x) = o(x) + T(x)`` per row of ``X`` (``features.pair_features``;
        the priors of ``features.model_input`` are filled in here)."""
        if len(X) == 0:
            return np.zeros(0)
        trees = np.asarray(self.booster.predict(model_input(X), raw_score=True, num_threads=PREDICT_THREADS), np.float64)
        return offset(X, self.feature_names, self.offset_feature) + trees

    def probability(self, X: np.ndarray) -> np.ndarray:
        """Calibrated probability of a positive collaboration within the horizon."""
        a, b = self.calibration
        return sigmoid(a * self.raw(X) + b)

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """Exact TreeSHAP contributions ``(rows, features + 1)``; the last column is the base
        value and each row sums to ``raw(X)``."""
        if len(X) == 0:
            return np.zeros((0, len(self.feature_names) + 1))
        out = np.asarray(self.booster.predict(model_input(X), pred_contrib=True, num_threads=PREDICT_THREADS), np.float64)
        if self.offset_feature is not None:
            ref = float(self.params.get("offset_reference", 0.0))
            column = list(self.feature_names).index(self.offset_feature)
            out[:, column] += offset(X, self.feature_names, self.offset_feature) - ref
            out[:, -1] += ref
        return out

    def to_header(self) -> dict[str, Any]:
        out = {"feature_names": list(self.feature_names), "calibration": list(self.calibration),
               "params": self.params, "info": self.info}
        if self.has_acceptance:
            out["acceptance_calibration"] = list(self.acceptance_calibration)  # type: ignore[arg-type]
        return out

    @classmethod
    def from_header(cls, header: dict[str, Any], booster_text: str,
                    acceptance_text: str | None = None) -> "RankerModel":
        cal = header.get("acceptance_calibration")
        return cls(booster_text=booster_text, feature_names=tuple(header["feature_names"]),
                   calibration=(float(header["calibration"][0]), float(header["calibration"][1])),
                   params=dict(header["params"]), info=dict(header.get("info", {})),
                   acceptance_text=acceptance_text if cal is not None else None,
                   acceptance_calibration=(float(cal[0]), float(cal[1])) if cal is not None else None)
