"""Demo incidents over the last months: open, triaged and closed, reported by the demo
accounts (a near miss of demo-staff among them), plus one drill-mail report."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from yakuba.demo import accounts
from yakuba.incidents.models import (
    Category,
    EntryKind,
    Incident,
    Outcome,
    PersonalData,
    Severity,
    Status,
    TimelineEntry,
)

# (days ago, reporter, category, place, what, personal data, status, severity, affected,
#  outcome, actions shown to the reporter)
CASES: list[tuple] = [
    (
        150,
        accounts.HEAD,
        Category.LOST_DEVICE,
        "通勤の電車内",
        "帰宅途中の電車内で、会議資料を保存したUSBメモリ（暗号化あり）を紛失しました。駅に届け出ています。",
        PersonalData.NO,
        Status.CLOSED,
        Severity.MEDIUM,
        0,
        Outcome.RESOLVED,
        [
            "駅の遺失物係から連絡があり、USBメモリは見つかりました。暗号化されていたため情報の漏えいはありません。"
        ],
    ),
    (
        120,
        accounts.STAFF,
        Category.MISSENT,
        "住民記録係",
        "FAXの送信先の番号を1桁間違えて入力しかけました。送信前に気づいて止めました。",
        PersonalData.YES,
        Status.CLOSED,
        Severity.LOW,
        0,
        Outcome.NO_HARM,
        [
            "送信前に気づいて止められたことを確認しました。短縮ダイヤルの登録を進めます。報告ありがとうございました。"
        ],
    ),
    (
        95,
        accounts.COLLEAGUE,
        Category.SUSPICIOUS_MAIL,
        "",
        "「アカウントの有効期限が切れます」という英語混じりのメールが届きました。リンクは開いていません。",
        PersonalData.NO,
        Status.CLOSED,
        Severity.LOW,
        0,
        Outcome.RESOLVED,
        ["同じメールが12人に届いていました。送信元を受信拒否に設定しました。"],
    ),
    (
        70,
        accounts.HR,
        Category.MISSENT,
        "人事課",
        "職員あてのメールで、宛先に別の職員を入れて送ってしまいました。添付ファイルに研修の受講者名簿がありました。",
        PersonalData.YES,
        Status.CLOSED,
        Severity.MEDIUM,
        24,
        Outcome.RESOLVED,
        [
            "受信した職員に削除を依頼し、削除の確認を受けました。",
            "名簿の送付はファイルサーバーの共有に切り替えます。",
        ],
    ),
    (
        45,
        accounts.SYSADMIN,
        Category.VIRUS,
        "情報政策課",
        "ウイルス対策ソフトが、外部から受け取ったUSBメモリのファイルを隔離しました。",
        PersonalData.NO,
        Status.CLOSED,
        Severity.MEDIUM,
        0,
        Outcome.RESOLVED,
        ["端末を検査し、感染がないことを確認しました。"],
    ),
    (
        20,
        accounts.COLLEAGUE,
        Category.LOST_DEVICE,
        "自宅",
        "在宅勤務で使っている貸出端末の充電器を自宅で見失いました（端末本体は手元にあります）。",
        PersonalData.NO,
        Status.CLOSED,
        Severity.LOW,
        0,
        Outcome.FALSE_ALARM,
        ["端末本体に問題はないため、対応は不要です。充電器は予備をお渡しします。"],
    ),
    (
        9,
        accounts.HEAD,
        Category.UNAUTHORISED_ACCESS,
        "",
        "身に覚えのないサインインの通知メールが届きました。通知のリンクは開いていません。",
        PersonalData.UNKNOWN,
        Status.IN_PROGRESS,
        Severity.HIGH,
        None,
        "",
        ["サインインの記録を確認しています。念のためパスワードを変更してください。"],
    ),
    (
        3,
        accounts.STAFF,
        Category.SUSPICIOUS_MAIL,
        "",
        "宅配便の不在通知を名乗るメールが届きました。添付ファイルは開いていません。",
        PersonalData.NO,
        Status.REPORTED,
        "",
        None,
        "",
        [],
    ),
    (
        1,
        accounts.HR,
        Category.OTHER,
        "庁舎2階",
        "会議室のホワイトボードに、前の会議の相談者名が書かれたまま残っていました。消してから報告しています。",
        PersonalData.YES,
        Status.REPORTED,
        "",
        None,
        "",
        [],
    ),
]


@transaction.atomic
def seed_incidents_demo() -> dict[str, int]:
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=accounts.ALL_USERNAMES)
    }
    infosec = users.get(accounts.INFOSEC)
    now = timezone.now()
    made = {"incidents": 0, "open": 0, "closed": 0}
    for (
        days,
        who,
        category,
        place,
        what,
        personal,
        status,
        severity,
        affected,
        outcome,
        actions,
    ) in CASES:
        reported = now - dt.timedelta(days=days, hours=2)
        # demo-colleague comes from seed_reports_demo; without it demo-staff reports.
        reporter = users.get(who) or users.get(accounts.STAFF)
        incident = Incident.objects.create(
            reporter=reporter,
            reported_at=reported,
            category=category,
            occurred_at=reported - dt.timedelta(hours=1),
            place=place,
            description=what,
            personal_data=personal,
            mail_subject="ご不在連絡：お荷物のお届けについて"
            if category == Category.SUSPICIOUS_MAIL and days < 5
            else "",
            mail_sender="delivery-info@example.net"
            if category == Category.SUSPICIOUS_MAIL and days < 5
            else "",
            status=status,
            severity=severity,
            personal_data_confirmed=None if status == Status.REPORTED else personal == "yes",
            people_affected=affected,
            outcome=outcome,
            closed_at=reported + dt.timedelta(days=2) if status == Status.CLOSED else None,
        )
        entries = [
            TimelineEntry(
                incident=incident,
                at=reported,
                author=reporter,
                kind=EntryKind.REPORTED,
                text="報告を受け付けました。情報セキュリティ担当が確認します。",
                for_reporter=True,
            )
        ]
        if status != Status.REPORTED:
            entries.append(
                TimelineEntry(
                    incident=incident,
                    at=reported + dt.timedelta(hours=3),
                    author=infosec,
                    kind=EntryKind.TRIAGE,
                    text="評価を記録しました。",
                    for_reporter=False,
                )
            )
            entries.append(
                TimelineEntry(
                    incident=incident,
                    at=reported + dt.timedelta(hours=4),
                    author=infosec,
                    kind=EntryKind.NOTE,
                    text="所属長に電話で状況を確認（内部メモ）。",
                    for_reporter=False,
                )
            )
        for n, text in enumerate(actions, start=1):
            entries.append(
                TimelineEntry(
                    incident=incident,
                    at=reported + dt.timedelta(hours=5 + n),
                    author=infosec,
                    kind=EntryKind.ACTION,
                    text=text,
                    for_reporter=True,
                )
            )
        if status == Status.CLOSED:
            entries.append(
                TimelineEntry(
                    incident=incident,
                    at=reported + dt.timedelta(days=2),
                    author=infosec,
                    kind=EntryKind.CLOSED,
                    text="対応を完了しました。",
                    for_reporter=True,
                )
            )
        TimelineEntry.objects.bulk_create(entries)
        made["incidents"] += 1
        made["closed" if status == Status.CLOSED else "open"] += 1
    return made
