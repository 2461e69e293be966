"""A recipient's link token through its life: open → click → type → report; each kind
counted once; unknown tokens and finished drills answer a page, never an error; the
fake form never carries or stores what was typed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from yakuba.drills import tokens
from yakuba.drills.models import DrillRecipient, DrillToken, ReportedVia
from yakuba.drills.tests.factories import deliver, make_drill
from yakuba.rosters.audience import Audience

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(org):
    drill = make_drill(audience=Audience(unit_ids=(org["shimin"].pk,)))
    recipient = drill.recipients.get(staff=org["staff"]["1001"])
    return recipient, deliver(recipient)


def test_the_token_is_random_and_only_its_keyed_hash_is_stored(delivered) -> None:
    recipient, token = delivered
    stored = DrillToken.objects.get(recipient=recipient).digest
    assert token not in stored and len(token) >= 20
    # Random, not derived from the person: another one for the same recipient differs.
    other = tokens.issue(recipient)
    assert other != token and tokens.recipient_for(other) == recipient
    assert stored == tokens.digest(token)
    assert tokens.recipient_for(token) == recipient


def test_lifecycle_open_click_type_report_each_once(client, delivered) -> None:
    recipient, token = delivered
    pixel = client.get(reverse("drills:open", args=[token]))
    assert pixel.status_code == 200 and pixel["Content-Type"] == "image/gif"
    assert "no-store" in pixel["Cache-Control"]
    recipient.refresh_from_db()
    first_open = recipient.opened_at
    assert first_open is not None

    # The link shows the fake form (the template has one) and records the click.
    page = client.get(reverse("drills:click", args=[token]))
    assert page.status_code == 200
    assert "パスワードの確認と更新" in page.content.decode()
    # Typing: the form posts nothing; the lesson follows.
    lesson = client.post(reverse("drills:typed", args=[token]))
    assert "これは訓練メールでした" in lesson.content.decode()
    assert "入力した内容は送信も保存もされていません" in lesson.content.decode()
    confirm = client.get(reverse("drills:report", args=[token]))
    assert "報告する" in confirm.content.decode()
    done = client.post(reverse("drills:report", args=[token]))
    assert "報告ありがとうございました" in done.content.decode()

    recipient.refresh_from_db()
    stamps = (recipient.opened_at, recipient.clicked_at, recipient.typed_at, recipient.reported_at)
    assert all(stamps) and recipient.reported_via == ReportedVia.LINK

    # Everything again: nothing moves (first time kept); after typing the link shows the lesson.
    client.get(reverse("drills:open", args=[token]))
    again = client.get(reverse("drills:click", args=[token]))
    assert (
        "これは訓練メールでした" in again.content.decode()
        or "報告ありがとう" in again.content.decode()
    )
    client.post(reverse("drills:typed", args=[token]))
    client.post(reverse("drills:report", args=[token]))
    recipient.refresh_from_db()
    assert (
        recipient.opened_at,
        recipient.clicked_at,
        recipient.typed_at,
        recipient.reported_at,
    ) == stamps


def test_the_report_confirmation_page_writes_nothing(client, delivered) -> None:
    recipient, token = delivered
    client.get(reverse("drills:report", args=[token]))
    recipient.refresh_from_db()
    assert recipient.reported_at is None


@pytest.mark.parametrize("token", ["no-such-token-at-all-xx", "x", "a.b~c", "%00" * 8, "é" * 30])
def test_unknown_tokens_get_the_neutral_page(client, delivered, token) -> None:
    for name, method in (
        ("drills:click", "get"),
        ("drills:report", "get"),
        ("drills:typed", "post"),
    ):
        url = reverse(name, args=[token])
        response = getattr(client, method)(url)
        assert response.status_code == 200, (name, token)
        assert "このページは表示できません" in response.content.decode()
    assert client.get(reverse("drills:open", args=["no-such-token-at-all-xx"]))["Content-Type"] == (
        "image/gif"
    )
    recipient, _token = delivered
    recipient.refresh_from_db()
    assert recipient.clicked_at is None


def test_a_link_from_a_finished_drill_shows_the_lesson_and_counts_nothing(
    client, delivered
) -> None:
    recipient, token = delivered
    drill = recipient.drill
    drill.ends_at = timezone.now() - dt.timedelta(days=1)
    drill.finished_at = drill.ends_at
    drill.save()
    page = client.get(reverse("drills:click", args=[token]))
    assert page.status_code == 200
    assert "これは訓練メールでした" in page.content.decode()
    assert "パスワードの確認と更新" not in page.content.decode()  # no fake form any more
    client.post(reverse("drills:report", args=[token]))
    client.get(reverse("drills:open", args=[token]))
    recipient.refresh_from_db()
    assert recipient.clicked_at is None and recipient.reported_at is None
    assert recipient.opened_at is None


def _all_rows_text() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.append(repr(cursor.fetchall()))
    return "\n".join(chunks)


def test_the_fake_form_has_no_named_fields_and_stores_nothing_typed(client, delivered) -> None:
    recipient, token = delivered
    page = client.get(reverse("drills:click", args=[token])).content.decode()
    form = page[page.index("<form") : page.index("</form>")]
    assert "<input" in form and " name=" not in form
    assert "csrfmiddlewaretoken" not in form  # the POST carries nothing at all
    secret = "hunter2-ZQX-very-secret"
    # Even a hand-made POST with values: nothing of it is kept anywhere.
    response = client.post(
        reverse("drills:typed", args=[token]), {"password": secret, "user": "yamada"}
    )
    assert response.status_code == 200
    recipient.refresh_from_db()
    assert recipient.typed_at is not None
    assert secret not in _all_rows_text()
    assert "yamada" not in _all_rows_text()


def test_typing_is_not_recorded_when_the_drill_shows_no_form(client, org) -> None:
    drill = make_drill(audience=Audience(unit_ids=(org["shimin"].pk,)), fake_form=False)
    recipient = drill.recipients.get(staff=org["staff"]["1001"])
    token = deliver(recipient)
    page = client.get(reverse("drills:click", args=[token])).content.decode()
    assert "<form" not in page and "これは訓練メールでした" in page
    client.post(reverse("drills:typed", args=[token]))
    recipient.refresh_from_db()
    assert recipient.clicked_at is not None and recipient.typed_at is None


def test_an_open_proves_a_mail_of_unknown_outcome_arrived(client, delivered) -> None:
    recipient, token = delivered
    sent_at = timezone.now() - dt.timedelta(minutes=3)
    DrillRecipient.objects.filter(pk=recipient.pk).update(
        status="unknown", delivered_at=None, sending_since=sent_at
    )
    client.get(reverse("drills:open", args=[token]))
    recipient.refresh_from_db()
    assert recipient.status == "sent" and recipient.delivered_at == sent_at
