"""A creator's fair rate in plain words, for the scorecard."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .book import PriceBook
from .fair_rate import DEFAULT_TARGET_ROAS

__all__ = ["PriceCard", "price_card"]


def _opt(x: float) -> float | None:
    return round(float(x), 2) if np.isfinite(x) else None


@dataclass(frozen=True)
class PriceCard:
    """What one of the creator's shoppable videos is worth and the rate that is fair for it."""

    target_roas: float
    rate_per_video: float | None
    expected_gmv_per_video: float | None
    expected_gmv_low: float | None
    expected_gmv_high: float | None
    fair_rate: float | None
    fair_rate_low: float | None
    fair_rate_high: float | None
    value_ratio: float | None
    underpriced: bool | None
    evidence_videos: int
    own_mean_gmv: float | None
    peer_level: float | None
    own_weight: float

    def lines(self) -> list[str]:
        """The scorecard block (title line first)."""
        if self.fair_rate is None:
            return ["Fair rate: not available", "  - no creator in your market has delivered sales yet"]
        out = [f"Fair rate: {self.fair_rate:,.2f} per video (80% range {self.fair_rate_low:,.2f}-"
               f"{self.fair_rate_high:,.2f}) for a brand that wants {self.target_roas:g}x its fee back in sales"]
        if self.rate_per_video is None:
            out.append("  - you list no rate_per_video, so brands cannot compare it")
        else:
            rate = self.rate_per_video
            if self.underpriced:
                verdict = "under-priced: even the low end of your fair rate is above it"
            elif rate > (self.fair_rate_high or 0.0):
                verdict = "above your whole fair range: a brand is unlikely to reach its target at this price"
            elif rate > self.fair_rate:
                verdict = "above your fair rate, but inside its uncertainty"
            else:
                verdict = "below your fair rate, but inside its uncertainty"
            ratio = f", value ratio {self.value_ratio:.2f}" if self.value_ratio is not None else ""
            out.append(f"  - you ask {self.rate_per_video:,.2f}{ratio}: {verdict}")
        out.append(f"  - a shoppable video of yours is expected to sell {self.expected_gmv_per_video:,.2f} "
                   f"(80% interval {self.expected_gmv_low:,.2f}-{self.expected_gmv_high:,.2f})")
        if self.evidence_videos:
            out.append(f"  - learnt from your {self.evidence_videos:,} videos with sales (your average "
                       f"{self.own_mean_gmv:,.2f}), weighted {self.own_weight:.0%} against creators of your size, "
                       f"market and category (their typical level {self.peer_level:,.2f})")
        else:
            out.append(f"  - no delivered sales of yours yet: this is the level of creators of your size, market "
                       f"and category ({self.peer_level:,.2f}); your own shoppable videos will replace it")
        out.append(f"  - fair rate = expected GMV per video / {self.target_roas:g} (docs/pricing.md)")
        return out


def price_card(book: PriceBook, row: int, target_roas: float = DEFAULT_TARGET_ROAS) -> PriceCard:
    """The ``PriceCard`` of the creator at ``row``."""
    v = book.value
    f = book.fair(target_roas)
    rate = float(book.rate[row])
    return PriceCard(
        target_roas=f.target_roas, rate_per_video=_opt(rate), expected_gmv_per_video=_opt(v.expected[row]),
        expected_gmv_low=_opt(v.low[row]), expected_gmv_high=_opt(v.high[row]), fair_rate=_opt(f.fair_rate[row]),
        fair_rate_low=_opt(f.fair_low[row]), fair_rate_high=_opt(f.fair_high[row]),
        value_ratio=(round(float(f.value_ratio[row]), 3) if np.isfinite(f.value_ratio[row]) else None),
        underpriced=bool(f.underpriced[row]) if np.isfinite(rate) else None, evidence_videos=int(v.evidence[row]),
        own_mean_gmv=_opt(v.own_mean[row]), peer_level=_opt(v.prior[row]),
        own_weight=float(v.weight[row]) if v.weight is not None else 0.0)
