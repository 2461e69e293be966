"""Demo self-inspection: a finished round last half-year and a second one in progress.

The first round (five months ago) was answered by nearly everyone, confirmed by the unit
heads (demo-head for 市民課 and below, infosec elsewhere), and left findings: most fixed
and verified, some in progress, some still open and overdue — among them demo-staff's
「自宅のルーター」 item in 住民記録係, owned by demo-head. The second round opened ten days
ago, was made from the first, and re-checks the open findings; about a third of the
office has answered, demo-staff has not (their checklist waits on 「わたしのセキュリティ」).

Answers of people without an account are written here directly, as if they had answered
on a shared terminal; every confirmation and finding change goes through the services.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from yakuba.accounts.models import User
from yakuba.demo import accounts
from yakuba.inspections import services
from yakuba.inspections.models import (
    Answer,
    AnswerValue,
    Checklist,
    Finding,
    FindingStatus,
    Round,
    Sheet,
    SheetStatus,
)
from yakuba.org.models import Unit

WEIGHTS = (
    (AnswerValue.DONE, 0.86),
    (AnswerValue.PARTIAL, 0.08),
    (AnswerValue.NOT_DONE, 0.02),
    (AnswerValue.NA, 0.04),
)
COMMENTS: dict[str, str] = {
    AnswerValue.PARTIAL: "急ぎのときに手順を省いたことがある。",
    AnswerValue.NOT_DONE: "手順を知らなかった。今月中に対応する。",
}


def _pick(rng: random.Random, better: float) -> str:
    x = rng.random() - better
    for value, weight in WEIGHTS:
        if x < weight:
            return value
        x -= weight
    return AnswerValue.NA


def _answer(sheets: list[Sheet], rng: random.Random, when: dt.datetime, better: float) -> None:
    """Fill and submit the sheets (bulk), then count them like the service does."""
    answers = list(Answer.objects.filter(sheet__in=sheets).select_related("item"))
    for answer in answers:
        answer.value = _pick(rng, better)
        answer.comment = COMMENTS.get(answer.value, "")
    Answer.objects.bulk_update(answers, ["value", "comment"], batch_size=1000)
    Sheet.objects.filter(pk__in=[s.pk for s in sheets]).update(
        status=SheetStatus.SUBMITTED, submitted_at=when
    )
    for sheet in sheets:
        services._recount(sheet)


def _reviewer(sheet: Sheet, head: User, head_unit: Unit, infosec: User) -> User | None:
    """demo-head for 市民課 and below, infosec elsewhere; nobody confirms their own sheet
    (demo-infosec's stays submitted)."""
    if sheet.unit.path.startswith(head_unit.path) and sheet.staff_id != head.staff.pk:
        return head
    return infosec if sheet.staff_id != infosec.staff.pk else None


@transaction.atomic
def seed_inspections_demo(seed: int = 14) -> dict[str, int]:
    rng = random.Random(seed)
    today = timezone.localdate()
    infosec = User.objects.select_related("staff").get(username=accounts.INFOSEC)
    head = User.objects.select_related("staff__unit").get(username=accounts.HEAD)
    demo_staff = User.objects.select_related("staff").get(username=accounts.STAFF)
    head_unit = head.staff.unit
    services.install_starter_checklists(infosec)
    checklists = list(Checklist.objects.filter(code__in=("staff", "unit-head", "sysadmin")))

    # --- the finished round -------------------------------------------------------------
    opens = today - dt.timedelta(days=170)
    first = services.save_round(
        infosec,
        None,
        {
            "title": f"{opens.year}年 上期 情報セキュリティ自己点検",
            "period_label": f"{opens:%Y-%m}",
            "opens_on": opens,
            "due_on": opens + dt.timedelta(days=28),
            "review_due_on": opens + dt.timedelta(days=42),
            "partial_is_finding": False,
            "finding_days": 60,
            "audience": {},
            "previous": None,
        },
        checklists,
    )
    services.launch_round(infosec, first, notify_people=False)
    sheets = list(first.sheets.select_related("unit", "staff"))
    answered = [s for s in sheets if rng.random() < 0.96]
    submitted_at = timezone.make_aware(
        dt.datetime.combine(opens + dt.timedelta(days=20), dt.time(10))
    )
    _answer(answered, rng, submitted_at, better=0.0)
    # demo-staff had not changed the home router's password: a finding for demo-head.
    mine = next((s for s in answered if s.staff_id == demo_staff.staff.pk), None)
    if mine is not None:
        Answer.objects.filter(sheet=mine, item__code="C-3").update(
            value=AnswerValue.NOT_DONE, comment="ルーターの管理画面のパスワードを変えていなかった。"
        )
        Answer.objects.filter(sheet=mine, item__code="A-1").update(value=AnswerValue.NOT_DONE)
        services._recount(mine)
    for sheet in answered:
        reviewer = _reviewer(sheet, head, head_unit, infosec)
        if reviewer is not None:
            services.review_sheet(reviewer, sheet, confirm=True, comment="")
    findings = list(Finding.objects.filter(round=first).order_by("pk"))
    Finding.objects.filter(round=first).update(due_on=first.due_on + dt.timedelta(days=60))
    mine_codes = {"C-3", "A-1"}
    for finding in findings:
        is_demo = finding.answer.sheet.staff_id == demo_staff.staff.pk
        roll = rng.random()
        owner = User.objects.filter(staff=finding.owner).first() if finding.owner else infosec
        actor = owner or infosec
        if is_demo and finding.item.code in mine_codes:
            if finding.item.code == "A-1":
                services.update_finding(
                    actor,
                    finding,
                    {
                        "status": FindingStatus.IN_PROGRESS,
                        "progress_note": "係内で離席時の画面ロックを再周知した。",
                    },
                )
            continue  # C-3 stays open and overdue
        if roll < 0.6:
            services.update_finding(
                actor,
                finding,
                {"status": FindingStatus.DONE, "progress_note": "手順を再確認し、係内で周知した。"},
            )
            services.update_finding(infosec, finding, {"status": FindingStatus.VERIFIED})
        elif roll < 0.75:
            services.update_finding(
                actor,
                finding,
                {"status": FindingStatus.DONE, "progress_note": "対応した。確認をお願いします。"},
            )
        elif roll < 0.88:
            services.update_finding(
                actor, finding, {"status": FindingStatus.IN_PROGRESS, "progress_note": "対応中。"}
            )
    services.close_round(infosec, first)

    # --- the round in progress, made from the first ------------------------------------
    values = services.next_round_values(first)
    values.update(
        title=f"{today.year}年 下期 情報セキュリティ自己点検",
        period_label=f"{today - dt.timedelta(days=10):%Y-%m}",
        opens_on=today - dt.timedelta(days=10),
        due_on=today + dt.timedelta(days=18),
        review_due_on=today + dt.timedelta(days=30),
    )
    second = services.save_round(infosec, None, values, checklists)
    launched = services.launch_round(infosec, second, notify_people=False)
    pending = [
        s
        for s in second.sheets.select_related("unit", "staff")
        if s.staff_id not in (demo_staff.staff.pk, head.staff.pk) and rng.random() < 0.35
    ]
    _answer(pending, rng, timezone.now() - dt.timedelta(days=2), better=0.05)
    confirmed = 0
    for sheet in pending[: len(pending) // 2]:
        reviewer = _reviewer(sheet, head, head_unit, infosec)
        if reviewer is not None:
            services.review_sheet(reviewer, sheet, confirm=True, comment="")
            confirmed += 1
    return {
        "rounds": Round.objects.count(),
        "sheets": Sheet.objects.count(),
        "findings": Finding.objects.count(),
        "open": Finding.objects.exclude(status=FindingStatus.VERIFIED).count(),
        "carried": launched.carried_over,
        "answered": len(pending),
        "confirmed": confirmed,
    }
