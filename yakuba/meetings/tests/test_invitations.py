"""Whom a meeting may invite: the picker's scope, enforced again on submit, and the size
limit of one invitation."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.meetings import services
from yakuba.meetings.models import AgendaItem, Meeting
from yakuba.meetings.tests.factories import make_meeting
from yakuba.org.models import Staff

FORM = {
    "title": "課内会議",
    "start": "2026-12-01T10:00",
    "end": "2026-12-01T11:00",
    "platform": "zoom",
    "join_url": "https://zoom.example/j/1",
    "platform_meeting_id": "850 1234 5678",
    "drop_threshold_s": 60,
}


def test_form_lists_nobody_outside_the_division(client, org, make_user) -> None:
    c = verified_client(client, make_user("staff"))
    body = c.get("/meetings/new/").content.decode()
    # Nobody is listed until searched for; the whole staff list is no longer sent.
    assert "鈴木" not in body and "2001" not in body and "山田" not in body
    assert 'name="invited_staff__q"' in body and 'name="picker_search"' in body


def test_search_without_javascript_keeps_the_form(client, org, make_user) -> None:
    c = verified_client(client, make_user("staff"))
    yamada, sato = org["staff"]["1001"], org["staff"]["1002"]
    data = {
        **FORM,
        "title": "窓口打合せ",
        "invited_staff": [sato.pk],
        "invited_staff__q": "やまだ",
        "picker_search": "invited_staff",
    }
    r = c.post("/meetings/new/", data)
    body = r.content.decode()
    assert r.status_code == 200 and Meeting.objects.count() == 0
    assert 'value="窓口打合せ"' in body
    # The chosen person stays checked, the match is offered unchecked, no staff number.
    assert f'value="{sato.pk}" id="id_invited_staff_p{sato.pk}" checked' in body
    assert f'value="{yamada.pk}" id="id_invited_staff_p{yamada.pk}">' in body
    assert "1001" not in body and 'class="errorlist' not in body
    # Searching for someone of another division finds nobody.
    r = c.post("/meetings/new/", {**data, "invited_staff__q": "すずき"})
    assert "鈴木" not in r.content.decode() and "見つかりませんでした" in r.content.decode()
    # Checking the match and saving invites both.
    data.pop("picker_search")
    r = c.post("/meetings/new/", {**data, "invited_staff": [sato.pk, yamada.pk]})
    assert r.status_code == 302
    assert set(Meeting.objects.get().invitees.all()) == {sato, yamada}


@pytest.mark.parametrize("field", ["invited_staff", "host"])
def test_forged_out_of_scope_id_is_refused(client, org, make_user, field) -> None:
    c = verified_client(client, make_user("staff"))
    suzuki = org["staff"]["2001"]
    before = AuditEntry.objects.count()
    r = c.post("/meetings/new/", {**FORM, field: [suzuki.pk]})
    body = r.content.decode()
    assert r.status_code == 200 and Meeting.objects.count() == 0
    assert AuditEntry.objects.count() == before
    assert "選べない職員が含まれています" in body or "この職員は選べません" in body
    assert "保存していません" in body
    assert "鈴木" not in body  # the refused id does not reveal whose it is
    # Garbage is refused the same way (no 500).
    r = c.post("/meetings/new/", {**FORM, field: ["abc"]})
    assert r.status_code == 200 and Meeting.objects.count() == 0


def test_hr_may_invite_anyone(client, org, make_user) -> None:
    c = verified_client(client, make_user("hr"))
    suzuki = org["staff"]["2001"]
    r = c.post("/meetings/new/", {**FORM, "invited_staff": [suzuki.pk], "host": suzuki.pk})
    assert r.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.host == suzuki and list(meeting.invitees.all()) == [suzuki]


def test_editing_keeps_people_chosen_by_a_wider_scope(client, org, make_user) -> None:
    organiser = make_user("staff", username="organiser")
    meeting = make_meeting(org, organiser)  # everyone invited, 税務課 too
    c = verified_client(client, organiser)
    body = c.get(f"/meetings/{meeting.pk}/edit/").content.decode()
    assert "鈴木 一郎" in body  # already on the meeting: shown, and kept on saving
    invited = [s.pk for s in org["staff"].values()]
    r = c.post(f"/meetings/{meeting.pk}/edit/", {**FORM, "invited_staff": invited})
    assert r.status_code == 302
    assert meeting.invitees.count() == 3


def test_presenter_is_one_of_the_meeting_people(client, org, make_user) -> None:
    organiser = make_user("staff", username="organiser")
    yamada = org["staff"]["1001"]
    meeting = make_meeting(org, organiser, invitees=[yamada])
    c = verified_client(client, organiser)
    body = c.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "佐藤" not in body and "鈴木" not in body
    sato = org["staff"]["1002"]
    c.post(
        f"/meetings/{meeting.pk}/agenda/",
        {"title": "A", "planned_minutes": 5, "presenter": sato.pk},
    )
    assert not AgendaItem.objects.exists()
    c.post(
        f"/meetings/{meeting.pk}/agenda/",
        {"title": "A", "planned_minutes": 5, "presenter": yamada.pk},
    )
    assert AgendaItem.objects.get().presenter == yamada


# --- more than MEETING_LARGE_INVITATION_LIMIT people ------------------------------------


@pytest.fixture
def crowd(org) -> list[Staff]:
    people = []
    for i in range(31):
        s = Staff(
            staff_number=f"5{i:03d}", name=f"職員 {i}", name_kana="ショクイン", unit=org["shimin"]
        )
        s.save()
        people.append(s)
    return people


def test_staff_may_not_invite_31(client, org, make_user, crowd) -> None:
    c = verified_client(client, make_user("staff"))
    before = AuditEntry.objects.count()
    r = c.post("/meetings/new/", {**FORM, "invited_staff": [s.pk for s in crowd]})
    body = r.content.decode()
    assert r.status_code == 200
    assert "30 人を超える招待（今回 31 人）は、所属長または会議を管理する役割" in body
    assert Meeting.objects.count() == 0 and AuditEntry.objects.count() == before
    # Inviting the unit (its 34 people) is the same invitation.
    r = c.post("/meetings/new/", {**FORM, "invited_units": [org["shimin"].pk]})
    assert "今回 34 人" in r.content.decode() and Meeting.objects.count() == 0
    # Thirty is fine.
    r = c.post("/meetings/new/", {**FORM, "invited_staff": [s.pk for s in crowd[:30]]})
    assert r.status_code == 302 and Meeting.objects.get().invitees.count() == 30


def test_unit_head_may_invite_31(client, org, make_user, crowd) -> None:
    c = verified_client(client, make_user("unit_head"))
    r = c.post("/meetings/new/", {**FORM, "invited_staff": [s.pk for s in crowd]})
    assert r.status_code == 302 and Meeting.objects.get().invitees.count() == 31


def test_limit_holds_at_the_service_and_follows_the_setting(
    org, make_user, crowd, settings
) -> None:
    staff_user = make_user("staff")
    settings.MEETING_LARGE_INVITATION_LIMIT = 5
    meeting = Meeting(unit=org["shimin"])
    values = {k: FORM[k] for k in ("title", "platform", "join_url", "platform_meeting_id")}
    import datetime as dt

    values |= {
        "start": dt.datetime(2026, 12, 1, 1, tzinfo=dt.UTC),
        "end": dt.datetime(2026, 12, 1, 2, tzinfo=dt.UTC),
        "host": None,
        "drop_threshold_s": 60,
    }
    with pytest.raises(ValidationError, match="5 人を超える招待（今回 6 人）"):
        services.save_meeting(
            actor=staff_user,
            meeting=meeting,
            creating=True,
            values=values,
            invited_staff=crowd[:6],
            invited_units=[],
        )
    assert Meeting.objects.count() == 0
    # Set up by the unit head, the organiser may still edit the meeting without adding people.
    head = make_user("unit_head")
    services.save_meeting(
        actor=head,
        meeting=meeting,
        creating=True,
        values=values,
        invited_staff=crowd[:6],
        invited_units=[],
    )
    meeting.organiser = staff_user
    meeting.save()
    services.save_meeting(
        actor=staff_user,
        meeting=meeting,
        creating=False,
        values={**values, "title": "改題"},
        invited_staff=crowd[:6],
        invited_units=[],
    )
    with pytest.raises(ValidationError):
        services.save_meeting(
            actor=staff_user,
            meeting=meeting,
            creating=False,
            values=values,
            invited_staff=crowd[:7],
            invited_units=[],
        )
    meeting.refresh_from_db()
    assert meeting.title == "改題" and meeting.invitees.count() == 6
