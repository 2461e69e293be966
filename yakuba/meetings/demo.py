"""Demo meetings for the demo city: three past meetings of 市民課 with realistic drops, and
ten recurring meetings.

* 課内会議 (Zoom, last week): recorded webhook payloads — with redeliveries and "left"
  events arriving late — are replayed through the real, signed webhook endpoint;
* 窓口混雑対策 打合せ (Teams): a Japanese attendance report file, restarted once (two
  reports);
* 住民記録システム更新 説明会 (Zoom): a long session where several people keep dropping.

Each has an agenda stamped as it ran, minutes with decisions and action items, finalised
minutes and catch-ups sent; every catch-up is acknowledged except demo-staff's for last
week's 課内会議, which therefore shows on that meeting's re-contact list. demo-staff's line
keeps dropping, so the daily connection-quality run nudges them to run the check.

Then ten recurring meetings (定例会議) with three months of past occurrences, attendance and
minutes (meetings.demo_series), which the reviews app groups into series and prices.

Called by `manage.py seed_meetings_demo` (run by `make run`); never by a production start.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import secrets
import time
from typing import Any

from django.conf import settings
from django.test import Client
from django.utils import timezone

from yakuba.accounts.models import User
from yakuba.demo import accounts
from yakuba.meetings import services, zoom
from yakuba.meetings.demo_series import seed_recurring_meetings
from yakuba.meetings.models import (
    AgendaItem,
    CatchUp,
    EntryKind,
    Meeting,
    MinutesEntry,
    Platform,
)
from yakuba.meetings.quality import services as quality_services
from yakuba.meetings.tests.factories import zoom_event
from yakuba.meetings.tests.teams_files import report
from yakuba.org.models import Staff, Unit

ORGANISER = accounts.HEAD
UNACKNOWLEDGED = accounts.STAFF
ZOOM_KEY = "demo"


def _host() -> str:
    for host in settings.ALLOWED_HOSTS:
        if host and host != "*":
            return host.lstrip(".") or "localhost"
    return "localhost"


class _Replayer:
    """Posts recorded Zoom payloads to the real endpoint, signed as Zoom signs them."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.client = Client(HTTP_HOST=_host())
        self.secure = bool(getattr(settings, "SECURE_SSL_REDIRECT", False))
        self.statuses: list[int] = []

    def post(self, payload: dict[str, Any]) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        stamp = str(int(time.time()))
        response = self.client.post(
            f"/meetings/hooks/zoom/{ZOOM_KEY}/",
            data=body,
            content_type="application/json",
            secure=self.secure,
            HTTP_X_ZM_REQUEST_TIMESTAMP=stamp,
            HTTP_X_ZM_SIGNATURE=zoom.signature(self.secret, stamp, body),
        )
        self.statuses.append(response.status_code)


def _local(day: dt.date, hh: int, mm: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hh, mm)))


def _last_weekday(today: dt.date, weekday: int, weeks_back: int) -> dt.date:
    day = today - dt.timedelta(days=(today.weekday() - weekday) % 7 or 7)
    return day - dt.timedelta(weeks=weeks_back)


def _meeting(
    organiser: User,
    title: str,
    start: dt.datetime,
    minutes: int,
    platform: str,
    room: str,
    invitees: list[Staff],
    unit: Unit,
) -> Meeting:
    meeting = Meeting(
        title=title,
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        platform=platform,
        platform_meeting_id=room,
        join_url=f"https://zoom.example.jp/j/{room}" if platform == Platform.ZOOM else "",
        unit=unit,
        organiser=organiser,
        host=getattr(organiser, "staff", None),
    )
    services.save_meeting(
        actor=organiser,
        meeting=meeting,
        creating=True,
        values={
            "title": meeting.title,
            "start": meeting.start,
            "end": meeting.end,
            "platform": platform,
            "join_url": meeting.join_url,
            "platform_meeting_id": room,
            "host": meeting.host,
            "drop_threshold_s": 60,
        },
        invited_staff=invitees,
        invited_units=[],
    )
    return meeting


def _agenda(
    meeting: Meeting, organiser: User, items: list[tuple[str, int, int, Staff | None]]
) -> None:
    """(title, planned minutes, actual start offset in minutes, presenter)."""
    for i, (title, planned, offset, presenter) in enumerate(items):
        AgendaItem.objects.create(
            meeting=meeting,
            order=i + 1,
            title=title,
            planned_minutes=planned,
            presenter=presenter,
            started_at=meeting.start + dt.timedelta(minutes=offset),
        )


def _minutes(
    meeting: Meeting, organiser: User, entries: list[tuple[float, str, str, Staff | None, int]]
) -> None:
    """(minute offset, kind, text, owner, due in days)."""
    agenda = list(meeting.agenda.all())
    for offset, kind, text, owner, due in entries:
        at = meeting.start + dt.timedelta(minutes=offset)
        current = [a for a in agenda if a.started_at and a.started_at <= at]
        MinutesEntry.objects.create(
            meeting=meeting,
            agenda_item=current[-1] if current else None,
            kind=kind,
            text=text,
            at=at,
            owner=owner if kind == EntryKind.ACTION else None,
            due=(timezone.localtime(meeting.start).date() + dt.timedelta(days=due))
            if kind == EntryKind.ACTION
            else None,
            author=organiser,
        )


def _zoom_payloads(
    meeting: Meeting, pattern: dict[Staff | str, list[tuple[float, float]]], rng: random.Random
) -> list[dict[str, Any]]:
    """Join/leave payloads for each person's (join, leave) minute offsets; some are sent
    twice (Zoom redelivers) and the order is shuffled locally (late "left" events)."""
    payloads = []
    for who, spans in pattern.items():
        if isinstance(who, Staff):
            name, email = who.name, who.email
        else:
            name, email = who, ""
        for join, leave in spans:
            for kind, offset in (("join", join), ("leave", leave)):
                payloads.append(
                    zoom_event(
                        kind,
                        name=name,
                        email=email,
                        at=meeting.start + dt.timedelta(minutes=offset),
                        meeting_id=meeting.platform_meeting_id,
                        uuid=f"{abs(hash(name)) % 10**8:08d}",
                    )
                )
    payloads += rng.sample(payloads, k=max(1, len(payloads) // 6))  # redeliveries
    # Mostly in time order, with neighbours swapped: "left" arriving after the next "joined".
    payloads.sort(key=lambda p: json.dumps(p["payload"]["object"]["participant"], sort_keys=True))
    rng.shuffle(payloads)
    return payloads


def _finish(meeting: Meeting, organiser: User) -> None:
    services.refresh_presence(meeting, force=True)
    meeting.status = "finalised"
    meeting.finalised_at = meeting.end + dt.timedelta(hours=2)
    meeting.save(update_fields=["status", "finalised_at"])
    services.compute_and_send_catchups(meeting.pk)


def seed_meetings_demo(seed: int = 6) -> dict[str, int]:
    rng = random.Random(seed)
    organiser = User.objects.get(username=ORGANISER)
    unit = organiser.staff.unit
    people = list(
        Staff.objects.filter(unit__path__startswith=unit.path, active=True).order_by("staff_number")
    )
    me = User.objects.get(username=UNACKNOWLEDGED).staff
    others = [s for s in people if s.pk not in (me.pk, organiser.staff.pk)]
    invitees = [organiser.staff, me, *others[:10]]
    a, b, c, d, e, f = (others + others)[:6]

    secret = secrets.token_urlsafe(24)
    services.create_zoom_account(actor=organiser, name="デモ市 Zoom", key=ZOOM_KEY, secret=secret)
    replayer = _Replayer(secret)
    today = timezone.localdate()

    # 1. 課内会議, last Monday 10:00, Zoom.
    m1 = _meeting(
        organiser,
        "市民課 課内会議",
        _local(_last_weekday(today, 0, 0), 10, 0),
        60,
        Platform.ZOOM,
        "83512340001",
        invitees,
        unit,
    )
    _agenda(
        m1,
        organiser,
        [
            ("前回の対応事項の確認", 10, 0, organiser.staff),
            ("窓口の繁忙期対応（3月・4月）", 20, 9, a),
            ("マイナンバーカード交付予約の運用変更", 15, 31, b),
            ("連絡事項", 10, 48, None),
        ],
    )
    _minutes(
        m1,
        organiser,
        [
            (4, EntryKind.NOTE, "住民票の郵送請求の滞留は解消済み。", None, 0),
            (14, EntryKind.DECISION, "3月最終週と4月第1週は窓口を2人増員する。", None, 0),
            (19, EntryKind.ACTION, "繁忙期の応援者の勤務表案を作る。", me, 7),
            (23, EntryKind.NOTE, "待ち時間の表示は庁舎1階のモニターに出す。", None, 0),
            (
                35,
                EntryKind.DECISION,
                "交付予約は来月からWeb予約のみとし、電話は補助とする。",
                None,
                0,
            ),
            (41, EntryKind.ACTION, "Web予約の案内文を市報4月号に載せる。", b, 14),
            (52, EntryKind.NOTE, "年末の庁舎停電点検は12月28日。", None, 0),
        ],
    )
    pattern1: dict[Staff | str, list[tuple[float, float]]] = {
        organiser.staff: [(0, 60)],
        # The router at home: dropped for 9 minutes during the 繁忙期 item, then 40 s later.
        me: [(0, 17.5), (26.5, 44), (44.7, 60)],
        a: [(0, 60)],
        b: [(1, 60)],
        c: [(8, 60)],  # late
        d: [(0, 38)],  # left early
        "県 市町村課 担当者": [(29, 45)],  # a guest
    }
    for s in others[6:10]:
        pattern1[s] = [(0, 60)]
    # e stays away entirely.
    for payload in _zoom_payloads(m1, pattern1, rng):
        replayer.post(payload)
    _finish(m1, organiser)

    # 2. 窓口混雑対策 打合せ, Teams, restarted after the host's laptop froze.
    m2 = _meeting(
        organiser,
        "窓口混雑対策 打合せ",
        _local(_last_weekday(today, 2, 1), 14, 0),
        45,
        Platform.TEAMS,
        "",
        [organiser.staff, a, b, c, e, f],
        unit,
    )
    _agenda(
        m2,
        organiser,
        [
            ("混雑状況の報告", 10, 0, a),
            ("整理券発行機の導入", 20, 12, c),
            ("今後の進め方", 10, 33, None),
        ],
    )
    _minutes(
        m2,
        organiser,
        [
            (6, EntryKind.NOTE, "月曜午前の待ち時間は平均38分。", None, 0),
            (20, EntryKind.DECISION, "整理券発行機を試行導入する（2台）。", None, 0),
            (24, EntryKind.ACTION, "発行機の見積りを2社から取る。", c, 10),
            (38, EntryKind.ACTION, "試行の周知文を作る。", f, 14),
        ],
    )
    local = timezone.localtime(m2.start).replace(tzinfo=None)

    def at(minutes: float) -> dt.datetime:
        return local + dt.timedelta(minutes=minutes)

    first = [
        (organiser.staff.name, organiser.staff.email, at(0), at(21), False),
        (a.name, a.email, at(0), at(21), False),
        (b.name, b.email, at(1), at(21), False),
        (c.name, c.email, at(0), at(9), False),
        (c.name, c.email, at(11), at(21), False),
        (f.name, f.email, at(3), at(21), False),
        ("コンサルタント 田中", "tanaka@consult.example.com", at(0), at(21), True),
    ]
    second = [
        (organiser.staff.name, organiser.staff.email, at(23), at(45), False),
        (a.name, a.email, at(23), at(45), False),
        (b.name, b.email, at(24), at(30), False),  # left early
        (c.name, c.email, at(23), at(45), False),
        (f.name, f.email, at(26), at(45), False),
    ]
    for connections in (first, second):
        services.import_teams_report(
            actor=organiser,
            meeting=m2,
            data=report(m2.title, connections, lang="ja"),
            filename="出席者リスト.csv",
        )
    _finish(m2, organiser)

    # 3. 住民記録システム更新 説明会, Zoom, 90 minutes, several unstable lines.
    m3 = _meeting(
        organiser,
        "住民記録システム更新 説明会",
        _local(_last_weekday(today, 3, 2), 13, 30),
        90,
        Platform.ZOOM,
        "83512340003",
        invitees,
        unit,
    )
    _agenda(
        m3,
        organiser,
        [
            ("更新のスケジュール", 15, 0, None),
            ("画面の変更点（証明書発行）", 30, 16, a),
            ("データ移行と停止期間", 25, 47, b),
            ("質疑応答", 20, 70, None),
        ],
    )
    _minutes(
        m3,
        organiser,
        [
            (10, EntryKind.DECISION, "本番切替は2月の第2土曜日とする。", None, 0),
            (30, EntryKind.NOTE, "証明書の発行画面は3画面から1画面に統合される。", None, 0),
            (55, EntryKind.DECISION, "移行期間中の窓口は手書き受付で対応する。", None, 0),
            (60, EntryKind.ACTION, "手書き受付の様式を用意する。", d, 21),
            (78, EntryKind.ACTION, "操作研修の日程を調整する。", me, 14),
        ],
    )
    pattern3: dict[Staff | str, list[tuple[float, float]]] = {
        organiser.staff: [(0, 90)],
        # Home Wi-Fi again: four short drops (12–18 s, no catch-up needed). With last
        # week's two, demo-staff is above the connection-quality threshold and nudged.
        me: [(0, 20), (20.2, 40), (40.3, 65), (65.2, 80), (80.25, 90)],
        a: [(0, 90)],
        b: [(0, 31), (32.5, 90)],
        c: [(0, 12), (12.3, 50), (57, 90)],
        d: [(2, 23), (29, 71), (71.5, 90)],
        e: [(0, 90)],
        "ベンダー 技術担当": [(0, 90)],
    }
    for s in others[6:10]:
        pattern3[s] = [(0, 45), (46, 90)]
    for payload in _zoom_payloads(m3, pattern3, rng):
        replayer.post(payload)
    _finish(m3, organiser)

    # Everyone acknowledged except demo-staff for last week's 課内会議.
    for catchup in CatchUp.objects.filter(meeting__in=[m1, m2, m3]).select_related("meeting"):
        if catchup.sent_at is None or (catchup.meeting_id == m1.pk and catchup.staff_id == me.pk):
            continue
        catchup.acknowledged_at = catchup.sent_at + dt.timedelta(hours=rng.randint(1, 20))
        catchup.save(update_fields=["acknowledged_at"])
    # The daily connection-quality run, as the scheduler would start it.
    nudges = quality_services.send_nudges()
    # Ten recurring meetings with three months of past occurrences (the reviews inventory).
    recurring = seed_recurring_meetings()
    return {
        "meetings": 3 + recurring,
        "connection_nudges": nudges,
        "catchups": CatchUp.objects.count(),
        "webhook_posts": len(replayer.statuses),
        "webhook_errors": sum(1 for s in replayer.statuses if s != 200),
    }
