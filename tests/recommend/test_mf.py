"""Matrix factorisation wrapper: reproducible, zero factors for the unseen, fold-in, explain."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from creatormatch.recommend.confidence import confidence_matrix
from creatormatch.recommend.mf import fit_factors, fold_in_brand, mf_contributions
from creatormatch.recommend.params import MatchParams


@pytest.fixture(scope="module")
def conf(market):
    return confidence_matrix(market)


def test_als_is_reproducible_and_shaped(conf):
    p = MatchParams(factors=8, iterations=5)
    a, b = fit_factors(conf, p), fit_factors(conf, p)
    assert a.brand.shape == (conf.shape[0], 8) and a.creator.shape == (conf.shape[1], 8)
    assert a.brand.dtype == np.float32
    assert np.array_equal(a.brand, b.brand) and np.array_equal(a.creator, b.creator)
    c = fit_factors(conf, MatchParams(factors=8, iterations=5, random_state=1))
    assert not np.array_equal(a.creator, c.creator)


def test_unseen_rows_have_zero_factors(conf):
    f = fit_factors(conf, MatchParams(factors=8, iterations=5))
    seen_creators = np.bincount(conf.indices, minlength=conf.shape[1]) > 0
    assert np.array_equal(f.creator_known, seen_creators)
    assert not f.creator[~seen_creators].any()
    assert np.array_equal(f.brand_known, np.diff(conf.indptr) > 0)
    assert not f.brand[~f.brand_known].any()
    assert np.abs(f.creator[seen_creators]).sum(axis=1).min() > 0


def test_scores_rank_the_brands_own_creators_high(conf):
    """Sanity: a brand's training positives score above its average creator."""
    f = fit_factors(conf, MatchParams(factors=16))
    b = int(np.argmax(np.diff(conf.indptr)))
    s = f.scores(b)
    own = conf[[b]].indices
    assert s[own].mean() > s.mean() + s.std()


def test_fold_in_recovers_the_brand(conf):
    p = MatchParams(factors=16, iterations=15)
    f = fit_factors(conf, p)
    b = int(np.argmax(np.diff(conf.indptr)))
    x = fold_in_brand(f, conf[[b]], p)
    cos = x @ f.brand[b] / (np.linalg.norm(x) * np.linalg.norm(f.brand[b]))
    assert cos > 0.95
    assert not fold_in_brand(f, sp.csr_matrix((1, conf.shape[1])), p).any()
    with pytest.raises(ValueError):
        fold_in_brand(f, conf[[b]], MatchParams(mf_model="bpr"))


def test_explain_contributions(conf):
    p = MatchParams(factors=16)
    f = fit_factors(conf, p)
    b = int(np.argmax(np.diff(conf.indptr)))
    row = conf[[b]]
    candidate = int(np.flatnonzero(f.creator_known & ~np.isin(np.arange(conf.shape[1]), row.indices))[0])
    drivers = mf_contributions(f, row, candidate, p, top=3)
    assert 1 <= len(drivers) <= 3
    assert all(c in set(row.indices.tolist()) for c, _ in drivers)
    assert [v for _, v in drivers] == sorted((v for _, v in drivers), reverse=True)
    bpr = MatchParams(mf_model="bpr", factors=8, bpr_iterations=20, num_threads=1)
    fb = fit_factors(conf, bpr)
    assert mf_contributions(fb, row, candidate, bpr, top=3)
    assert mf_contributions(f, sp.csr_matrix((1, conf.shape[1])), candidate, p) == []


def test_bpr_is_reproducible(conf):
    p = MatchParams(mf_model="bpr", factors=8, bpr_iterations=20)
    a, b = fit_factors(conf, p), fit_factors(conf, p)
    assert a.creator.shape[1] == 9                       # implicit adds a bias column
    assert np.array_equal(a.creator, b.creator) and np.array_equal(a.brand, b.brand)
