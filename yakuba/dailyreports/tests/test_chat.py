"""Reports from Slack / Mattermost slash commands: verification first, then parsing."""

from __future__ import annotations

import time
import urllib.parse

import pytest
from django.test import override_settings
from django.urls import reverse

from yakuba.audit.models import AuditEntry
from yakuba.dailyreports import chat
from yakuba.dailyreports.models import Blocker, Report
from yakuba.dailyreports.tests.factories import window_for
from yakuba.notifications.services import set_chat_identities

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "mm-command-token-123"


SLACK_ID = "U01YAMADA"


def _body(user: str, text: str, user_id: str = SLACK_ID) -> bytes:
    return urllib.parse.urlencode(
        {"token": "ignored", "team_id": "T1", "user_id": user_id, "user_name": user,
         "command": "/report", "text": text}
    ).encode()  # fmt: skip


@pytest.fixture
def reporter(make_user, org):
    """A member of staff who registered their Slack member ID and Mattermost user name."""
    window_for(org["shimin"])
    user = make_user("staff", username="yamada")
    set_chat_identities(
        actor=None, staff=user.staff, handles={"slack": SLACK_ID, "mattermost": "yamada"}
    )
    return user


def _slack(client, body: bytes, *, timestamp: int | None = None, secret: str = SECRET):
    ts = str(timestamp if timestamp is not None else int(time.time()))
    return client.post(
        reverse("dailyreports:slack_command"),
        body,
        content_type="application/x-www-form-urlencoded",
        HTTP_X_SLACK_REQUEST_TIMESTAMP=ts,
        HTTP_X_SLACK_SIGNATURE=chat.slack_signature(secret, ts, body),
    )


@pytest.mark.django_db
@override_settings(SLACK_SIGNING_SECRET=SECRET)
def test_slack_signed_command_stores_report_and_blocker(client, reporter) -> None:
    response = _slack(client, _body("yamada", "今日: 窓口対応 昨日: 審査 困: 印刷機 場所: 在宅"))
    assert response.status_code == 200
    assert response.json()["response_type"] == "ephemeral"
    report = Report.objects.get(staff=reporter.staff)
    assert report.source == "slack" and report.work_place == "home"
    assert report.answer_of("plan") == "窓口対応"
    assert report.answer_of("done") == "審査"
    assert Blocker.objects.get().text == "印刷機"


@pytest.mark.django_db
@override_settings(SLACK_SIGNING_SECRET=SECRET)
@pytest.mark.parametrize("problem", ["wrong_secret", "stale", "tampered", "missing"])
def test_slack_bad_signature_is_401_and_stores_nothing(client, reporter, problem) -> None:
    body = _body("yamada", "今日: 窓口対応 昨日: 審査")
    if problem == "wrong_secret":
        response = _slack(client, body, secret="not-the-secret")
    elif problem == "stale":
        response = _slack(client, body, timestamp=int(time.time()) - chat.MAX_AGE_SECONDS - 10)
    elif problem == "tampered":
        ts = str(int(time.time()))
        response = client.post(
            reverse("dailyreports:slack_command"),
            _body("yamada", "今日: 改ざん"),
            content_type="application/x-www-form-urlencoded",
            HTTP_X_SLACK_REQUEST_TIMESTAMP=ts,
            HTTP_X_SLACK_SIGNATURE=chat.slack_signature(SECRET, ts, body),
        )
    else:
        response = client.post(
            reverse("dailyreports:slack_command"), body,
            content_type="application/x-www-form-urlencoded",
        )  # fmt: skip
    assert response.status_code == 401
    assert not Report.objects.exists()


@pytest.mark.django_db
@override_settings(SLACK_SIGNING_SECRET="")
def test_slack_without_configured_secret_refuses(client, reporter) -> None:
    assert _slack(client, _body("yamada", "今日: x"), secret="").status_code == 401
    assert not Report.objects.exists()


@pytest.mark.django_db
@override_settings(MATTERMOST_COMMAND_TOKEN=TOKEN)
def test_mattermost_token(client, reporter) -> None:
    url = reverse("dailyreports:mattermost_command")
    bad = client.post(url, {"token": "wrong", "user_name": "yamada", "text": "今日: x 昨日: y"})
    assert bad.status_code == 401 and not Report.objects.exists()
    good = client.post(url, {"token": TOKEN, "user_name": "yamada", "text": "今日: x 昨日: y"})
    assert good.status_code == 200
    assert Report.objects.get().source == "mattermost"
    header = client.post(
        url, {"user_name": "yamada", "text": "今日: z 昨日: y"}, HTTP_AUTHORIZATION=f"Token {TOKEN}"
    )
    assert header.status_code == 200
    assert Report.objects.get().answer_of("plan") == "z"


@pytest.mark.django_db
@override_settings(MATTERMOST_COMMAND_TOKEN=TOKEN)
def test_unknown_chat_user_gets_a_message_and_nothing_is_stored(client, reporter) -> None:
    response = client.post(
        reverse("dailyreports:mattermost_command"),
        {"token": TOKEN, "user_name": "nobody", "text": "今日: x"},
    )
    assert response.status_code == 200
    reply = response.json()["text"]
    assert "ユーザー名 nobody" in reply and "登録されていません" in reply
    assert "チャットのID" in reply and reverse("notifications:my_chat_identities") in reply
    assert not Report.objects.exists()


@pytest.mark.django_db
@override_settings(SLACK_SIGNING_SECRET=SECRET, YAKUBA_BASE_URL="https://yakuba.city.example.lg.jp")
def test_slack_user_name_alone_never_files_for_someone(client, make_user, org) -> None:
    """A signed Slack command from an unregistered member whose user name equals a Yakuba
    user name is not taken for that person (anyone can choose any name in Slack)."""
    window_for(org["shimin"])
    make_user("staff", username="yamada")  # has not registered a Slack member ID
    response = _slack(client, _body("yamada", "今日: なりすまし 昨日: 審査", user_id="U0SOMEONE"))
    assert response.status_code == 200
    reply = response.json()["text"]
    assert "メンバーID U0SOMEONE" in reply and "登録されていません" in reply
    assert "https://yakuba.city.example.lg.jp/notices/chat-ids/" in reply
    assert not Report.objects.exists()
    assert not AuditEntry.objects.filter(object_type="dailyreports.report").exists()


@pytest.mark.django_db
@override_settings(SLACK_SIGNING_SECRET=SECRET)
def test_slack_attribution_follows_the_member_id_not_the_name(client, reporter, make_user) -> None:
    """Someone else naming the registered person's user name files nothing for them; the
    registered member ID files for its owner whatever user name comes with it."""
    _slack(client, _body("yamada", "今日: 他人の報告 昨日: 審査", user_id="U0MALLORY"))
    assert not Report.objects.exists()
    _slack(
        client, _body("a-new-display-name", "今日: 本人の報告 昨日: 審査", user_id=SLACK_ID.lower())
    )
    assert Report.objects.get(staff=reporter.staff).answer_of("plan") == "本人の報告"


@pytest.mark.django_db
@override_settings(MATTERMOST_COMMAND_TOKEN=TOKEN)
def test_mattermost_user_name_equal_to_a_yakuba_name_is_not_enough(client, make_user, org) -> None:
    window_for(org["shimin"])
    make_user("staff", username="suzuki")  # no Mattermost user name registered
    response = client.post(
        reverse("dailyreports:mattermost_command"),
        {"token": TOKEN, "user_name": "suzuki", "text": "今日: x 昨日: y"},
    )
    assert "登録されていません" in response.json()["text"]
    assert not Report.objects.exists()


@pytest.mark.django_db
@override_settings(MATTERMOST_COMMAND_TOKEN=TOKEN)
def test_registered_identity_of_a_disabled_account_files_nothing(client, reporter) -> None:
    reporter.is_active = False
    reporter.save()
    response = client.post(
        reverse("dailyreports:mattermost_command"),
        {"token": TOKEN, "user_name": "yamada", "text": "今日: x 昨日: y"},
    )
    assert "登録されていません" in response.json()["text"]
    assert not Report.objects.exists()


@pytest.mark.django_db
@override_settings(SLACK_SIGNING_SECRET=SECRET)
def test_slack_report_audit_names_the_person_and_the_chat_origin(client, reporter) -> None:
    body = urllib.parse.urlencode(
        {"team_id": "T0CITY", "team_domain": "midori", "channel_id": "C0SHIMIN",
         "channel_name": "shimin", "user_id": SLACK_ID, "user_name": "taro",
         "command": "/report", "text": "今日: 窓口 昨日: 審査 困: 印刷機"}
    ).encode()  # fmt: skip
    assert "受け付けました" in _slack(client, body).json()["text"]
    entries = {
        e.object_type: e
        for e in AuditEntry.objects.filter(
            object_type__in=["dailyreports.report", "dailyreports.blocker"]
        )
    }
    origin = {
        "chat": "slack",
        "team_id": "T0CITY",
        "team_domain": "midori",
        "channel_id": "C0SHIMIN",
        "channel_name": "shimin",
        "user_id": SLACK_ID,
        "user_name": "taro",
    }
    for entry in entries.values():
        assert entry.actor == reporter and entry.actor_label == "yamada"
        assert entry.changes["origin"] == origin
    assert set(entries) == {"dailyreports.report", "dailyreports.blocker"}


def test_parse_labels_and_unlabelled_text() -> None:
    parsed = chat.parse("窓口対応\n今日：会議 困りごと: 人手不足 place: satellite")
    assert parsed.answers["plan"] == "窓口対応\n会議"
    assert parsed.answers["blocker"] == "人手不足"
    assert parsed.work_place == "satellite"
    assert chat.parse("").answers == {}
