"""Drills for the tests and the authorization matrix."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from yakuba.drills import services, tokens
from yakuba.drills.models import Drill, DrillRecipient, DrillTemplate, SendStatus
from yakuba.drills.shipped import SHIPPED
from yakuba.rosters.audience import Audience


def make_template(*, fake_form: bool = True, **fields: Any) -> DrillTemplate:
    spec = next(s for s in SHIPPED if s["code"] == "password-expiry")
    values = {k: v for k, v in spec.items() if k != "code"}
    values["fake_form"] = fake_form
    values["name"] = f"テスト {DrillTemplate.objects.count() + 1}"
    values.update(fields)
    return DrillTemplate.objects.create(**values)


def make_drill(
    *,
    actor: Any = None,
    audience: Audience | None = None,
    fake_form: bool = True,
    launch: bool = True,
    now: dt.datetime | None = None,
    ends_in: dt.timedelta = dt.timedelta(days=7),
) -> Drill:
    now = now or timezone.now()
    drill = Drill.objects.create(
        name="12月の訓練",
        template=make_template(fake_form=fake_form),
        audience=(audience or Audience()).to_json(),
        send_from=now - dt.timedelta(minutes=1),
        send_until=now,
        ends_at=now + ends_in,
    )
    if launch:
        services.launch(actor=actor, drill=drill, now=now)
        drill.refresh_from_db()
    return drill


def deliver(recipient: DrillRecipient, at: dt.datetime | None = None) -> str:
    """Mark the recipient's mail as accepted by the server; returns its link token (as the
    send task would have put it in the mail)."""
    token = tokens.issue(recipient)
    at = at or timezone.now()
    DrillRecipient.objects.filter(pk=recipient.pk).update(
        status=SendStatus.SENT, attempts=1, delivered_at=at, next_attempt_at=None
    )
    recipient.refresh_from_db()
    return token


def matrix_objects(objs: dict[str, Any]) -> dict[str, Any]:
    """A launched drill to 市民課 (with its sections), one mail delivered with its token."""
    if "drills" in objs:
        return dict(objs["drills"])
    org = objs["org"]
    drill = make_drill(audience=Audience(unit_ids=(org["shimin"].pk,)))
    recipient = drill.recipients.get(staff=org["staff"]["1001"])
    token = deliver(recipient)
    objs["drills"] = {"drill": drill, "template": drill.template, "token": token}
    return dict(objs["drills"])
