"""Morning-report demo data for the demo city (みどり野市), called by `seed_reports_demo`.

Windows for the demo staff member's section, the demo unit head's division and two more
units; two weeks of past reports (some late, some missing) with blockers, a few resolved;
stored digests for the past days; and a Mattermost-format webhook to the local test
receiver (`manage.py chat_receiver`, http://127.0.0.1:8065/). The demo staff member's
section gets a "live" window starting a few minutes after seeding, every day, so a report,
a reminder and a digest can be watched in one sitting. A colleague in that section gets a
staff account too (`demo-colleague`, the demo password) so there is someone to remind, and
both have a Mattermost user name, so the receiver shows real ``@mentions``.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.core.text import search_key
from yakuba.dailyreports import services
from yakuba.dailyreports import window as win
from yakuba.dailyreports.digest import build_content
from yakuba.dailyreports.models import (
    Blocker,
    BlockerStatus,
    Digest,
    QuestionKind,
    Report,
    ReportStatus,
    ReportWindow,
    WorkPlace,
)
from yakuba.demo import accounts
from yakuba.notifications.models import Channel, ChannelKind
from yakuba.notifications.services import set_chat_identities
from yakuba.org.models import Staff, Unit

RECEIVER_URL = "http://127.0.0.1:8065/hooks/yakuba-demo"
COLLEAGUE = accounts.COLLEAGUE
# Mattermost user names differ from Yakuba's on purpose: mentions use the chat's own.
MATTERMOST_NAMES = {accounts.STAFF: "midori.juki", COLLEAGUE: "midori.colleague"}
PAST_DAYS = 14
PLANS = (
    "窓口対応（住民票・印鑑登録）",
    "転入届の審査",
    "会議資料の作成",
    "電話問い合わせ対応",
    "システム改修の打合せ",
    "統計資料の集計",
    "郵送請求の処理",
    "課内ミーティング",
)
BLOCKERS = (
    "窓口の待ち時間が長く、応援がほしい",
    "在宅だと基幹系システムに入れない",
    "貸出端末のVPNがつながりにくい",
    "マニュアルが古く、新しい様式に合っていない",
    "印刷機が故障している",
)


@dataclass(frozen=True)
class DemoResult:
    units: list[str]
    reports: int
    blockers: int
    live_window: str
    colleague: str = ""  # the name of the person behind accounts.COLLEAGUE, if made


def _answers(window: ReportWindow, rng: random.Random, blocker: str) -> list[dict[str, str]]:
    out = []
    for q in window.questions.filter(active=True):
        if q.kind == QuestionKind.PLAN:
            text = "\n".join(rng.sample(PLANS, 2))
        elif q.kind == QuestionKind.DONE:
            text = rng.choice(PLANS)
        elif q.kind == QuestionKind.BLOCKER:
            text = blocker
        else:
            text = ""
        out.append({"q": q.text, "kind": q.kind, "a": text})
    return out


def _pick_units() -> list[Unit]:
    units: list[Unit] = []
    for username in (accounts.STAFF, accounts.HEAD):
        staff = Staff.objects.filter(user__username=username).select_related("unit").first()
        if staff is not None and staff.unit not in units:
            units.append(staff.unit)
    for unit in Unit.objects.filter(staff__isnull=False).distinct().order_by("path"):
        if len(units) >= 4:
            break
        if unit not in units:
            units.append(unit)
    return units


def _colleague(unit: Unit) -> str:
    """Give one colleague of the demo staff member an account (same demo password).

    Returns the colleague's name ("" when there is nobody to give it to)."""
    from yakuba.accounts.models import User
    from yakuba.accounts.roles import Role

    person = unit.staff.filter(active=True, user__isnull=True).order_by("staff_number").first()
    if person is None or User.objects.filter(username=COLLEAGUE).exists():
        return ""
    user = User.objects.create_user(COLLEAGUE, role=Role.STAFF)
    user.set_password(accounts.DEMO_PASSWORD)
    user.save()
    person.user = user
    person.save(update_fields=["user"])
    for username, handle in MATTERMOST_NAMES.items():
        staff = Staff.objects.filter(user__username=username).first()
        if staff is not None:
            set_chat_identities(actor=None, staff=staff, handles={ChannelKind.MATTERMOST: handle})
    return person.name


@transaction.atomic
def seed(seed: int = 2026, now: dt.datetime | None = None) -> DemoResult:
    now = now or timezone.now()
    rng = random.Random(seed)
    today = timezone.localdate(now)
    units = _pick_units()
    reports: list[Report] = []
    blockers = 0
    live = colleague = ""
    for index, unit in enumerate(units):
        window = services.ensure_window(unit)
        channel = Channel(unit=unit, name=f"{unit.name}（テスト受信）", kind=ChannelKind.MATTERMOST)
        channel.set_url(RECEIVER_URL)
        channel.save()
        window.channels.add(channel)
        if index == 0:
            # The live window: opens at the next 5-minute mark, every day, for the demo.
            local = timezone.localtime(now) + dt.timedelta(minutes=5)
            opens = local.replace(minute=local.minute - local.minute % 5, second=0, microsecond=0)
            closes = opens + dt.timedelta(minutes=15)
            if closes.date() == opens.date():
                window.opens_at, window.closes_at = opens.time(), closes.time()
                window.workdays, window.work_on_holidays = "1111111", True
                window.health_check = True
                window.remind_chat = True  # reminders mention people in the chat too
            live = f"{unit.name} {window.opens_at:%H:%M}–{window.closes_at:%H:%M}"
            colleague = _colleague(unit)
        window.save()
        people = list(unit.staff.filter(active=True))
        for back in range(PAST_DAYS, 0, -1):
            day = today - dt.timedelta(days=back)
            if not win.is_working_day(window, day):
                continue
            for person in people:
                roll = rng.random()
                if roll < 0.1:
                    continue  # missing
                late = roll > 0.9
                minute = rng.randint(50, 80) if late else rng.randint(0, 14)
                at = win.opens(window, day) + dt.timedelta(minutes=minute)
                blocker = rng.choice(BLOCKERS) if rng.random() < 0.08 else ""
                report = Report(
                    staff=person,
                    unit=unit,
                    date=day,
                    status=ReportStatus.SUBMITTED,
                    work_place=rng.choice(list(WorkPlace.values)),
                    answers=_answers(window, rng, blocker),
                    submitted_at=at,
                    late=late,
                )
                report.search_text = search_key(" ".join(a["a"] for a in report.answers))
                reports.append(report)
    Report.objects.bulk_create(reports, batch_size=500)
    for report in Report.objects.filter(unit__in=units).order_by("date"):
        text = report.answer_of(QuestionKind.BLOCKER)
        if not text:
            continue
        resolved = rng.random() < 0.4
        Blocker.objects.create(
            unit=report.unit,
            owner=report.staff,
            text=text,
            source_report=report,
            opened_on=report.date,
            last_reported_on=report.date,
            status=BlockerStatus.RESOLVED if resolved else BlockerStatus.OPEN,
            resolved_on=report.date + dt.timedelta(days=1) if resolved else None,
        )
        blockers += 1
    for unit in units:
        window = unit.report_window
        for back in range(PAST_DAYS, 0, -1):
            day = today - dt.timedelta(days=back)
            if win.is_working_day(window, day):
                Digest.objects.create(unit=unit, date=day, content=build_content(unit, day))
    record(
        AuditAction.CREATE,
        actor=None,
        actor_label="seed_reports_demo",
        object_type="dailyreports.report",
        object_repr=f"demo: {len(units)} units, {len(reports)} reports, {blockers} blockers",
    )
    return DemoResult([u.name for u in units], len(reports), blockers, live, colleague)
