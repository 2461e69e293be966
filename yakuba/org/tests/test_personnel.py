"""Joiners, movers and leavers: classification, effective dates and the daily job, leavers
(accounts, sessions, tokens), roster membership, past records, audit, idempotency, bad
input and the preview (pages, filters, download, confirmation)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yakuba.accounts import services as account_services
from yakuba.accounts.models import ApiToken, User
from yakuba.audit.models import AuditEntry
from yakuba.core import scheduling
from yakuba.org.importing import ImportPlan, apply_plan, build_plan
from yakuba.org.imports import LeaversNotConfirmed, confirm_import, start_import
from yakuba.org.membership import members_on
from yakuba.org.models import (
    ImportBatch,
    ImportStatus,
    PlannedChange,
    Staff,
    StaffChange,
    Unit,
)
from yakuba.org.tasks import apply_import
from yakuba.org.tests.test_importing import HEADER, csv_bytes
from yakuba.rosters.solver_io import period_staff

JST = ZoneInfo("Asia/Tokyo")
YAMADA = "1001,山田 太郎,ヤマダ タロウ,正規,,110,,s1001@example.jp,1"
SATO = "1002,佐藤 花子,サトウ ハナコ,正規,,111,住民票、戸籍,s1002@example.jp,1"
SUZUKI = "2001,鈴木 一郎,スズキ イチロウ,正規,,120,税証明,s2001@example.jp,1"


def moved(row: str, unit: str) -> str:
    cells = row.split(",")
    cells[5] = unit
    return ",".join(cells)


def left(row: str) -> str:
    return row[: row.rfind(",")] + ",0"


def plan_of(rows: list[str], **kwargs: Any) -> ImportPlan:
    return build_plan("staff.csv", csv_bytes(rows), **kwargs)


@pytest.mark.django_db
def test_every_person_is_classified_against_the_database(org) -> None:
    Staff(
        staff_number="4001", name="戻 る", name_kana="モドル", unit=org["zeimu"], active=False
    ).save()
    rows = [
        moved(YAMADA, "120"),  # mover
        SATO.replace("正規,,", "正規,主任,"),  # changed (position)
        left(SUZUKI),  # leaver
        "3001,新井 新,アライ アラタ,正規,主事,111,,,1",  # joiner
        "4001,戻 る,モドル,正規,,110,,,1",  # returning, to another unit
    ]
    plan = plan_of(rows)
    assert plan.errors == []
    counts = plan.preview_summary()["people"]
    assert {k: counts[k] for k in ("mover", "changed", "leaver", "joiner", "returning")} == {
        "mover": 1,
        "changed": 1,
        "leaver": 1,
        "joiner": 1,
        "returning": 1,
    }
    assert counts["missing"] == 0 and counts["unchanged"] == 0
    mover = plan.staff_plan.of("mover")[0]
    assert (mover.staff_number, mover.from_code, mover.to_code) == ("1001", "110", "120")
    assert plan.staff_plan.of("changed")[0].fields == {"position": ["", "主任"]}


@pytest.mark.django_db
def test_people_missing_from_the_file_become_leavers_only_with_the_complete_list_flag(
    org,
) -> None:
    partial = plan_of([YAMADA, SATO])
    assert partial.preview_summary()["people"]["missing"] == 0
    apply_plan(partial, actor=None, source="partial")
    assert Staff.objects.get(staff_number="2001").active
    complete = plan_of([YAMADA, SATO], complete_list=True)
    people = complete.preview_summary()["people"]
    assert people["missing"] == 1 and people["unchanged"] == 2
    apply_plan(complete, actor=None, source="complete")
    assert not Staff.objects.get(staff_number="2001").active


@pytest.mark.django_db
def test_bad_input_is_refused_with_the_row_and_column(org) -> None:
    org["zeimu"].active = False
    org["zeimu"].save()
    rows = [
        moved(YAMADA, "120"),  # into a unit no longer in use
        moved(SATO, "999"),  # unknown unit
        "3001,新井 新,アライ アラタ,正規,,111,,,1",
        "3001,二重 登録,ニジュウ トウロク,正規,,111,,,1",  # duplicate staff number
    ]
    plan = plan_of(rows)
    found = {(e.row, e.column) for e in plan.errors}
    assert found == {(2, "所属コード"), (3, "所属コード"), (5, "職員番号")}
    assert "無効" in next(e.message for e in plan.errors if e.row == 2)
    assert plan.staff_plan is None
    # Staying in an inactive unit, or leaving it, is not a move into it.
    assert plan_of([SUZUKI, left(SUZUKI).replace("2001", "2001")]).errors_total == 1  # dup
    assert plan_of([left(SUZUKI)]).errors == []


@pytest.mark.django_db
def test_an_effective_date_far_in_the_past_is_refused(client_for, org) -> None:
    hr = client_for("hr")
    long_ago = timezone.localdate() - dt.timedelta(days=90)
    response = hr.post(
        reverse("org:import_start"),
        {"file": _upload([YAMADA]), "effective_date": long_ago.isoformat()},
    )
    assert response.status_code == 200
    assert "発令日" in response.content.decode()
    assert not ImportBatch.objects.exists()
    with pytest.raises(ValueError):
        start_import(
            actor=User.objects.get(username="u-hr"),
            filename="a.csv",
            data=csv_bytes([YAMADA]),
            effective_date=long_ago,
        )


def _upload(rows: list[str]) -> io.BytesIO:
    handle = io.BytesIO(csv_bytes(rows))
    handle.name = "staff.csv"
    return handle


@pytest.mark.django_db(transaction=True)
def test_future_moves_wait_for_the_job_at_the_start_of_their_day(make_user, org) -> None:
    hr = make_user("hr")
    day = dt.date(2027, 4, 1)
    with time_machine.travel(dt.datetime(2027, 3, 15, 10, tzinfo=JST), tick=False):
        batch = start_import(
            actor=hr,
            filename="april.csv",
            data=csv_bytes(
                [moved(YAMADA, "120"), left(SUZUKI), "3001,新井 新,アライ アラタ,正規,,111,,,1"]
            ),
            effective_date=day,
        )
        batch.refresh_from_db()
        assert batch.status == ImportStatus.READY and batch.summary["future"]
        confirm_import(actor=hr, batch=batch, leavers_confirmed=1)
        batch.refresh_from_db()
        assert batch.status == ImportStatus.DONE
        yamada = Staff.objects.get(staff_number="1001")
        assert yamada.unit.code == "110"  # not yet
        assert Staff.objects.get(staff_number="2001").active
        joiner = Staff.objects.get(staff_number="3001")
        assert not joiner.active  # starts on April 1st
        pending = StaffChange.objects.filter(applied_at__isnull=True)
        assert sorted(pending.values_list("kind", flat=True)) == ["join", "leave", "move"]
        # A March roster period keeps Yamada in 市民課; one from April 1st has him in 税務課.
        assert "1001" in {
            s.staff_number for s in members_on(org["shimin"].path, dt.date(2027, 3, 31))
        }
        april = {s.staff_number for s in members_on(org["zeimu"].path, day)}
        assert "1001" in april and "2001" not in april
        madoguchi = org["madoguchi"].path
        assert "3001" in {s.staff_number for s in members_on(madoguchi, day)}
        assert "3001" not in {s.staff_number for s in members_on(madoguchi, day - dt.timedelta(1))}
    job = scheduling.get_job("org.apply_staff_changes")
    with time_machine.travel(dt.datetime(2027, 3, 31, 23, 59, tzinfo=JST), tick=False):
        assert scheduling.tick(jobs=[job]).keys(job.name) == ["2027-03-31"]
    assert Staff.objects.get(staff_number="1001").unit.code == "110"
    with time_machine.travel(dt.datetime(2027, 4, 1, 0, 0, 30, tzinfo=JST), tick=False):
        assert scheduling.tick(jobs=[job]).keys(job.name) == ["2027-04-01"]
        assert scheduling.tick(jobs=[job]).claimed == []
    assert Staff.objects.get(staff_number="1001").unit.code == "120"
    assert not Staff.objects.get(staff_number="2001").active
    assert Staff.objects.get(staff_number="3001").active
    assert not StaffChange.objects.filter(applied_at__isnull=True).exists()
    entry = AuditEntry.objects.filter(
        object_type="org.staff", object_id=str(yamada.pk), changes__applied=True
    ).latest("seq")
    assert entry.changes["unit"] == ["110", "120"]
    assert entry.actor_label == "org.apply_staff_changes"
    # Run again (a restart): nothing more happens.
    from yakuba.org.personnel import apply_due_changes

    before = AuditEntry.objects.count()
    assert apply_due_changes(day).applied == 0
    assert AuditEntry.objects.count() == before
    # The running March period still has its people; April's the new ones.
    march = {
        s.staff_number: s.unit.code for s in period_staff(org["shimin"], on=dt.date(2027, 3, 1))
    }
    assert march.get("1001") == "110"
    assert "1001" not in {s.staff_number for s in period_staff(org["shimin"], on=day)}
    assert "1001" in {s.staff_number for s in period_staff(org["zeimu"], on=day)}


@pytest.mark.django_db
def test_a_leaver_needs_confirmation_and_their_session_and_token_end(
    client_for, make_user, org
) -> None:
    hr_client = client_for("hr")
    admin = make_user("sysadmin", username="admin")
    leaving = User.objects.create_user("suzuki", password="leaver-password-2027", role="unit_head")
    suzuki = Staff.objects.get(staff_number="2001")
    suzuki.user = leaving
    suzuki.save()
    browser = Client()
    browser.post(
        reverse("accounts:login"), {"username": "suzuki", "password": "leaver-password-2027"}
    )
    _token, raw = account_services.create_api_token(actor=admin, name="sync", owner=leaving)
    api = {"Authorization": f"Bearer {raw}"}
    assert browser.get(reverse("notifications:inbox")).status_code == 200
    assert Client().get("/api/v1/units", headers=api).status_code == 200

    response = hr_client.post(
        reverse("org:import_start"), {"file": _upload([YAMADA, SATO, left(SUZUKI)])}
    )
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("org:import_detail", args=[batch.pk])
    page = hr_client.get(response["Location"]).content.decode()
    assert "鈴木 一郎" in page and "無効にする" in page and 'name="confirm_leavers"' in page
    # Without ticking the confirmation nothing happens.
    hr_client.post(reverse("org:import_apply", args=[batch.pk]), {"leavers": "1"})
    batch.refresh_from_db()
    assert batch.status == ImportStatus.READY
    assert Staff.objects.get(staff_number="2001").active
    with pytest.raises(LeaversNotConfirmed):
        confirm_import(actor=User.objects.get(username="u-hr"), batch=batch, leavers_confirmed=2)
    hr_client.post(
        reverse("org:import_apply", args=[batch.pk]), {"leavers": "1", "confirm_leavers": "1"}
    )
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DONE
    assert batch.result["people"]["accounts_disabled"] == 1
    response = browser.get(reverse("notifications:inbox"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert Client().get("/api/v1/units", headers=api).status_code == 401
    leaving.refresh_from_db()
    assert not leaving.is_active
    # Records kept: the staff record (not in service) and the revoked token.
    assert not Staff.objects.get(staff_number="2001").active
    assert ApiToken.objects.get(owner=leaving).revoked_at is not None


@pytest.mark.django_db
def test_an_api_upload_with_leavers_waits_for_a_person(make_user, org) -> None:
    hr = make_user("hr")
    batch = start_import(
        actor=hr, filename="a.csv", data=csv_bytes([left(SUZUKI)]), auto_apply=True
    )
    batch.refresh_from_db()
    assert batch.status == ImportStatus.READY and batch.summary["held_for_confirmation"]
    moved_only = start_import(
        actor=hr, filename="b.csv", data=csv_bytes([moved(YAMADA, "120")]), auto_apply=True
    )
    moved_only.refresh_from_db()
    assert moved_only.status == ImportStatus.DONE


@pytest.mark.django_db
def test_applied_changes_are_audited_per_person_and_a_rerun_changes_nothing(make_user, org) -> None:
    hr = make_user("hr")
    batch = start_import(actor=hr, filename="a.csv", data=csv_bytes([moved(YAMADA, "120")]))
    confirm_import(actor=hr, batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DONE
    yamada = Staff.objects.get(staff_number="1001")
    entry = AuditEntry.objects.get(object_type="org.staff", object_id=str(yamada.pk))
    assert entry.actor == hr
    assert entry.changes["unit"] == ["110", "120"]
    assert entry.changes["import"] == batch.pk
    assert entry.changes["effective_date"] == timezone.localdate().isoformat()
    summary = AuditEntry.objects.get(action="import", object_id=str(batch.pk))
    assert summary.changes["people"]["moved"] == 1
    before = (AuditEntry.objects.count(), StaffChange.objects.count())
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.APPLYING)
    apply_import.call(batch.pk)  # the upload is gone: nothing is applied twice
    apply_import.call(batch.pk)
    assert StaffChange.objects.count() == before[1]
    # The same file again: everyone unchanged, nothing written for people.
    again = plan_of([moved(YAMADA, "120")])
    assert again.preview_summary()["people"]["unchanged"] == 1
    assert apply_plan(again, actor=hr, source="again").people["updated"] == 0


@pytest.mark.django_db
def test_a_future_file_imported_twice_schedules_each_change_once(make_user, org) -> None:
    hr = make_user("hr")
    day = timezone.localdate() + dt.timedelta(days=20)
    for _ in range(2):
        apply_plan(plan_of([moved(YAMADA, "120")], effective_date=day), actor=hr, source="x")
    assert (
        StaffChange.objects.filter(applied_at__isnull=True, cancelled_at__isnull=True).count() == 1
    )
    # A corrected file (Yamada goes to 窓口係 instead) replaces the pending move.
    plan = plan_of([moved(YAMADA, "111")], effective_date=day)
    assert plan.preview_summary()["people"]["superseded"] == 1
    apply_plan(plan, actor=hr, source="fix")
    live = StaffChange.objects.get(applied_at__isnull=True, cancelled_at__isnull=True)
    assert live.to_unit.code == "111"


@pytest.mark.django_db
def test_the_apply_refuses_a_plan_that_changed_since_the_preview(make_user, org) -> None:
    hr = make_user("hr")
    batch = start_import(actor=hr, filename="a.csv", data=csv_bytes([moved(YAMADA, "120")]))
    Staff.objects.filter(staff_number="1001").update(unit=org["zeimu"])  # moved meanwhile
    confirm_import(actor=hr, batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.READY and batch.summary["changed_since_preview"]
    assert batch.summary["people"]["mover"] == 0


@pytest.mark.django_db
def test_past_records_keep_the_unit_they_were_made_in(make_user, org) -> None:
    from yakuba.dailyreports.models import Report

    yamada = Staff.objects.get(staff_number="1001")
    report = Report.objects.create(staff=yamada, unit=yamada.unit, date=dt.date(2026, 3, 2))
    apply_plan(plan_of([moved(YAMADA, "120")]), actor=None, source="move")
    report.refresh_from_db()
    assert report.unit.code == "110"
    assert Staff.objects.get(pk=yamada.pk).unit.code == "120"


@pytest.mark.django_db
def test_the_preview_pages_filter_and_download_with_a_fixed_number_of_queries(
    client_for, make_user, org, django_assert_max_num_queries
) -> None:
    hr_client = client_for("hr")
    hr = User.objects.get(username="u-hr")
    people = [
        Staff(
            staff_number=f"5{i:03d}", name=f"職員 {i}", name_kana="ショクイン", unit=org["shimin"]
        )
        for i in range(300)
    ]
    Staff.objects.bulk_create(people)
    rows = [
        f"5{i:03d},職員 {i},ショクイン,正規,,{'120' if i % 2 else '111'},,,1" for i in range(300)
    ]
    batch = start_import(actor=hr, filename="april.csv", data=csv_bytes(rows))
    batch.refresh_from_db()
    assert batch.summary["people"]["mover"] == 300
    assert PlannedChange.objects.filter(batch=batch).count() == 300
    url = reverse("org:import_detail", args=[batch.pk])
    with django_assert_max_num_queries(20):
        first = hr_client.get(url)
    with django_assert_max_num_queries(20):
        last = hr_client.get(url, {"changes_page": 6, "unit": "120", "side": "to"})
    assert first.status_code == 200 and "1 / 6" in first.content.decode()
    page = last.content.decode()
    assert "3 / 3" in page and "税務課（120）" in page
    download = hr_client.get(reverse("org:import_changes_download", args=[batch.pk]))
    body = download.content.decode("utf-8-sig")
    assert body.count("\n") == 301 and "5001" in body and "120" in body
    assert AuditEntry.objects.filter(action="export", object_type="org.import").exists()


@pytest.mark.django_db
def test_a_unit_head_may_not_see_or_confirm_an_import(client_for, make_user, org) -> None:
    hr = make_user("hr")
    batch = start_import(actor=hr, filename="a.csv", data=csv_bytes([left(SUZUKI)]))
    head = client_for("unit_head")
    assert head.get(reverse("org:import_changes_download", args=[batch.pk])).status_code == 403
    assert (
        head.post(
            reverse("org:import_apply", args=[batch.pk]), {"confirm_leavers": "1", "leavers": "1"}
        ).status_code
        == 403
    )
    batch.refresh_from_db()
    assert batch.status == ImportStatus.READY


def test_header_is_the_import_layout() -> None:
    assert HEADER.startswith("職員番号")
    assert Unit._meta.get_field("code")
