"""Reports from Slack / Mattermost slash commands: verification first, then parsing."""

from __future__ import annotations

import time
import urllib.parse

import pytest
from django.test import override_settings
from django.urls import reverse

from yakuba.dailyreports import chat
from yakuba.dailyreports.models import Blocker, Report
from yakuba.dailyreports.tests.factories import window_for

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "mm-command-token-123"


def _body(user: str, text: str) -> bytes:
    return urllib.parse.urlencode(
        {"token": "ignored", "team_id": "T1", "user_id": "U1", "user_name": user,
         "command": "/report", "text": text}
    ).encode()  # fmt: skip


@pytest.fixture
def reporter(make_user, org):
    window_for(org["shimin"])
    return make_user("staff", username="yamada")


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
    assert response.status_code == 200 and "見つかりません" in response.json()["text"]
    assert not Report.objects.exists()


def test_parse_labels_and_unlabelled_text() -> None:
    parsed = chat.parse("窓口対応\n今日：会議 困りごと: 人手不足 place: satellite")
    assert parsed.answers["plan"] == "窓口対応\n会議"
    assert parsed.answers["blocker"] == "人手不足"
    assert parsed.work_place == "satellite"
    assert chat.parse("").answers == {}
