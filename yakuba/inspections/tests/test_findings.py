"""Review by the unit head, findings from 「していない」, their lifecycle to verification,
carry-over into the next round, reminders, and the auditor's read-only view."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from yakuba.inspections import notices, services
from yakuba.inspections.models import Finding, FindingStatus, Round, Sheet, SheetStatus
from yakuba.inspections.tests.factories import answer_all, make_round
from yakuba.notifications.models import Notice

pytestmark = pytest.mark.django_db


def _submitted(office, name: str = "staff", values: dict[str, str] | None = None) -> Sheet:
    sheet = office["sheet"](name)
    answer_all(sheet, values or {"A-1": "not_done", "A-2": "partial"})
    sheet.refresh_from_db()
    return sheet


def test_unit_head_confirms_and_not_done_becomes_a_finding(office) -> None:
    sheet = _submitted(office)
    head = office["client"]("head")
    listing = head.get(reverse("inspections:review_list")).content.decode()
    assert office["users"]["staff"].staff.name in listing
    url = reverse("inspections:review_sheet", args=[sheet.pk])
    assert "画面ロック" in head.get(url).content.decode()
    head.post(url, {"confirm": "1", "comment": ""})
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.CONFIRMED and sheet.reviewed_by == office["users"]["head"]
    finding = Finding.objects.get()
    assert finding.item.code == "A-1"  # 「一部」 is not a finding unless the round says so
    assert finding.owner == office["users"]["head"].staff  # default owner: the unit head
    assert finding.due_on == timezone.localdate() + dt.timedelta(days=30)
    assert finding.corrective_action == "A-1 のコメント"
    assert Notice.objects.filter(
        recipient=office["users"]["staff"], subject__contains="確認されました"
    ).exists()


def test_partial_answers_become_findings_when_the_round_says_so(office) -> None:
    Round.objects.filter(pk=office["round"].pk).update(partial_is_finding=True)
    sheet = _submitted(office)
    services.review_sheet(office["users"]["head"], sheet, confirm=True, comment="")
    assert sorted(Finding.objects.values_list("item__code", flat=True)) == ["A-1", "A-2"]


def test_send_back_needs_a_comment_and_reopens_the_sheet(office) -> None:
    sheet = _submitted(office)
    head = office["client"]("head")
    url = reverse("inspections:review_sheet", args=[sheet.pk])
    page = head.post(url, {"return": "1", "comment": ""})
    assert "差し戻すときは、理由をコメントに書いてください。" in page.content.decode()
    head.post(url, {"return": "1", "comment": "A-2 の理由を書いてください"})
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.RETURNED and not Finding.objects.exists()
    mine = (
        office["client"]("staff")
        .get(reverse("inspections:sheet", args=[sheet.pk]))
        .content.decode()
    )
    assert "A-2 の理由を書いてください" in mine and 'name="submit"' in mine


def test_review_scope_and_no_self_review(office) -> None:
    sheet = _submitted(office)
    url = reverse("inspections:review_sheet", args=[sheet.pk])
    assert office["client"]("other_head").get(url).status_code == 404
    assert office["client"]("auditor").post(url, {"confirm": "1"}).status_code == 403
    own = office["sheet"]("head")
    answer_all(own)
    with pytest.raises(ValidationError, match="確認できません"):
        services.review_sheet(office["users"]["head"], own, confirm=True, comment="")
    services.review_sheet(office["users"]["infosec"], own, confirm=True, comment="")  # infosec may


def test_finding_lifecycle_to_verified(office) -> None:
    sheet = _submitted(office)
    services.review_sheet(office["users"]["head"], sheet, confirm=True, comment="")
    finding = Finding.objects.get()
    url = reverse("inspections:finding_detail", args=[finding.pk])
    head = office["client"]("head")
    head.post(
        url, {"status": "in_progress", "corrective_action": "係内で周知する", "progress_note": ""}
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.IN_PROGRESS
    page = head.post(
        url, {"status": "done", "corrective_action": "係内で周知する", "progress_note": ""}
    )
    assert "行った対応を記録してください" in page.content.decode()
    head.post(
        url,
        {"status": "done", "corrective_action": "係内で周知する", "progress_note": "5/1 に周知"},
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.DONE and finding.done_at is not None
    # Only infosec verifies; the unit head cannot mark their own fix as checked.
    with pytest.raises(ValidationError):
        services.update_finding(office["users"]["head"], finding, {"status": "verified"})
    office["client"]("infosec").post(
        url,
        {
            "status": "verified",
            "corrective_action": "係内で周知する",
            "progress_note": "5/1 に周知",
        },
    )
    finding.refresh_from_db()
    assert (
        finding.status == FindingStatus.VERIFIED
        and finding.verified_by == office["users"]["infosec"]
    )
    # The person who answered sees the finding; a colleague elsewhere does not.
    assert office["client"]("staff").get(url).status_code == 200
    assert office["client"]("other").get(url).status_code == 404


def test_auditor_reads_findings_but_cannot_change_them(office) -> None:
    sheet = _submitted(office)
    services.review_sheet(office["users"]["head"], sheet, confirm=True, comment="")
    finding = Finding.objects.get()
    url = reverse("inspections:finding_detail", args=[finding.pk])
    auditor = office["client"]("auditor")
    page = auditor.get(url).content.decode()
    assert "画面ロック" in page and "対応の更新" not in page
    assert auditor.post(url, {"status": "in_progress"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.update_finding(office["users"]["auditor"], finding, {"status": "in_progress"})
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN
    for name in ("round_list", "heatmap", "report"):
        text = auditor.get(reverse(f"inspections:{name}")).content.decode()
        main = text.split("<main", 1)[1]
        assert 'method="post"' not in main, name
    assert (
        auditor.post(reverse("inspections:round_close", args=[office["round"].pk])).status_code
        == 403
    )


def test_open_findings_are_rechecked_in_the_next_round(office) -> None:
    sheet = _submitted(office)
    services.review_sheet(office["users"]["head"], sheet, confirm=True, comment="")
    old = Finding.objects.get()
    services.close_round(office["users"]["infosec"], office["round"])
    nxt = make_round(
        [office["staff_list"], office["head_list"]],
        title="下期の自己点検",
        opens_on=office["round"].opens_on + dt.timedelta(days=180),
        previous=office["round"],
    )
    launched = services.launch_round(office["users"]["infosec"], nxt, notify_people=False)
    assert launched.carried_over == 1
    new_sheet = Sheet.objects.get(round=nxt, staff=office["users"]["staff"].staff)
    recheck = new_sheet.answers.get(item__code="A-1")
    assert recheck.previous_finding == old
    page = (
        office["client"]("staff")
        .get(reverse("inspections:sheet", args=[new_sheet.pk]))
        .content.decode()
    )
    assert "前回の点検の指摘事項を再点検します。" in page
    detail = (
        office["client"]("infosec")
        .get(reverse("inspections:round_detail", args=[nxt.pk]))
        .content.decode()
    )
    assert "前回以前の点検からの未完了の指摘事項" in detail and "画面ロック" in detail
    # Still not done: the new finding points back at the old one.
    answer_all(new_sheet, {"A-1": "not_done"})
    services.review_sheet(office["users"]["head"], new_sheet, confirm=True, comment="")
    new = Finding.objects.get(round=nxt)
    assert new.previous == old
    old_page = (
        office["client"]("infosec")
        .get(reverse("inspections:finding_detail", args=[old.pk]))
        .content.decode()
    )
    assert "次回の点検での再点検" in old_page and "実施していない" in old_page


def test_next_round_is_prefilled_from_the_previous(office) -> None:
    page = office["client"]("infosec").get(
        reverse("inspections:round_create") + f"?from={office['round'].pk}"
    )
    text = page.content.decode()
    due = office["round"].due_on
    month = due.month + 6
    assert f"{due.year + (month - 1) // 12}-{(month - 1) % 12 + 1:02d}" in text
    assert "の設定を引き継ぎます" in text


def test_reminders_are_sent_once_per_day(office) -> None:
    round_ = office["round"]
    day = round_.due_on - dt.timedelta(days=1)
    first = notices.send_reminders(day.isoformat())
    people_with_accounts = Sheet.objects.filter(round=round_, staff__user__isnull=False).count()
    assert first["sheets"] == Sheet.objects.filter(round=round_).count()
    assert Notice.objects.filter(subject__contains="回答期限").count() == people_with_accounts
    again = notices.send_reminders(day.isoformat())
    assert again == {"sheets": 0, "findings": 0}
    assert Notice.objects.filter(subject__contains="回答期限").count() == people_with_accounts
    assert notices.send_reminders((round_.due_on - dt.timedelta(days=3)).isoformat())["sheets"] == 0


def test_overdue_findings_are_notified_weekly(office) -> None:
    sheet = _submitted(office)
    services.review_sheet(office["users"]["head"], sheet, confirm=True, comment="")
    finding = Finding.objects.get()
    late = finding.due_on + dt.timedelta(days=1)
    assert notices.send_reminders(late.isoformat())["findings"] == 1
    assert (
        Notice.objects.filter(
            recipient=office["users"]["head"], subject__contains="期限を過ぎた"
        ).count()
        == 1
    )
    assert notices.send_reminders((late + dt.timedelta(days=3)).isoformat())["findings"] == 0
    assert notices.send_reminders((late + dt.timedelta(days=7)).isoformat())["findings"] == 1
