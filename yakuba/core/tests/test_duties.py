"""Separation of duties: nobody decides a matter about themselves, and a unit head's
matters are decided from above (the next unit up, or HR / a system administrator).

`test_every_decision_service_is_guarded` scans every ``services.py`` for functions that
decide about a person, so a new approval flow without the rule fails here.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from conftest import verified_client
from yakuba.core import duties

PACKAGE = Path(__file__).resolve().parents[2]
# Names of services that decide about a person (approve, reject, override, change a role…).
DECIDING = re.compile(
    r"^(decide|approve|reject|grant|override|pin|set_role|assign_role|set_cell"
    r"|record_sick_leave|save_work_profile|set_approval)"
)
# Named like decisions but about a document, not a person: the head of the responsible unit
# approves the unit's published reply to the evaluators (which that head may have drafted,
# as with any text the unit issues); nobody's own matter is decided.
NOT_ABOUT_A_PERSON = {"yakuba.policies.services.decide_reply"}


def test_every_decision_service_is_guarded() -> None:
    found = set()
    for path in PACKAGE.rglob("services.py"):
        if "tests" in path.parts:
            continue
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and DECIDING.match(node.name):
                found.add(f"{module}.{node.name}")
    import yakuba.accounts.services
    import yakuba.rosters.services  # noqa: F401

    guarded = {flow.service for flow in duties.registered()}
    assert found, "the scan found no decision services"
    unguarded = found - guarded - NOT_ABOUT_A_PERSON
    assert not unguarded, f"decision services without the duty rule: {unguarded}"


@pytest.fixture
def people(org, make_user):
    """市民課 (head + a fellow head) above 窓口係 (its head and a member of staff)."""
    return {
        "shimin_head": make_user("unit_head", unit_key="shimin", username="shimin-head"),
        "shimin_peer": make_user("unit_head", unit_key="shimin", username="shimin-peer"),
        "section_head": make_user("unit_head", unit_key="madoguchi", username="section-head"),
        "hr": make_user("hr", unit_key="zeimu", username="hr"),
        "member": org["staff"]["1002"],  # 窓口係, no account
    }


@pytest.mark.django_db
def test_the_rule(people) -> None:
    p = people
    for actor, subject in [
        (p["shimin_head"], p["shimin_head"]),  # oneself, as user
        (p["shimin_head"], p["shimin_head"].staff),  # oneself, as staff record
        (p["shimin_peer"], p["shimin_head"]),  # a fellow head of the same unit
        (p["section_head"], p["shimin_head"]),  # from below
    ]:
        with pytest.raises(duties.SelfDecisionRefused):
            duties.check(actor, subject)
    for actor, subject in [
        (p["shimin_head"], p["section_head"]),  # the next unit up
        (p["hr"], p["shimin_head"]),  # office-wide
        (p["shimin_head"], p["member"]),  # an ordinary member of staff in scope
    ]:
        duties.check(actor, subject)  # no refusal


def _leave_request(staff):
    from yakuba.rosters.models import RequestKind, StaffRequest

    return StaffRequest.objects.create(
        staff=staff, date=dt.date.today() + dt.timedelta(days=30), kind=RequestKind.ANNUAL_LEAVE
    )


@pytest.mark.django_db
def test_a_head_cannot_approve_their_own_leave_but_the_unit_above_can(client, people) -> None:
    from yakuba.audit.models import AuditEntry

    own = _leave_request(people["section_head"].staff)
    head = verified_client(client, people["section_head"])
    listing = head.get(reverse("rosters:request_list")).content.decode()
    assert reverse("rosters:request_decide", args=[own.pk]) not in listing  # not offered
    denied = AuditEntry.objects.filter(action="denied").count()
    response = head.post(reverse("rosters:request_decide", args=[own.pk]), {"decision": "approve"})
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.status == "pending"
    assert AuditEntry.objects.filter(action="denied").count() == denied + 1
    above = verified_client(client.__class__(), people["shimin_head"])
    assert (
        reverse("rosters:request_decide", args=[own.pk])
        in above.get(reverse("rosters:request_list")).content.decode()
    )
    above.post(reverse("rosters:request_decide", args=[own.pk]), {"decision": "approve"})
    own.refresh_from_db()
    assert own.status == "approved" and own.decided_by == people["shimin_head"]


@pytest.mark.django_db
def test_a_fellow_head_of_the_same_unit_cannot_decide_but_hr_can(client, people) -> None:
    from yakuba.rosters.services import decide_request

    req = _leave_request(people["shimin_head"].staff)
    with pytest.raises(PermissionDenied):
        decide_request(actor=people["shimin_peer"], request=req, approve=True)
    decide_request(actor=people["hr"], request=req, approve=False)
    req.refresh_from_db()
    assert req.status == "rejected"


@pytest.mark.django_db
def test_no_override_of_ones_own_roster_cell_or_telework_approval(people) -> None:
    from yakuba.rosters import services
    from yakuba.rosters.models import RosterPeriod, RosterVersion, VersionStatus

    head = people["shimin_head"]
    period = RosterPeriod.objects.create(
        unit=head.staff.unit, name="x", start_date=dt.date(2026, 12, 1),
        end_date=dt.date(2026, 12, 31), created_by=people["hr"],
    )  # fmt: skip
    version = RosterVersion.objects.create(
        period=period, number=1, created_by=people["hr"], status=VersionStatus.SOLVED
    )
    day = dt.date(2026, 12, 7)
    with pytest.raises(PermissionDenied):
        services.set_cell(actor=head, version=version, staff=head.staff, date=day, activity=None)
    services.set_cell(
        actor=head, version=version, staff=people["member"], date=day, activity=None
    )  # someone else's cell is the head's to plan
    values = {"team": "", "telework_approved": True, "handles_personal_data": False,
              "life_event": ""}  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.save_work_profile(actor=head, staff=head.staff, values=values)
    services.save_work_profile(actor=people["hr"], staff=head.staff, values=values)


@pytest.mark.django_db
def test_nobody_changes_their_own_role(people, make_user) -> None:
    from yakuba.accounts.services import set_role

    admin = make_user("sysadmin", username="admin")
    with pytest.raises(PermissionDenied):
        set_role(actor=admin, user=admin, role="staff")
    set_role(actor=admin, user=people["hr"], role="staff")
    people["hr"].refresh_from_db()
    assert people["hr"].role == "staff"


@pytest.mark.django_db
def test_a_user_is_not_taken_for_a_staff_record(make_user, org) -> None:
    """A user has a `staff_number` (its staff record's) but is still a user: comparing it
    as a staff record made a head "concern" whoever's staff id equals their account id."""
    head = make_user("unit_head")
    assert duties._staff_of(head) == head.staff
    assert duties._user_of(head) == head
    assert duties._user_of(head.staff) == head
    yamada = org["staff"]["1001"]
    assert duties._staff_of(yamada) == yamada and duties._user_of(yamada) is None
    assert not duties.concerns(head, yamada)
    assert duties.concerns(head, head.staff)
