"""Missing evidence never beats good evidence (issues 12 and 16), for the ranker and the blend.

The hand-made case: two new creators, twins in everything a dataset records about them
(market, followers, rate, category, joined date and the same organic videos posted at the
same times), except that one of them, ``good``, completed well-rated collaborations with
brands close to the test brand, and the other, ``none``, never collaborated.  Both models
``match`` can use must score ``good`` above ``none``.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pytest

from creatormatch.data.loader import load_dataset
from creatormatch.ranker.features import FEATURE_NAMES, FEATURES, MONOTONE, model_input
from creatormatch.ranker.scoring import brand_scores_and_context, score_pairs
from creatormatch.ranker.train import build_with_ranker
from creatormatch.recommend.matcher import Matcher

from .conftest import QUICK

GOOD, NONE = "C0999998", "C0999999"


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def _append(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("a", newline="", encoding="utf-8") as f:
        csv.DictWriter(f, header).writerows(rows)


def _twin_market(src: Path, out: Path) -> str:
    """Copy ``src`` to ``out`` and add the twins; returns the test brand's id."""
    shutil.copytree(src, out)
    ch, creators = _read(out / "creators.csv")
    kh, collabs = _read(out / "collaborations.csv")
    vh, videos = _read(out / "videos.csv")
    brand_market = {r["brand_id"]: r["market"] for r in _read(out / "brands.csv")[1]}
    # the model for the good twin: a creator with at least 3 completed, well-rated collaborations
    by_creator: dict[str, list[dict[str, str]]] = {}
    for r in collabs:
        by_creator.setdefault(r["creator_id"], []).append(r)
    done = {c: [r for r in rs if r["status"] == "completed" and r["rating"] and float(r["rating"]) >= 4]
            for c, rs in by_creator.items()}
    model_id = max(done, key=lambda c: (len(done[c]), c))
    model = next(r for r in creators if r["creator_id"] == model_id)
    worked = {r["brand_id"] for r in by_creator[model_id]}
    # the test brand: in the model's market, never in touch with it, sharing most creators
    # with the brands the model completed for
    partners = {r["brand_id"] for r in done[model_id]}
    partner_creators = {r["creator_id"] for r in collabs if r["brand_id"] in partners}
    overlap: dict[str, int] = {}
    for r in collabs:
        b = r["brand_id"]
        if b not in worked and brand_market[b] == model["market"] and r["creator_id"] in partner_creators:
            overlap[b] = overlap.get(b, 0) + 1
    brand = max(overlap, key=lambda b: (overlap[b], b))

    twins = [dict(model, creator_id=GOOD, handle="twin_good"), dict(model, creator_id=NONE, handle="twin_none")]
    _append(out / "creators.csv", ch, twins)
    organic = [v for v in videos if v["creator_id"] == model_id and not v["collaboration_id"]]
    last_video = max(v["posted_at"] for v in organic)
    new_videos = []
    for k, twin in enumerate((GOOD, NONE)):
        for i, v in enumerate(organic):
            new_videos.append(dict(v, video_id=f"V9{k}{i:07d}", creator_id=twin))
    _append(out / "videos.csv", vh, new_videos)
    # the good twin's record: the model's completed collaborations that ended before its last
    # organic video (so both twins were last active on the same day), without their videos
    good = [dict(r, collaboration_id=f"X9{i:07d}", creator_id=GOOD) for i, r in enumerate(done[model_id])
            if r["delivered_at"] and r["delivered_at"] < last_video]
    assert len(good) >= 2, "the generated market must hold a creator with a good record"
    _append(out / "collaborations.csv", kh, good)
    return brand


@pytest.fixture(scope="module")
def twins(ranker_market_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("twins") / "market"
    brand = _twin_market(ranker_market_dir, out)
    ds = load_dataset(out)
    return ds, brand


def _rows(matcher: Matcher) -> tuple[int, int]:
    return matcher.creator_row(GOOD), matcher.creator_row(NONE)


def test_the_blend_scores_good_evidence_above_none(twins):
    ds, brand = twins
    matcher = Matcher.from_dataset(ds)
    b = matcher.brand_row(brand)
    scores = matcher.score_brand(b)
    pos = matcher.scope_positions(scores, np.array(_rows(matcher)))
    assert (pos >= 0).all()
    good, none = scores.score[pos]
    assert good > none
    # and the good twin's record is what is known: cooperation is available for it only
    assert scores.available["cooperation"][pos].tolist() == [True, False]
    # with fit and cooperation alone, "nothing known" is the middle of the scale, not dropped
    # (dropping it would score the twin without a record on its fit alone)
    two = matcher.score_brand(b, weights={"category_fit": 1.0, "cooperation": 1.0})
    fit = two.values["category_fit"][pos]
    coop = two.values["cooperation"][pos[0]]
    assert two.score[pos[1]] == pytest.approx((fit[1] + 0.5) / 2)
    assert two.score[pos[0]] == pytest.approx((fit[0] + coop) / 2)
    assert coop > 0.5 and two.score[pos[0]] > two.score[pos[1]]


def test_the_ranker_scores_good_evidence_above_none(twins):
    ds, brand = twins
    matcher = build_with_ranker(ds, params=QUICK)
    assert matcher.use_ranker
    b = matcher.brand_row(brand)
    scores, context = brand_scores_and_context(matcher, b)
    pos = matcher.scope_positions(scores, np.array(_rows(matcher)))
    X, prob = score_pairs(matcher, b, scores, pos, context)
    good, none = prob
    assert good > none
    # the twins differ in evidence only: the record's features, nothing about the audience
    same = [FEATURE_NAMES.index(n) for n in ("log_followers", "log_rate", "category_fit", "days_since_active")]
    np.testing.assert_array_equal(X[0, same], X[1, same])
    assert np.isnan(X[1, FEATURE_NAMES.index("cooperation")])      # the raw features say "not available"
    assert model_input(X)[1, FEATURE_NAMES.index("cooperation")] == 50.0


def test_the_trees_never_fall_as_evidence_rises(learned):
    """Monotone constraints: raising one '+' feature (or lowering the '-' one) never lowers
    the raw score, from any pair of a real ranking."""
    ranker = learned.model.ranker
    X = model_input(learned.rank(3, top=40).features)
    base = ranker.raw(X)
    for k, sign in enumerate(MONOTONE):
        if sign == 0:
            continue
        known = ~np.isnan(X[:, k])          # a NaN takes the trees' missing branch, not an order
        moved = X[known].copy()
        moved[:, k] += sign * (np.abs(moved[:, k]) + 1.0)
        assert (ranker.raw(moved) >= base[known] - 1e-12).all(), FEATURES[k].name
