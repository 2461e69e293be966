"""An office as the "today" page sees it on Monday 2026-12-07 at 08:40 (Asia/Tokyo), in
two sizes, for the panel tests and the constant-query tests.

`today_office(org, me, size)` gives `me` (a member of 市民課) a published week, a morning
report window that is open, a remote seat tomorrow, a terminal due back, catch-ups, a
meeting today and unread notices; `size` more colleagues each get the same kinds of rows
(their own cells, reports, bookings, loans, invitations, catch-ups, notices), and `me`
gets more of the lists a panel shortens (catch-ups, notices, meetings today): fewer than a
panel shows in the small office (size 3), more in the large one, so a query per row shows
as a difference. Both take the same branches (several units, something in every panel).
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

# A Monday that is not a public holiday; 08:40 lies inside the default window 08:30–08:45.
DAY = dt.date(2026, 12, 7)
MORNING = timezone.make_aware(dt.datetime(2026, 12, 7, 8, 40))
WEEK = [DAY + dt.timedelta(days=i) for i in range(7)]
SMALL, LARGE = 3, 40

_numbers = itertools.count(1)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def activities() -> dict[str, Any]:
    """庁内勤務, 在宅（VPN） consuming a 3-seat pool, and 在宅（LGWAN） with no pool."""
    from yakuba.rosters.models import AccessMethod, ActivityKind, RemoteResource, WorkActivity

    office, _ = WorkActivity.objects.get_or_create(
        unit=None,
        code="office",
        defaults={"name": "庁内勤務", "kind": ActivityKind.OFFICE, "symbol": "庁"},
    )
    vpn, _ = WorkActivity.objects.get_or_create(
        unit=None,
        code="tw-vpn",
        defaults={
            "name": "在宅（VPN）",
            "kind": ActivityKind.TELEWORK,
            "access_method": AccessMethod.VPN,
            "symbol": "在",
            "colour": "green",
        },
    )
    lgwan, _ = WorkActivity.objects.get_or_create(
        unit=None,
        code="tw-lgwan",
        defaults={
            "name": "在宅（LGWAN）",
            "kind": ActivityKind.TELEWORK,
            "access_method": AccessMethod.LGWAN,
            "symbol": "L",
            "colour": "teal",
        },
    )
    pool, created = RemoteResource.objects.get_or_create(name="VPN端末", defaults={"capacity": 3})
    if created:
        pool.activities.set([vpn])
    return {"office": office, "vpn": vpn, "lgwan": lgwan, "pool": pool}


def publish_week(
    unit: Any, cells: dict[Any, dict[dt.date, Any]], *, status: str = "published"
) -> Any:
    """A roster of `unit` over the days of `cells`: {staff: {date: activity, or "off" or the
    reason of a day off ("annual_leave", "substitute"…)}}, published by default."""
    from yakuba.accounts.models import User
    from yakuba.rosters.models import Assignment, RosterPeriod, RosterVersion, VersionStatus

    author = User.objects.filter(username="roster-author").first() or (
        User.objects.create_user("roster-author", password=None, role="hr")
    )
    days = sorted({d for row in cells.values() for d in row})
    period = RosterPeriod.objects.create(
        unit=unit, name="週の勤務表", start_date=days[0], end_date=days[-1], created_by=author
    )
    published = status == VersionStatus.PUBLISHED
    version = RosterVersion.objects.create(
        period=period,
        number=1,
        status=status,
        created_by=author,
        published_at=at(7, 0, days[0] - dt.timedelta(days=3)) if published else None,
    )
    rows = []
    for staff, by_day in cells.items():
        for day, what in by_day.items():
            off = isinstance(what, str)
            rows.append(
                Assignment(
                    version=version,
                    staff=staff,
                    date=day,
                    activity=None if off else what,
                    off_reason=what if off and what != "off" else "",
                )
            )
    Assignment.objects.bulk_create(rows)
    return version


def colleagues(org: dict[str, Any], n: int) -> list[Any]:
    """`n` more active staff, spread over 市民課 and its 窓口係."""
    from yakuba.org.models import Staff

    units = [org["shimin"], org["madoguchi"]]
    made = []
    for i in range(n):
        k = next(_numbers)
        made.append(
            Staff(
                staff_number=f"6{k:04d}",
                name=f"同僚 {k}",
                name_kana="ドウリョウ",
                unit=units[i % 2],
                email=f"c{k}@example.jp",
            )
        )
    return Staff.objects.bulk_create(made)


def today_office(org: dict[str, Any], me_user: Any, size: int) -> dict[str, Any]:
    """Everything the panels read, for `me_user` and `size` colleagues (see module doc)."""
    from yakuba.accounts.models import User
    from yakuba.dailyreports.models import Report, ReportStatus
    from yakuba.dailyreports.tests.factories import window_for
    from yakuba.meetings.models import CatchUp, Meeting, Platform
    from yakuba.notifications.models import Notice
    from yakuba.remoteseats.models import LoanedTerminal, SeatBooking, TerminalLoan

    me = me_user.staff
    acts = activities()
    others = colleagues(org, size)
    people = [me, *others]
    # The roster: me in the office today, at home over VPN tomorrow (a seat from the
    # roster), on leave on Wednesday; colleagues in the office, a few at home.
    cells: dict[Any, dict[dt.date, Any]] = {}
    for i, s in enumerate(people):
        cells[s] = {d: acts["office"] if d.weekday() < 5 else "off" for d in WEEK}
        if s is not me and i % 5 == 0:
            cells[s][DAY] = "annual_leave"  # off today: not expected to report
    cells[me][WEEK[1]] = acts["vpn"]
    cells[me][WEEK[2]] = "annual_leave"
    publish_week(org["shimin"], cells)
    # Morning reports: both units report 08:30–08:45; every other colleague has reported.
    for unit in (org["shimin"], org["madoguchi"]):
        window_for(unit, opens_at=dt.time(8, 30), closes_at=dt.time(8, 45))
    Report.objects.bulk_create(
        Report(
            staff=s,
            unit=s.unit,
            date=DAY,
            status=ReportStatus.SUBMITTED,
            answers=[{"q": "今日の予定", "a": "窓口", "kind": "plan"}],
            submitted_at=at(8, 35),
        )
        for s in others[::2]
    )
    # Remote seats: colleagues book the pool on the coming days; terminals out on loan.
    SeatBooking.objects.bulk_create(
        SeatBooking(resource=acts["pool"], staff=s, date=WEEK[3 + i % 2])
        for i, s in enumerate(others)
    )
    terminals = LoanedTerminal.objects.bulk_create(
        LoanedTerminal(asset_tag=f"YKB-T-{next(_numbers):04d}", model_name="ノートPC（VPN）")
        for _ in people
    )
    TerminalLoan.objects.bulk_create(
        TerminalLoan(
            terminal=t,
            staff=s,
            checked_out_on=DAY - dt.timedelta(days=10),
            due_on=DAY + dt.timedelta(days=2 if s is me else (i % 9) - 4),
        )
        for i, (t, s) in enumerate(zip(terminals, people, strict=True))
    )
    # Meetings: one later today for everyone, one earlier today (over), and past meetings
    # each with a catch-up per person nobody has acknowledged yet.
    organiser = User.objects.create_user(f"organiser-{next(_numbers)}", password=None)
    today_meetings = []
    later = [(f"打合せ {k + 1}", at(13 + k % 5, 0)) for k in range(size // 8)]
    for title, start in [("課内ミーティング", at(10)), ("朝礼", at(8, 0)), *later]:
        m = Meeting.objects.create(
            title=title,
            start=start,
            end=start + dt.timedelta(minutes=30),
            platform=Platform.ZOOM,
            join_url="https://zoom.example.jp/j/85012345678",
            unit=org["shimin"],
            organiser=organiser,
        )
        m.invitees.set(people)
        today_meetings.append(m)
    past = []
    for k in range(2 if size <= SMALL else size // 4):
        start = at(14, 0, DAY - dt.timedelta(days=k + 1))
        past.append(
            Meeting.objects.create(
                title=f"定例会 {k + 1}",
                start=start,
                end=start + dt.timedelta(hours=1),
                platform=Platform.TEAMS,
                unit=org["shimin"],
                organiser=organiser,
            )
        )
    CatchUp.objects.bulk_create(
        CatchUp(meeting=m, staff=s, content={"items": []}, sent_at=m.end)
        for m in past
        for s in people
    )
    # Notices: more unread than the panel shows, for me and for everyone else.
    users = [me_user, *User.objects.exclude(pk=me_user.pk)]
    Notice.objects.bulk_create(
        Notice(
            recipient=u,
            subject=f"お知らせ {k + 1}",
            url="/reports/today/",
            created_at=at(7, k % 60, DAY - dt.timedelta(days=k // 60)),
        )
        for u in users
        for k in range(2 if size <= SMALL else size)
    )
    return {"me": me, "others": others, "activities": acts, "meetings": today_meetings}


def _request(user: Any) -> Any:
    """A fresh request of a freshly read user (nothing cached on it yet)."""
    from django.test import RequestFactory

    from yakuba.accounts.models import User

    request = RequestFactory().get("/")
    request.user = User.objects.get(pk=user.pk)
    return request


def _panel(name: str) -> Any:
    from yakuba.core.panels import registered

    return next(p for p in registered() if p.name == name)


def panel_context(name: str, user: Any) -> dict[str, Any] | None:
    """What the registered panel `name` gives `user` now."""
    return _panel(name).context(_request(user))


def panel_queries(name: str, org: dict[str, Any], make_user: Any, role: str) -> list[int]:
    """The number of queries panel `name` makes, reading and rendering, for a `role` in the
    small office, then in the large one (built on top of the small one), at 08:40 on DAY."""
    import time_machine
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (SMALL, LARGE):
        user = make_user(role, username=f"{name}-{role}-{size}")
        today_office(org, user, size)
        request = _request(user)
        panel = _panel(name)
        with time_machine.travel(MORNING, tick=False), CaptureQueriesContext(connection) as qs:
            context = panel.context(request)
            assert context is not None, f"{name} has nothing to say ({size} people)"
            # Without the request: the page's context processors are not the panel's.
            render_to_string(panel.template, {"p": context, "request": request})
        counts.append(len(qs))
    return counts
