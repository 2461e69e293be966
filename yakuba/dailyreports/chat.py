"""Reports from chat: Slack slash commands and Mattermost slash commands/outgoing webhooks.

    /report 今日: 窓口対応、会議資料 昨日: 住民票の審査 困: 印刷機が故障 場所: 在宅

Verification (nothing is read or stored before it passes):

* Slack: ``X-Slack-Signature`` must equal ``v0=`` + hex HMAC-SHA256(signing secret,
  ``v0:{X-Slack-Request-Timestamp}:{raw body}``); timestamps older than 5 minutes are
  rejected (replay).
* Mattermost: the command/webhook ``token`` (form field or ``Authorization: Token …``)
  must equal MATTERMOST_COMMAND_TOKEN.

The sender is the person who registered the sending chat identity (Slack: the member ID
``user_id`` of the signed request; Mattermost: the user name), and nobody else: a chat user
name that happens to equal a Yakuba user name is not enough (anyone can choose any name in
a chat). Unregistered senders are told how to register. The report is then stored by
`services.save_report`, the same service as the web form, so both doors check the same
rules; its audit entry names the person as the actor and records where the command came
from (`chat_origin`). The answer is the text shown to the sender only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.dailyreports import selectors, services
from yakuba.dailyreports.models import Question, QuestionKind, ReportSource, WorkPlace
from yakuba.notifications.models import ChannelKind
from yakuba.notifications.selectors import chat_command_sender

MAX_AGE_SECONDS = 300

_LABELS = {
    "今日": QuestionKind.PLAN,
    "予定": QuestionKind.PLAN,
    "今日の予定": QuestionKind.PLAN,
    "plan": QuestionKind.PLAN,
    "today": QuestionKind.PLAN,
    "昨日": QuestionKind.DONE,
    "実績": QuestionKind.DONE,
    "昨日の実績": QuestionKind.DONE,
    "done": QuestionKind.DONE,
    "yesterday": QuestionKind.DONE,
    "困": QuestionKind.BLOCKER,
    "困りごと": QuestionKind.BLOCKER,
    "困っていること": QuestionKind.BLOCKER,
    "blocker": QuestionKind.BLOCKER,
    "場所": "place",
    "勤務": "place",
    "place": "place",
}
_PLACES = {
    "庁内": WorkPlace.OFFICE,
    "庁内勤務": WorkPlace.OFFICE,
    "office": WorkPlace.OFFICE,
    "窓口": WorkPlace.COUNTER,
    "counter": WorkPlace.COUNTER,
    "在宅": WorkPlace.HOME,
    "在宅勤務": WorkPlace.HOME,
    "home": WorkPlace.HOME,
    "サテライト": WorkPlace.SATELLITE,
    "サテライト勤務": WorkPlace.SATELLITE,
    "satellite": WorkPlace.SATELLITE,
}
_LABEL_RE = re.compile(
    r"(?:^|\s)(" + "|".join(sorted(map(re.escape, _LABELS), key=len, reverse=True)) + r")\s*[:：]",
    re.IGNORECASE,
)


@dataclass
class ParsedReport:
    answers: dict[str, str] = field(default_factory=dict)  # kind → text
    work_place: str = ""


def parse(text: str) -> ParsedReport:
    """Split `text` at labels; text before any label counts as today's plan."""
    parsed = ParsedReport()
    matches = list(_LABEL_RE.finditer(text))
    head = text[: matches[0].start()] if matches else text
    if head.strip():
        parsed.answers[QuestionKind.PLAN] = head.strip()
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = text[m.end() : end].strip()
        kind = _LABELS[m.group(1).lower()]
        if kind == "place":
            parsed.work_place = _PLACES.get(value.lower(), "")
        elif value:
            previous = parsed.answers.get(kind)
            parsed.answers[kind] = f"{previous}\n{value}" if previous else value
    return parsed


def slack_signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def verify_slack(request: HttpRequest, now: float | None = None) -> bool:
    secret = settings.SLACK_SIGNING_SECRET
    timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
    signature = request.headers.get("X-Slack-Signature", "")
    if not secret or not timestamp.isdigit() or not signature:
        return False
    if abs((now if now is not None else time.time()) - int(timestamp)) > MAX_AGE_SECONDS:
        return False
    return hmac.compare_digest(slack_signature(secret, timestamp, request.body), signature)


def verify_mattermost(request: HttpRequest) -> bool:
    expected = settings.MATTERMOST_COMMAND_TOKEN
    if not expected:
        return False
    header = request.headers.get("Authorization", "")
    token = header[6:].strip() if header.startswith("Token ") else request.POST.get("token", "")
    return bool(token) and hmac.compare_digest(token.encode(), expected.encode())


def answers_by_question(parsed: ParsedReport, questions: list[Question]) -> dict[str, str]:
    """The parsed answers keyed by the id of the unit's question of that kind (the first
    one); kinds the unit does not ask are dropped."""
    by_kind: dict[str, str] = {}
    for q in questions:
        by_kind.setdefault(q.kind, str(q.pk))
    return {by_kind[kind]: text for kind, text in parsed.answers.items() if kind in by_kind}


# Fields of a Slack / Mattermost slash command that say who sent it from where.
ORIGIN_FIELDS = (
    "user_id",
    "user_name",
    "team_id",
    "team_domain",
    "enterprise_id",
    "channel_id",
    "channel_name",
)


def chat_origin(fields: Mapping[str, str], kind: str) -> dict[str, str]:
    """Where a verified command came from, for the audit trail (blank fields left out)."""
    origin = {"chat": str(kind)}
    for name in ORIGIN_FIELDS:
        value = str(fields.get(name, "")).strip()
        if value:
            origin[name] = value[:100]
    return origin


def _not_registered(kind: str, handle: str) -> str:
    """The reply to someone whose chat identity no one has registered: how to register."""
    page = reverse("notifications:my_chat_identities")
    where = f"{settings.YAKUBA_BASE_URL}{page}" if settings.YAKUBA_BASE_URL else page
    if kind == ChannelKind.SLACK:
        text = _(
            "この Slack アカウント（メンバーID %(handle)s）は Yakuba に登録されていません。"
            "Yakuba の「アカウント情報 → チャットのID」で Slack のメンバーIDを登録してから、"
            "もう一度送ってください（%(where)s）。"
        )
    else:
        text = _(
            "この Mattermost アカウント（ユーザー名 %(handle)s）は Yakuba に登録されていません。"
            "Yakuba の「アカウント情報 → チャットのID」で Mattermost のユーザー名を登録してから、"
            "もう一度送ってください（%(where)s）。"
        )
    return text % {"handle": handle or "?", "where": where}


def receive_report(
    fields: Mapping[str, str], source: str, *, now: dt.datetime | None = None
) -> str:
    """Store the report a verified slash command carries; the reply for the sender.

    `fields`: the command's form fields; `source`: ReportSource.SLACK or MATTERMOST.
    """
    kind = ChannelKind.SLACK if source == ReportSource.SLACK else ChannelKind.MATTERMOST
    handle = fields.get("user_id" if kind == ChannelKind.SLACK else "user_name", "").strip()
    staff = chat_command_sender(kind, handle)
    if staff is None:
        return _not_registered(kind, handle[:100])
    window = selectors.get_window(staff.unit)
    if window is None or not window.enabled:
        return _("この所属では朝の業務報告を行っていません。")
    now = now or timezone.now()
    today = timezone.localdate(now)
    parsed = parse(fields.get("text", ""))
    try:
        report = services.save_report(
            actor=staff.user,
            staff=staff,
            day=today,
            answers=answers_by_question(parsed, selectors.active_questions(window)),
            work_place=parsed.work_place,
            source=source,
            origin=chat_origin(fields, kind),
            now=now,
        )
    except ValidationError as exc:
        return " ".join(exc.messages)
    text = _("%(date)s の報告を受け付けました。") % {"date": today.isoformat()}
    if report.late:
        text += _("（遅れて提出）")
    if QuestionKind.BLOCKER in parsed.answers:
        text += _(" 困りごとを記録しました。")
    return text
