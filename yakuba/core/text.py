"""Japanese text normalisation shared by import, search and forms."""

from __future__ import annotations

import re
import unicodedata

_HIRAGANA_START, _HIRAGANA_END = 0x3041, 0x3096
_KANA_OFFSET = 0x60
_SPACES = re.compile(r"[\s\u3000]+")


def nfkc(value: str) -> str:
    """NFKC: half-width kana → full-width, full-width digits/letters → ASCII."""
    return unicodedata.normalize("NFKC", value)


def hira_to_kata(value: str) -> str:
    return "".join(
        chr(ord(ch) + _KANA_OFFSET) if _HIRAGANA_START <= ord(ch) <= _HIRAGANA_END else ch
        for ch in value
    )


def normalise_name(value: str) -> str:
    """A person's or unit's name: NFKC, single spaces (full-width spaces collapsed)."""
    return _SPACES.sub(" ", nfkc(value)).strip()


def normalise_kana(value: str) -> str:
    """Reading in full-width katakana with single spaces (ｶﾅ, かな → カナ)."""
    return hira_to_kata(normalise_name(value))


def search_key(value: str) -> str:
    """What a search query is compared with: NFKC, katakana, no spaces, casefolded."""
    return _SPACES.sub("", hira_to_kata(nfkc(value))).casefold()


def is_kana(value: str) -> bool:
    return all(ch == " " or ch == "ー" or ch == "・" or "\u30a0" <= ch <= "\u30ff" for ch in value)


_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: object) -> object:
    """Cells that Excel would run as formulas get a leading apostrophe (CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value
