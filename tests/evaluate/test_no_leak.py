"""No model may see the test period: adding future rows that would change every ranking
must leave the evaluation exactly as it was."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np

from creatormatch.data import load_dataset
from creatormatch.evaluate.baselines import FactorRecommender, MatcherRecommender
from creatormatch.evaluate.protocol import positive_mask, temporal_split
from creatormatch.evaluate.run import run_evaluation
from creatormatch.evaluate.tuning import validation_splits


def _stamp(t: np.datetime64) -> str:
    return str(np.datetime64(t, "s"))


def _future_rows(src: Path, dst: Path, split: np.datetime64) -> None:
    """Copy ``src`` to ``dst`` and append, all on/after ``split``:

    * a repeat collaboration (completed, big GMV, rating 5) for every pair positive before
      the split -- not a test pair (positive before), but it changes MF confidences and
      graph weights;
    * 40 declined invitations for each of the 30 most active creators -- it changes
      their cooperation index;
    * 25 high-selling shoppable videos for 60 creators, each featuring a product of a
      category far from the creator's -- it changes category fit, graph and indices;
    * a new campaign for every brand -- it changes the brand's graph neighbourhood.
    """
    shutil.copytree(src, dst)
    ds = load_dataset(src)
    col = ds.collaborations
    pos = positive_mask(ds) & (col["invited_at"] < split)
    pairs = sorted({(int(b), int(c)) for b, c in zip(col["brand_id"][pos], col["creator_id"][pos])})
    brand_ids, creator_ids = ds.brands.ids, ds.creators.ids
    day = np.timedelta64(86_400, "s")
    rows = []
    for i, (b, c) in enumerate(pairs):
        t = split + day * (1 + i % 20)
        rows.append([f"Y{i:07d}", brand_ids[b], creator_ids[c], "", _stamp(t), "completed", _stamp(t + 3600),
                     _stamp(t + 10 * day), _stamp(t + 9 * day), 2, 2, "100.00", "99999.00", 5])
    active = np.argsort(-np.bincount(col["creator_id"], minlength=ds.n_creators), kind="stable")[:30]
    rng = np.random.default_rng(1)
    n = len(rows)
    for c in active:
        for j in range(40):
            t = split + day * (2 + j % 30)
            b = int(rng.integers(ds.n_brands))
            rows.append([f"Y{n:07d}", brand_ids[b], creator_ids[c], "", _stamp(t), "declined", _stamp(t + 60),
                         "", "", "", "", "", "", ""])
            n += 1
    with open(dst / "collaborations.csv", "a", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)

    products = ds.products
    videos = []
    v = 0
    for c in rng.choice(ds.n_creators, 60, replace=False):
        far = np.flatnonzero(products["category_id"] != ds.creators["primary_category"][c])
        for j in range(25):
            p = int(far[(v * 7) % len(far)])
            t = split + day * (1 + j)
            videos.append([f"W{v:08d}", creator_ids[c], _stamp(t), 900_000, 90_000, 9_000, 9_000,
                           products.ids[p], "", 5_000, "250000.00"])
            v += 1
    with open(dst / "videos.csv", "a", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(videos)

    start = str(np.datetime64(split, "D") + 3)
    with open(dst / "campaigns.csv", "a", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([[f"KZ{b:06d}", brand_ids[b], products.ids[int(rng.integers(len(products)))],
                                   "", start, "", ""] for b in range(ds.n_brands)])


def test_future_rows_change_nothing(small_market: Path, tmp_path: Path) -> None:
    ds = load_dataset(small_market)
    split = temporal_split(ds)
    when = split.split_label
    _future_rows(small_market, tmp_path / "augmented", split.split_date)
    aug = load_dataset(tmp_path / "augmented")
    assert len(aug.collaborations) > len(ds.collaborations) + 1000 and len(aug.videos) > len(ds.videos)

    # the additions would change the rankings of a model allowed to see them
    aug_split = temporal_split(aug, when)
    brands = split.brands[:10]
    for make in (lambda: MatcherRecommender("blend"), lambda: FactorRecommender("als")):
        honest = make().fit(aug_split.train).score(brands)
        leaky = make().fit(aug).score(brands)
        assert not np.allclose(np.nan_to_num(honest, neginf=0), np.nan_to_num(leaky, neginf=0))

    before = run_evaluation(ds, split_date=when, ks=(5, 10), tune=False)
    after = run_evaluation(aug, split_date=when, ks=(5, 10), tune=False)
    assert set(before.models) >= {"random", "popularity", "itemknn", "als", "bpr", "graph", "content", "blend",
                                  "oracle"}
    assert after.to_json() == before.to_json()


def test_validation_cuts_hold_only_the_training_period(small_market: Path) -> None:
    ds = load_dataset(small_market)
    split = temporal_split(ds)
    for val in validation_splits(split.train):
        assert val.split_date < split.split_date
        assert (val.train.collaborations["invited_at"] < val.split_date).all()
        # the validation test pairs come from the censored training data, so nothing after the split
        assert (val.train.collaborations["invited_at"] < split.split_date).all()
        assert val.test_positives.multiply(split.test_positives).nnz == 0
