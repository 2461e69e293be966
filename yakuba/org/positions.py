"""Position levels (職位の級) of job titles: 係員級 … 課長級以上.

The office records a job title (Staff.position, free text) rather than a grade; this is
the one place titles are mapped to levels (the knowledge-crossing page groups people by
them; the reviews app prices meeting time by them).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

# The office records a job title (Staff.position, free text) rather than a grade; this is
# the one place titles are mapped to levels. Titles not listed (専門職, 会計年度任用職員,
# blank…) count as 係員級: they are neither supervisors nor managers.

LEVEL_STAFF = "1"
LEVEL_SENIOR = "2"
LEVEL_CHIEF = "3"
LEVEL_DEPUTY = "4"
LEVEL_MANAGER = "5"

LEVELS: tuple[str, ...] = (LEVEL_STAFF, LEVEL_SENIOR, LEVEL_CHIEF, LEVEL_DEPUTY, LEVEL_MANAGER)

_TITLE_LEVEL: dict[str, str] = {
    "主事": LEVEL_STAFF,
    "主事補": LEVEL_STAFF,
    "技師": LEVEL_STAFF,
    "技師補": LEVEL_STAFF,
    "主任": LEVEL_SENIOR,
    "主任技師": LEVEL_SENIOR,
    "主査": LEVEL_SENIOR,
    "係長": LEVEL_CHIEF,
    "主幹": LEVEL_CHIEF,
    "課長補佐": LEVEL_DEPUTY,
    "課長": LEVEL_MANAGER,
    "次長": LEVEL_MANAGER,
    "参事": LEVEL_MANAGER,
    "部長": LEVEL_MANAGER,
    "事務局長": LEVEL_MANAGER,
}


def level_of(position: str) -> str:
    """The position level of a job title (係員級 for titles not in the table)."""
    title = (position or "").strip()
    if title in _TITLE_LEVEL:
        return _TITLE_LEVEL[title]
    # 「課長（兼）…」「保健師長」: a managerial word at the start decides.
    for prefix, level in (
        ("部長", LEVEL_MANAGER),
        ("課長補佐", LEVEL_DEPUTY),
        ("課長", LEVEL_MANAGER),
    ):
        if title.startswith(prefix):
            return level
    return LEVEL_STAFF


def level_label(level: str) -> str:
    return {
        LEVEL_STAFF: _("係員級"),
        LEVEL_SENIOR: _("主任・主査級"),
        LEVEL_CHIEF: _("係長級"),
        LEVEL_DEPUTY: _("課長補佐級"),
        LEVEL_MANAGER: _("課長級以上"),
    }[level]
