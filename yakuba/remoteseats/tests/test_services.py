"""Booking, cancelling, capacity with roster telework, eligibility; the terminal ledger."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from yakuba.audit.models import AuditEntry
from yakuba.remoteseats import selectors, services
from yakuba.remoteseats.models import LoanedTerminal, SeatBooking, TerminalLoan
from yakuba.remoteseats.tests.conftest import approve

pytestmark = pytest.mark.django_db


def test_booking_within_capacity_is_written_and_audited(pool, eligible_staff, today) -> None:
    a, b = eligible_staff(), eligible_staff()
    first = services.book_seat(None, a, pool, today)
    services.book_seat(None, b, pool, today)
    assert first.is_active
    assert selectors.seats_used(pool, today) == 2
    entry = AuditEntry.objects.filter(object_type="remoteseats.seatbooking").order_by("seq").first()
    assert entry is not None and entry.changes["used"] == [0, 1]


def test_full_pool_refuses_with_manseki_and_books_nothing(pool, eligible_staff, today) -> None:
    for _ in range(pool.capacity):
        services.book_seat(None, eligible_staff(), pool, today)
    bookings, audits = SeatBooking.objects.count(), AuditEntry.objects.count()
    with pytest.raises(services.SeatsFull) as exc:
        services.book_seat(None, eligible_staff(), pool, today)
    assert "満席" in str(exc.value)
    assert "VPN端末" in str(exc.value)
    assert SeatBooking.objects.count() == bookings
    # The refusal is kept (audited) for the evidence report: demand the pool did not meet.
    assert AuditEntry.objects.count() == audits + 1
    from yakuba.remoteseats.models import SeatRefusal

    refusal = SeatRefusal.objects.get()
    assert (refusal.resource, refusal.date) == (pool, today)
    assert selectors.refusals_by_day(today, today) == {(pool.pk, today): 1}


def test_published_roster_telework_counts_against_capacity(
    pool, eligible_staff, publish, org, telework, today
) -> None:
    day = today + dt.timedelta(days=1)
    publish(org["shimin"], day, telework, [eligible_staff()])
    assert selectors.seats_used(pool, day) == 1
    services.book_seat(None, eligible_staff(), pool, day)
    with pytest.raises(services.SeatsFull):
        services.book_seat(None, eligible_staff(), pool, day)
    # The same day's availability table agrees.
    table = selectors.availability([pool], [day])
    assert table[pool.pk][0].used == 2 and table[pool.pk][0].full


def test_draft_roster_and_other_activities_do_not_count(
    pool, eligible_staff, publish, org, telework, today
) -> None:
    from yakuba.rosters.models import ActivityKind, WorkActivity

    office = WorkActivity.objects.create(
        code="OF", name="庁内", kind=ActivityKind.OFFICE, symbol="庁"
    )
    publish(org["shimin"], today, telework, [eligible_staff()], status="solved")
    publish(org["zeimu"], today, office, [eligible_staff("zeimu")])
    assert selectors.seats_used(pool, today) == 0


def test_person_on_roster_telework_cannot_book_twice(
    pool, eligible_staff, publish, org, telework, today
) -> None:
    person = eligible_staff()
    publish(org["shimin"], today, telework, [person])
    with pytest.raises(services.AlreadyBooked):
        services.book_seat(None, person, pool, today)


def test_ineligible_person_is_refused_with_reasons(pool, org, today) -> None:
    from yakuba.rosters.models import StaffWorkProfile

    person = org["staff"]["1002"]
    StaffWorkProfile.objects.create(staff=person, handles_personal_data=True)
    with pytest.raises(services.NotEligible) as exc:
        services.book_seat(None, person, pool, today)
    assert any("個人情報" in r for r in exc.value.reasons)
    assert any("未承認" in r for r in exc.value.reasons)
    assert not SeatBooking.objects.exists()


def test_double_booking_is_refused(pool, eligible_staff, today) -> None:
    person = eligible_staff()
    services.book_seat(None, person, pool, today)
    with pytest.raises(services.AlreadyBooked):
        services.book_seat(None, person, pool, today)
    assert SeatBooking.objects.count() == 1


def test_database_refuses_a_second_active_booking(pool, eligible_staff, today) -> None:
    person = eligible_staff()
    SeatBooking.objects.create(resource=pool, staff=person, date=today)
    with pytest.raises(IntegrityError), transaction.atomic():
        SeatBooking.objects.create(resource=pool, staff=person, date=today)


def test_past_dates_and_inactive_pools_are_refused(pool, eligible_staff, today) -> None:
    with pytest.raises(services.BookingError, match="過去"):
        services.book_seat(None, eligible_staff(), pool, today - dt.timedelta(days=1))
    pool.active = False
    pool.save()
    with pytest.raises(services.BookingError):
        services.book_seat(None, eligible_staff(), pool, today)


def test_cancel_frees_the_seat_and_allows_rebooking(pool, eligible_staff, today) -> None:
    a, b, c = eligible_staff(), eligible_staff(), eligible_staff()
    booking = services.book_seat(None, a, pool, today)
    services.book_seat(None, b, pool, today)
    services.cancel_booking(None, booking)
    assert selectors.seats_used(pool, today) == 1
    services.book_seat(None, c, pool, today)
    services.book_seat(None, a, pool, today + dt.timedelta(days=1))
    with pytest.raises(services.BookingError):
        services.cancel_booking(None, booking)  # already cancelled
    assert AuditEntry.objects.filter(object_id=str(booking.pk), action="update").exists()


def test_others_may_not_book_or_cancel_for_someone(pool, eligible_staff, make_user, today) -> None:
    person = eligible_staff()
    stranger = make_user("staff")
    head = make_user("unit_head")
    with pytest.raises(PermissionDenied):
        services.book_seat(stranger, person, pool, today)
    booking = services.book_seat(None, person, pool, today)
    with pytest.raises(PermissionDenied):
        services.cancel_booking(head, booking)
    services.cancel_booking(make_user("hr"), booking)  # HR runs the pools


def test_holders_are_named_only_within_scope(
    pool, eligible_staff, make_user, org, publish, telework, today
) -> None:
    pool.capacity = 5
    pool.save()
    in_shimin = eligible_staff("madoguchi", name="窓口 花子")
    in_zeimu = eligible_staff("zeimu", name="税務 次郎")
    services.book_seat(None, in_shimin, pool, today)
    services.book_seat(None, in_zeimu, pool, today)
    publish(org["zeimu"], today, telework, [eligible_staff("zeimu", name="勤務表 三郎")])

    def names(user):
        h = selectors.holders_for_day(user, [pool], today)[pool.pk]
        return h.used, {x.staff.name for x in h.visible}, h.hidden

    head = make_user("unit_head", unit_key="shimin")
    assert names(head) == (3, {"窓口 花子"}, 2)
    assert names(make_user("hr", unit_key="shimin")) == (
        3,
        {"窓口 花子", "税務 次郎", "勤務表 三郎"},
        0,
    )
    assert names(make_user("infosec", unit_key="shimin"))[2] == 0
    plain = make_user("staff", unit_key="zeimu")
    assert names(plain) == (3, set(), 3)
    approve(plain.staff)
    services.book_seat(plain, plain.staff, pool, today)
    used, visible, hidden = names(plain)
    assert (used, visible, hidden) == (4, {plain.staff.name}, 3)


def _terminal(tag: str = "PC-001") -> LoanedTerminal:
    return services.save_terminal(
        actor=None, terminal=None, values={"asset_tag": tag, "model_name": "ノートPC"}
    )


def test_terminal_check_out_and_return(org, make_user, today) -> None:
    infosec = make_user("infosec")
    terminal = _terminal()
    person = org["staff"]["1001"]
    loan = services.check_out_terminal(
        infosec, terminal, person, due_on=today + dt.timedelta(days=7), condition_out="傷なし"
    )
    assert loan.is_open and not loan.overdue
    with pytest.raises(services.LoanError, match="貸出中"):
        services.check_out_terminal(infosec, terminal, org["staff"]["2001"], due_on=today)
    services.return_terminal(infosec, loan, returned_on=today, condition_in="画面に傷")
    loan.refresh_from_db()
    assert loan.returned_on == today and loan.condition_in == "画面に傷"
    assert loan.returned_by == infosec
    with pytest.raises(services.LoanError):
        services.return_terminal(infosec, loan)
    # Lent again after the return.
    services.check_out_terminal(infosec, terminal, org["staff"]["2001"], due_on=today)
    assert AuditEntry.objects.filter(object_type="remoteseats.terminalloan").count() == 3


def test_terminal_cannot_be_lent_twice_by_the_database(org, today) -> None:
    terminal = _terminal()
    TerminalLoan.objects.create(
        terminal=terminal, staff=org["staff"]["1001"], checked_out_on=today, due_on=today
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        TerminalLoan.objects.create(
            terminal=terminal, staff=org["staff"]["2001"], checked_out_on=today, due_on=today
        )


def test_overdue_is_not_returned_and_past_due_in_tokyo(org, today) -> None:
    terminal, other, third = _terminal("PC-1"), _terminal("PC-2"), _terminal("PC-3")
    late = services.check_out_terminal(
        None,
        terminal,
        org["staff"]["1001"],
        checked_out_on=today - dt.timedelta(days=10),
        due_on=today - dt.timedelta(days=2),
    )
    due_today = services.check_out_terminal(None, other, org["staff"]["1002"], due_on=today)
    returned = services.check_out_terminal(
        None,
        third,
        org["staff"]["2001"],
        checked_out_on=today - dt.timedelta(days=10),
        due_on=today - dt.timedelta(days=5),
    )
    services.return_terminal(None, returned, returned_on=today)
    assert late.overdue and late.days_overdue == 2
    assert not due_today.overdue
    assert list(TerminalLoan.objects.overdue()) == [late]


def test_terminal_rules(org, make_user, today) -> None:
    terminal = _terminal()
    with pytest.raises(services.LoanError, match="返却予定日"):
        services.check_out_terminal(
            None, terminal, org["staff"]["1001"], due_on=today - dt.timedelta(days=1)
        )
    with pytest.raises(PermissionDenied):
        services.check_out_terminal(make_user("hr"), terminal, org["staff"]["1001"], due_on=today)
    terminal.active = False
    terminal.save()
    with pytest.raises(services.LoanError):
        services.check_out_terminal(None, terminal, org["staff"]["1001"], due_on=today)


def test_pool_save_is_audited_and_only_for_those_who_run_the_pools(make_user, telework) -> None:
    # The pools are the roster's input: their writes live in rosters.services.
    from yakuba.rosters.services import save_remote_pool

    hr = make_user("hr")
    resource = save_remote_pool(
        actor=hr,
        pool=None,
        values={"name": "LGWANテレワークID", "capacity": 20, "active": True},
        activities=[telework],
    )
    assert list(resource.activities.all()) == [telework]
    save_remote_pool(
        actor=hr,
        pool=resource,
        values={"name": "LGWANテレワークID", "capacity": 25, "active": True},
        activities=[],
    )
    entry = AuditEntry.objects.filter(object_type="rosters.remoteresource", action="update").get()
    assert entry.changes["capacity"] == [20, 25]
    with pytest.raises(PermissionDenied):
        save_remote_pool(
            actor=make_user("unit_head"),
            pool=resource,
            values={"name": "x", "capacity": 1, "active": True},
            activities=[],
        )
    resource.refresh_from_db()
    assert resource.capacity == 25


def test_demo_seed_makes_bookings_and_one_overdue_terminal(eligible_staff, org) -> None:
    from yakuba.remoteseats.demo import seed_remoteseats_demo

    for _ in range(8):
        eligible_staff()
    made = seed_remoteseats_demo()
    assert LoanedTerminal.objects.count() == 8
    assert TerminalLoan.objects.overdue().count() == 1
    assert made["bookings"] > 0
    again = seed_remoteseats_demo()  # idempotent enough: no extra terminals or loans
    assert LoanedTerminal.objects.count() == 8 and again["loans"] == 0


def test_seed_command_leaves_an_office_without_the_demo_city_alone(eligible_staff, org) -> None:
    """Like every demo loader (yakuba.demo.commands); loading it once is tested there."""
    import io

    from django.core.management import call_command

    for _ in range(3):
        eligible_staff()
    out = io.StringIO()
    call_command("seed_remoteseats_demo", "--if-empty", stdout=out)
    assert "デモ市がないため" in out.getvalue()
    assert not LoanedTerminal.objects.exists() and not SeatBooking.objects.exists()
