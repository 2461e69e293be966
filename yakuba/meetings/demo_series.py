"""Ten recurring meetings (定例会議) of the demo city, with three months of past occurrences.

What the reviews app's meeting inventory groups into series (same title, same organiser) and
prices: who was invited, who came and for how long (presence, recorded by hand for the
meetings in the room and from the Teams reports for the online ones), and what the minutes
recorded. The series differ the way real ones do:

* 庁議 and 市民課 課内会議 decide something nearly every time;
* 部課長会議 brings some forty managers together for two hours each month to hear reports
  (no decision in its minutes): the costly one, a candidate for merging with 庁議;
* 情報政策課 週次進捗報告会 has no decision or action in any of its minutes, fewer people
  come each week and many leave early: the candidate for abolition.

Only the in-person occurrences invite demo-staff, and nobody's connection drops here (people
arrive late or leave early), so the connection-quality figures and the catch-ups of the
three meetings in meetings.demo stay as they are. No meeting here is on Zoom, so the licence
demo's peaks are unchanged. Catch-ups are not sent for these past occurrences (they were
held before the catch-ups were switched on).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from yakuba.accounts.models import User
from yakuba.demo import accounts
from yakuba.meetings.models import (
    AgendaItem,
    AttendanceSource,
    EntryKind,
    Meeting,
    MeetingStatus,
    MinutesEntry,
    Platform,
    PresenceInterval,
)
from yakuba.org.models import Staff, Unit

# How far back the occurrences go (weeks); the newest is at least a day before today.
WEEKS_BACK = 13


@dataclass(frozen=True)
class Series:
    title: str
    organiser: str  # username
    platform: str
    weekday: int  # 0 = Monday
    hour: int
    minute: int
    minutes: int
    every_weeks: int  # 1 weekly, 2 fortnightly, 4 "monthly" (every fourth week)
    attend: float  # chance an invitee comes
    attend_trend: float = 0.0  # change of that chance per occurrence (negative: fading)
    leave_early: float = 0.05  # chance someone who came leaves before the end
    decisions: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    agenda: tuple[tuple[str, int], ...] = ()
    guests: tuple[str, ...] = ()
    invite: dict[str, object] = field(default_factory=dict)


SERIES: tuple[Series, ...] = (
    Series(
        "市民課 課内会議",
        accounts.HEAD,
        Platform.IN_PERSON,
        0,
        10,
        0,
        60,
        1,
        attend=0.92,
        decisions=(
            "繁忙期の窓口応援は住民記録係から2名とする。",
            "証明書の郵送請求は翌営業日までに発送する運用とする。",
            "転入届の受付は11時までの来庁者を優先案内する。",
        ),
        actions=("窓口の待ち時間の集計を更新する。", "来週の応援者の勤務表を作る。"),
        notes=("住民票の郵送請求の滞留なし。", "マイナンバーカードの交付予約は順調。"),
        agenda=(("前回の対応事項の確認", 10), ("各係の状況", 30), ("連絡事項", 10)),
        invite={"head_unit": True, "me": True},
    ),
    Series(
        "窓口業務改善 検討会",
        accounts.HEAD,
        Platform.MIXED,
        3,
        15,
        0,
        45,
        2,
        attend=0.85,
        decisions=("書かない窓口の試行を住民票から始める。", "申請書の記載例を窓口に置く。"),
        actions=("他市の書かない窓口の事例を集める。", "申請書の様式を洗い出す。"),
        notes=("待ち時間の平均は前回比で5分短縮。",),
        agenda=(("待ち時間の状況", 10), ("改善案の検討", 30)),
        invite={"units": ("市民課", "保険年金課", "税務課"), "count": 10},
    ),
    Series(
        "庁議",
        accounts.PLANNING,
        Platform.IN_PERSON,
        1,
        9,
        30,
        90,
        4,
        attend=0.95,
        decisions=(
            "次年度の組織改正案を了承する。",
            "災害時の参集基準の見直し案を了承する。",
            "公共施設の使用料改定案を議会に提出する。",
            "テレワークの対象業務の拡大を了承する。",
        ),
        actions=("了承事項を各部に通知する。",),
        agenda=(("付議事項", 60), ("報告事項", 25)),
        invite={"positions": ("部長", "事務局長"), "planning": 2},
    ),
    Series(
        "部課長会議",
        accounts.PLANNING,
        Platform.MIXED,
        0,
        13,
        30,
        120,
        4,
        attend=0.85,
        leave_early=0.3,
        notes=(
            "各部から今月の事業の進捗を報告。",
            "庁議の決定事項を共有。",
            "各課から行事予定を報告。特記事項なし。",
            "議会の日程を共有。",
        ),
        agenda=(("庁議決定事項の共有", 20), ("各部からの報告", 80), ("行事予定", 15)),
        invite={"positions": ("部長", "事務局長", "課長"), "planning": 2},
    ),
    Series(
        "行政改革推進本部 幹事会",
        accounts.PLANNING,
        Platform.TEAMS,
        2,
        10,
        0,
        90,
        4,
        attend=0.8,
        decisions=("押印の見直しを全課で実施する。", "見直しの基準は国のマニュアルに準拠する。"),
        actions=("各課の手続の棚卸し表を集める。", "見直しの進捗を本部会議に報告する。"),
        notes=("各課の棚卸しの状況を確認。",),
        agenda=(("見直しの進捗", 40), ("課題の共有", 40)),
        invite={"positions": ("課長補佐", "係長"), "count": 16, "planning": 2},
    ),
    Series(
        "情報政策課 週次進捗報告会",
        accounts.SYSADMIN,
        Platform.TEAMS,
        4,
        16,
        0,
        60,
        1,
        attend=0.9,
        attend_trend=-0.03,
        leave_early=0.35,
        notes=(
            "各担当から今週の進捗を報告。",
            "特記事項なし。",
            "システム更新の作業予定を読み上げ。",
            "前週からの変更点なし。",
        ),
        agenda=(("各担当の進捗", 50), ("その他", 10)),
        invite={"units": ("情報政策課",), "count": 12},
    ),
    Series(
        "人事課 係内ミーティング",
        accounts.HR,
        Platform.TEAMS,
        1,
        9,
        0,
        30,
        1,
        attend=0.9,
        actions=(
            "採用試験の日程案を作る。",
            "時間外勤務の集計を課長に報告する。",
            "研修の受講者名簿を確定する。",
        ),
        notes=("今週の人事異動の手続を確認。",),
        agenda=(("今週の予定", 15), ("担当からの共有", 15)),
        invite={"units": ("人事課",), "count": 8},
    ),
    Series(
        "働き方改革 検討部会",
        accounts.HR,
        Platform.MIXED,
        3,
        14,
        0,
        90,
        4,
        attend=0.8,
        decisions=("時差出勤の選択肢を4通りに増やす。", "会議は原則60分以内とする。"),
        actions=("各課の時間外勤務の傾向を分析する。", "テレワーク利用者アンケートを作る。"),
        notes=("テレワーク利用率は前月比で3ポイント増。",),
        agenda=(("取組の進捗", 30), ("新しい取組の検討", 50)),
        invite={"positions": ("課長補佐",), "count": 14},
    ),
    Series(
        "情報セキュリティ 連絡会",
        accounts.INFOSEC,
        Platform.TEAMS,
        1,
        15,
        0,
        60,
        4,
        attend=0.75,
        leave_early=0.15,
        decisions=("USBメモリの持ち出し申請を電子化する。",),
        notes=(
            "標的型攻撃メール訓練の結果を報告。",
            "自己点検の回答状況を報告。",
            "インシデントの発生なし。",
        ),
        agenda=(("訓練・点検の結果", 30), ("注意喚起", 20)),
        invite={"positions": ("主査",), "count": 20},
    ),
    Series(
        "基幹系システム 保守定例",
        accounts.INFOSEC,
        Platform.TEAMS,
        2,
        13,
        30,
        60,
        2,
        attend=0.9,
        decisions=("法改正対応の改修は来月のリリースに含める。",),
        actions=("障害報告書の再発防止策を確認する。", "リリース手順書をレビューする。"),
        notes=("今月の障害は1件（帳票の文字化け、対応済み）。",),
        agenda=(("障害・問合せの状況", 20), ("改修の予定", 30)),
        guests=("ベンダー 保守担当", "ベンダー SE"),
        invite={"units": ("情報政策課", "市民課", "税務課"), "count": 8},
    ),
)


def _invitees(spec: Series, organiser: Staff, me: Staff, rng: random.Random) -> list[Staff]:
    active = Staff.objects.filter(active=True).select_related("unit").order_by("staff_number")
    people: list[Staff] = []
    invite = spec.invite
    if invite.get("head_unit"):
        people = list(active.filter(unit__path__startswith=organiser.unit.path))[:12]
    units = invite.get("units")
    if isinstance(units, tuple):
        paths = list(Unit.objects.filter(name__in=units).values_list("path", flat=True))
        query = Q()
        for path in paths:
            query |= Q(unit__path__startswith=path)
        people += list(active.filter(query)) if paths else []
    positions = invite.get("positions")
    if isinstance(positions, tuple):
        people += list(active.filter(position__in=positions))
    count = invite.get("count")
    if isinstance(count, int) and len(people) > count:
        people = sorted(rng.sample(people, count), key=lambda s: s.staff_number)
    planning = invite.get("planning")
    if isinstance(planning, int):
        people += list(active.filter(unit=organiser.unit).exclude(pk=organiser.pk))[:planning]
    chosen = {s.pk: s for s in [organiser, *people]}
    if not invite.get("me"):
        chosen.pop(me.pk, None)
    else:
        chosen[me.pk] = me
    return list(chosen.values())


def _occurrences(spec: Series, today: dt.date) -> list[dt.date]:
    """Past days of the series, oldest first: every `every_weeks` weeks on its weekday."""
    newest = today - dt.timedelta(days=(today.weekday() - spec.weekday) % 7 or 7)
    days = []
    for week in range(0, WEEKS_BACK, spec.every_weeks):
        days.append(newest - dt.timedelta(weeks=week))
    return sorted(days)


def _aware(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def seed_recurring_meetings(seed: int = 17, today: dt.date | None = None) -> int:
    """Create the ten series' past meetings; returns how many meetings were made.

    The newest 市民課 課内会議 is meetings.demo's own (last Monday, on Zoom), so that series
    starts a week earlier here."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    me = Staff.objects.get(user__username=accounts.STAFF)
    made = 0
    for spec in SERIES:
        organiser_user = User.objects.get(username=spec.organiser)
        organiser = organiser_user.staff
        invitees = _invitees(spec, organiser, me, rng)
        days = _occurrences(spec, today)
        if spec.title == "市民課 課内会議":
            days = days[:-1]
        for index, day in enumerate(days):
            _occurrence(spec, index, day, organiser_user, organiser, invitees, rng)
            made += 1
    return made


def _occurrence(
    spec: Series,
    index: int,
    day: dt.date,
    organiser_user: User,
    organiser: Staff,
    invitees: list[Staff],
    rng: random.Random,
) -> Meeting:
    start = _aware(day, spec.hour, spec.minute)
    end = start + dt.timedelta(minutes=spec.minutes)
    finalised = end + dt.timedelta(hours=3)
    meeting = Meeting.objects.create(
        title=spec.title,
        start=start,
        end=end,
        platform=spec.platform,
        unit=organiser.unit,
        organiser=organiser_user,
        host=organiser,
        status=MeetingStatus.FINALISED,
        finalised_at=finalised,
        catchups_prepared_at=finalised,
    )
    meeting.invited_staff.set(invitees)
    meeting.invitees.set(invitees)
    offset = 0
    for order, (title, planned) in enumerate(spec.agenda, start=1):
        AgendaItem.objects.create(
            meeting=meeting,
            order=order,
            title=title,
            planned_minutes=planned,
            started_at=start + dt.timedelta(minutes=offset),
        )
        offset += planned
    source = AttendanceSource.TEAMS if spec.platform == Platform.TEAMS else AttendanceSource.MANUAL
    chance = max(0.3, min(1.0, spec.attend + spec.attend_trend * index))
    rows = []
    for person in invitees:
        if person.pk != organiser.pk and rng.random() > chance:
            continue  # stayed away
        late = rng.choice((0, 0, 0, 1, 2, 5, 10)) if person.pk != organiser.pk else 0
        leave = spec.minutes
        if person.pk != organiser.pk and rng.random() < spec.leave_early:
            leave = rng.randint(spec.minutes * 4 // 10, spec.minutes * 8 // 10)
        rows.append(
            PresenceInterval(
                meeting=meeting,
                staff=person,
                join=start + dt.timedelta(minutes=late),
                leave=start + dt.timedelta(minutes=leave),
                source=source,
                connection_key=f"demo-series:{person.pk}",
            )
        )
    for guest in spec.guests:
        rows.append(
            PresenceInterval(
                meeting=meeting,
                guest_name=guest,
                join=start,
                leave=end,
                source=source,
                connection_key=f"demo-series:{guest}",
            )
        )
    PresenceInterval.objects.bulk_create(rows)
    entries = []
    at = 5.0
    for note in rng.sample(spec.notes, k=min(len(spec.notes), 2)):
        entries.append((at, EntryKind.NOTE, note))
        at += 7
    if spec.decisions and rng.random() < 0.85:
        entries.append((at, EntryKind.DECISION, rng.choice(spec.decisions)))
        at += 9
    if spec.actions and rng.random() < 0.8:
        entries.append((at, EntryKind.ACTION, rng.choice(spec.actions)))
    others = [s for s in invitees if s.pk != organiser.pk] or [organiser]
    MinutesEntry.objects.bulk_create(
        [
            MinutesEntry(
                meeting=meeting,
                kind=kind,
                text=text,
                at=start + dt.timedelta(minutes=minute),
                owner=rng.choice(others) if kind == EntryKind.ACTION else None,
                due=day + dt.timedelta(days=14) if kind == EntryKind.ACTION else None,
                author=organiser_user,
            )
            for minute, kind, text in entries
        ]
    )
    return meeting
