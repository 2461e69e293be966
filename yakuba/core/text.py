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


# --- what stored text may hold -------------------------------------------------------------
#
# One rule for every door text comes in by (web form, chat command, import, API, webhook):
# no C0 control character other than tab, line feed and carriage return (NUL included:
# PostgreSQL cannot store it, and .xlsx cannot hold the others), no DEL, and no lone
# surrogate (half of a UTF-16 pair, which no encoding can write). Single-line text (names,
# codes) refuses tab and line breaks as well. Each field's maximum length is checked by the
# same call, so a door cannot forget it.

_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_LINE_BREAK_OR_TAB = re.compile(r"[\t\n\r\u2028\u2029\x85]")


def has_unstorable(value: str) -> bool:
    """True when ``value`` holds a character no stored text may hold (see above)."""
    return _UNSTORABLE.search(value) is not None


def without_unstorable(value: str) -> str:
    """``value`` without those characters: for text only shown back (e.g. quoted in a message)."""
    return _UNSTORABLE.sub("", value)


def text_problem(
    value: str, *, max_length: int | None = None, multiline: bool = False, label: str = ""
) -> str | None:
    """What is wrong with ``value`` as stored text, in the user's language; None when fine."""
    from django.utils.translation import gettext as _

    if has_unstorable(value):
        if label:
            return _("%(field)sに使えない制御文字が含まれています。") % {"field": label}
        return _("使えない制御文字が含まれています。")
    if not multiline and _LINE_BREAK_OR_TAB.search(value):
        if label:
            return _("%(field)sに改行やタブは使えません。") % {"field": label}
        return _("改行やタブは使えません。")
    if max_length is not None and len(value) > max_length:
        if label:
            return _("%(field)sは%(n)s文字以内で入力してください。") % {
                "field": label,
                "n": max_length,
            }
        return _("%(n)s文字以内で入力してください。") % {"n": max_length}
    return None


def check_text(
    value: str, *, max_length: int | None = None, multiline: bool = False, label: str = ""
) -> str:
    """``value`` when it may be stored, else ValidationError with `text_problem`'s message."""
    from django.core.exceptions import ValidationError

    problem = text_problem(value, max_length=max_length, multiline=multiline, label=label)
    if problem:
        raise ValidationError(problem, code="text")
    return value


class TextValidator:
    """`check_text` as a Django validator (model and form fields) with the field's limits."""

    def __init__(self, max_length: int | None = None, multiline: bool = False) -> None:
        self.max_length, self.multiline = max_length, multiline

    def __call__(self, value: object) -> None:
        if isinstance(value, str):
            check_text(value, max_length=self.max_length, multiline=self.multiline)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextValidator) and (self.max_length, self.multiline) == (
            other.max_length,
            other.multiline,
        )

    def __hash__(self) -> int:
        return hash((self.max_length, self.multiline))

    def deconstruct(self) -> tuple[str, tuple[()], dict[str, object]]:
        return (
            "yakuba.core.text.TextValidator",
            (),
            {"max_length": self.max_length, "multiline": self.multiline},
        )


def unstorable_in(value: object) -> bool:
    """True when a string anywhere in ``value`` (decoded JSON: dicts, lists, their keys)
    holds a character no stored text may hold. Iterative: any depth json accepts."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if has_unstorable(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return False
