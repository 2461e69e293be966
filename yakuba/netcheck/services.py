"""Writes: runs (rate limits, metered atomically in the database) and audited results."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from yakuba.accounts.models import User
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record, save_audited
from yakuba.netcheck import conf
from yakuba.netcheck.judging import Measurement, Thresholds, judge
from yakuba.netcheck.models import NetcheckResult, NetcheckRun

RESULT_FIELDS = (
    "person",
    "measured_at",
    "place",
    "link",
    "download_mbps",
    "upload_mbps",
    "ping_ms",
    "jitter_ms",
    "loss_pct",
    "verdict",
)


class RateLimited(Exception):
    """Too many runs in the last minute; `retry_after` seconds until the next is allowed."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def start_run(user: Any) -> NetcheckRun:
    """A new run unless the person already started RUNS_PER_MINUTE in the last minute."""
    now = timezone.now()
    window = now - dt.timedelta(minutes=1)
    with transaction.atomic():
        # Serialise one person's starts so two tabs cannot both pass the count.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        recent = list(
            NetcheckRun.objects.filter(user=user, created_at__gt=window)
            .order_by("created_at")
            .values_list("created_at", flat=True)
        )
        if len(recent) >= conf.get("RUNS_PER_MINUTE"):
            wait = (recent[0] + dt.timedelta(minutes=1) - now).total_seconds()
            raise RateLimited(max(1, int(wait) + 1))
        run = NetcheckRun.objects.create(
            user=user,
            token=secrets.token_urlsafe(24),
            created_at=now,
            expires_at=now + dt.timedelta(seconds=conf.get("RUN_SECONDS")),
        )
        record(AuditAction.CREATE, actor=user, obj=run, object_repr="netcheck run")
    return run


def _charge(run: NetcheckRun, field: str, amount: int, budget: int) -> bool:
    """Add `amount` to the run's `field` if it stays within `budget` (one atomic UPDATE)."""
    return bool(
        NetcheckRun.objects.filter(
            pk=run.pk,
            finished=False,
            expires_at__gt=timezone.now(),
            **{f"{field}__lte": budget - amount},
        ).update(**{field: F(field) + amount})
    )


def reserve_download(run: NetcheckRun, size: int) -> bool:
    return _charge(run, "download_bytes", size, conf.get("MAX_DOWNLOAD_BYTES_PER_RUN"))


def reserve_upload(run: NetcheckRun, size: int) -> bool:
    return _charge(run, "upload_bytes", size, conf.get("MAX_UPLOAD_BYTES_PER_RUN"))


def charge_ping(run: NetcheckRun) -> bool:
    """Count a ping against the run without a database write (pings must stay cheap).

    The counter lives in the cache; with a per-process cache and several server
    processes the bound is per process, still a small multiple of MAX_PINGS_PER_RUN.
    """
    if run.finished or run.expires_at <= timezone.now():
        return False
    key = f"netcheck:pings:{run.token}"
    cache.add(key, 0, timeout=conf.get("RUN_SECONDS") + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=conf.get("RUN_SECONDS") + 60)
        count = 1
    return count <= conf.get("MAX_PINGS_PER_RUN")


def save_result(*, actor: User, run: NetcheckRun, data: dict[str, Any]) -> NetcheckResult:
    """Judge the measurements, store them (audited) and close the run."""
    judgement = judge(
        Measurement(
            download_mbps=data["download_mbps"],
            upload_mbps=data["upload_mbps"],
            ping_ms=data["ping_ms"],
            jitter_ms=data["jitter_ms"],
            loss_pct=data["loss_pct"],
            link=data["link"],
        ),
        Thresholds.from_settings(),
    )
    values = {key: data[key] for key in RESULT_FIELDS if key in data}
    values.update(
        person=actor,
        measured_at=timezone.now(),
        verdict=judgement.verdict,
        advice=list(judgement.advice),
        ping_series=data.get("ping_series", []),
    )
    with transaction.atomic():
        # The conditional UPDATE is the guard against a second save of the same run (two
        # tabs, a retried request); the one-to-one `run` column backs it in the schema.
        closed = NetcheckRun.objects.filter(pk=run.pk, finished=False).update(finished=True)
        if not closed:
            raise ValueError("run already used")
        result = NetcheckResult(run=run)
        save_audited(actor=actor, obj=result, creating=True, fields=RESULT_FIELDS, values=values)
    return result


def change_place_and_link(
    *, actor: User, result: NetcheckResult, place: str, link: str
) -> NetcheckResult:
    """The person corrects where and how they measured; the advice follows the new link."""
    if result.person_id != actor.pk:
        raise PermissionDenied("only the person who measured may change a result")
    judgement = judge(
        Measurement(
            download_mbps=result.download_mbps,
            upload_mbps=result.upload_mbps,
            ping_ms=result.ping_ms,
            jitter_ms=result.jitter_ms,
            loss_pct=result.loss_pct,
            link=link,
        ),
        Thresholds.from_settings(),
    )
    with transaction.atomic():
        locked = NetcheckResult.objects.select_for_update().get(pk=result.pk)
        save_audited(
            actor=actor,
            obj=locked,
            creating=False,
            fields=("place", "link", "verdict"),
            values={
                "place": place,
                "link": link,
                "verdict": judgement.verdict,
                "advice": list(judgement.advice),
            },
        )
    return locked
