"""Text columns stored as UTF-8 bytes: single rows, masks and lookups without decoding."""

from __future__ import annotations

import numpy as np

from creatormatch._textcolumns import (TextColumns, Undecoded, is_ascii, text_at, text_equals, text_equals_at,
                                      text_position)


def _columns(values: list[str]) -> TextColumns:
    arr = np.array(values)
    cols = TextColumns()
    dict.__setitem__(cols, "t", Undecoded(np.char.encode(arr, "utf-8"), is_ascii(arr)))
    return cols


def test_one_row_without_decoding_the_column() -> None:
    cols = _columns(["ana", "zoë", "ฝน"])
    assert text_at(cols, "t", 1) == "zoë" and text_at(cols, "t", 2) == "ฝน"
    assert isinstance(dict.__getitem__(cols, "t"), Undecoded)        # still undecoded
    assert list(cols["t"]) == ["ana", "zoë", "ฝน"]                     # a full read decodes it
    assert text_at(cols, "t", 1) == "zoë"                              # and rows read the decoded one


def test_masks_and_positions_on_bytes_equal_the_decoded_ones() -> None:
    values = ["C001", "C002", "C010", "Cé03", "Zoë"]                   # sorted by code point
    for cols in (_columns(values), {"t": np.array(values)}):
        assert text_equals(cols, "t", "Cé03").tolist() == [False, False, False, True, False]
        assert text_equals_at(cols, "t", np.array([4, 3, 3, 0]), "Cé03").tolist() == [False, True, True, False]
        assert [text_position(cols, "t", v) for v in values] == [0, 1, 2, 3, 4]
        assert text_position(cols, "t", "C003") == -1 and text_position(cols, "t", "ZZ") == -1
    undecoded = _columns(values)
    text_equals_at(undecoded, "t", np.array([1]), "C002")
    assert isinstance(dict.__getitem__(undecoded, "t"), Undecoded)        # rows compared on their bytes
