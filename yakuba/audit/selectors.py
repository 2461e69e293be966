from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from yakuba.accounts.roles import Capability
from yakuba.audit.models import AuditEntry


def filtered_entries(user: Any, filters: dict[str, Any]) -> QuerySet[AuditEntry]:
    if not user.can(Capability.VIEW_AUDIT):
        return AuditEntry.objects.none()
    qs = AuditEntry.objects.all()
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("actor"):
        qs = qs.filter(actor_label__icontains=filters["actor"])
    if filters.get("object_type"):
        qs = qs.filter(object_type__icontains=filters["object_type"])
    tz = timezone.get_current_timezone()
    if filters.get("date_from"):
        qs = qs.filter(at__gte=dt.datetime.combine(filters["date_from"], dt.time.min, tzinfo=tz))
    if filters.get("date_to"):
        qs = qs.filter(
            at__lt=dt.datetime.combine(
                filters["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz
            )
        )
    return qs.order_by("-seq")
