"""Questions, answers and how-tos of the knowledge app, found through the real provider."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from yakuba.knowledge.models import Answer, Article, ArticleVersion, Question, SkillTag
from yakuba.search import selectors, services
from yakuba.search.models import SearchDocument

pytestmark = pytest.mark.django_db


def found(user, query, **kwargs):
    return [
        (r.document.kind, r.document.object_id)
        for r in selectors.search(user, query, **kwargs).results
    ]


@pytest.fixture
def content(org):
    vpn, _created = SkillTag.objects.get_or_create(name="VPN 接続", defaults={"slug": "vpn-t"})
    asker, helper = org["staff"]["1001"], org["staff"]["2001"]
    question = Question.objects.create(
        title="自宅からＶＰＮ端末で接続できません",
        body="在宅勤務の日に認証エラーになります。",
        asker=asker,
    )
    question.tags.set([vpn])
    Answer.objects.create(
        question=question, author=helper, body="証明書を更新してください。", accepted=True
    )
    Answer.objects.create(question=question, author=asker, body="再起動してみました。")
    services.index(question)
    article = Article.objects.create(
        slug="vpn-from-home",
        title="在宅勤務でVPNに接続する",
        owner=helper,
        owner_unit=org["zeimu"],
        updated_at=timezone.now() - dt.timedelta(days=3),
    )
    article.current = ArticleVersion.objects.create(
        article=article,
        number=1,
        title="在宅勤務でVPNに接続する",
        body="ＶＰＮ端末の電源を入れ…",
        author=helper,
    )
    article.save()
    article.tags.set([vpn])
    services.index(article)
    return {"question": question, "article": article, "tag": vpn}


def test_questions_answers_and_howtos_are_found(content, make_user, org):
    user = make_user("staff")
    question, article = content["question"], content["article"]
    accepted = question.answers.get(accepted=True)
    assert found(user, "証明書") == [("answer", accepted.pk)]
    hits = found(user, "在宅")
    assert set(hits) == {("question", question.pk), ("article", article.pk)}
    assert hits[0] == ("article", article.pk)  # title match, fresh
    assert ("article", article.pk) in found(user, "ｖｐｎ", tag="VPN 接続")
    assert found(user, "在宅", unit=org["zeimu"]) == [("article", article.pk)]
    assert found(user, "在宅", unit=org["shimin"]) == [("question", question.pk)]


def test_an_anonymous_question_carries_no_unit(content, make_user, org):
    question = content["question"]
    question.anonymous = True
    question.save()
    services.index(question)
    user = make_user("staff")
    assert ("question", question.pk) not in found(user, "在宅", unit=org["shimin"])
    assert ("question", question.pk) in found(user, "在宅")


def test_rebuild_covers_the_knowledge_content(content, make_user):
    SearchDocument.objects.all().delete()
    call_command("rebuild_search_index")
    assert SearchDocument.objects.filter(provider="knowledge.question").count() == 3
    assert SearchDocument.objects.filter(provider="knowledge.article").count() == 1
    assert len(found(make_user("staff"), "ＶＰＮ")) == 4
