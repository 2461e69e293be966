"""The published page (外部評価実施後の実施者意見及び担当課の対応状況) in the shape of the
city's page: title with the responsible unit, 更新日, the internal evaluation summary, the
comments under their headings each beside the reply that answers it, and the contact block.

Two renderings of the same content:

* `render_document` — the static file for the city's web team: one self-contained HTML
  document, its stylesheet (screen and print) inline in a ``<style>`` element. One file
  uploads or pastes into any CMS; nothing to lose on the way. The file is not served by
  this application, so our Content-Security-Policy (no inline styles) does not apply to it.
* `render_body` — the same ``<article>`` without the document shell, shown inside the
  application under its own stylesheet file (``policies/publication.css``, the very file
  inlined in the document), so our CSP holds there.

The page is always in Japanese (the city's public page), whatever the publisher's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

from yakuba.core.conf import setting
from yakuba.org.models import Unit
from yakuba.policies.models import (
    Comment,
    CommentHeading,
    Indicator,
    PolicyYear,
    Reply,
    ReplyStatus,
    UnitContact,
)

STYLESHEET = Path(__file__).resolve().parent / "static" / "policies" / "publication.css"

#: Office-wide defaults for the contact block (settings or environment; README).
CONTACT_DEFAULTS: dict[str, str] = {
    "POLICY_CONTACT_POSTAL_CODE": "",
    "POLICY_CONTACT_ADDRESS": "",
    "POLICY_CONTACT_PHONE": "",
    "POLICY_CONTACT_FAX": "",
    "POLICY_CONTACT_EMAIL": "",
}


@dataclass(frozen=True)
class Contact:
    unit_path: str  # 総務部 行政課 庶務係
    postal_code: str
    address: str
    phone: str
    fax: str
    email: str


def contact_for(unit: Unit) -> Contact:
    """The contact block of ``unit``: its `UnitContact`, empty fields from the settings."""
    row = UnitContact.objects.filter(unit=unit).first()
    names = [u.name for u in unit.ancestors()] + [unit.name]
    if row is not None and row.section_name:
        names.append(row.section_name)

    def pick(value: str, key: str) -> str:
        return value or str(setting(key, CONTACT_DEFAULTS[key]))

    return Contact(
        unit_path=" ".join(names),
        postal_code=pick(row.postal_code if row else "", "POLICY_CONTACT_POSTAL_CODE"),
        address=pick(row.address if row else "", "POLICY_CONTACT_ADDRESS"),
        phone=pick(row.phone if row else "", "POLICY_CONTACT_PHONE"),
        fax=pick(row.fax if row else "", "POLICY_CONTACT_FAX"),
        email=pick(row.email if row else "", "POLICY_CONTACT_EMAIL"),
    )


@dataclass
class Row:
    """One comment of a section; the first comment of a run answered by the same replies
    carries them, with ``rowspan`` the length of the run (as on the city's page)."""

    comment: Comment
    replies: list[Reply] = field(default_factory=list)
    rowspan: int = 0  # 0: the reply cell of an earlier row spans this one


@dataclass
class Section:
    heading: CommentHeading
    anchor: str
    rows: list[Row]


def sections_of(comments: list[Comment], *, approved_only: bool = True) -> list[Section]:
    """Comments grouped under their headings (in order), consecutive comments answered by
    the same replies sharing one reply cell."""
    sections: list[Section] = []
    for comment in comments:
        if not sections or sections[-1].heading.pk != comment.heading_id:
            sections.append(Section(comment.heading, f"heading-{len(sections) + 1}", []))
        replies = [
            r
            for r in comment.replies.all()
            if not approved_only or r.status == ReplyStatus.APPROVED
        ]
        rows = sections[-1].rows
        keys = [r.pk for r in replies]
        lead = next((r for r in reversed(rows) if r.rowspan), None)
        if lead is not None and keys and [r.pk for r in lead.replies] == keys:
            lead.rowspan += 1
            rows.append(Row(comment))
        else:
            rows.append(Row(comment, replies, 1))
    return sections


def plain_number(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text


def page_title(year: PolicyYear) -> str:
    policy = year.policy
    return f"{policy.code} {policy.title}【{policy.responsible_unit.name}】"


def page_date_label(day: dt.date) -> str:
    return f"{day.year}年{day.month:02d}月{day.day:02d}日"


def _context(
    year: PolicyYear, comments: list[Comment], indicators: list[Indicator], page_date: dt.date
) -> dict[str, object]:
    return {
        "year": year,
        "policy": year.policy,
        "title": page_title(year),
        "page_date": page_date,
        "page_date_label": page_date_label(page_date),
        "indicators": [
            {
                "name": i.name,
                "unit": i.unit_label,
                "target": plain_number(i.target),
                "actual": plain_number(i.actual),
                "achievement": i.achievement,
            }
            for i in indicators
        ],
        "sections": sections_of(comments),
        "contact": contact_for(year.policy.responsible_unit),
    }


def render_body(
    year: PolicyYear, comments: list[Comment], indicators: list[Indicator], page_date: dt.date
) -> str:
    with translation.override("ja"):
        return render_to_string(
            "policies/publication/body.html", _context(year, comments, indicators, page_date)
        ).strip()


def render_document(year: PolicyYear, body: str) -> str:
    with translation.override("ja"):
        return render_to_string(
            "policies/publication/document.html",
            {
                "title": page_title(year),
                "body": body,
                "stylesheet": STYLESHEET.read_text(encoding="utf-8"),
                "site_name": str(setting("POLICY_SITE_NAME", "")),
            },
        )
