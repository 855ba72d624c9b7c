"""Cooperation index: how readily a creator works with the brands that invite them.

Inputs (``collaborations.csv``, one row per invitation), per creator:

* **response rate** -- invitations answered (accepted, declined, completed, cancelled)
  out of those with an outcome (answered or expired; still-open invitations are left out);
* **reply speed** -- mean of ``log(hours from invitation to answer)`` (at least one
  minute; the scorecard shows the median in hours);
* **acceptance rate** -- answers that were a yes (accepted, completed, or accepted and
  later cancelled) out of all answers;
* **fulfilment** -- mean share of the promised deliverables delivered, over completed
  collaborations (a cancellation counts against consistency instead);
* **repeat brands** -- of the brands the creator worked with (accepted/completed), the
  share that invited the creator again afterwards;
* **brand rating** -- mean rating (1–5) brands gave.

Each input is shrunk toward the population (Beta-binomial for rates, normal-normal for
the means) and expressed as a standard score; the index is their weighted mean
(``WEIGHTS``).

**Mention-only data.**  When no collaboration says how an invitation was answered -- every
row is ``completed`` and none has ``responded_at``, as when collaborations are brand
@mentions found in posts -- the inputs above say nothing (everyone "answered" 100 %,
and repeat brands would count a creator who tagged three brands once each as never asked
back).  The index then measures how much a creator works with brands, per post observed:

* **collaboration rate** -- collaborations per post of the creator in ``videos.csv``;
* **brand rate** -- distinct brands worked with per post;

both shrunk with a Gamma prior (exposure: posts; without videos.csv, days of the
dataset's span) and scored on the log scale, plus fulfilment and rating as above
(``MENTION_WEIGHTS``).  Evidence is the collaborations plus the posts observed, so a
creator seen posting without tagging any brand has a (low) value, not none.
Formulas: ``docs/indices.md``.
"""

from __future__ import annotations

import numpy as np

from ..data.dataset import Dataset
from ._prepare import STATUS, Prepared, prepare, status_in
from ._result import IndexResult, finish, unavailable
from ._stats import (
    beta_prior, beta_shrink, combine, gamma_prior, gamma_shrink, group_count, group_median, group_sum,
    shrink_event_means, standard_score,
)
from .diligence import _log_rate_score

__all__ = ["cooperation_index", "WEIGHTS", "MENTION_WEIGHTS", "mention_only"]

#: Weight of each input's standard score in the index.  Answering, and answering fast,
#: are entirely the creator's doing and carry most of the weight; whether an answer is a
#: yes depends as much on how well the brand fits the creator, whether a brand comes back
#: on the brand's own plans, and ratings also judge the content -- 10 % each.
WEIGHTS = {
    "response_rate": 0.30,
    "reply_speed": 0.30,
    "acceptance_rate": 0.10,
    "fulfilment": 0.10,
    "repeat_brands": 0.10,
    "rating": 0.10,
}
#: Weights of the inputs on mention-only data (see the module docstring): how often a
#: creator works with brands, and with how many, carry the weight.
MENTION_WEIGHTS = {
    "collaboration_rate": 0.40,
    "brand_rate": 0.40,
    "fulfilment": 0.10,
    "rating": 0.10,
}


def cooperation_index(dataset: Dataset, prepared: Prepared | None = None) -> IndexResult:
    """Cooperation index of every creator (see the module docstring and ``docs/indices.md``).

    Evidence is the number of invitations with an outcome; a creator without one (no
    invitations, or only open ones) is not available.
    """
    prep = prepared or prepare(dataset)
    n = prep.n_creators
    col = dataset.collaborations
    if len(col) == 0:
        return unavailable("cooperation", n, "no collaborations")
    creator = prep.collab_creator
    status = col["status"]
    mentions = mention_only(dataset)
    answered = status_in(status, "accepted", "declined", "completed", "cancelled")
    decided = answered | (status == STATUS["expired"])
    if not mentions and not decided.any():
        return unavailable("cooperation", n, "no invitations with an outcome (every invitation is still open)")
    yes = status_in(status, "accepted", "completed", "cancelled")

    n_decided = group_count(creator, n, decided)
    n_answered = group_count(creator, n, answered)
    n_yes = group_count(creator, n, yes)

    # reply time
    inv, resp = col["invited_at"], col["responded_at"]
    timed = answered & ~np.isnat(resp)
    reply_s = (resp[timed] - inv[timed]).astype(np.int64)
    reply = shrink_event_means(creator[timed], np.log(np.maximum(reply_s, 60) / 3600.0), n)
    median_reply_h = group_median(creator[timed], reply_s, n) / 3600.0

    # fulfilment over completed collaborations that say what was promised and delivered
    promised = col["deliverables_promised"]
    delivered = col["deliverables_delivered"]
    measured = (status == STATUS["completed"]) & (promised > 0) & (delivered >= 0)
    share = np.where(measured, np.minimum(delivered, promised) / np.maximum(promised, 1), 0.0)
    n_fulfil = group_count(creator, n, measured)
    fulfil_sum = group_sum(creator, share, n, measured)
    sum_promised = group_sum(creator, np.maximum(promised, 0), n, measured)
    sum_delivered = group_sum(creator, np.maximum(delivered, 0), n, measured)

    brands_worked, brands_returned = _repeat_brands(dataset, prep)

    rating = col["rating"]
    rated = ~np.isnan(rating)
    ratings = shrink_event_means(creator[rated], rating[rated], n)

    rates = {
        "response_rate": (n_answered, n_decided),
        "acceptance_rate": (n_yes, n_answered),
        "fulfilment": (fulfil_sum, n_fulfil.astype(np.float64)),
        "repeat_brands": (brands_returned, brands_worked),
    }
    components: dict[str, np.ndarray] = {
        "invitations": group_count(creator, n),
        "invitations_decided": n_decided,
        "invitations_answered": n_answered,
        "invitations_expired": n_decided - n_answered,
        "invitations_accepted": n_yes,
        "median_reply_hours": median_reply_h,
        "deliverables_promised": sum_promised,
        "deliverables_delivered": sum_delivered,
        "brands_worked_with": brands_worked,
        "brands_returned": brands_returned,
        "ratings": ratings.count,
        "mean_rating": ratings.mean,
        "rating_shrunk": ratings.shrunk,
    }
    zs: dict[str, np.ndarray] = {}
    for name, (s, t) in rates.items():
        prior = beta_prior(s, t)
        observed = np.where(t > 0, s / np.maximum(t, 1e-300), np.nan)
        shrunk = beta_shrink(s, t, prior)
        components[name] = observed
        components[name + "_shrunk"] = shrunk
        components[name + "_prior"] = np.full(n, prior.mean)
        zs[name] = _z_or_prior(standard_score(shrunk, prior.mean, prior.sd), n_decided)
    components["reply_log_hours_shrunk"] = reply.shrunk
    zs["reply_speed"] = _z_or_prior(-reply.z, n_decided)
    zs["rating"] = _z_or_prior(ratings.z, n_decided)
    if mentions:
        evidence = _mention_inputs(dataset, prep, brands_worked, zs, components)
        zs = {name: _z_or_prior(zs[name], evidence) for name in MENTION_WEIGHTS}
        weights = MENTION_WEIGHTS
    else:
        evidence, weights = n_decided, WEIGHTS
    components.update({f"z_{name}": z for name, z in zs.items()})
    raw = combine([(weights[name], z) for name, z in zs.items()])
    return finish("cooperation", raw, evidence, prep.market, components)


def mention_only(dataset: Dataset) -> bool:
    """True when no collaboration says how an invitation was answered: every row is
    ``completed`` and none has ``responded_at`` (e.g. brand @mentions found in posts)."""
    col = dataset.collaborations
    return bool(len(col)) and bool((col["status"] == STATUS["completed"]).all()) \
        and bool(np.isnat(col["responded_at"]).all())


def _mention_inputs(dataset: Dataset, prep: Prepared, brands: np.ndarray, zs: dict[str, np.ndarray],
                    components: dict[str, np.ndarray]) -> np.ndarray:
    """Add the mention-only inputs to ``zs`` and ``components``; return the evidence
    (collaborations + posts observed)."""
    n = prep.n_creators
    collabs = group_count(prep.collab_creator, n)
    if prep.has_videos:
        exposure = prep.n_videos.astype(np.float64)
        unit = "post"
    else:
        stamps = dataset.collaborations["invited_at"]
        span = (stamps.max() - stamps.min()).astype("timedelta64[s]").astype(np.int64) / 86_400.0
        exposure = np.full(n, max(span, 1.0))
        unit = "day"
    components["mention_mode"] = np.ones(n, bool)
    components["posts_observed"] = prep.n_videos
    components["collaborations"] = collabs
    for name, count in (("collaboration_rate", collabs), ("brand_rate", brands)):
        prior = gamma_prior(count, exposure)
        shrunk = gamma_shrink(count, exposure, prior)
        components[f"{name}_per_{unit}"] = np.where(exposure > 0, count / np.maximum(exposure, 1e-300), np.nan)
        components[f"{name}_shrunk"] = shrunk
        components[f"{name}_prior"] = np.full(n, prior.mean)
        zs[name] = _log_rate_score(shrunk, prior.mean, prior.sd)
    return collabs + (prep.n_videos if prep.has_videos else 0)


def _z_or_prior(z: np.ndarray, evidence: np.ndarray) -> np.ndarray:
    """A creator with evidence for the index but none for this input sits at the prior (0)."""
    return np.where(np.isnan(z) & (evidence > 0), 0.0, z)


def _repeat_brands(dataset: Dataset, prep: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Per creator: brands worked with (a yes), and how many invited again after the first yes.

    One argsort of the (creator, brand) pair key groups the invitations by pair.
    """
    n = prep.n_creators
    col = dataset.collaborations
    if len(col) == 0:
        return np.zeros(n, np.int64), np.zeros(n, np.int64)
    worked = status_in(col["status"], "accepted", "completed")
    n_brands = max(len(dataset.brands), 1)
    pair = prep.collab_creator * n_brands + col["brand_id"].astype(np.int64)
    order = np.argsort(pair)  # order within a pair does not matter: min/max reductions follow
    pair_sorted = pair[order]
    new = np.r_[True, pair_sorted[1:] != pair_sorted[:-1]]
    run = np.cumsum(new) - 1
    n_runs = int(run[-1]) + 1
    t = col["invited_at"].astype(np.int64)[order]
    w = worked[order]
    first_yes = np.full(n_runs, np.iinfo(np.int64).max)
    np.minimum.at(first_yes, run[w], t[w])
    last_invite = np.full(n_runs, np.iinfo(np.int64).min)
    np.maximum.at(last_invite, run, t)
    has_yes = first_yes < np.iinfo(np.int64).max
    came_back = has_yes & (last_invite > first_yes)
    run_creator = pair_sorted[new] // n_brands
    return (np.bincount(run_creator[has_yes], minlength=n)[:n].astype(np.int64),
            np.bincount(run_creator[came_back], minlength=n)[:n].astype(np.int64))
