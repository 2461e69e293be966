"""Strip people from an incident's text before it becomes teaching material.

Names of everyone on the staff list (full name with or without the space, and a family
name followed by an honorific or a job title), e-mail addresses and telephone numbers
are replaced. This is a first pass that infosec reviews and edits before saving; it does
not catch a name that is not on the staff list (a citizen's), which is why the draft is
shown for editing and saved inactive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<!\d)0\d{1,4}[-‐ー−(（ ]?\d{1,4}[-‐ー−)） ]?\d{3,4}(?!\d)")
HONORIFICS = (
    "さん",
    "様",
    "さま",
    "氏",
    "君",
    "くん",
    "係長",
    "課長",
    "部長",
    "主任",
    "主事",
    "主査",
    "補佐",
)


def _name_patterns(names: Iterable[str]) -> list[re.Pattern[str]]:
    full: set[str] = set()
    family: set[str] = set()
    for name in names:
        parts = name.replace("\u3000", " ").split()
        if not parts:
            continue
        full.add(" ".join(parts))
        full.add("".join(parts))
        if len(parts) > 1 and len(parts[0]) >= 2:
            family.add(parts[0])
    patterns = []
    if full:
        # Longest first, so 「山田 太郎」 is replaced before 「山田」 could be.
        alternatives = sorted(full, key=len, reverse=True)
        patterns.append(
            re.compile("|".join(re.escape(a).replace(r"\ ", r"[ \u3000]?") for a in alternatives))
        )
    if family:
        honorific = "|".join(HONORIFICS)
        patterns.append(
            re.compile(
                "(?:"
                + "|".join(re.escape(f) for f in sorted(family, key=len, reverse=True))
                + f")(?=(?:{honorific}))"
            )
        )
    return patterns


def anonymise(text: str, names: Iterable[str]) -> str:
    person = _("〇〇")
    text = EMAIL.sub(_("（メールアドレス）"), text)
    text = PHONE.sub(_("（電話番号）"), text)
    for pattern in _name_patterns(names):
        text = pattern.sub(person, text)
    return text
