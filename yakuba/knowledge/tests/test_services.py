"""Helper matching, notifications, escalation, anonymity, accept → how-to, versions."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yakuba.accounts.models import User
from yakuba.audit.models import AuditEntry
from yakuba.knowledge import services
from yakuba.knowledge.models import Article, HelperNotification, Question, QuestionStatus
from yakuba.knowledge.tests.factories import (
    make_answer,
    make_helper,
    make_staff,
    tag,
)
from yakuba.notifications.models import Notice
from yakuba.org.models import Unit

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def _with_user(staff, role="staff"):
    user = User.objects.create_user(username=f"user-{staff.staff_number}", password=None, role=role)
    staff.user = user
    staff.save()
    return user


@pytest.fixture
def city(org):
    """市民部 (市民課 + 窓口係, 税務課) and 総務部 (情報政策課), with helpers in each."""
    soumu = Unit(code="200", name="総務部", name_kana="ソウムブ", kind="department")
    soumu.save()
    joho = Unit(
        code="210", name="情報政策課", name_kana="ジョウホウ", kind="division", parent=soumu
    )
    joho.save()
    asker = org["staff"]["1002"]  # 窓口係 (under 市民課)
    _with_user(asker)
    same_unit = make_staff(org["shimin"], "3001", "市民 サポーター", email="h1@example.jp")
    other_a = make_staff(org["zeimu"], "3002", "税務 サポーター", email="h2@example.jp")
    other_b = make_staff(joho, "3003", "情報 サポーター", email="h3@example.jp")
    helpers = {}
    for key, staff in (("same", same_unit), ("tax", other_a), ("info", other_b)):
        _with_user(staff)
        helpers[key] = make_helper(staff, "vpn")
    return {"asker": asker, "helpers": helpers, "joho": joho, "org": org}


def _ask(asker, title="自宅からVPNにつながりません", *tags, **kw):
    return services.ask_question(
        actor=asker.user,
        title=title,
        body=kw.pop("body", "エラー809が出ます。"),
        tags=[tag(t) for t in tags or ("vpn",)],
        **kw,
    )


def test_matching_prefers_helpers_outside_the_askers_unit(city, settings):
    settings.KNOWLEDGE_HELPERS_PER_QUESTION = 2
    question = _ask(city["asker"])
    told = set(
        HelperNotification.objects.filter(question=question).values_list("helper_id", flat=True)
    )
    # 市民課 is the parent of the asker's 窓口係: its helper is "the same unit" and waits.
    assert told == {city["helpers"]["tax"].pk, city["helpers"]["info"].pk}
    notices = Notice.objects.filter(subject__contains="質問が届いています")
    assert {n.recipient.staff.staff_number for n in notices} == {"3002", "3003"}


def test_the_same_unit_is_asked_when_nobody_outside_has_the_skill(city, settings):
    settings.KNOWLEDGE_HELPERS_PER_QUESTION = 3
    for key in ("tax", "info"):
        city["helpers"][key].tags.set([tag("excel")])
    question = _ask(city["asker"])
    assert list(
        HelperNotification.objects.filter(question=question).values_list("helper_id", flat=True)
    ) == [city["helpers"]["same"].pk]


def test_the_asker_is_never_notified_of_their_own_question(city):
    make_helper(city["asker"], "vpn")
    question = _ask(city["asker"])
    assert not HelperNotification.objects.filter(
        question=question, helper__staff=city["asker"]
    ).exists()


def test_notifying_again_tells_nobody_twice(city, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        question = _ask(city["asker"])
    first = Notice.objects.count()
    mails = len(smtp_server.messages)
    assert mails == 3  # real e-mail to each helper told
    assert {m["To"] for m in smtp_server.messages} == {
        "h1@example.jp",
        "h2@example.jp",
        "h3@example.jp",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify_helpers(question) == []
        assert services.notify_helpers(question) == []
    assert Notice.objects.count() == first
    assert len(smtp_server.messages) == mails
    assert HelperNotification.objects.filter(question=question).count() == 3


def test_a_busy_helper_is_skipped_after_the_daily_limit(city, settings):
    settings.KNOWLEDGE_HELPER_NOTICES_PER_DAY = 2
    settings.KNOWLEDGE_HELPERS_PER_QUESTION = 1
    info = city["helpers"]["info"]
    city["helpers"]["tax"].tags.set([tag("excel")])
    city["helpers"]["same"].tags.set([tag("excel")])
    told = [
        HelperNotification.objects.filter(question=_ask(city["asker"], f"VPN {i}")).first()
        for i in range(3)
    ]
    assert [t.helper_id if t else None for t in told] == [info.pk, info.pk, None]
    # A day later the helper may be told again.
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        q = _ask(city["asker"], "VPN 4")
        assert HelperNotification.objects.filter(question=q, helper=info).exists()


def test_bad_input_stores_nothing(city):
    with pytest.raises(ValidationError) as empty:
        _ask(city["asker"], "   ")
    assert "件名を入力してください。" in empty.value.messages
    with pytest.raises(ValidationError) as huge:
        _ask(city["asker"], body="あ" * 20_001)
    assert "本文が長すぎます" in huge.value.messages[0]
    with pytest.raises(ValidationError):
        services.ask_question(actor=city["asker"].user, title="t", body="b", tags=[])
    assert not Question.objects.exists() and not HelperNotification.objects.exists()


# --- escalation (working days, frozen time) --------------------------------------------


def _at(y, m, d, h=10):
    return dt.datetime(y, m, d, h, 0, tzinfo=TOKYO)


def test_unanswered_questions_are_escalated_after_n_working_days_once(city, settings):
    settings.KNOWLEDGE_ESCALATE_AFTER_WORKING_DAYS = 3
    division = User.objects.create_user("infosec-1", password=None, role="infosec")
    # Thursday 2026-04-30; Fri 5/1 is a working day, 5/3–5/6 are holidays (Golden Week).
    with time_machine.travel(_at(2026, 4, 30), tick=False):
        question = _ask(city["asker"])
        answered = _ask(city["asker"], "Zoom の音が出ません")
    make_answer(answered, city["helpers"]["tax"].staff)
    with time_machine.travel(_at(2026, 5, 1), tick=False):
        assert services.escalate_unanswered() == []  # 1 working day (5/1)
    with time_machine.travel(_at(2026, 5, 6), tick=False):
        assert services.escalate_unanswered() == []  # still 1: weekend, 5/4–5/6 holidays
    with time_machine.travel(_at(2026, 5, 7), tick=False):
        assert services.escalate_unanswered() == []  # 5/1 and 5/7: 2 working days
    with time_machine.travel(_at(2026, 5, 8), tick=False):
        assert [q.pk for q in services.escalate_unanswered()] == [question.pk]
        assert services.escalate_unanswered() == []  # once
    notice = Notice.objects.get(recipient=division)
    assert "未回答の質問" in notice.subject and str(question.pk) in notice.url
    question.refresh_from_db()
    assert question.escalated_at is not None


def test_the_escalation_job_is_claimed_once_a_day(city):
    from yakuba.core.scheduling import tick
    from yakuba.knowledge.jobs import ESCALATION

    with time_machine.travel(_at(2026, 6, 1, 8), tick=False):
        assert tick(jobs=[ESCALATION]).keys(ESCALATION.name) == []  # before 9:30
    with time_machine.travel(_at(2026, 6, 1, 10), tick=False):
        assert tick(jobs=[ESCALATION]).keys(ESCALATION.name) == ["2026-06-01"]
        assert tick(jobs=[ESCALATION]).keys(ESCALATION.name) == []


# --- anonymity ---------------------------------------------------------------------------


def test_anonymous_asker_is_hidden_from_staff_and_shown_to_moderators_with_an_audit(
    city, client_factory
):
    from conftest import verified_client

    question = _ask(city["asker"], anonymous=True)
    staff_client = verified_client(client_factory(), city["helpers"]["tax"].staff.user)
    page = staff_client.get(f"/knowledge/q/{question.pk}/").content.decode()
    assert "匿名の職員" in page and city["asker"].name not in page
    services.add_comment(actor=city["asker"].user, question=question, body="補足です")
    page = staff_client.get(f"/knowledge/q/{question.pk}/").content.decode()
    assert "質問者（匿名）" in page and city["asker"].name not in page
    listing = staff_client.get("/knowledge/").content.decode()
    assert city["asker"].name not in listing
    before = AuditEntry.objects.filter(action="view_sensitive").count()
    assert before == 0
    mod = User.objects.create_user("infosec-2", password=None, role="infosec")
    make_staff(city["joho"], "4001", "情報 管理者").__class__.objects.filter(
        staff_number="4001"
    ).update(user=mod)
    mod.refresh_from_db()
    mod_client = verified_client(client_factory(), mod)
    # The list does not name the asker even to a moderator (it is not audited).
    assert city["asker"].name not in mod_client.get("/knowledge/").content.decode()
    assert not AuditEntry.objects.filter(action="view_sensitive").exists()
    page = mod_client.get(f"/knowledge/q/{question.pk}/")
    assert city["asker"].name in page.content.decode()
    entry = AuditEntry.objects.get(action="view_sensitive")
    assert entry.object_id == str(question.pk) and entry.actor == mod
    # The asker sees it is their own question, without an audit entry.
    own = verified_client(client_factory(), city["asker"].user).get(f"/knowledge/q/{question.pk}/")
    assert "あなた（ほかの職員には匿名）" in own.content.decode()
    assert AuditEntry.objects.filter(action="view_sensitive").count() == 1


# --- accept, how-tos, versions -----------------------------------------------------------


def test_only_the_asker_a_helper_or_a_moderator_accepts(city, make_user):
    question = _ask(city["asker"])
    answer = make_answer(question, city["helpers"]["tax"].staff)
    bystander = make_user("staff", username="bystander")
    with pytest.raises(PermissionDenied):
        services.accept_answer(actor=bystander, answer=answer)
    services.accept_answer(actor=city["asker"].user, answer=answer)
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    # A helper may change the accepted answer; there is still only one.
    second = make_answer(question, city["helpers"]["info"].staff, body="別の方法")
    services.accept_answer(actor=city["helpers"]["same"].staff.user, answer=second)
    assert list(question.answers.filter(accepted=True)) == [second]


def test_an_accepted_answer_becomes_a_how_to_in_one_step_and_only_once(city):
    question = _ask(city["asker"], body="**エラー809**")
    answer = services.post_answer(
        actor=city["helpers"]["tax"].staff.user,
        question=question,
        body="1. ルーターを再起動\n2. VPN を接続し直す",
    )
    with pytest.raises(ValidationError):
        services.article_from_answer(actor=city["asker"].user, answer=answer)
    services.accept_answer(actor=city["asker"].user, answer=answer)
    article = services.article_from_answer(actor=city["asker"].user, answer=answer)
    assert article.title == question.title and article.from_answer == answer
    assert "ルーターを再起動" in article.current.body
    assert f"/knowledge/q/{question.pk}/" in article.current.body
    assert list(article.tags.all()) == [tag("vpn")]
    assert article.review_by and article.review_by > timezone.localdate()
    again = services.article_from_answer(actor=city["helpers"]["info"].staff.user, answer=answer)
    assert again.pk == article.pk and Article.objects.count() == 1


def test_editing_a_how_to_keeps_every_version_and_the_slug(city):
    owner = city["helpers"]["tax"].staff.user
    article = services.create_article(
        actor=owner,
        title="VPNの接続",
        body="v1",
        tags=[tag("vpn")],
        review_by=None,
        slug="vpn-connect",
    )
    services.edit_article(
        actor=city["helpers"]["info"].staff.user,
        article=article,
        title="VPNの接続（改訂）",
        body="v2",
        tags=[tag("vpn")],
        review_by=None,
        note="手順2を追加",
    )
    article.refresh_from_db()
    assert article.slug == "vpn-connect" and article.current.number == 2
    assert [v.body for v in article.versions.order_by("number")] == ["v1", "v2"]
    with pytest.raises(PermissionDenied):
        services.edit_article(
            actor=city["asker"].user, article=article, title="x", body="y", tags=[], review_by=None
        )
    with pytest.raises(ValidationError) as taken:
        services.create_article(
            actor=owner, title="x", body="y", tags=[], review_by=None, slug="vpn-connect"
        )
    assert "ほかの手順書で使われています" in taken.value.messages[0]
    with pytest.raises(ValidationError):
        services.create_article(
            actor=owner, title="x", body="y", tags=[], review_by=None, slug="VPN 接続"
        )


def test_owners_are_reminded_once_per_review_date(city):
    owner = city["helpers"]["tax"].staff
    article = services.create_article(
        actor=owner.user,
        title="Excel の共有",
        body="…",
        tags=[tag("excel")],
        review_by=dt.date(2026, 6, 1),
    )
    assert services.remind_reviews(dt.date(2026, 5, 31)) == []
    assert services.remind_reviews(dt.date(2026, 6, 1)) == [article]
    assert services.remind_reviews(dt.date(2026, 6, 2)) == []
    assert Notice.objects.filter(recipient=owner.user, subject__contains="見直し期限").count() == 1
    services.edit_article(
        actor=owner.user,
        article=article,
        title=article.title,
        body="新",
        tags=[],
        review_by=dt.date(2026, 9, 1),
    )
    assert services.remind_reviews(dt.date(2026, 9, 1)) == [Article.objects.get(pk=article.pk)]


def test_duplicates_point_to_the_original_and_are_closed(city):
    original = _ask(city["asker"], "VPN 1")
    dup = _ask(city["asker"], "VPN 2")
    dup2 = _ask(city["asker"], "VPN 3")
    helper_user = city["helpers"]["tax"].staff.user
    services.mark_duplicate(actor=helper_user, question=dup, original=original)
    services.mark_duplicate(actor=helper_user, question=dup2, original=dup)  # follows to the root
    dup2.refresh_from_db()
    assert dup2.duplicate_of == original and dup2.status == QuestionStatus.CLOSED
    with pytest.raises(ValidationError):
        services.mark_duplicate(actor=helper_user, question=original, original=dup)
    with pytest.raises(PermissionDenied):
        services.mark_duplicate(actor=city["asker"].user, question=original, original=dup)
    with pytest.raises(ValidationError):
        services.post_answer(actor=helper_user, question=dup2, body="x")


def test_helpful_once_per_person_and_not_on_ones_own_answer(city):
    question = _ask(city["asker"])
    answer = make_answer(question, city["helpers"]["tax"].staff)
    assert services.mark_helpful(actor=city["asker"].user, answer=answer) is True
    assert services.mark_helpful(actor=city["asker"].user, answer=answer) is False
    with pytest.raises(ValidationError):
        services.mark_helpful(actor=city["helpers"]["tax"].staff.user, answer=answer)
    assert answer.helpful_marks.count() == 1


def test_helpers_are_mentioned_in_their_units_chat_channel(city):
    from yakuba.notifications.models import Channel, ChatIdentity, Delivery

    channel = Channel(unit=city["org"]["dept"], name="市民部", kind="mattermost")
    channel.set_url("https://chat.example.jp/hooks/abc")
    channel.save()
    tax = city["helpers"]["tax"].staff
    ChatIdentity.objects.create(staff=tax, kind="mattermost", handle="zeimu.helper")
    question = _ask(city["asker"])
    posts = Delivery.objects.filter(kind="chat", channel=channel)
    assert posts.count() == 1  # one post for the department's helpers told (税務課)
    text = str(posts.get().payload)
    assert "@zeimu.helper" in text and question.title in text
    # 情報政策課 is under 総務部, which has no channel: in-app and e-mail only.
    assert "情報 サポーター" not in text
    services.notify_helpers(question)
    assert posts.count() == 1
