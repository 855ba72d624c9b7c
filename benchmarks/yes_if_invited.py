"""How well ``match``'s ``yes_if_invited`` predicts the answers of the test period.

    python benchmarks/yes_if_invited.py MARKET_DIR [MARKET_DIR ...]

For each market: ``evaluate``'s split (``evaluate.protocol.temporal_split``), the ranker
trained on the training period as ``evaluate`` trains it, then every invitation sent after
the split that has an outcome (accepted or completed = yes; declined, expired or cancelled =
no; still open = left out).  Each is scored with ``yes_if_invited`` as ``match`` would
score the pair at the split; printed: answers, yes rate, mean predicted chance, expected
calibration error (10 equal-width bins) and AUC, per market and pooled.
"""

from __future__ import annotations

import argparse

import numpy as np


def measure(root: str) -> tuple[np.ndarray, np.ndarray]:
    """(predicted chance of a yes, 1 for a yes) of every answered test-period invitation."""
    from creatormatch.data.loader import load_dataset
    from creatormatch.evaluate.learned import RankerRecommender
    from creatormatch.evaluate.protocol import temporal_split
    from creatormatch.evaluate.run import _test_horizon_days
    from creatormatch.ranker.scoring import brand_scores_and_context, score_pairs
    from creatormatch.ranker.train import _answered

    dataset = load_dataset(root)
    split = temporal_split(dataset, None)
    ranker = RankerRecommender("ranker", _test_horizon_days(dataset, split.split_date)).fit(split.train)
    matcher = ranker._matcher
    if not matcher.model.ranker.has_acceptance:
        raise SystemExit(f"{root}: the ranker has no acceptance model (no answered invitations to learn from)")
    cut = float(np.datetime64(split.split_date, "s").astype(np.int64)) / 86_400.0
    answers = _answered(dataset, cut, np.inf)
    ps, ys = [], []
    for b in range(dataset.n_brands):
        lo, hi = answers.indptr[b], answers.indptr[b + 1]
        if hi == lo:
            continue
        scores, context = brand_scores_and_context(matcher, b)
        pos = matcher.scope_positions(scores, answers.indices[lo:hi])
        ok = pos >= 0
        if ok.any():
            X, _ = score_pairs(matcher, b, scores, pos[ok], context)
            ps.append(matcher.model.ranker.yes_if_invited(X, completed=True))
            ys.append((answers.data[lo:hi][ok] == 2.0).astype(np.float64))
    return np.concatenate(ps), np.concatenate(ys)


def _line(name: str, p: np.ndarray, y: np.ndarray) -> str:
    from creatormatch.evaluate.calibration import expected_calibration_error
    from creatormatch.evaluate.metrics import auc

    return (f"| {name} | {len(y):,} | {y.mean():.3f} | {p.mean():.3f} | {expected_calibration_error(p, y):.4f} | "
            f"{float(auc(p, y > 0, y == 0)[0]):.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("markets", nargs="+", help="generated or real market folders")
    args = parser.parse_args()
    print("| market | answers | yes rate | mean yes_if_invited | ECE | AUC |\n|---|---|---|---|---|---|")
    pooled = []
    for root in args.markets:
        p, y = measure(root)
        pooled.append((p, y))
        print(_line(root, p, y), flush=True)
    if len(pooled) > 1:
        print(_line("pooled", np.concatenate([p for p, _ in pooled]), np.concatenate([y for _, y in pooled])))


if __name__ == "__main__":
    main()
