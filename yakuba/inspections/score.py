"""The awareness-score component 「自己点検と指摘事項」 (security.score).

Per person: did they answer their latest self-inspection on time, and are findings they
own overdue. Two queries for any list of people. A person never asked to answer and
owning no finding gets None (the component does not apply to them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yakuba.inspections.models import (
    COUNTED_SHEETS,
    UNRESOLVED_FINDINGS,
    Finding,
    RoundStatus,
    Sheet,
    SheetStatus,
)
from yakuba.security.score import Component, ComponentValue, register


def values(staff_ids: Sequence[int]) -> Mapping[int, ComponentValue]:
    today = timezone.localdate()
    latest: dict[int, tuple] = {}
    rows = (
        Sheet.objects.filter(staff_id__in=list(staff_ids))
        .exclude(round__status=RoundStatus.DRAFT)
        .filter(Q(round__due_on__lt=today) | Q(status__in=COUNTED_SHEETS))
        .values_list("staff_id", "status", "submitted_at", "round__due_on", "round__title")
        .order_by("staff_id", "-round__opens_on", "-round_id")
    )
    for staff_id, status, submitted_at, due_on, title in rows:
        latest.setdefault(staff_id, (status, submitted_at, due_on, title))
    owned = {
        r["owner_id"]: r
        for r in Finding.objects.filter(
            owner_id__in=list(staff_ids), status__in=UNRESOLVED_FINDINGS
        )
        .values("owner_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    }
    result: dict[int, ComponentValue] = {}
    for pk in staff_ids:
        parts: list[float] = []
        details: list[str] = []
        sheet = latest.get(pk)
        if sheet is not None:
            status, submitted_at, due_on, title = sheet
            if status in (*COUNTED_SHEETS, SheetStatus.CONFIRMED) and submitted_at is not None:
                on_time = timezone.localtime(submitted_at).date() <= due_on
                parts.append(1.0 if on_time else 0.5)
                details.append(
                    _("「%(title)s」に期限内に回答") % {"title": title}
                    if on_time
                    else _("「%(title)s」への回答が期限後") % {"title": title}
                )
            else:
                parts.append(0.0)
                details.append(
                    _("「%(title)s」に未回答（期限 %(due)s）")
                    % {"title": title, "due": due_on.isoformat()}
                )
        mine = owned.get(pk)
        if mine is not None:
            parts.append(0.0 if mine["overdue"] else 1.0)
            details.append(
                _("担当の指摘事項：未完了 %(open)s 件（うち期限超過 %(overdue)s 件）")
                % {"open": mine["open"], "overdue": mine["overdue"]}
            )
        if parts:
            result[pk] = ComponentValue(sum(parts) / len(parts), "・".join(details))
    return result


COMPONENT = register(
    Component(
        code="inspections",
        label=gettext_lazy("自己点検と指摘事項"),
        weight=1,
        values=values,
        order=40,
    )
)
