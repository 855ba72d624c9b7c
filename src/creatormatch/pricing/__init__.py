"""Pricing and planning: what a creator's shoppable video is worth, the fair rate a brand
can pay for it, and campaign plans under a budget across brands.

* ``evidence``  -- each creator's delivered sales (shoppable videos, completed collaborations);
* ``estimate``  -- expected GMV per video with an 80 % interval (empirical Bayes);
* ``categories`` -- what the same video is worth for a brand's category;
* ``fair_rate`` -- fair rate at a target return, value ratio, under-pricing flag;
* ``book``      -- all of it computed once per dataset (``PriceBook``);
* ``acceptance`` -- the probability a creator says yes (stand-in until the ranker lands);
* ``plan``      -- budgeted plans across brands (multiple-choice knapsack, ``scipy.optimize.milp``);
* ``evaluate``  -- out-of-time evaluation against the follower-tier baseline.

Formulas: ``docs/pricing.md``.
"""

from .book import PRICING_COLUMNS, BrandPrices, PriceBook
from .estimate import INTERVAL, ValueEstimate, expected_value_per_video
from .evidence import SalesEvidence, sales_evidence
from .fair_rate import DEFAULT_TARGET_ROAS, FairRates, fair_rates

__all__ = [
    "PRICING_COLUMNS", "BrandPrices", "PriceBook", "INTERVAL", "ValueEstimate", "expected_value_per_video",
    "SalesEvidence", "sales_evidence", "DEFAULT_TARGET_ROAS", "FairRates", "fair_rates",
]
