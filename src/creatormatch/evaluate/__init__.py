"""Offline evaluation of creator matching (``docs/evaluation.md``).

* ``protocol`` -- the temporal split: what models may see, what they are tested on;
* ``metrics`` -- precision, recall, NDCG, MAP, MRR, AUC, cAUC, coverage, Gini, long tail;
* ``baselines`` -- random, popularity, item-kNN, ALS, BPR, and the engine-backed graph,
  content and blend models (the blend runs through ``Matcher.rank``, the code of ``match``);
* ``tuning`` -- hyper-parameters and blend weights chosen on the training period only;
* ``significance`` -- paired per-brand Wilcoxon and randomisation tests;
* ``oracle`` -- the generator's true affinity as a ceiling;
* ``experiment`` / ``run`` -- scoring models on a split, the whole ``evaluate``/``tune`` run;
* ``report`` -- report.md, metrics.json and plots.

Example::

    from creatormatch.data import load_dataset
    from creatormatch.evaluate import run_evaluation
    result = run_evaluation(load_dataset("market"), ks=(10, 50))
    result.to_json()["models"]["blend_tuned"]["ndcg@10"]
"""

from .baselines import COLLABORATIVE, Recommender
from .experiment import Evaluation, ModelScores, score_split
from .protocol import TemporalSplit, default_split_date, temporal_split
from .report import format_table, write_report
from .run import MODEL_NAMES, TunedModel, run_evaluation, tune_model
from .significance import randomisation_p, wilcoxon_p

__all__ = [
    "COLLABORATIVE", "MODEL_NAMES", "Evaluation", "ModelScores", "Recommender", "TemporalSplit", "TunedModel",
    "default_split_date", "format_table", "randomisation_p", "run_evaluation", "score_split", "temporal_split",
    "tune_model", "wilcoxon_p", "write_report",
]
