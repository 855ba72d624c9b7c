"""Sales uplift: how many more (or fewer) sales a creator's shoppable videos bring than
expected for the product's category.

Inputs (``videos.csv``: shoppable videos with a view count, and the products' categories).
For orders (and in the same way for GMV):

* the model: ``orders of a video ~ Poisson(views x rate[category] x uplift[creator])``;
* ``expected[creator] = sum over the creator's videos of views x rate[category]`` and the
  **uplift** ``= orders / expected``, shrunk with a Gamma prior measured in expected orders:
  ``(orders + m b) / (expected + b)`` -- a creator needs real expected volume before a
  lucky sale counts;
* the category rates are fitted jointly with the (shrunk) uplifts by alternating updates
  (``rate[k] = orders in k / sum of views x uplift in k``, ``FIT_ROUNDS`` rounds, starting
  from the plain ``orders / views`` of the category), so a category's bar is what a
  typical creator sells in it, not what its single biggest account happened to sell.

The index is the weighted mean of the standard scores of the two log uplifts
(``WEIGHTS``).  Not available without videos.csv or without orders and GMV.
Formulas: ``docs/indices.md``.
"""

from __future__ import annotations

import numpy as np

from ..data.dataset import Dataset
from ._prepare import Prepared, prepare
from ._result import NO_VIDEOS, IndexResult, finish, unavailable
from ._stats import GammaPrior, combine, gamma_prior, gamma_shrink, group_count

__all__ = ["sales_uplift_index", "WEIGHTS", "FIT_ROUNDS"]

#: Orders carry the weight: GMV also moves with the product's price, which the creator does
#: not set.  GMV alone decides when the file has no order counts.
WEIGHTS = {"orders": 0.9, "gmv": 0.1}
#: Alternating rounds of the joint fit of category rates and creator uplifts.
FIT_ROUNDS = 6
#: Above this many creator x category cells, pairs are found by sorting instead of a dense count.
_DENSE_PAIRS = 50_000_000


def sales_uplift_index(dataset: Dataset, prepared: Prepared | None = None) -> IndexResult:
    """Sales uplift of every creator (see the module docstring and ``docs/indices.md``).

    Evidence is the number of shoppable videos with views and sales figures.
    """
    prep = prepared or prepare(dataset)
    n = prep.n_creators
    if not prep.has_videos:
        return unavailable("sales_uplift", n, NO_VIDEOS)
    videos = dataset.videos
    views = videos["views"]
    orders = videos["orders"]
    gmv = videos["gmv"]
    base = prep.shoppable & (views > 0)
    with_orders = base & (orders >= 0)
    with_gmv = base & ~np.isnan(gmv)
    if not prep.shoppable.any():
        return unavailable("sales_uplift", n, "no products (no video features one)")
    if not (prep.shoppable & (views >= 0)).any():
        return unavailable("sales_uplift", n, "no views (no shoppable video has a view count)")
    if not (with_orders.any() or with_gmv.any()):
        return unavailable("sales_uplift", n, "no orders or GMV on shoppable videos with views")
    creator = prep.video_creator
    # category code: the product's category; videos whose product has none share one bucket
    cat = np.where(prep.video_category >= 0, prep.video_category, prep.n_categories)
    n_cat = prep.n_categories + 1

    components: dict[str, np.ndarray] = {}
    parts: list[tuple[float, np.ndarray]] = []
    evidence = group_count(creator, n, with_orders | with_gmv)
    for name, mask, outcome in (("orders", with_orders, orders), ("gmv", with_gmv, gmv)):
        if not mask.any():
            continue
        p_creator, p_cat, p_views, p_out = _pairs(creator[mask], cat[mask], views[mask].astype(np.float64),
                                                  outcome[mask].astype(np.float64), n, n_cat)
        # GMV in "orders" units (divided by the average order value) so that the Poisson
        # variance, and with it the prior strength, means the same thing for both
        unit = 1.0
        if name == "gmv" and with_orders.any():
            both = mask & with_orders
            total_orders = float(orders[both].sum())
            unit = float(gmv[both].sum()) / total_orders if total_orders > 0 else 1.0
            unit = unit if unit > 0 else 1.0
        actual = np.bincount(p_creator, weights=p_out, minlength=n)[:n]
        expected, prior, shrunk = _joint_fit(p_creator, p_cat, p_views, p_out / unit, n, n_cat)
        expected *= unit
        components[name] = actual
        components[f"expected_{name}"] = expected
        components[f"{name}_uplift"] = np.where(expected > 0, actual / np.where(expected > 0, expected, 1.0), np.nan)
        components[f"{name}_uplift_shrunk"] = shrunk
        if prior.mean > 0 and prior.sd > 0:
            z = np.log(shrunk / prior.mean) / (prior.sd / prior.mean)
        else:
            z = np.where(np.isnan(shrunk), np.nan, 0.0)
        components[f"z_{name}"] = z
        parts.append((WEIGHTS[name], z))
    components["shoppable_videos"] = evidence
    return finish("sales_uplift", combine(parts), evidence, prep.market, components)


def _pairs(creator: np.ndarray, cat: np.ndarray, views: np.ndarray, outcome: np.ndarray, n: int,
           n_cat: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sum views and outcome per (creator, category) pair: the fit only needs these sums."""
    key = creator * n_cat + cat
    if n * n_cat <= _DENSE_PAIRS:
        v = np.bincount(key, weights=views, minlength=n * n_cat)
        present = np.flatnonzero(np.bincount(key, minlength=n * n_cat))
        return present // n_cat, present % n_cat, v[present], np.bincount(key, weights=outcome,
                                                                            minlength=n * n_cat)[present]
    uniq, inverse = np.unique(key, return_inverse=True)
    return (uniq // n_cat, uniq % n_cat, np.bincount(inverse, weights=views),
            np.bincount(inverse, weights=outcome))


def _joint_fit(creator: np.ndarray, cat: np.ndarray, views: np.ndarray, outcome: np.ndarray, n: int,
               n_cat: int) -> tuple[np.ndarray, GammaPrior, np.ndarray]:
    """Fit category rates and shrunk creator uplifts together (see the module docstring).

    Returns the expected outcome per creator, the Gamma prior of the uplifts and the
    shrunk uplifts (NaN where nothing is expected).
    """
    actual = np.bincount(creator, weights=outcome, minlength=n)[:n]
    by_cat = np.bincount(cat, weights=outcome, minlength=n_cat)
    rate = by_cat / np.maximum(np.bincount(cat, weights=views, minlength=n_cat), 1e-12)
    for _ in range(FIT_ROUNDS):
        expected = np.bincount(creator, weights=views * rate[cat], minlength=n)[:n]
        prior = gamma_prior(actual, expected)
        uplift = gamma_shrink(actual, expected, prior)
        uplift = np.where(np.isnan(uplift), 1.0, uplift)
        rate = by_cat / np.maximum(np.bincount(cat, weights=views * uplift[creator], minlength=n_cat), 1e-12)
    expected = np.bincount(creator, weights=views * rate[cat], minlength=n)[:n]
    prior = gamma_prior(actual, expected)
    return expected, prior, gamma_shrink(actual, expected, prior)
