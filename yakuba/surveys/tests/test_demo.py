"""The demo: a closed telework survey with about 300 answers and varied free text, and an
open survey demo-staff can answer; deterministic and idempotent (--if-empty)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from yakuba.accounts.models import User
from yakuba.demo import accounts
from yakuba.surveys.models import Answer, Invitation, Response, Survey, SurveyStatus
from yakuba.surveys.selectors import to_answer


@pytest.mark.django_db
def test_seed_surveys_demo(settings, client) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--staff", "400", stdout=StringIO())
    out = StringIO()
    call_command("seed_surveys_demo", "--if-empty", stdout=out)
    assert "テレワーク実施状況調査" in out.getvalue()
    closed = Survey.objects.get(status=SurveyStatus.CLOSED)
    assert closed.anonymous and closed.source is not None and closed.source.is_template
    responses = Response.objects.filter(survey=closed)
    assert 270 <= responses.count() <= 320
    assert not responses.filter(staff__isnull=False).exists()
    assert responses.count() == Invitation.objects.filter(survey=closed, answered=True).count()
    texts = list(
        Answer.objects.filter(survey=closed, question__kind="text").values_list("text", flat=True)
    )
    assert len(set(texts)) > 150
    for word in ("VPN", "財務会計システム", "決裁", "子ども", "孤独", "チャット", "通勤時間"):
        assert sum(word in t for t in texts) >= 5, word

    me = User.objects.get(username=accounts.STAFF)
    (invitation,) = to_answer(me)
    client.force_login(me)
    page = client.get(reverse("surveys:answer", args=[invitation.survey_id]))
    assert page.status_code == 200 and "庁内チャット" in page.content.decode()

    call_command("seed_surveys_demo", "--if-empty", stdout=out)
    assert Survey.objects.filter(is_template=False).count() == 2
