"""The report's sentence on what the collaborative parts add (evaluate.report.ablation_summary),
on hand-made results."""

from __future__ import annotations

from creatormatch.evaluate.report import ablation_summary

KEY = "ndcg@10"


def _models(**values: float) -> dict[str, dict[str, float]]:
    return {name.replace("_", "-"): {KEY: v} for name, v in values.items()}


def test_names_the_parts_whose_removal_costs_significantly():
    models = _models(ranker=0.272, ranker_no_mf=0.226, ranker_no_graph=0.245, ranker_no_history=0.280)
    p = {"ranker-no-mf": {KEY: 3e-7}, "ranker-no-graph": {KEY: 0.2}, "ranker-no-history": {KEY: 0.001}}
    line = ablation_summary(models, p, "ranker", KEY)
    assert line is not None
    assert "without matrix factorisation -0.046 (p < 0.0001)" in line
    assert "graph walk" not in line            # not significant
    assert "pair history" not in line          # significant, but removing it *raised* the score


def test_says_when_no_removal_matters():
    models = _models(ranker=0.340, ranker_no_mf=0.347, ranker_no_graph=0.334)
    p = {"ranker-no-mf": {KEY: 0.65}, "ranker-no-graph": {KEY: 0.44}}
    line = ablation_summary(models, p, "ranker", KEY)
    assert line.startswith("Leaving out matrix factorisation, the graph walk makes no significant difference")


def test_nothing_to_say_without_ablations_or_for_another_reference():
    models = _models(ranker=0.3, ranker_no_mf=0.2)
    assert ablation_summary(_models(ranker=0.3, content=0.2), {}, "ranker", KEY) is None
    assert ablation_summary(models, {"ranker-no-mf": {KEY: 1e-5}}, "blend", KEY) is None
