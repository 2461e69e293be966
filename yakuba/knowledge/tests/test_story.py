"""The issue's "done when", walked on the demo city: demo-staff asks how to connect the VPN
terminal from home; a helper in another department is told and answers; the answer is
accepted and becomes a how-to that the search finds by 「在宅」 and by 「ＶＰＮ」; demo-staff
registers for the full training session and is promoted from the waiting list; the
information division sees knowledge crossing departments."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from conftest import verified_client
from yakuba.accounts.models import User
from yakuba.demo import accounts
from yakuba.knowledge import services
from yakuba.knowledge.models import Article, HelperNotification, SkillTag
from yakuba.notifications.models import Notice
from yakuba.org.models import Unit
from yakuba.training import services as training
from yakuba.training.models import Registration, TrainingSession


def _department(unit: Unit) -> str:
    """The 部 (the first level of the path) a unit belongs to."""
    return unit.path.strip("/").split("/")[0]


def _found(client, query: str, article: Article) -> bool:
    page = client.get(reverse("search:results"), {"q": query}).content.decode()
    return reverse("knowledge:howto", args=[article.slug]) in page


@pytest.mark.django_db
def test_the_done_when_walk_on_the_demo_city(settings, client) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--staff", "300", stdout=StringIO())
    call_command("seed_knowledge_demo", "--if-empty", stdout=StringIO())
    call_command("seed_training_demo", "--if-empty", stdout=StringIO())
    me = User.objects.get(username=accounts.STAFF)

    # 1. demo-staff asks; helpers with the VPN skill are told, another department first.
    question = services.ask_question(
        actor=me,
        title="在宅勤務の日にVPN端末を自宅から接続する方法",
        body="来週から在宅勤務です。貸し出されたVPN端末を自宅のWi-Fiにつなぐ手順を教えてください。",
        tags=SkillTag.objects.filter(name="VPN 接続"),
    )
    told = [n.helper for n in HelperNotification.objects.filter(question=question)]
    assert told
    mine = _department(me.staff.unit)
    # The demo gives a sign-in to the first of them from another department.
    helper_user = User.objects.get(username=accounts.HELPER)
    assert helper_user.staff.pk in {h.staff_id for h in told}
    assert _department(helper_user.staff.unit) != mine
    assert Notice.objects.filter(recipient=helper_user, url__contains=str(question.pk)).exists()

    # 2. The helper answers; demo-staff accepts; the answer becomes a how-to in one step.
    answer = services.post_answer(
        actor=helper_user,
        question=question,
        body=(
            "1. VPN端末の電源を入れ、自宅のWi-Fiに接続します。\n"
            "2. 「在宅勤務用」の証明書を選んで接続します。\n"
            "3. つながらないときは端末を再起動してください。"
        ),
    )
    services.accept_answer(actor=me, answer=answer)
    article = services.article_from_answer(actor=helper_user, answer=answer)
    assert article.from_answer == answer

    # 3. The search finds the how-to by 「在宅」 and by 「ＶＰＮ」 (full width).
    client.force_login(me)
    assert _found(client, "在宅", article)
    assert _found(client, "ＶＰＮ", article)

    # 4. The full session: demo-staff waits, places free up, demo-staff is promoted.
    full = TrainingSession.objects.get(capacity=5)
    registration = training.register(actor=me, session=full)
    assert registration.status == "waitlisted"
    hr = User.objects.get(username=accounts.HR)
    for taken in Registration.objects.filter(session=full, status="registered")[:3]:
        training.cancel(actor=hr, registration=taken)
    assert Registration.objects.get(pk=registration.pk).status == "registered"
    assert Notice.objects.filter(recipient=me, subject__contains="繰り上がりました").exists()

    # 5. The information division sees knowledge crossing departments.
    division = verified_client(client, User.objects.get(username=accounts.INFOSEC))
    response = division.get(reverse("knowledge:crossing"))
    assert response.status_code == 200
    assert response.context["outside_percent"] > 50  # most first answers from another 部
    assert response.context["across_percent"] > 50
