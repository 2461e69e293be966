"""「不審なメールを報告」: a suspicious-mail incident and the signal to the drills app; a
drill mail is closed as 訓練メールの報告 and the reporter is thanked, never blamed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import verified_client
from yakuba.incidents.models import Category, Incident, Outcome, Status
from yakuba.notifications.models import Notice
from yakuba.security import signals

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    calls: list[dict] = []
    return calls


def _connect(answer, calls):
    def receiver(sender, **kwargs):
        calls.append(kwargs)
        if isinstance(answer, Exception):
            raise answer
        return answer

    signals.suspicious_mail_reported.connect(receiver, weak=False)
    return receiver


@pytest.fixture
def drill_receiver(heard):
    receiver = _connect(True, heard)
    yield receiver
    signals.suspicious_mail_reported.disconnect(receiver)


@pytest.fixture
def other_receiver(heard):
    receiver = _connect(None, heard)
    yield receiver
    signals.suspicious_mail_reported.disconnect(receiver)


@pytest.fixture
def broken_receiver(heard):
    receiver = _connect(RuntimeError("drills is down"), heard)
    yield receiver
    signals.suspicious_mail_reported.disconnect(receiver)


def _report(client, user, **data):
    fields = {"subject": "【重要】パスワードの有効期限", "sender": "admin@examp1e.jp", "note": ""}
    fields.update(data)
    return verified_client(client, user).post(
        reverse("incidents:suspicious_mail"), fields, follow=True
    )


def test_a_real_suspicious_mail_goes_to_infosec(client, make_user, other_receiver, heard):
    user = make_user("staff")
    infosec = make_user("infosec")
    html = _report(client, user).content.decode()
    incident = Incident.objects.get()
    assert incident.category == Category.SUSPICIOUS_MAIL and incident.status == Status.REPORTED
    assert incident.mail_subject == "【重要】パスワードの有効期限"
    assert "報告ありがとうございます" in html and "訓練メール" not in html
    assert heard[0]["staff"] == user.staff and heard[0]["incident_id"] == incident.pk
    assert heard[0]["reported_at"] == incident.reported_at
    assert Notice.objects.filter(recipient=infosec).count() == 1


def test_a_drill_mail_is_closed_as_a_drill_report_with_thanks(
    client, make_user, drill_receiver, heard
) -> None:
    user = make_user("staff")
    infosec = make_user("infosec")
    response = _report(client, user)
    html = response.content.decode()
    incident = Incident.objects.get()
    assert incident.status == Status.CLOSED and incident.outcome == Outcome.DRILL_REPORT
    assert "訓練メールでした。報告ありがとうございます" in html
    assert "message--error" not in html and "失敗" not in html
    assert not Notice.objects.filter(recipient=infosec).exists()
    assert len(heard) == 1


def test_a_failing_receiver_does_not_lose_the_report(client, make_user, broken_receiver):
    user = make_user("staff")
    html = _report(client, user).content.decode()
    assert Incident.objects.filter(status=Status.REPORTED).count() == 1
    assert "報告ありがとうございます" in html


def test_subject_or_sender_is_needed_and_line_breaks_are_folded(client, make_user) -> None:
    user = make_user("staff")
    response = _report(client, user, subject="", sender="")
    assert "件名か差出人のどちらか" in response.content.decode()
    assert not Incident.objects.exists()
    _report(client, user, subject="Re:\r\n 請求書\tの件", sender="")
    assert Incident.objects.get().mail_subject == "Re: 請求書 の件"
