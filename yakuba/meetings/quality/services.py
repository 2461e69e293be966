"""Writes for connection quality: the thresholds (information division) and the private
nudges to run the connection check (daily task). Each runs in a transaction, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.accounts.models import User
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.core.system_actor import acting_as
from yakuba.meetings.models import ConnectionNudge, ConnectionQualitySettings
from yakuba.meetings.quality import scoring, selectors
from yakuba.notifications.services import EMAIL, IN_APP, notify
from yakuba.org.models import Staff

# The scheduled job that sends the nudges (`meetings.jobs`): the actor the audit trail
# records for them (`core.system_actor`), also when `send_nudges` is called directly.
NUDGES_JOB = "meetings.connection_quality_nudges"
SETTING_FIELDS = (
    "drops_per_hour",
    "min_hours",
    "window_days",
    "nudge_every_days",
    "nudges_enabled",
)


def save_settings(*, actor: User, values: dict[str, Any]) -> ConnectionQualitySettings:
    with transaction.atomic():
        row = ConnectionQualitySettings.objects.select_for_update().filter(pk=1).first()
        cfg = selectors.config()
        before = {
            "drops_per_hour": cfg.thresholds.drops_per_hour,
            "min_hours": cfg.thresholds.min_hours,
            "window_days": cfg.window_days,
            "nudge_every_days": cfg.nudge_every_days,
            "nudges_enabled": cfg.nudges_enabled,
        }
        creating = row is None
        row = row or ConnectionQualitySettings(pk=1)
        for name in SETTING_FIELDS:
            setattr(row, name, values[name])
        row.updated_by = actor
        row.save()
        changes = {n: [before[n], values[n]] for n in SETTING_FIELDS if before[n] != values[n]}
        record(
            AuditAction.CREATE if creating else AuditAction.UPDATE,
            actor=actor,
            obj=row,
            changes=changes,
        )
    return row


def nudge_text(person: scoring.PersonQuality, cfg: selectors.Config) -> str:
    return "\n".join(
        [
            _(
                "直近%(days)s日間のWeb会議（%(meetings)s件・接続%(hours)s時間）で、"
                "接続が途切れたのは%(drops)s回（1時間あたり%(rate)s回）でした。"
            )
            % {
                "days": cfg.window_days,
                "meetings": person.meetings,
                "hours": f"{person.connected_hours:.1f}",
                "drops": person.drops,
                "rate": f"{person.drops_per_hour or 0:.1f}",
            },
            _(
                "回線や Wi-Fi の状態が原因かもしれません。接続チェックで確認し、"
                "助言を参考にしてください。"
            ),
            _(
                "このお知らせはあなたにだけ届いています。会議ごとの記録は、"
                "接続チェックの結果の画面から「会議での接続の安定性」で見られます。"
            ),
        ]
    )


def _recently_nudged(staff: Staff, since: dt.datetime) -> bool:
    return ConnectionNudge.objects.filter(staff=staff, sent_at__gte=since).exists()


def send_nudges(now: dt.datetime | None = None) -> int:
    """Nudge each person above the threshold, privately, at most once per interval.

    Idempotent: the nudge is stored (person locked while deciding), so a second run —
    or two runs at once — sends nothing new. Returns the number of people nudged.
    """
    with acting_as(NUDGES_JOB):
        return _send_nudges(now)


def _send_nudges(now: dt.datetime | None) -> int:
    cfg = selectors.config()
    if not cfg.nudges_enabled:
        return 0
    people, now = selectors.everyone(cfg, now)
    due = [p for p in people.values() if p.above(cfg.thresholds)]
    channels = (IN_APP, EMAIL) if selectors.conf("NUDGE_EMAIL") else (IN_APP,)
    quiet_since = now - dt.timedelta(days=cfg.nudge_every_days)
    sent = 0
    for person in due:
        with transaction.atomic():
            staff = (
                # Staff.user is nullable (an outer join): PostgreSQL locks only our row.
                Staff.objects.select_for_update(of=("self",))
                .select_related("user")
                .filter(pk=person.staff_id, active=True)
                .first()
            )
            if staff is None or staff.user is None or not staff.user.is_active:
                continue
            if _recently_nudged(staff, quiet_since):
                continue
            nudge = ConnectionNudge.objects.create(
                staff=staff,
                sent_at=now,
                window_days=cfg.window_days,
                meetings=person.meetings,
                connected_s=person.connected_s,
                drops=person.drops,
                drops_per_hour=person.drops_per_hour or 0.0,
            )
            notify(
                [staff.user],
                subject=_("Web会議の接続が不安定なようです"),
                body=nudge_text(person, cfg),
                url=reverse("netcheck:check"),
                channels=channels,
                purpose=f"quality-nudge:{nudge.pk}",
            )
            # Who was nudged stays out of the trail's readable text (the row id is kept).
            record(
                AuditAction.CREATE,
                obj=nudge,
                changes={
                    "drops_per_hour": round(nudge.drops_per_hour, 2),
                    "threshold": cfg.thresholds.drops_per_hour,
                },
            )
            sent += 1
    return sent


def nudge_due(now: dt.datetime | None = None) -> bool:
    """Whether the daily nudge run may start now (from NUDGE_HOUR, local time)."""
    local = timezone.localtime(now or timezone.now())
    return local.hour >= int(selectors.conf("NUDGE_HOUR"))
