"""Who reads which evidence reports.

The planning unit, HR and the auditor read every report. Unit heads (VIEW_EVALUATION_REPORT)
read the office-wide reports and those limited to units inside their own scope: a report's
figures are aggregated, groups of fewer than ``EVALUATION_MIN_GROUP`` people are merged and
nobody is named, so the office-wide picture is what a unit head needs to compare their unit
with; a report limited to another unit is answered 404 like an id that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from yakuba.accounts.roles import Capability, Role
from yakuba.evaluation.models import EvidenceReport
from yakuba.org import selectors as org_selectors
from yakuba.org.models import Unit


def reads_office_wide(user: Any) -> bool:
    """Everyone who may read reports reads all of them, except unit heads (see above)."""
    return bool(user.role != Role.UNIT_HEAD)


def visible_reports(user: Any) -> QuerySet[EvidenceReport]:
    if not user.can(Capability.VIEW_EVALUATION_REPORT):
        return EvidenceReport.objects.none()
    reports = EvidenceReport.objects.select_related("requested_by")
    if reads_office_wide(user):
        return reports
    outside = Unit.objects.exclude(pk__in=org_selectors.visible_units(user).values("pk"))
    return reports.exclude(units__in=outside)


def can_generate(user: Any) -> bool:
    return bool(user.can(Capability.GENERATE_EVALUATION_REPORT))


def report_units(user: Any) -> QuerySet[Unit]:
    """Units a report may be limited to: any for those who read every report, else the
    user's own scope."""
    units = Unit.objects.all() if reads_office_wide(user) else org_selectors.visible_units(user)
    return units.filter(active=True).order_by("path")


def scope_label(report: EvidenceReport) -> str:
    from django.utils.translation import gettext as _

    names = [u.name for u in report.units.order_by("path")]
    return "、".join(names) if names else str(_("全庁"))
