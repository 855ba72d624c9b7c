"""Category fit, brand profiles and membership on a hand-made taxonomy."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from creatormatch.recommend.categories import CategoryIndex, _ancestor_pairs, _max_to_ancestors

# taxonomy: 0 Beauty (top), 1 Skincare < 0, 2 Makeup < 0, 3 Tech (top), 4 Audio < 3
PARENT = np.array([-1, 0, 0, -1, 4 - 1])


def index(influence=None, decay=0.5, eta=0.0):
    # creators: 0 all skincare; 1 half skincare half makeup; 2 audio; 3 nothing
    creates_in = sp.csr_array(np.array([
        [0, 2.0, 0, 0, 0],
        [0, 1.0, 1.0, 0, 0],
        [0, 0, 0, 0, 3.0],
        [0, 0, 0, 0, 0],
    ]))
    # brands: 0 main Skincare, no products; 1 main Skincare with one Makeup product; 2 none
    sells = sp.csr_array(np.array([[0], [1], [0]]))
    return CategoryIndex(PARENT, creates_in, influence, brand_category=np.array([1, 1, -1]), brand_products=sells,
                         product_category=np.array([2]), n_creators=4, decay=decay, influence_share=eta)


def test_ancestors():
    cats, ancs, dist = _ancestor_pairs(PARENT)
    pairs = set(zip(cats.tolist(), ancs.tolist(), dist.tolist()))
    assert pairs == {(0, 0, 0), (1, 1, 0), (2, 2, 0), (3, 3, 0), (4, 4, 0), (1, 0, 1), (2, 0, 1), (4, 3, 1)}


def test_fit_by_hand():
    ci = index()
    # creator content shares propagated upwards
    f = ci.fit.toarray()
    assert f[0].tolist() == pytest.approx([1.0, 1.0, 0, 0, 0])
    assert f[1].tolist() == pytest.approx([1.0, 0.5, 0.5, 0, 0])
    # brand 0 profile: Skincare 1 + Beauty 0.5, normalised
    q = ci.profile(0)
    assert q.tolist() == pytest.approx([1 / 3, 2 / 3, 0, 0, 0])
    fit = ci.fit.toarray() @ q
    assert fit.tolist() == pytest.approx([1.0, 2 / 3, 0.0, 0.0])
    # a creator only in the sibling category gets decay / (1 + decay)
    sibling = np.array([1.0, 0, 1.0, 0, 0]) @ q
    assert sibling == pytest.approx(1 / 3)
    # brand 1: main Skincare (1) + products Makeup (1), each spread to Beauty with 0.5
    assert ci.profile(1).tolist() == pytest.approx([1 / 3, 1 / 3, 1 / 3, 0, 0])
    assert ci.profile(2) is None and not ci.brand_has_category[2]
    # --category Makeup replaces the profile
    assert ci.profile(None, category=2).tolist() == pytest.approx([1 / 3, 0, 2 / 3, 0, 0])
    assert ci.creator_has_category.tolist() == [True, True, True, False]


def test_membership():
    ci = index()
    assert ci.members(0).tolist() == [0, 1]          # Beauty: everything below it
    assert ci.members(2).tolist() == [1]
    assert ci.members(3).tolist() == [2]
    assert ci.members(4).tolist() == [2]


def test_influence_is_mixed_in_with_its_maximum_upwards():
    infl = sp.csr_array(np.array([[0, 80.0, 0, 0, 0], [0, 20.0, 60.0, 0, 0], [0, 0, 0, 0, 10.0],
                                  [0, 0, 0, 0, 0]]))
    ci = index(influence=infl, eta=0.5)
    f = ci.fit.toarray()
    assert f[1, 0] == pytest.approx(0.5 * 1.0 + 0.5 * 0.6)          # Beauty: max(0.2, 0.6)
    assert f[0, 1] == pytest.approx(0.5 * 1.0 + 0.5 * 0.8)
    assert f.max() <= 1.0


def test_max_to_ancestors_against_brute_force():
    parent = np.array([-1, 0, 0, 1, 1, -1, 5, 6])
    cats, ancs, _ = _ancestor_pairs(parent)
    m = sp.random_array((60, 8), density=0.3, random_state=3, format="csr")
    got = _max_to_ancestors(m, cats, ancs, 8).toarray()
    d = m.toarray()
    ref = np.zeros_like(d)
    for k, a in zip(cats, ancs):
        ref[:, a] = np.maximum(ref[:, a], d[:, k])
    assert np.array_equal(got, ref)
