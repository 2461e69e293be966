"""Small builders shared by the morning-report tests (and the authorization matrix)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yakuba.audit.models import AuditAction
from yakuba.dailyreports import services
from yakuba.dailyreports.models import Blocker, Report, ReportStatus, ReportWindow
from yakuba.notifications.models import Channel


def window_for(unit: Any, **values: Any) -> ReportWindow:
    window = services.ensure_window(unit)
    if values:
        for key, value in values.items():
            setattr(window, key, value)
        window.save()
    return window


def submitted_report(staff: Any, day: dt.date, *, plan: str = "予定", blocker: str = "") -> Report:
    window = window_for(staff.unit)
    answers = {}
    for q in window.questions.all():
        answers[str(q.pk)] = {"plan": plan, "done": "実績", "blocker": blocker}.get(q.kind, "")
    return services.save_report(
        actor=None,
        staff=staff,
        day=day,
        answers=answers,
        work_place="office",
        now=timezone.make_aware(dt.datetime.combine(day, dt.time(8, 35))),
    )


# What a GET may write besides the session: audit entries of reads (health data shown, a
# file exported) and of refusals.
READ_AUDIT = {AuditAction.VIEW_SENSITIVE, AuditAction.EXPORT, AuditAction.PERMISSION_DENIED}
_NOT_DOMAIN = {"django_session", "audit_auditentry", "audit_auditchainhead"}
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def domain_writes(ctx: CaptureQueriesContext) -> list[str]:
    """Tables other than the session and the audit trail written by the captured queries."""
    tables = (_WRITE.match(q["sql"]) for q in ctx.captured_queries)
    return [m.group(1) for m in tables if m is not None and m.group(1) not in _NOT_DOMAIN]


def matrix_objects(objects: dict[str, Any]) -> dict[str, Any]:
    """Objects for the authorization matrix rows (created once per test, cached in `objects`)."""
    if "dailyreports" not in objects:
        org = objects["org"]
        day = dt.date(2026, 4, 1)
        window_for(org["shimin"])
        report = submitted_report(org["staff"]["1001"], day, blocker="コピー機が壊れている")
        channel = Channel(unit=org["shimin"], name="市民課", kind="mattermost")
        channel.set_url("http://127.0.0.1:9/hooks/abc")
        channel.save()
        objects["dailyreports"] = {
            "unit": org["shimin"],
            "day": day,
            "report": report,
            "blocker": Blocker.objects.get(source_report=report),
            "channel": channel,
        }
        assert report.status == ReportStatus.SUBMITTED
        assert Report.objects.filter(pk=report.pk).exists()
    return objects["dailyreports"]
