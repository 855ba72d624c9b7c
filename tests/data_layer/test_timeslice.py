"""Cutting a dataset at a date: only the past is visible, and open outcomes are censored."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from creatormatch.data import STATUSES, load_dataset
from creatormatch.data.timeslice import censor_outcomes, restrict_before

VALID = Path(__file__).parents[1] / "data" / "valid"


def test_restrict_before_keeps_only_the_past_and_renumbers() -> None:
    ds = load_dataset(VALID)
    past = restrict_before(ds, "2024-03-10")
    assert past.collaborations.ids.tolist() == ["X001", "X002"]
    assert past.videos.ids.tolist() == ["V003"]  # V001 was posted on 03-10 18:00
    assert past.campaigns.ids.tolist() == ["K01"]
    assert past.collaborations["campaign_id"].tolist() == [0, 0]
    assert past.n_creators == ds.n_creators and past.n_brands == ds.n_brands
    later = restrict_before(ds, "2024-03-12")
    v001 = later.videos.position("V001")[0]
    assert later.collaborations.ids[later.videos["collaboration_id"][v001]] == "X001"


def test_censor_outcomes_hides_what_was_not_known_yet() -> None:
    ds = load_dataset(VALID)
    seen = censor_outcomes(restrict_before(ds, "2024-03-10"), "2024-03-10")
    x1 = seen.collaborations.position("X001")[0]
    assert STATUSES[seen.collaborations["status"][x1]] == "accepted"  # delivered on 03-14
    assert np.isnan(seen.collaborations["gmv"][x1]) and np.isnan(seen.collaborations["rating"][x1])
    assert STATUSES[seen.collaborations["status"][1]] == "declined"  # answered on 03-02
    early = censor_outcomes(restrict_before(ds, "2024-03-01T12:00:00"), "2024-03-01T12:00:00")
    assert [STATUSES[s] for s in early.collaborations["status"]] == ["invited", "invited"]
    # the original dataset is untouched
    assert STATUSES[ds.collaborations["status"][x1]] == "completed"
