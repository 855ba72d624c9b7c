"""One resolver (``creatormatch.vocabulary``): every rule on a hand-made vocabulary with known
answers, then the same rules through the commands."""

from __future__ import annotations

import numpy as np
import pytest

from creatormatch.errors import CreatorMatchWarning, UsageError
from creatormatch.vocabulary import Vocabulary, category_subtree, normalise_name, suggest

# categories: 0 Beauty > 1 Skincare > 3 Serums; 2 Womenswear; 4 Menswear
VOCAB = Vocabulary(
    brand_ids=np.array(["B00001", "B00002", "B00003", "B00004"]),
    brand_names=np.array(["Sobel Store", "Acme", "L'Oréal Paris", "Acme"]),
    creator_ids=np.array(["C001", "C002", "C003"]),
    creator_handles=np.array(["anna_K", "budi", "Carla.Beauty"]),
    category_ids=np.array(["beauty", "beauty.skincare", "fashion.women", "beauty.skincare.serums", "fashion.men"]),
    category_names=np.array(["Beauty", "Skincare", "Womenswear", "Serums", "Menswear"]),
    category_parent=np.array([-1, 0, -1, 1, -1]),
    markets=("GB", "ID", "VN"),
)


@pytest.mark.parametrize("typed, row", [
    ("B00002", 1), ("b00002", 1), (" B00002 ", 1),                 # id, any case, blanks
    ("Sobel Store", 0), ("sobel store", 0), ("SOBEL-STORE", 0),   # name, any case, punctuation
    ("l'oréal paris", 2), ("L'OREAL PARIS", None),                # accents are letters, not ignored
])
def test_brand_by_id_or_name_in_any_case(typed: str, row: int | None) -> None:
    if row is None:
        with pytest.raises(UsageError, match="did you mean: \"?'?L'Oréal Paris"):
            VOCAB.brand(typed)
    else:
        assert VOCAB.brand(typed) == row


def test_a_name_two_brands_share_asks_for_the_id() -> None:
    with pytest.raises(UsageError, match=r"2 brands are named 'acme'; name one by its brand_id: B00002, B00004"):
        VOCAB.brand("acme")


@pytest.mark.parametrize("typed, row", [("C003", 0 + 2), ("c003", 2), ("budi", 1), ("@BUDI", 1),
                                        ("carla.beauty", 2), ("Anna_k", 0)])
def test_creator_by_id_or_handle_in_any_case(typed: str, row: int) -> None:
    assert VOCAB.creator(typed) == row


@pytest.mark.parametrize("typed, row", [("beauty.skincare", 1), ("Skincare", 1), ("SKINCARE", 1),
                                        ("womenswear", 2), ("Beauty", 0)])
def test_category_by_id_or_name_in_any_case(typed: str, row: int) -> None:
    assert VOCAB.category(typed) == row


def test_a_category_covers_the_categories_below_it() -> None:
    assert VOCAB.category_rows("beauty").tolist() == [0, 1, 3]
    assert VOCAB.category_rows("Skincare").tolist() == [1, 3]
    assert VOCAB.category_rows("serums").tolist() == [3]
    assert category_subtree(np.array([-1, 0, 1, 2]), 0).tolist() == [0, 1, 2, 3]   # any depth


def test_market_codes_any_case_and_any() -> None:
    assert VOCAB.market("vn") == "VN"
    assert VOCAB.market(" gb ") == "GB"
    assert VOCAB.market("any", allow_any=True) == "any"
    with pytest.raises(UsageError, match="not an ISO 3166-1"):
        VOCAB.market("any")


def test_a_market_alias_is_read_as_its_iso_code_with_a_warning() -> None:
    with pytest.warns(CreatorMatchWarning, match="market 'UK' read as 'GB'"):
        assert VOCAB.market("UK") == "GB"


@pytest.mark.parametrize("typed, message", [
    ("ZZ", "unknown market 'ZZ': not an ISO 3166-1 alpha-2 code; markets in this dataset: GB, ID, VN"),
    ("XK", "not an ISO 3166-1"),
    ("US", "no creator is in market 'US'; markets in this dataset: GB, ID, VN"),
])
def test_unknown_markets(typed: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        VOCAB.market(typed)


@pytest.mark.parametrize("typed, expected", [
    ("beuty", ["Beauty"]),            # one letter missing
    ("skincre", ["Skincare"]),
    ("Womenwear", ["Womenswear"]),
    ("nonsense", []),                 # nothing is really close: no suggestion (was "Womenswear")
    ("menswear", ["Menswear"]),       # (an exact name resolves; here only the suggestion list)
    ("xyz", []),
])
def test_suggestions_are_really_close_or_none(typed: str, expected: list[str]) -> None:
    assert suggest(typed, VOCAB.category_names.tolist())[:1] == expected[:1]
    if not expected:
        assert suggest(typed, VOCAB.category_names.tolist()) == []


def test_unknown_names_say_no_close_match_or_suggest() -> None:
    with pytest.raises(UsageError, match=r"unknown category 'nonsense'; no close match$"):
        VOCAB.category("nonsense")
    with pytest.raises(UsageError, match=r"unknown category 'beuty'; did you mean: Beauty\?"):
        VOCAB.category("beuty")
    with pytest.raises(UsageError, match=r"unknown brand 'Sobel Stor'; did you mean: 'Sobel Store'\?"):
        VOCAB.brand("Sobel Stor")
    with pytest.raises(UsageError, match=r"unknown creator 'C0003'; did you mean: C003"):
        VOCAB.creator("C0003")


def test_errors_never_name_a_flag() -> None:
    for call in (lambda: VOCAB.brand("nope"), lambda: VOCAB.market("ZZ"), lambda: VOCAB.category("x"),
                 lambda: Vocabulary().category("x")):
        with pytest.raises(UsageError) as info:
            call()
        assert "--" not in str(info.value)


def test_normalised_names() -> None:
    assert normalise_name("  Sobel-Store ") == "sobel store"
    assert normalise_name("@Anna_K") == "anna k"
    assert normalise_name("ＡＢＣ") == "abc"      # full-width letters (NFKC)
