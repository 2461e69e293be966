"""Every knowledge write reaches search in its own transaction: no rebuild needed."""

from __future__ import annotations

import pytest

from yakuba.knowledge import services
from yakuba.knowledge.tests.factories import tag
from yakuba.search import selectors
from yakuba.search.models import SearchDocument

pytestmark = pytest.mark.django_db


def found(user, query):
    return [(r.document.kind, r.document.object_id) for r in selectors.search(user, query).results]


def test_questions_answers_and_howtos_are_searchable_as_soon_as_they_are_written(make_user):
    asker = make_user("staff")
    helper = make_user("staff", unit_key="zeimu", username="helper-zeimu")
    vpn = tag("vpn")
    question = services.ask_question(
        actor=asker, title="在宅でＶＰＮがつながらない", body="認証エラーが出ます。", tags=[vpn]
    )
    assert ("question", question.pk) in found(asker, "vpn")

    answer = services.post_answer(actor=helper, question=question, body="証明書を更新します。")
    assert found(asker, "証明書") == [("answer", answer.pk)]

    services.accept_answer(actor=asker, answer=answer)
    assert SearchDocument.objects.get(kind="answer", object_id=answer.pk).accepted

    article = services.article_from_answer(actor=asker, answer=answer)
    assert ("article", article.pk) in found(asker, "証明書")

    services.edit_article(
        actor=asker,
        article=article,
        title="在宅でVPNに接続する",
        body="端末の時計を合わせてから接続します。",
        tags=[vpn],
        review_by=None,
    )
    assert ("article", article.pk) in found(asker, "時計")
    assert ("article", article.pk) not in found(asker, "証明書")  # the old version is gone


def test_search_keeps_the_text_a_reader_sees_not_the_markup(make_user):
    asker = make_user("staff")
    question = services.ask_question(
        actor=asker,
        title="共有フォルダが開けない",
        body="**至急** です。[手順](https://intra.example/manual) のとおりにしました。",
        tags=[tag("vpn")],
    )
    body = SearchDocument.objects.get(kind="question", object_id=question.pk).body
    assert body == "至急 です。手順 のとおりにしました。"
    assert found(asker, "intra") == []  # a link's address is not what the page says
