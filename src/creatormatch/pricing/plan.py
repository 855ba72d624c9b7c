"""Campaign plans under a budget across brands: a multiple-choice knapsack with assignment
constraints, solved exactly with ``scipy.optimize.milp`` (HiGHS).

For brand ``b`` and candidate creator ``c`` (one *pair*), choosing ``v`` videos
(``v = 0..V``, ``V = max_videos``) costs and earns, in expectation (``docs/pricing.md``, "Plans")::

    cost(b, c, v)  = rate_c * v                                   paid only if c says yes,
                                                                  budgeted as if everyone does
    value(b, c, v) = p_bc * g_bc * (1 - d^v) / (1 - d)            d = REPEAT_DECAY

``g_bc`` is the creator's expected GMV per video for the brand's category and ``p_bc``
the probability that it accepts.  Each further video to the same audience earns ``d``
times the previous one, so when two creators are close in value the plan spreads the
videos over both instead of piling them on one.  The program::

    maximise   sum_{b,c,v} value(b,c,v) x_bcv
    subject to sum_v x_bcv <= 1                       one option per pair
               sum_{c,v} cost(b,c,v) x_bcv <= B_b      budget of each brand
               sum_{b,v} x_bcv <= K                    a creator goes to at most K brands
               x_bcv in {0, 1}

Budgets are never exceeded (worst case: every creator says yes).  ``solve_plan`` splits
the program into blocks of brands that share candidates, solves each block's LP relaxation
(upper bound; its rounding, filled greedily, is the first plan) and runs HiGHS branch and
bound while the time budget lasts; the gap to the proven bound is reported.  ``brute_force_plan``
enumerates every assignment (tiny instances; the reference the tests compare with) and
``greedy_plan`` is the value-density heuristic whose gap the tests measure.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import time

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse.csgraph import connected_components

from ..errors import UsageError

__all__ = ["PlanInputs", "PlanResult", "REPEAT_DECAY", "option_values", "solve_plan", "brute_force_plan",
           "greedy_plan", "exposure_gini", "MILP_TIME_LIMIT"]

#: Each further video of one creator for one brand earns this share of the previous one.
REPEAT_DECAY = 0.8
#: Seconds a whole solve may take before the best plan found so far is returned (with its gap).
MILP_TIME_LIMIT = 3.0
#: Relative optimality gap at which HiGHS stops: a plan is proven within 0.1 % of the optimum.
MILP_REL_GAP = 1e-3


@dataclass(frozen=True)
class PlanInputs:
    """A planning instance, one entry per (brand, candidate creator) pair.

    ``brand`` indexes ``budget``; ``creator`` is any integer key shared by the pairs of the
    same creator; ``value`` the expected GMV of one video if accepted; ``rate`` the cost
    of one video; ``p_accept`` the probability of a yes.
    """

    budget: np.ndarray
    brand: np.ndarray
    creator: np.ndarray
    value: np.ndarray
    rate: np.ndarray
    p_accept: np.ndarray
    max_videos: int = 3
    max_brands: int = 1
    decay: float = REPEAT_DECAY

    def __post_init__(self) -> None:
        if self.max_videos < 1:
            raise UsageError("{option} must be at least 1", option="max_videos")
        if self.max_brands < 1:
            raise UsageError("{option} must be at least 1", option="max_brands")
        if np.any(~np.isfinite(self.budget)) or np.any(np.asarray(self.budget) < 0):
            raise UsageError("{option} must be a number of at least 0", option="budget")

    @property
    def n_pairs(self) -> int:
        return int(len(self.brand))


@dataclass(frozen=True)
class PlanResult:
    """Videos chosen per pair, the plan's expected GMV, and how sure the solver is."""

    videos: np.ndarray          # per pair, 0..max_videos
    expected_gmv: np.ndarray    # per pair
    cost: np.ndarray            # per pair
    objective: float
    bound: float                # upper bound on the optimum (== objective when proven optimal)
    method: str

    @property
    def gap(self) -> float:
        """Relative distance to the bound: 0 when the plan is proven optimal."""
        return 0.0 if self.bound <= 0 else max(self.bound - self.objective, 0.0) / self.bound


def option_values(inp: PlanInputs) -> tuple[np.ndarray, np.ndarray]:
    """``(values, costs)``, each ``(pairs, max_videos)``: column ``v - 1`` holds ``v`` videos."""
    v = np.arange(1, inp.max_videos + 1, dtype=np.float64)
    d = float(inp.decay)
    factor = v if d == 1.0 else (1.0 - d ** v) / (1.0 - d)
    worth = np.nan_to_num(inp.p_accept * inp.value, nan=0.0)
    return worth[:, None] * factor[None, :], np.asarray(inp.rate, np.float64)[:, None] * v[None, :]


def _result(inp: PlanInputs, videos: np.ndarray, bound: float, method: str) -> PlanResult:
    values, costs = option_values(inp)
    idx = np.maximum(videos - 1, 0)
    rows = np.arange(inp.n_pairs)
    gmv = np.where(videos > 0, values[rows, idx], 0.0) if inp.n_pairs else np.zeros(0)
    cost = np.where(videos > 0, costs[rows, idx], 0.0) if inp.n_pairs else np.zeros(0)
    return PlanResult(videos.astype(np.int64), gmv, cost, float(gmv.sum()), float(max(bound, gmv.sum())), method)


def solve_plan(inp: PlanInputs, *, share_creators: bool = True, time_limit: float = MILP_TIME_LIMIT) -> PlanResult:
    """The optimal plan (module docstring) by ``scipy.optimize.milp``.

    The program falls apart into independent blocks -- brands that share no candidate
    creator (other markets) never compete -- so each block is solved on its own (each
    brand alone with ``share_creators=False``, which drops the creator constraint).
    ``time_limit`` bounds the whole solve; a block that runs out returns its best plan so
    far and the result reports the gap to its proven bound.
    """
    n = inp.n_pairs
    if n == 0:
        return _result(inp, np.zeros(0, np.int64), 0.0, "milp")
    nb = len(inp.budget)
    if share_creators:
        _, ckey = np.unique(inp.creator, return_inverse=True)
        link = sp.csr_array((np.ones(n), (inp.brand, ckey)), shape=(nb, int(ckey.max()) + 1))
        _, block = connected_components(link @ link.T, directed=False)
    else:
        block = np.arange(nb)
    pair_block = block[inp.brand]
    order = np.argsort(pair_block, kind="stable")
    bounds_ = np.searchsorted(pair_block[order], np.arange(int(block.max()) + 2))
    videos = np.zeros(n, np.int64)
    bound = 0.0
    complete = True
    deadline = time.perf_counter() + float(time_limit)
    for k in range(int(block.max()) + 1):
        pairs = order[bounds_[k]:bounds_[k + 1]]
        if len(pairs) == 0:
            continue
        brands, local_brand = np.unique(inp.brand[pairs], return_inverse=True)
        sub = PlanInputs(budget=np.asarray(inp.budget, np.float64)[brands], brand=local_brand,
                         creator=inp.creator[pairs], value=inp.value[pairs], rate=inp.rate[pairs],
                         p_accept=inp.p_accept[pairs], max_videos=inp.max_videos, max_brands=inp.max_brands,
                         decay=inp.decay)
        # each block gets the share of the remaining time its size asks for
        remaining_pairs = n - bounds_[k]
        left = max(deadline - time.perf_counter(), 0.0) * len(pairs) / remaining_pairs
        got, got_bound, done = _solve_block(sub, share_creators, left)
        videos[pairs] = got
        bound += got_bound
        complete &= done
    return _result(inp, videos, bound, "milp" if complete else "milp (time limit)")


def _solve_block(inp: PlanInputs, share_creators: bool, time_limit: float) -> tuple[np.ndarray, float, bool]:
    """Videos per pair, the proven upper bound and whether the block was solved to the gap."""
    n = inp.n_pairs
    values, costs = option_values(inp)
    budget = np.asarray(inp.budget, np.float64)
    usable = (values > 0) & (costs <= budget[inp.brand][:, None] + 1e-9) & np.isfinite(costs)
    pair, vid = np.nonzero(usable)
    m = len(pair)
    if m == 0:
        return np.zeros(n, np.int64), 0.0, True
    var = np.arange(m)
    blocks = [sp.csr_array((np.ones(m), (pair, var)), shape=(n, m))]
    ub = [np.ones(n)]
    blocks.append(sp.csr_array((costs[pair, vid], (inp.brand[pair], var)), shape=(len(budget), m)))
    ub.append(budget)
    if share_creators:
        _, ckey = np.unique(inp.creator, return_inverse=True)
        # only creators offered to more than K brands need a row
        brands_of = np.bincount(ckey)
        crowded = np.flatnonzero(brands_of > inp.max_brands)
        if len(crowded):
            row_of = np.full(len(brands_of), -1)
            row_of[crowded] = np.arange(len(crowded))
            r = row_of[ckey[pair]]
            keep = r >= 0
            blocks.append(sp.csr_array((np.ones(int(keep.sum())), (r[keep], var[keep])), shape=(len(crowded), m)))
            ub.append(np.full(len(crowded), float(inp.max_brands)))
    A = sp.vstack(blocks, format="csr")
    upper = np.concatenate(ub)
    c = -values[pair, vid]
    rows = np.arange(n)

    def worth(v: np.ndarray) -> float:
        return float(np.where(v > 0, values[rows, np.maximum(v - 1, 0)], 0.0).sum())

    started = time.perf_counter()
    # 1. the LP relaxation: an upper bound, and an almost integral plan (a multiple-choice
    #    knapsack's LP optimum has few fractional options); keep its whole options and let
    #    the greedy fill what the dropped fractions leave
    with _quiet_stdout():
        lp = milp(c=c, constraints=LinearConstraint(A, -np.inf, upper), integrality=np.zeros(m), bounds=Bounds(0, 1),
                  options={"time_limit": max(float(time_limit), 1.0)})
    best = greedy_plan(inp, share_creators=share_creators).videos
    bound = float(values.max(axis=1).sum())
    if lp.x is not None:
        bound = float(-lp.fun)
        start = _round_lp(inp, lp.x, pair, vid, costs, share_creators)
        rounded = greedy_plan(inp, share_creators=share_creators, start=start).videos
        if worth(rounded) > worth(best):
            best = rounded
    if bound - worth(best) <= MILP_REL_GAP * bound:
        return best, bound, True
    # 2. branch and bound, for what is left of the time (none left: the rounded plan, with its gap)
    left = float(time_limit) - (time.perf_counter() - started)
    if left <= 0.05:
        return best, max(bound, worth(best)), False
    with _quiet_stdout():
        res = milp(c=c, constraints=LinearConstraint(A, -np.inf, upper), integrality=np.ones(m), bounds=Bounds(0, 1),
                   options={"time_limit": left, "mip_rel_gap": MILP_REL_GAP, "presolve": True})
    if res.x is not None:
        chosen = np.round(res.x) > 0
        videos = np.zeros(n, np.int64)
        videos[pair[chosen]] = vid[chosen] + 1
        if worth(videos) >= worth(best):
            best = videos
        dual = getattr(res, "mip_dual_bound", None)
        if res.status == 0:
            bound = min(bound, float(-res.fun) / (1.0 - MILP_REL_GAP)) if dual is None or not np.isfinite(dual) \
                else min(bound, -float(dual))
        elif dual is not None and np.isfinite(dual):
            bound = min(bound, -float(dual))
    return best, max(bound, worth(best)), res.status == 0 or bound - worth(best) <= MILP_REL_GAP * bound


def _round_lp(inp: PlanInputs, x: np.ndarray, pair: np.ndarray, vid: np.ndarray, costs: np.ndarray,
              share_creators: bool) -> np.ndarray:
    """Videos per pair from an LP solution: its whole options, then its fractional options
    from the largest fraction down, each where the budget and the creator's cap still allow."""
    n = inp.n_pairs
    videos = np.zeros(n, np.int64)
    whole = x > 1.0 - 1e-6
    videos[pair[whole]] = vid[whole] + 1
    left = np.asarray(inp.budget, np.float64) - np.bincount(
        inp.brand[pair[whole]], weights=costs[pair[whole], vid[whole]], minlength=len(inp.budget))
    used: dict[int, int] = {}
    for c in inp.creator[pair[whole]].tolist():
        used[c] = used.get(c, 0) + 1
    frac = np.flatnonzero((x > 1e-6) & ~whole)
    for j in frac[np.argsort(-x[frac], kind="stable")].tolist():
        p, v = int(pair[j]), int(vid[j])
        b, c = int(inp.brand[p]), int(inp.creator[p])
        if videos[p] or costs[p, v] > left[b] + 1e-9 or (share_creators and used.get(c, 0) >= inp.max_brands):
            continue
        videos[p] = v + 1
        left[b] -= costs[p, v]
        used[c] = used.get(c, 0) + 1
    return videos


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence file descriptor 1 while HiGHS runs: some HiGHS builds print debug lines to
    the C-level stdout, which would corrupt ``--format json``/``csv`` output."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # no real file descriptor (e.g. captured)
        fd = 1
    try:
        sys.stdout.flush()
        saved = os.dup(fd)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), fd)
            try:
                yield
            finally:
                os.dup2(saved, fd)
    finally:
        os.close(saved)


def greedy_plan(inp: PlanInputs, *, share_creators: bool = True, start: np.ndarray | None = None) -> PlanResult:
    """Heuristic: repeatedly add the next video with the highest marginal GMV per unit of
    cost that still fits the brand's budget and the creator's brand cap (from ``start``
    videos per pair when given, e.g. a rounded LP solution).  The upper bound it reports is
    the solution itself (no proof); compare with ``solve_plan``."""
    import heapq

    n, V = inp.n_pairs, inp.max_videos
    values, costs = option_values(inp)
    marginal = np.diff(np.concatenate([np.zeros((n, 1)), values], axis=1), axis=1)
    step = np.asarray(inp.rate, np.float64)
    videos = np.zeros(n, np.int64) if start is None else np.asarray(start, np.int64).copy()
    on = videos > 0
    left = np.asarray(inp.budget, np.float64) - np.bincount(inp.brand[on], weights=step[on] * videos[on],
                                                            minlength=len(inp.budget))
    brands_used: dict[int, int] = {}
    for c in inp.creator[on].tolist():
        brands_used[c] = brands_used.get(c, 0) + 1

    def key(p: int, v: int) -> float:
        return -(marginal[p, v] / step[p]) if step[p] > 0 else -np.inf

    heap = [(key(p, int(videos[p])), p) for p in range(n) if videos[p] < V and marginal[p, videos[p]] > 0]
    heapq.heapify(heap)
    while heap:
        _, p = heapq.heappop(heap)
        v = int(videos[p])
        if v >= V or marginal[p, v] <= 0:
            continue
        b, c = int(inp.brand[p]), int(inp.creator[p])
        if step[p] > left[b] + 1e-9:
            continue
        if v == 0 and share_creators and brands_used.get(c, 0) >= inp.max_brands:
            continue
        left[b] -= step[p]
        videos[p] = v + 1
        if v == 0:
            brands_used[c] = brands_used.get(c, 0) + 1
        if v + 1 < V and marginal[p, v + 1] > 0:
            heapq.heappush(heap, (key(p, v + 1), p))
    return _result(inp, videos, 0.0, "greedy")


def brute_force_plan(inp: PlanInputs, *, share_creators: bool = True) -> PlanResult:
    """Every assignment of 0..V videos to every pair, the best feasible one (tiny instances only)."""
    n, V = inp.n_pairs, inp.max_videos
    if (V + 1) ** n > 2_000_000:
        raise ValueError("instance too large for brute force")
    values, costs = option_values(inp)
    budget = np.asarray(inp.budget, np.float64)
    best, best_v = -1.0, np.zeros(n, np.int64)
    for combo in itertools.product(range(V + 1), repeat=n):
        v = np.asarray(combo, np.int64)
        on = v > 0
        idx = np.maximum(v - 1, 0)
        spent = np.bincount(inp.brand[on], weights=costs[np.flatnonzero(on), idx[on]], minlength=len(budget))
        if np.any(spent > budget + 1e-9):
            continue
        if share_creators and on.any() and np.bincount(inp.creator[on]).max() > inp.max_brands:
            continue
        total = float(values[np.flatnonzero(on), idx[on]].sum())
        if total > best:
            best, best_v = total, v
    return _result(inp, best_v, best, "brute force")


def exposure_gini(videos: np.ndarray) -> float:
    """Gini of ``videos`` per creator: ``sum_i (2i - n - 1) e_(i) / (n sum e)`` over ``e``
    sorted ascending; 0 = every creator gets the same, 1 = one creator gets everything."""
    e = np.sort(np.asarray(videos, np.float64))
    n, total = len(e), float(e.sum())
    if n == 0 or total <= 0:
        return 0.0
    i = np.arange(1, n + 1)
    return float(((2 * i - n - 1) * e).sum() / (n * total))
