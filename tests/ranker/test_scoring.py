"""The learned ranker at match time: contributions, the chance of a yes, invariance to filters, refusals,
persistence."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from click.testing import CliRunner

from creatormatch.cli import cli
from creatormatch.recommend.filters import MatchFilters
from creatormatch.recommend.matcher import Matcher


def test_contributions_plus_base_value_equal_the_raw_score(learned):
    ranking = learned.rank(0, top=50)
    ranker = learned.model.ranker
    contrib = ranker.contributions(ranking.features)
    np.testing.assert_allclose(contrib.sum(axis=1), ranker.raw(ranking.features), rtol=1e-9, atol=1e-9)
    # and the score is the calibrated sigmoid of that raw score
    a, b = ranker.calibration
    np.testing.assert_allclose(ranking.score, 1.0 / (1.0 + np.exp(-(a * contrib.sum(axis=1) + b))), rtol=1e-9)


def test_contributions_of_completed_rows_equal_those_of_the_rows_completed_again(learned):
    ranking = learned.rank(3, top=20)     # a ranking's features have the acceptance filled in
    ranker = learned.model.ranker
    assert ranker.has_acceptance
    column = list(ranker.feature_names).index("acceptance")
    assert np.isfinite(ranking.features[:, column]).all()
    np.testing.assert_array_equal(ranker.contributions(ranking.features, completed=True),
                                  ranker.contributions(ranking.features))
    # the default path fills a blank acceptance column in itself and reaches the same values
    blank = ranking.features.copy()
    blank[:, column] = np.nan
    np.testing.assert_array_equal(ranker.contributions(blank), ranker.contributions(ranking.features))


def test_match_json_keeps_every_key_and_adds_contributions(learned):
    m = learned.match(0, top=3)[0].to_dict()
    assert list(m)[:8] == ["rank", "creator_id", "handle", "market", "followers", "score", "components", "reasons"]
    assert set(m["components"]) == {"mf", "graph", "category_fit", "cooperation", "consistency", "uplift"}
    a = learned.model.ranker.calibration[0]
    raw = learned.model.ranker.raw(learned.rank(0, top=1).features)[0]
    assert sum(m["contributions"].values()) == pytest.approx(a * raw, abs=1e-4)
    assert 0.0 <= m["score"] <= 1.0


def test_yes_if_invited_is_the_acceptance_models_calibrated_probability(learned):
    ranker = learned.model.ranker
    matches = learned.match(5, top=15)
    ranking = learned.rank(5, top=15)
    direct = ranker.accept_probability(ranking.features)     # the acceptance booster, evaluated again
    yes = np.array([m.yes_if_invited for m in matches])
    np.testing.assert_allclose(yes, direct, rtol=1e-6)
    assert ((yes > 0) & (yes < 1)).all() and np.ptp(yes) > 0
    # the chance of a yes leaves out the search: it is not the score, and not in the score's order
    assert not np.allclose(yes, [m.score for m in matches])
    d = matches[0].to_dict()
    assert list(d)[-1] == "yes_if_invited" and d["yes_if_invited"] == pytest.approx(yes[0], abs=1e-6)


def test_yes_if_invited_is_the_same_whatever_the_filters_and_absent_with_the_blend(learned):
    base = {m.creator_id: m.yes_if_invited for m in learned.match(7, top=None)}
    wide = {m.creator_id: m.yes_if_invited for m in learned.match(7, MatchFilters(market="any"), top=None)}
    shared = set(base) & set(wide)
    assert shared
    for c in shared:
        assert wide[c] == base[c]
    blend = Matcher(learned.model, use_ranker=False).match(7, top=3)
    assert all(m.yes_if_invited is None and "yes_if_invited" not in m.to_dict() for m in blend)


def test_explain_gives_the_same_chance_of_a_yes_as_match(learned):
    m = learned.match(2, top=1)[0]
    e = learned.explain(2, m.creator_row)
    assert e.yes_if_invited == pytest.approx(m.yes_if_invited, rel=1e-9)
    assert e.to_dict()["yes_if_invited"] == e.yes_if_invited
    assert "yes_if_invited" not in Matcher(learned.model, use_ranker=False).explain(2, m.creator_row).to_dict()


def _scores(ranking) -> dict[int, float]:
    return dict(zip(ranking.rows.tolist(), ranking.score.tolist()))


@pytest.mark.parametrize("brand", [0, 7, 19])
def test_a_pair_scores_the_same_whatever_the_market_category_and_top(learned, brand):
    base = _scores(learned.rank(brand))
    assert base
    wide = _scores(learned.rank(brand, MatchFilters(market="any")))
    cat_row = int(learned.brand["category"][brand])
    category = str(learned.category_ids[cat_row])
    narrow = _scores(learned.rank(brand, MatchFilters(category=category)))
    top = _scores(learned.rank(brand, top=5))
    for other in (wide, narrow, top):
        shared = set(base) & set(other)
        assert shared
        for c in shared:
            assert other[c] == pytest.approx(base[c], rel=1e-12, abs=1e-15)
    assert len(wide) >= len(base)          # another market adds creators, never changes scores


def test_exclude_refused_leaves_out_every_creator_who_said_no_and_never_yes(learned):
    hist = learned.model.history
    seen = 0
    for b in range(learned.model.sizes["brand"]):
        refused = set(learned.refused_creators(b).tolist())
        if not refused:
            continue
        kept = set(learned.rank(b, MatchFilters(exclude_refused=True, include_past=True)).rows.tolist())
        assert not (kept & refused)
        everyone = set(learned.rank(b, MatchFilters(include_past=True)).rows.tolist())
        seen += len(everyone & refused)
        for c in refused:                              # the definition, checked on the raw history
            no = sum(hist.pair[s][[b]].toarray()[0, c] for s in ("declined", "expired", "cancelled"))
            yes = hist.pair["accepted"][[b]].toarray()[0, c] + hist.pair["completed"][[b]].toarray()[0, c]
            assert no > 0 and yes == 0
    assert seen > 0, "without the flag, refusing creators do appear (the test can fail)"


def test_reasons_name_the_pair_history(learned):
    for b in range(learned.model.sizes["brand"]):
        refused = learned.refused_creators(b)
        ranking = learned.rank(b, top=None)
        hit = np.flatnonzero(np.isin(ranking.rows, refused))
        if len(hit):
            c = str(learned.creator["id"][ranking.rows[hit[0]]])
            matches = learned.match(b, top=int(hit[0]) + 1)
            reasons = " | ".join(matches[-1].reasons)
            assert matches[-1].creator_id == c
            assert any(w in reasons for w in ("declined", "expire", "cancelled")), reasons
            return
    pytest.fail("no refusing creator among any brand's candidates")


def test_the_ranker_survives_save_and_load(learned, tmp_path):
    path = learned.save(tmp_path / "model.npz")
    again = Matcher.load(path, learned.model.fingerprint)
    assert again.use_ranker
    first, second = learned.rank(3, top=20), again.rank(3, top=20)
    np.testing.assert_array_equal(first.rows, second.rows)
    np.testing.assert_allclose(first.score, second.score, rtol=1e-12)


def test_ranker_none_is_the_blend(learned):
    blend = Matcher(learned.model, use_ranker=False)
    assert not blend.use_ranker
    ranking = blend.rank(0, top=10)
    assert ranking.features is None
    np.testing.assert_allclose(ranking.score, blend.score_brand(0).score[ranking.positions])


def test_a_memory_mapped_model_folds_in_a_new_brand(learned, tmp_path):
    """implicit's solver needs writable buffers; a model read from disk is memory-mapped
    read-only (found by the size-L benchmark: every match of a cold brand failed)."""
    from creatormatch.recommend.mf import fold_in_brand

    again = Matcher.load(learned.save(tmp_path / "model.npz"))
    assert not again.model.factors.creator.flags.writeable
    row = again.model.confidence[[0]]
    assert row.nnz
    vec = fold_in_brand(again.model.factors, row, again.params)
    assert vec.shape == (again.model.factors.brand.shape[1],) and np.abs(vec).sum() > 0


def test_an_open_invitation_is_stated_once(learned_default):
    """A creator whose invitation from the brand is still open has ``exposure = log 1``, and
    its reasons state the open invitation (history line) instead of how easy the creator is
    to find."""
    from creatormatch.ranker.features import FEATURE_NAMES

    waiting = learned_default.model.history.pair["invited"].tocoo()
    assert waiting.nnz, "the market must end with open invitations"
    checked = 0
    for b, c in zip(waiting.row.tolist(), waiting.col.tolist()):
        ranking = learned_default.rank(b, top=None)
        where = np.flatnonzero(ranking.rows == c)
        if not len(where):
            continue                     # filtered out (another market)
        assert ranking.features[where[0], FEATURE_NAMES.index("exposure")] == 0.0
        matches = learned_default.match(b, top=int(where[0]) + 1)
        reasons = " | ".join(matches[-1].reasons)
        assert "has an open invitation from" in reasons and "to find" not in reasons, reasons
        checked += 1
    assert checked > 0


def test_easy_to_find_by_audience_names_the_creators_share(learned_default):
    """Outside the brand's product categories, "easy to find" says where the creator's
    audience stands in the brand's market, checked against a hand count of the market's
    creators with fewer followers."""
    import re

    m = learned_default
    followers = np.asarray(m.model.tables["creator"]["followers"], np.float64)
    markets = np.array([str(x) for x in m.creator["market"]])
    checked = 0
    for b in range(m.model.sizes["brand"]):
        home = str(m.brand["market"][b])
        pool = followers[markets == home]
        for match in m.match(b, top=10):
            for line in match.reasons:
                found = re.search(r"in its market, with more followers than (\d+)% of the creators there", line)
                if not found:
                    continue
                c = int(np.flatnonzero(np.asarray(m.creator["id"]).astype(str) == match.creator_id)[0])
                assert markets[c] == home
                assert int(found.group(1)) == int(np.sum(pool < followers[c]) / len(pool) * 100), line
                checked += 1
        if checked >= 20:
            break
    assert checked > 0, "no audience reason among the top 10s (the test can fail)"


def test_the_overall_fit_reason_states_the_blend_feature(learned):
    import re

    from creatormatch.ranker.features import FEATURE_NAMES

    checked = 0
    for b in range(learned.model.sizes["brand"]):
        ranking = learned.rank(b, top=10)
        for i, match in enumerate(learned.match(b, top=10)):
            for line in match.reasons:
                found = re.search(r"overall fit with .+ (\d\.\d\d) of 1 \(blend of", line)
                if found:
                    value = float(ranking.features[i, FEATURE_NAMES.index("blend")])
                    assert found.group(1) == f"{value:.2f}", line
                    checked += 1
        if checked >= 10:
            break
    assert checked > 0, "no overall-fit reason among the top 10s (the test can fail)"


def test_match_cli_shows_the_chance_of_a_yes_next_to_the_score(learned, ranker_market_dir, tmp_path):
    path = learned.save(tmp_path / "model.npz")
    brand = str(learned.brand["id"][5])

    def run(*args: str):
        result = CliRunner().invoke(cli, ["match", "--brand", brand, "--data", str(ranker_market_dir), "--model",
                                          str(path), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.stdout

    expected = [round(m.yes_if_invited, 6) for m in learned.match(5, top=10)]
    rows = list(csv.DictReader(io.StringIO(run("--format", "csv"))))
    assert [float(r["yes_if_invited"]) for r in rows] == pytest.approx(expected, abs=1e-6)
    table = run()
    assert "yes = chance the creator says yes if the brand invites them" in table
    assert f"{expected[0]:.2f}" in table.split("\n")[4]   # first match: after the title, two legend lines, the header
    blend = list(csv.DictReader(io.StringIO(run("--format", "csv", "--ranker", "none"))))
    assert all(r["yes_if_invited"] == "" for r in blend)
    assert "yes = " not in run("--ranker", "none")
