"""Window steps run by the scheduler: reminders at open / before close, digest at close."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.dailyreports import selectors, services
from yakuba.dailyreports import window as win
from yakuba.dailyreports.models import (
    Blocker,
    BlockerStatus,
    Digest,
    Report,
    ReportStatus,
    WorkPlace,
)
from yakuba.notifications.payloads import Message, Person, Section
from yakuba.notifications.selectors import people_to_mention, unit_heads
from yakuba.notifications.services import EMAIL, IN_APP, notify, post_to_channel
from yakuba.org.models import Unit


def missing_staff(unit: Unit, day: dt.date) -> list[Any]:
    """Expected today (active, not off per roster) and no submitted report yet."""
    expected = win.expected_staff(unit, day)
    done = set(
        Report.objects.filter(unit=unit, date=day, status=ReportStatus.SUBMITTED).values_list(
            "staff_id", flat=True
        )
    )
    return [s for s in expected if s.pk not in done]


def send_reminders(unit: Unit, day: dt.date, *, closing: bool) -> int:
    window = selectors.get_window(unit)
    if window is None or not win.is_working_day(window, day):
        return 0
    people = [s for s in missing_staff(unit, day) if s.user_id and s.user.is_active]
    if not people:
        return 0
    if closing:
        subject = _("朝の業務報告の締切（%(time)s）が近づいています") % {
            "time": f"{window.closes_at:%H:%M}"
        }
    else:
        subject = _("朝の業務報告の受付が始まりました（%(start)s–%(end)s）") % {
            "start": f"{window.opens_at:%H:%M}",
            "end": f"{window.closes_at:%H:%M}",
        }
    channels = (IN_APP, EMAIL) if window.remind_email else (IN_APP,)
    purpose = f"remind:{unit.pk}:{day}"
    notify(
        [s.user for s in people],
        subject=subject,
        url=reverse("dailyreports:my_report"),
        channels=channels,
        purpose=purpose,
    )
    if window.remind_chat:
        # Each chat mentions people by their identity in that chat (Slack member ID,
        # Mattermost user name, Teams object ID/UPN); without one the name is shown.
        message = reminder_message(subject, people_to_mention(people))
        for channel in window.channels.filter(active=True):
            post_to_channel(channel, message, purpose=purpose)
    return len(people)


def reminder_message(subject: str, people: list[Person]) -> Message:
    return Message(title=subject, sections=(Section(_("未報告"), people=tuple(people)),))


def build_content(unit: Unit, day: dt.date) -> dict[str, Any]:
    """Everything the digest shows, as JSON (stored once, rendered in-app and for each chat)."""
    window = selectors.get_window(unit)
    staff = list(unit.staff.filter(active=True).order_by("staff_number"))
    expected = {s.pk for s in win.expected_staff(unit, day, staff)}
    reports = {
        r.staff_id: r
        for r in Report.objects.filter(unit=unit, date=day, status=ReportStatus.SUBMITTED)
    }
    places = dict(WorkPlace.choices)
    missing = [s for s in staff if s.pk in expected and s.pk not in reports]
    reported = [
        {
            "name": s.name,
            "work_place": str(places.get(reports[s.pk].work_place, "")),
            "late": reports[s.pk].late,
            "answers": [{"q": a["q"], "a": a["a"]} for a in reports[s.pk].answers if a["a"]],
        }
        for s in staff
        if s.pk in reports
    ]
    blockers = [
        {
            "owner": b.owner.name,
            "text": b.text,
            "age": b.age_days(day),
            "status": b.get_status_display(),
            "escalated": b.escalated_to_id is not None,
        }
        for b in Blocker.objects.filter(
            unit=unit, status__in=(BlockerStatus.OPEN, BlockerStatus.IN_PROGRESS)
        )
        .select_related("owner")
        .order_by("opened_on", "pk")
    ]
    return {
        "unit": unit.name,
        "date": day.isoformat(),
        "window": f"{window.opens_at:%H:%M}–{window.closes_at:%H:%M}" if window else "",
        "expected": len(expected),
        "reported": reported,
        "missing": [s.name for s in missing],
        # Chat handles as they were at the close: the chat digests mention these people.
        "missing_people": [
            {"name": p.name, "chat": dict(p.handles)} for p in people_to_mention(missing)
        ],
        "blockers": blockers,
    }


def to_message(content: dict[str, Any], url: str = "") -> Message:
    """Blockers first, then where everyone works, each report, then who is missing."""
    sections: list[Section] = []
    if content["blockers"]:
        sections.append(
            Section(
                _("困りごと（%(n)s 件）") % {"n": len(content["blockers"])},
                tuple(
                    _("%(owner)s：%(text)s（%(age)s 日経過・%(status)s）") % b
                    for b in content["blockers"]
                ),
            )
        )
    places: dict[str, list[str]] = {}
    for r in content["reported"]:
        places.setdefault(r["work_place"], []).append(r["name"])
    if places:
        sections.append(
            Section(
                _("今日の勤務場所"),
                tuple(f"{place}: {'、'.join(names)}" for place, names in places.items()),
            )
        )
    for r in content["reported"]:
        head = f"{r['name']}（{r['work_place']}）" + (_("【遅れ】") if r["late"] else "")
        lines = []
        for a in r["answers"]:
            lines.append(f"{a['q']}:")
            lines.extend(f"  {line}" for line in a["a"].splitlines())
        sections.append(Section(head, tuple(lines)))
    missing = [
        Person.of(p["name"], p.get("chat"))
        for p in content.get("missing_people") or [{"name": n} for n in content["missing"]]
    ]
    sections.append(
        Section(
            _("未報告（%(n)s 名）") % {"n": len(content["missing"])},
            () if missing else (_("なし"),),
            people=tuple(missing),
        )
    )
    title = _("朝の業務報告 %(unit)s %(date)s（%(done)s/%(expected)s 名）") % {
        "unit": content["unit"],
        "date": content["date"],
        "done": len(content["reported"]),
        "expected": content["expected"],
    }
    return Message(title=title, sections=tuple(sections), url=url)


def summary(content: dict[str, Any]) -> str:
    """One line for the in-app notice: reported, late, missing, open blockers."""
    return _(
        "提出 %(done)s/%(expected)s 名（遅れ %(late)s 名）・未報告 %(missing)s 名・"
        "困りごと %(blockers)s 件"
    ) % {
        "done": len(content["reported"]),
        "expected": content["expected"],
        "late": sum(1 for r in content["reported"] if r["late"]),
        "missing": len(content["missing"]),
        "blockers": len(content["blockers"]),
    }


def close_window(unit: Unit, day: dt.date, *, base_url: str = "") -> Digest | None:
    """Build and send the day's digest exactly once; escalate old blockers."""
    window = selectors.get_window(unit)
    if window is None or not win.is_working_day(window, day):
        return None
    try:
        with transaction.atomic():
            digest = Digest.objects.create(unit=unit, date=day, content=build_content(unit, day))
            record(AuditAction.CREATE, actor=None, obj=digest)
            path = reverse("dailyreports:digest", args=[unit.pk, day.isoformat()])
            message = to_message(digest.content, url=f"{base_url}{path}" if base_url else "")
            for channel in window.channels.filter(active=True):
                post_to_channel(channel, message, purpose=f"digest:{unit.pk}:{day}")
            recipients = unit_heads(unit)
            if recipients and window.digest_in_app:
                # In-app: a short summary; the digest page (the link) shows everything.
                notify(
                    recipients,
                    subject=message.title,
                    body=summary(digest.content),
                    url=path,
                    channels=(IN_APP,),
                    purpose=f"digest:{unit.pk}:{day}",
                )
            if recipients and window.digest_email:
                notify(
                    recipients,
                    subject=message.title,
                    body="\n".join(message.plain_lines()),
                    url=f"{base_url}{path}" if base_url else "",
                    channels=(EMAIL,),
                    purpose=f"digest:{unit.pk}:{day}",
                )
    except IntegrityError:
        return Digest.objects.get(unit=unit, date=day)  # already built: never send twice
    services.escalate_blockers(unit, day)
    return digest
