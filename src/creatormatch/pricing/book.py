"""The price book of a market: every creator's value per video and fair rate, computed once.

``PriceBook.from_dataset(dataset)`` runs the estimate (``estimate``), the category
multipliers (``categories``) and keeps the listed rates, so ``pricing``, ``match``,
``scorecard``, ``plan`` and ``neo4j push`` all read the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from .._textcolumns import TextColumns, Undecoded, encode_text, is_ascii
from ..data.dataset import Dataset
from ..errors import UsageError
from .categories import brand_factor, category_multipliers, creator_mix
from .estimate import PriceModel, ValueEstimate, expected_value_per_video
from .evidence import SalesEvidence, sales_evidence
from .fair_rate import DEFAULT_TARGET_ROAS, FairRates, fair_rates

__all__ = ["PriceBook", "BrandPrices", "PRICING_COLUMNS"]

_LABELS = ("creator_id", "handle", "market")

#: Columns of ``creatormatch pricing --format csv``, exactly and in this order (issue 14).
PRICING_COLUMNS = ("creator_id", "handle", "market", "followers", "rate_per_video", "expected_gmv_per_video",
                   "expected_gmv_low", "expected_gmv_high", "fair_rate", "value_ratio", "underpriced",
                   "evidence_videos")


@dataclass(frozen=True)
class BrandPrices:
    """Value and fair rate of some creators for one brand (arrays aligned with ``creator_rows``)."""

    creator_rows: np.ndarray
    rate: np.ndarray
    expected: np.ndarray
    low: np.ndarray
    high: np.ndarray
    fair: FairRates
    evidence: np.ndarray


@dataclass
class PriceBook:
    """Per-creator value per video and what it takes to price it for a brand.

    ``labels`` holds the text columns ``creator_id``, ``handle`` and ``market`` (a plain
    dict, or ``TextColumns`` decoded on first use when the book is read from the cache:
    ``match`` prices ten rows without decoding a million ids).
    """

    labels: Mapping[str, np.ndarray]
    followers: np.ndarray
    rate: np.ndarray                 # listed rate_per_video, NaN when not listed
    value: ValueEstimate
    multipliers: np.ndarray          # per category row
    mix: np.ndarray                  # per creator
    brand_category: np.ndarray       # per brand row, -1 when none

    @property
    def creator_ids(self) -> np.ndarray:
        return self.labels["creator_id"]

    @property
    def handle(self) -> np.ndarray:
        return self.labels["handle"]

    @property
    def market(self) -> np.ndarray:
        return self.labels["market"]

    @classmethod
    def from_dataset(cls, dataset: Dataset, evidence: SalesEvidence | None = None) -> "PriceBook":
        ev = evidence if evidence is not None else sales_evidence(dataset)
        value = expected_value_per_video(dataset, ev)
        cats = dataset.categories
        parent = cats["parent_id"].astype(np.int64) if cats is not None and "parent_id" in cats else \
            np.full(len(cats) if cats is not None else 0, -1, np.int64)
        mult = category_multipliers(ev, value.expected, parent)
        c = dataset.creators
        brands = dataset.brands
        return cls(
            labels={"creator_id": c.ids, "handle": c["handle"] if "handle" in c else np.full(len(c), ""),
                    "market": c["market"]},
            followers=c["followers"],
            rate=c["rate_per_video"] if "rate_per_video" in c else np.full(len(c), np.nan),
            value=value, multipliers=mult, mix=creator_mix(ev, mult, len(c)),
            brand_category=(brands["category_id"].astype(np.int64) if "category_id" in brands
                            else np.full(len(brands), -1, np.int64)),
        )

    #: Per-creator numeric arrays of ``ValueEstimate`` kept by ``to_arrays``.
    _VALUE_ARRAYS = ("expected", "low", "high", "prior", "evidence", "own_mean", "weight")

    def to_arrays(self, labels: bool = True) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """``(header, arrays)`` for storing the book (``cache.indexstore``, ``recommend.model``);
        text as UTF-8 bytes (``labels=False``: without the text, which a model keeps already)."""
        v = self.value
        m = v.model
        arrays: dict[str, np.ndarray] = {}
        if labels:
            arrays.update({f"label.{k}": encode_text(np.asarray(self.labels[k], str)) for k in _LABELS})
        arrays.update(followers=np.asarray(self.followers), rate=np.asarray(self.rate, np.float64),
                      multipliers=np.asarray(self.multipliers, np.float64), mix=np.asarray(self.mix, np.float64),
                      brand_category=np.asarray(self.brand_category, np.int64))
        weight = v.weight if v.weight is not None else np.zeros(len(v.expected))
        for name in self._VALUE_ARRAYS:
            arrays[f"value.{name}"] = np.asarray(weight if name == "weight" else getattr(v, name))
        header: dict[str, Any] = {"model": {"kappa": m.kappa, "beta": m.beta, "tau2": m.tau2}}
        if labels:
            header["ascii"] = {k: is_ascii(np.asarray(self.labels[k], str)) for k in _LABELS}
        return header, arrays

    @classmethod
    def from_arrays(cls, header: dict[str, Any], arrays: Mapping[str, np.ndarray],
                    labels: Mapping[str, np.ndarray] | None = None) -> "PriceBook":
        """The book ``to_arrays`` stored (arrays used in place, e.g. memory-mapped); ``labels``:
        the text columns when they were stored elsewhere (``to_arrays(labels=False)``)."""
        if labels is None:
            labels = TextColumns()
            for k in _LABELS:
                dict.__setitem__(labels, k, Undecoded(arrays[f"label.{k}"], bool(header["ascii"][k])))
        m = header["model"]
        value = ValueEstimate(**{name: arrays[f"value.{name}"] for name in cls._VALUE_ARRAYS},
                              model=PriceModel(kappa=float(m["kappa"]), beta=float(m["beta"]), tau2=float(m["tau2"])))
        return cls(labels=labels, followers=arrays["followers"], rate=arrays["rate"], value=value,
                   multipliers=arrays["multipliers"], mix=arrays["mix"], brand_category=arrays["brand_category"])

    def fair(self, target_roas: float = DEFAULT_TARGET_ROAS) -> FairRates:
        """Fair rates of every creator (own sales mix)."""
        v = self.value
        return fair_rates(v.expected, v.low, v.high, self.rate, target_roas)

    def for_brand(self, brand_row: int, creator_rows: np.ndarray, target_roas: float = DEFAULT_TARGET_ROAS,
                  category_row: int | None = None) -> BrandPrices:
        """Value and fair rate of ``creator_rows`` for the brand's category (or ``category_row``)."""
        rows = np.asarray(creator_rows, np.int64)
        k = int(self.brand_category[brand_row]) if category_row is None else int(category_row)
        f = brand_factor(self.multipliers, self.mix, k, rows)
        v = self.value
        exp, low, high = v.expected[rows] * f, v.low[rows] * f, v.high[rows] * f
        return BrandPrices(rows, self.rate[rows], exp, low, high, fair_rates(exp, low, high, self.rate[rows], target_roas),
                           v.evidence[rows])

    def select(self, *, market: str | None = None, category_members: np.ndarray | None = None,
               underpriced: bool = False, target_roas: float = DEFAULT_TARGET_ROAS,
               top: int | None = None) -> tuple[np.ndarray, FairRates]:
        """Creator rows for ``creatormatch pricing``: filtered, best value first.

        Order: ``value_ratio`` descending (creators without one last), then expected GMV
        descending, then creator id.
        """
        fair = self.fair(target_roas)
        keep = np.ones(len(self.creator_ids), bool)
        if market is not None:
            keep &= self.market == market
        if category_members is not None:
            keep &= category_members
        if underpriced:
            keep &= fair.underpriced
        rows = np.flatnonzero(keep)
        ratio = np.nan_to_num(fair.value_ratio[rows], nan=-1.0)
        exp = np.nan_to_num(self.value.expected[rows], nan=-1.0)
        rows = rows[np.lexsort((self.creator_ids[rows], -exp, -ratio))]
        if top is not None:
            if top < 1:
                raise UsageError("{option} must be at least 1", option="top")
            rows = rows[:top]
        return rows, fair

    def rows(self, rows: np.ndarray, fair: FairRates) -> list[dict[str, Any]]:
        """Records with ``PRICING_COLUMNS`` (None = not available) for output."""
        v = self.value
        out = []
        for r in np.asarray(rows, np.int64).tolist():
            out.append({
                "creator_id": str(self.creator_ids[r]), "handle": str(self.handle[r]), "market": str(self.market[r]),
                "followers": int(self.followers[r]), "rate_per_video": _num(self.rate[r]),
                "expected_gmv_per_video": _num(v.expected[r]), "expected_gmv_low": _num(v.low[r]),
                "expected_gmv_high": _num(v.high[r]), "fair_rate": _num(fair.fair_rate[r]),
                "value_ratio": _num(fair.value_ratio[r], 3),
                "underpriced": bool(fair.underpriced[r]) if np.isfinite(self.rate[r]) else None,
                "evidence_videos": int(v.evidence[r]),
            })
        return out


def _num(x: float, digits: int = 2) -> float | None:
    x = float(x)
    return round(x, digits) if np.isfinite(x) else None
