"""Remote-seat and terminal screens: who may do what, and what they read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.remoteseats import services
from yakuba.remoteseats.models import LoanedTerminal, SeatBooking, TerminalLoan
from yakuba.remoteseats.tests.conftest import approve
from yakuba.rosters.models import RemoteResource

pytestmark = pytest.mark.django_db

SEATS = reverse("remoteseats:seats")


def _staff_client(client, make_user, *, eligible: bool = True, unit_key: str = "shimin"):
    user = make_user("staff", unit_key=unit_key)
    if eligible:
        approve(user.staff)
    return verified_client(client, user), user


def test_staff_books_a_seat_and_sees_it(client, make_user, pool, today) -> None:
    c, user = _staff_client(client, make_user)
    response = c.post(reverse("remoteseats:book"), {"resource": pool.pk, "date": today})
    assert response.status_code == 302
    assert SeatBooking.objects.active().filter(staff=user.staff, date=today).exists()
    html = c.get(response["Location"]).content.decode()
    assert "を予約しました" in html
    assert "あなたはこの日の枠を予約しています" in html
    assert "1/2" in html


def test_full_day_shows_manseki_and_writes_nothing(
    client, make_user, pool, eligible_staff, today
) -> None:
    for _ in range(pool.capacity):
        services.book_seat(None, eligible_staff(), pool, today)
    c, user = _staff_client(client, make_user)
    page = c.get(SEATS).content.decode()
    assert "満席" in page and "満席のため、この日は予約できません。" in page
    response = c.post(
        reverse("remoteseats:book"), {"resource": pool.pk, "date": today}, follow=True
    )
    html = response.content.decode()
    assert "この日のリモート接続枠（VPN端末）は満席です。" in html
    assert not SeatBooking.objects.filter(staff=user.staff).exists()


def test_ineligible_staff_reads_the_reasons(client, make_user, pool, today) -> None:
    c, _user = _staff_client(client, make_user, eligible=False)
    response = c.post(
        reverse("remoteseats:book"), {"resource": pool.pk, "date": today}, follow=True
    )
    html = response.content.decode()
    assert "在宅勤務の要件を満たしていないため予約できません。" in html
    assert "所属長の承認" in html and "未承認" in html
    assert not SeatBooking.objects.exists()


def test_cancel_own_booking_but_not_someone_elses(
    client, make_user, pool, eligible_staff, today
) -> None:
    c, user = _staff_client(client, make_user)
    mine = services.book_seat(user, user.staff, pool, today)
    other = services.book_seat(None, eligible_staff(), pool, today)
    assert c.post(reverse("remoteseats:cancel", args=[other.pk])).status_code == 404
    assert AuditEntry.objects.filter(action="denied").exists()
    response = c.post(reverse("remoteseats:cancel", args=[mine.pk]), follow=True)
    assert "予約を取り消しました" in response.content.decode()
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.cancelled_at is not None and other.cancelled_at is None


def test_holder_names_are_scoped(client, make_user, pool, eligible_staff, today) -> None:
    pool.capacity = 5
    pool.save()
    services.book_seat(None, eligible_staff("madoguchi", name="窓口 花子"), pool, today)
    services.book_seat(None, eligible_staff("zeimu", name="税務 次郎"), pool, today)
    head = verified_client(client, make_user("unit_head", unit_key="shimin"))
    html = head.get(SEATS).content.decode()
    assert "窓口 花子" in html and "税務 次郎" not in html
    assert "ほかに 1 人（あなたの所属外）" in html

    from django.test import Client

    plain, _user = _staff_client(Client(), make_user)
    html = plain.get(SEATS).content.decode()
    assert "窓口 花子" not in html and "税務 次郎" not in html
    assert "ほかに 2 人" in html and "2/5" in html

    hr = verified_client(Client(), make_user("hr"))
    html = hr.get(SEATS).content.decode()
    assert "窓口 花子" in html and "税務 次郎" in html
    assert "税務 次郎さんの予約を取り消す" in html


def test_day_panel_by_htmx_and_fourteen_days(client, make_user, pool, today) -> None:
    c, _user = _staff_client(client, make_user)
    full = c.get(SEATS).content.decode()
    assert full.count('aria-current="date"') == 1
    last = today + dt.timedelta(days=13)
    assert f"?date={last.isoformat()}" in full
    assert f"?date={(today + dt.timedelta(days=14)).isoformat()}" not in full
    day = today + dt.timedelta(days=3)
    partial = c.get(
        SEATS, {"date": day.isoformat()}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="day-panel"
    ).content.decode()
    assert "<html" not in partial
    assert f"{day.year}年{day.month}月{day.day}日" in partial


def test_past_day_has_no_booking_button(client, make_user, pool, today) -> None:
    c, _user = _staff_client(client, make_user)
    html = c.get(SEATS, {"date": (today - dt.timedelta(days=1)).isoformat()}).content.decode()
    assert "過去の日付です" in html
    assert "VPN端末を予約する" not in html


def test_english_page(client, make_user, pool) -> None:
    c, _user = _staff_client(client, make_user)
    client.cookies["django_language"] = "en"
    html = c.get(SEATS).content.decode()
    assert "Remote seats" in html and "Book VPN端末" in html


def test_pool_is_created_by_hr_and_audited(client, make_user, telework) -> None:
    hr = verified_client(client, make_user("hr"))
    response = hr.post(
        reverse("remoteseats:resource_create"),
        {"name": "LGWANテレワークID", "capacity": 20, "activities": [telework.pk], "active": "on"},
    )
    assert response.status_code == 302
    pool = RemoteResource.objects.get(name="LGWANテレワークID")
    assert pool.capacity == 20 and list(pool.activities.all()) == [telework]
    assert AuditEntry.objects.filter(object_type="rosters.remoteresource", action="create").exists()
    response = hr.post(
        reverse("remoteseats:resource_edit", args=[pool.pk]),
        {"name": "LGWANテレワークID", "capacity": 0, "active": "on"},
    )
    assert (
        response.status_code == 200 and "1以上の数を入力してください。" in response.content.decode()
    )


def test_unit_head_cannot_edit_pools(client, make_user, pool) -> None:
    head = verified_client(client, make_user("unit_head"))
    response = head.post(
        reverse("remoteseats:resource_edit", args=[pool.pk]), {"name": "x", "capacity": 99}
    )
    assert response.status_code == 403
    pool.refresh_from_db()
    assert pool.capacity == 2


def test_infosec_lends_and_takes_back_a_terminal(client, make_user, org, today) -> None:
    infosec = verified_client(client, make_user("infosec"))
    response = infosec.post(
        reverse("remoteseats:terminal_create"),
        {"asset_tag": "ｙｋｂ-pc-９", "model_name": "ノートPC", "active": "on"},
    )
    terminal = LoanedTerminal.objects.get()
    assert terminal.asset_tag == "YKB-PC-9"
    assert response["Location"] == reverse("remoteseats:terminal_detail", args=[terminal.pk])
    person = org["staff"]["1002"]
    response = infosec.post(
        reverse("remoteseats:terminal_checkout", args=[terminal.pk]),
        {
            "staff": person.pk,
            "checked_out_on": today,
            "due_on": today + dt.timedelta(days=5),
            "condition_out": "傷なし",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "佐藤 花子さんに貸し出しました" in html
    # A second check-out is refused on the form.
    response = infosec.post(
        reverse("remoteseats:terminal_checkout", args=[terminal.pk]),
        {"staff": org["staff"]["2001"].pk, "checked_out_on": today, "due_on": today},
    )
    assert response.status_code == 200
    assert "この端末は佐藤 花子さんに貸出中です。" in response.content.decode()
    response = infosec.post(
        reverse("remoteseats:terminal_return", args=[terminal.pk]),
        {"returned_on": today, "condition_in": "角に小さな傷"},
        follow=True,
    )
    assert "返却を記録しました" in response.content.decode()
    loan = TerminalLoan.objects.get()
    assert loan.returned_on == today and loan.condition_in == "角に小さな傷"
    html = infosec.get(reverse("remoteseats:terminal_detail", args=[terminal.pk])).content.decode()
    assert "角に小さな傷" in html and "傷なし" in html


def test_overdue_is_flagged_with_text_and_hr_reads_only(client, make_user, org, today) -> None:
    terminal = LoanedTerminal.objects.create(asset_tag="PC-LATE", model_name="ノートPC")
    services.check_out_terminal(
        None,
        terminal,
        org["staff"]["1001"],
        checked_out_on=today - dt.timedelta(days=9),
        due_on=today - dt.timedelta(days=2),
    )
    hr = verified_client(client, make_user("hr"))
    html = hr.get(reverse("remoteseats:terminal_list")).content.decode()
    assert "返却遅れ 2 日" in html and "badge--danger" in html
    assert "返却予定日を過ぎた端末が 1 台あります。" in html
    assert "PC-LATEの返却" not in html  # read-only: no actions
    response = hr.post(
        reverse("remoteseats:terminal_return", args=[terminal.pk]), {"returned_on": today}
    )
    assert response.status_code == 403
    assert TerminalLoan.objects.open().count() == 1


def test_staff_sees_their_own_loan_on_the_seats_page(client, make_user, today) -> None:
    c, user = _staff_client(client, make_user)
    terminal = LoanedTerminal.objects.create(asset_tag="PC-MINE", model_name="ノートPC")
    services.check_out_terminal(None, terminal, user.staff, due_on=today + dt.timedelta(days=3))
    html = c.get(SEATS).content.decode()
    assert "あなたが借りている端末" in html and "PC-MINE" in html
