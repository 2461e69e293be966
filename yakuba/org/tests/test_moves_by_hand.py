"""A move made by hand on the staff page is kept in the history like an import dated
today: past days keep the old unit, future meetings of the new unit invite the person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yakuba.meetings.models import Meeting, Platform
from yakuba.org import services
from yakuba.org.membership import members_on, stints
from yakuba.org.models import Staff, StaffChange


@pytest.mark.django_db
def test_a_move_by_hand_is_dated_today_and_followed(org, make_user) -> None:
    hr = make_user("hr")
    yamada = org["staff"]["1001"]
    soon = timezone.now() + dt.timedelta(days=2)
    meeting = Meeting.objects.create(
        title="税務課会議",
        start=soon,
        end=soon + dt.timedelta(hours=1),
        platform=Platform.IN_PERSON,
        unit=org["zeimu"],
        organiser=hr,
    )
    meeting.invited_units.set([org["zeimu"]])
    values = {
        f: getattr(yamada, f)
        for f in ("staff_number", "name", "name_kana", "employment_type", "position", "email")
    }
    services.save_staff(
        actor=hr,
        staff=Staff.objects.get(pk=yamada.pk),
        values={**values, "unit": org["zeimu"], "active": True},
        skills=None,
    )
    change = StaffChange.objects.get(staff=yamada)
    today = timezone.localdate()
    assert (change.kind, change.from_unit, change.to_unit) == ("move", org["shimin"], org["zeimu"])
    assert change.effective_date == today and change.applied_at is not None
    yesterday = today - dt.timedelta(days=1)
    assert yamada.pk in {s.pk for s in members_on(org["shimin"].path, yesterday)}
    assert yamada.pk in {s.pk for s in members_on(org["zeimu"].path, today)}
    spans = [
        (s.unit.code, s.first, s.last) for s in stints("/", yesterday, today) if s.staff == yamada
    ]
    assert spans == [("110", yesterday, yesterday), ("120", today, today)]
    assert meeting.invitees.filter(pk=yamada.pk).exists()
    # Saving again without a change of unit adds nothing to the history.
    services.save_staff(
        actor=hr,
        staff=Staff.objects.get(pk=yamada.pk),
        values={**values, "unit": org["zeimu"], "active": True, "position": "主任"},
        skills=None,
    )
    assert StaffChange.objects.filter(staff=yamada).count() == 1
