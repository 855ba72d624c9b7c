"""The blended match finds tomorrow's collaborators better than ALS alone and popularity.

Protocol (as in the evaluation issue): cut a generated market at the 80 % quantile of the
positives' invitation dates; the model sees only what was known before the cut
(``restrict_before`` + ``censor_outcomes``); the test pairs are (brand, creator) pairs that
became positive after the cut and were not positive before.  Every test brand ranks its
full candidate set (its market minus its training positives), and

    NDCG@10 = sum_{i<=10} rel_i / log2(i + 1)  /  sum_{i<=min(10, |test|)} 1 / log2(i + 1)

is averaged over test brands.  ALS alone scores candidates by the factor dot product
(creators without training positives score 0, exactly what implicit's ``recommend``
would give); popularity by the number of training positives.  Ties break by creator row
in all three.
"""

from __future__ import annotations

import numpy as np
import pytest

from creatormatch.synthetic.generator import generate_market
from creatormatch.data.loader import load_dataset
from creatormatch.data.timeslice import censor_outcomes, restrict_before
from creatormatch.graph.build import positive_mask
from creatormatch.recommend import Matcher

K = 10


def ndcg_at_k(ranked: np.ndarray, relevant: set[int], k: int = K) -> float:
    gains = np.array([1.0 if int(r) in relevant else 0.0 for r in ranked[:k]])
    dcg = float((gains / np.log2(np.arange(2, len(gains) + 2))).sum())
    ideal = float((1.0 / np.log2(np.arange(2, min(k, len(relevant)) + 2))).sum())
    return dcg / ideal


def temporal_split(dataset, quantile: float = 0.8):
    pos = positive_mask(dataset)
    col = dataset.collaborations
    times = np.sort(col["invited_at"][pos])
    cut = times[int(quantile * len(times))]
    train = censor_outcomes(restrict_before(dataset, cut), cut)
    before = pos & (col["invited_at"] < cut)
    after = pos & (col["invited_at"] >= cut)
    seen = set(zip(col["brand_id"][before].tolist(), col["creator_id"][before].tolist()))
    test: dict[int, set[int]] = {}
    for b, c in zip(col["brand_id"][after].tolist(), col["creator_id"][after].tolist()):
        if (b, c) not in seen:
            test.setdefault(b, set()).add(c)
    return train, test


def by_score(rows: np.ndarray, score: np.ndarray) -> np.ndarray:
    return rows[np.lexsort((rows, -score))]


@pytest.mark.slow
def test_blend_beats_als_and_popularity(tmp_path):
    generate_market(tmp_path, 3000, 150, seed=11)
    train, test = temporal_split(load_dataset(tmp_path))
    matcher = Matcher.from_dataset(train)
    popularity = np.bincount(train.collaborations["creator_id"][positive_mask(train)],
                             minlength=train.n_creators).astype(float)
    results: dict[str, list[float]] = {"blend": [], "als": [], "popularity": []}
    for b, relevant in sorted(test.items()):
        ranking = matcher.rank(b)                               # the code path of `creatormatch match`
        candidates = ranking.rows
        results["blend"].append(ndcg_at_k(ranking.rows, relevant))
        mf = matcher.model.factors.scores(b, candidates)
        results["als"].append(ndcg_at_k(by_score(candidates, mf), relevant))
        results["popularity"].append(ndcg_at_k(by_score(candidates, popularity[candidates]), relevant))
    ndcg = {name: float(np.mean(v)) for name, v in results.items()}
    print(f"NDCG@10 over {len(test)} brands: " + ", ".join(f"{k} {v:.4f}" for k, v in ndcg.items()))
    assert len(test) >= 50
    baseline = max(ndcg["als"], ndcg["popularity"])
    assert ndcg["blend"] >= 2.0 * baseline, ndcg
    assert ndcg["blend"] >= baseline + 0.08, ndcg
    # per brand, the blend wins far more often than it loses
    wins = sum(a > max(b, c) for a, b, c in zip(results["blend"], results["als"], results["popularity"]))
    losses = sum(a < max(b, c) for a, b, c in zip(results["blend"], results["als"], results["popularity"]))
    assert wins >= 2 * losses, (wins, losses)
