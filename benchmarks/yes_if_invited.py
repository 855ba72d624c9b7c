"""How well ``match``'s ``yes_if_invited`` predicts the answers of the test period.

    python benchmarks/yes_if_invited.py MARKET_DIR [MARKET_DIR ...]

For each market: ``evaluate``'s split (``evaluate.protocol.temporal_split``), the ranker
trained on the training period as ``evaluate`` trains it, then every invitation sent after
the split that has an outcome (accepted or completed = yes; declined, expired or cancelled =
no; still open = left out).  Each is scored with ``yes_if_invited`` as ``match`` would
score the pair at the split; printed: answers, yes rate, mean predicted chance, expected
calibration error (10 equal-width bins) and AUC, per market and pooled.  For a generated
market (``truth.npz`` beside the CSV files) also the AUC of the generator's own acceptance
probability (``Truth.acceptance_probability``) with and without the hidden brand-creator
taste: the ceilings for a model that knew every creator trait exactly.
"""

from __future__ import annotations

import argparse

import numpy as np


def measure(root: str) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """(predicted chance of a yes, 1 for a yes) of every answered test-period invitation, and
    the generator's true chance without and with the taste (None without a truth file)."""
    from creatormatch.data.loader import load_dataset
    from creatormatch.evaluate.learned import RankerRecommender
    from creatormatch.evaluate.protocol import temporal_split
    from creatormatch.evaluate.run import _test_horizon_days
    from creatormatch.ranker.scoring import brand_scores_and_context, score_pairs
    from creatormatch.ranker.train import _answered
    from creatormatch.synthetic.truth import load_truth

    dataset = load_dataset(root)
    split = temporal_split(dataset, None)
    ranker = RankerRecommender("ranker", _test_horizon_days(dataset, split.split_date)).fit(split.train)
    matcher = ranker._matcher
    if not matcher.model.ranker.has_acceptance:
        raise SystemExit(f"{root}: the ranker has no acceptance model (no answered invitations to learn from)")
    cut = float(np.datetime64(split.split_date, "s").astype(np.int64)) / 86_400.0
    answers = _answered(dataset, cut, np.inf)
    ps, ys, pairs = [], [], []
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
            pairs.append(np.column_stack([np.full(int(ok.sum()), b), answers.indices[lo:hi][ok]]))
    p, y = np.concatenate(ps), np.concatenate(ys)
    truth = load_truth(root)
    if truth is None:
        return p, y, None, None
    bc = np.concatenate(pairs)
    brands, creators = truth.brand_rows(dataset.brands.ids)[bc[:, 0]], truth.creator_rows(dataset.creators.ids)[bc[:, 1]]
    return (p, y, truth.acceptance_probability(brands, creators, taste=False),
            truth.acceptance_probability(brands, creators, taste=True))


def _auc(p: np.ndarray | None, y: np.ndarray) -> str:
    from creatormatch.evaluate.metrics import auc

    return "" if p is None else f"{float(auc(p, y > 0, y == 0)[0]):.3f}"


def _line(name: str, p: np.ndarray, y: np.ndarray, no_taste: np.ndarray | None, taste: np.ndarray | None) -> str:
    from creatormatch.evaluate.calibration import expected_calibration_error

    return (f"| {name} | {len(y):,} | {y.mean():.3f} | {p.mean():.3f} | {expected_calibration_error(p, y):.4f} | "
            f"{_auc(p, y)} | {_auc(no_taste, y)} | {_auc(taste, y)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("markets", nargs="+", help="generated or real market folders")
    args = parser.parse_args()
    print("| market | answers | yes rate | mean yes_if_invited | ECE | AUC | AUC, true traits without the taste "
          "| AUC, with the taste |\n|---|---|---|---|---|---|---|---|")
    pooled = []
    for root in args.markets:
        parts = measure(root)
        pooled.append(parts)
        print(_line(root, *parts), flush=True)
    if len(pooled) > 1:
        joined = [None if any(x[i] is None for x in pooled) else np.concatenate([x[i] for x in pooled])
                  for i in range(4)]
        print(_line("pooled", *joined))


if __name__ == "__main__":
    main()
