"""The structures a Matcher derives from a model (walk blocks, category index, markets) and the
price book: computed at build, stored in the model file, mapped by a new process instead of
rebuilt, and exactly what a rebuild from the model's arrays gives."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import creatormatch.recommend.matcher as matcher_module
from creatormatch.graph.build import MarketGraph
from creatormatch.graph.walk import TypedWalk
from creatormatch.pricing import PriceBook
from creatormatch.recommend import Matcher, MatchFilters, load_model, save_model
from creatormatch.recommend.cache import attach_prices
from creatormatch.recommend.derived import category_index, derive_structures


def _same_sparse(a, b) -> bool:
    return a.shape == b.shape and abs(sp.csr_array(a, dtype=np.float64) - sp.csr_array(b, dtype=np.float64)).sum() == 0


@pytest.fixture(scope="module")
def saved(matcher, market, tmp_path_factory):
    model = Matcher(matcher.model).model
    attach_prices(Matcher(model), market)
    return save_model(model, tmp_path_factory.mktemp("derived") / "m.npz")


def test_stored_structures_equal_a_rebuild_from_the_arrays(saved, market):
    model = load_model(saved, market.fingerprint)
    stored, rebuilt = model.derived, derive_structures(model)
    assert set(stored.blocks) == set(rebuilt.blocks)
    for key in stored.blocks:
        assert _same_sparse(stored.blocks[key], rebuilt.blocks[key]), key
    # the walk's own constructor (from the graph) gives the same blocks and degrees
    walk = TypedWalk(MarketGraph(model.sizes, model.relations))
    for t, d in walk.degree.items():
        assert np.array_equal(stored.degree[t], d), t
    for name in ("fit", "brand_profile", "membership"):
        assert _same_sparse(stored.categories[name], rebuilt.categories[name]), name
    for name in ("creator_has_category", "brand_has_category"):
        assert np.array_equal(stored.categories[name], rebuilt.categories[name])
    assert list(stored.markets) == sorted(set(model.tables["creator"]["market"]))


def test_a_loaded_model_does_not_rebuild_them(saved, market, monkeypatch):
    def refuse(_model):
        raise AssertionError("derive_structures called for a model that stores its structures")

    monkeypatch.setattr(matcher_module, "derive_structures", refuse)
    loaded = Matcher(load_model(saved, market.fingerprint))
    assert loaded.match(0, MatchFilters(), 5)


def test_changed_category_parameters_recompute_the_category_index(saved, market):
    model = load_model(saved, market.fingerprint).with_params(category_decay=0.3)
    assert not model.derived.valid_for(model.params)
    m = Matcher(model)
    expected = category_index(model)
    assert _same_sparse(m.categories.fit, expected.fit)
    assert _same_sparse(m.categories.brand_profile, expected.brand_profile)
    assert not _same_sparse(m.categories.brand_profile, load_model(saved).derived.categories["brand_profile"])


def test_matches_from_the_stored_structures_equal_matches_without_them(saved, market):
    loaded = Matcher(load_model(saved, market.fingerprint))
    bare = load_model(saved, market.fingerprint)
    bare.derived = None
    rebuilt = Matcher(bare)
    for b in range(0, market.n_brands, 13):
        for f in (MatchFilters(), MatchFilters(market="any"), MatchFilters(max_rate=400.0)):
            assert [x.to_dict() for x in loaded.match(b, f, 8)] == [x.to_dict() for x in rebuilt.match(b, f, 8)]


def test_the_stored_price_book_is_the_datasets(saved, market):
    stored = load_model(saved, market.fingerprint).prices
    fresh = PriceBook.from_dataset(market)
    assert not stored.value.expected.flags.writeable                      # mapped, not copied
    for name in ("expected", "low", "high", "prior", "evidence", "own_mean", "weight"):
        assert np.array_equal(getattr(stored.value, name), getattr(fresh.value, name), equal_nan=True), name
    assert stored.value.model == fresh.value.model
    for name in ("rate", "followers", "multipliers", "mix", "brand_category"):
        assert np.array_equal(getattr(stored, name), getattr(fresh, name), equal_nan=True), name
    assert list(stored.creator_ids) == list(fresh.creator_ids) and list(stored.handle) == list(fresh.handle)
    rows = np.arange(0, market.n_creators, 7)
    a, b = stored.for_brand(3, rows), fresh.for_brand(3, rows)
    assert np.array_equal(a.fair.fair_rate, b.fair.fair_rate, equal_nan=True)
