"""Objects the knowledge tests and the authorization matrix need (made on demand)."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from yakuba.knowledge.models import (
    Answer,
    Article,
    ArticleVersion,
    Attachment,
    Helper,
    Question,
    SkillTag,
)
from yakuba.knowledge.tags import DEFAULT_TAGS
from yakuba.org.models import Staff, Unit


def tag(slug: str = "vpn") -> SkillTag:
    # The managed tags come from a data migration; a transactional test (the browser tests)
    # empties the tables after itself, so later tests in the same process seed them again.
    for order, (default_slug, name) in enumerate(DEFAULT_TAGS):
        SkillTag.objects.get_or_create(
            slug=default_slug, defaults={"name": name, "sort_order": order}
        )
    return SkillTag.objects.get(slug=slug)


def make_staff(unit: Unit, number: str, name: str = "テスト 職員", **values: Any) -> Staff:
    staff = Staff(staff_number=number, name=name, name_kana="テスト", unit=unit, **values)
    staff.save()
    return staff


def make_helper(staff: Staff, *tags: str, **values: Any) -> Helper:
    helper = Helper.objects.create(staff=staff, **values)
    helper.tags.set([tag(t) for t in tags or ("vpn",)])
    return helper


def make_question(
    asker: Staff, title: str = "自宅からVPNにつながりません", *tags: str, **values: Any
) -> Question:
    values.setdefault("body", "VPN端末を自宅に持ち帰りましたが、接続できません。")
    question = Question.objects.create(title=title, asker=asker, **values)
    question.tags.set([tag(t) for t in tags or ("vpn",)])
    return question


def make_answer(
    question: Question, author: Staff, body: str = "ルーターを再起動してください。", **values: Any
) -> Answer:
    return Answer.objects.create(question=question, author=author, body=body, **values)


def make_article(owner: Staff, slug: str = "vpn-connect", title: str = "VPNの接続手順") -> Article:
    article = Article.objects.create(slug=slug, title=title, owner=owner, owner_unit=owner.unit)
    version = ArticleVersion.objects.create(
        article=article, number=1, title=title, body="1. 端末を起動\n2. VPNを接続", author=owner
    )
    article.current = version
    article.save()
    return article


def make_attachment(question: Question, staff: Staff, text: bytes = b"error 809\n") -> Attachment:
    item = Attachment(
        question=question,
        name="log.txt",
        content_type="text/plain",
        size=len(text),
        uploaded_by=staff,
    )
    item.file.save("log.txt", ContentFile(text), save=False)
    item.save()
    return item


def matrix_objects(objs: dict[str, Any]) -> dict[str, Any]:
    """A question of 山田 (市民課, no account) with an accepted answer of 鈴木 (税務課),
    an anonymous question, a how-to owned by 山田, and a helper appointed for 市民部."""
    if "knowledge" in objs:
        return objs["knowledge"]
    people = objs["org"]["staff"]
    question = make_question(people["1001"])
    answer = make_answer(question, people["2001"], accepted=True)
    other = make_answer(question, people["1002"], body="再起動でも駄目なら情報政策課へ。")
    anonymous = make_question(people["1002"], "Zoomの画面共有ができません", "zoom", anonymous=True)
    article = make_article(people["1001"])
    helper = make_helper(people["1002"], "zoom", department=objs["org"]["dept"])
    attachment = make_attachment(question, people["1001"])
    objs["knowledge"] = {
        "question": question,
        "answer": answer,
        "other_answer": other,
        "anonymous": anonymous,
        "article": article,
        "helper": helper,
        "attachment": attachment,
    }
    return objs["knowledge"]
