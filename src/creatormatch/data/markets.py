"""Market codes: ISO 3166-1 alpha-2, and the aliases people type instead.

A market is an officially assigned ISO 3166-1 alpha-2 code (``ISO_3166_1``).  A few
codes that are not ISO but are in common use for a country are accepted as an *alias*
of its code, with a warning (``ALIASES``: ``UK`` is the United Kingdom, ISO ``GB``;
``EL`` is Greece in EU usage, ISO ``GR``).  Anything else -- user-assigned codes such as
``ZZ`` or ``XX`` included -- is not a market.

>>> canonical_market("uk")
('GB', 'UK')
>>> canonical_market("VN")
('VN', None)
>>> canonical_market("ZZ") is None
True
"""

from __future__ import annotations

import numpy as np

__all__ = ["ISO_3166_1", "ALIASES", "canonical_market", "is_market", "replace_aliases"]

#: The 249 officially assigned ISO 3166-1 alpha-2 codes.
ISO_3166_1: frozenset[str] = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
""".split())

#: Codes in common use that are not ISO 3166-1, and the ISO code they mean.
ALIASES: dict[str, str] = {"UK": "GB", "EL": "GR"}

_KNOWN = np.array(sorted(ISO_3166_1 | set(ALIASES)), dtype="U2")


def canonical_market(text: str) -> tuple[str, str | None] | None:
    """``(ISO code, alias typed or None)`` for ``text`` (any case, surrounding blanks
    ignored), or None when it is not a market."""
    code = text.strip().upper()
    if code in ISO_3166_1:
        return code, None
    if code in ALIASES:
        return ALIASES[code], code
    return None


def is_market(codes: np.ndarray) -> np.ndarray:
    """Per upper-case two-letter code: an ISO 3166-1 code or a known alias (vectorised)."""
    codes = np.asarray(codes, dtype="U2")
    pos = np.minimum(np.searchsorted(_KNOWN, codes), len(_KNOWN) - 1)
    return _KNOWN[pos] == codes


def replace_aliases(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``codes`` with every alias replaced by its ISO code, and where an alias was found."""
    codes = np.asarray(codes)
    aliased = np.isin(codes, list(ALIASES))
    if not aliased.any():
        return codes, aliased
    out = codes.copy()
    for alias, iso in ALIASES.items():
        out[codes == alias] = iso
    return out, aliased
