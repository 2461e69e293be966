"""The pages: this week's questions (own cards and answers only; POST only writes), the
home panel and 「わたしのセキュリティ」, the question offered after the morning report,
and infosec's bank (others: 403)."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.awareness import bank
from yakuba.awareness.models import AwarenessSettings, Card, OfferSkip, Question, Review
from yakuba.awareness.tests.factories import due_card, make_question, right_orders, wrong_orders
from yakuba.dailyreports.tests.factories import domain_writes, submitted_report, window_for


@pytest.fixture
def me(make_user, client_factory):
    user = make_user("staff")
    return {"user": user, "staff": user.staff, "client": verified_client(client_factory(), user)}


@pytest.fixture
def infosec(make_user, client_factory):
    user = make_user("infosec")
    return verified_client(client_factory(), user)


@pytest.mark.django_db
def test_the_page_shows_one_due_question_and_a_get_writes_nothing(me) -> None:
    q = make_question("Q-1", text="不審なメールが届きました。どうしますか。")
    make_question("Q-2")
    due_card(me["staff"], q)
    with CaptureQueriesContext(connection) as ctx:
        response = me["client"].get(reverse("awareness:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "不審なメールが届きました。どうしますか。" in page
    assert "1問目（今週 1問）" in page
    assert 'type="radio"' in page and "報告する" in page
    assert domain_writes(ctx) == []


@pytest.mark.django_db
def test_answering_shows_right_or_wrong_with_explanation_and_source(me) -> None:
    q = make_question(
        "Q-1", explanation="開かずに報告するのが正解です。", source="本市の基準 第5条"
    )
    card = due_card(me["staff"], q)
    response = me["client"].post(
        reverse("awareness:answer", args=[card.pk]), {"choice": wrong_orders(q)}
    )
    review = Review.objects.get(staff=me["staff"])
    assert response.status_code == 302
    assert response["Location"] == reverse("awareness:result", args=[review.pk])
    page = me["client"].get(response["Location"]).content.decode()
    assert "不正解です" in page and "開かずに報告するのが正解です。" in page
    assert "本市の基準 第5条" in page and "あなたの回答" in page
    assert not review.correct
    entry = AuditEntry.objects.get(object_type="awareness.review", actor=me["user"])
    assert "correct" not in entry.changes  # the trail says that, not how well, one answered


@pytest.mark.django_db
def test_no_choice_is_refused_and_nothing_written(me) -> None:
    card = due_card(me["staff"], make_question("Q-1"))
    response = me["client"].post(reverse("awareness:answer", args=[card.pk]), {})
    assert response.status_code == 400
    assert "選択肢を選んでください。" in response.content.decode()
    assert not Review.objects.exists()


@pytest.mark.django_db
def test_someone_elses_card_and_answer_are_not_found(me, make_user, client_factory) -> None:
    other = make_user("staff", username="u-other")
    q = make_question("Q-1")
    card = due_card(other.staff, q)
    response = me["client"].post(reverse("awareness:answer", args=[card.pk]), {"choice": [1]})
    assert response.status_code == 404
    assert not Review.objects.exists()
    other_client = verified_client(client_factory(), other)
    other_client.post(reverse("awareness:answer", args=[card.pk]), {"choice": right_orders(q)})
    review = Review.objects.get()
    assert me["client"].get(reverse("awareness:result", args=[review.pk])).status_code == 404
    assert other_client.get(reverse("awareness:result", args=[review.pk])).status_code == 200


@pytest.mark.django_db
def test_home_panel_and_security_section_count_this_weeks_questions(me) -> None:
    # Nobody has been given a question yet (no bank in use): no section, no panel.
    assert (
        "hub-awareness-heading" not in me["client"].get(reverse("security:home")).content.decode()
    )
    for i in range(2):
        due_card(me["staff"], make_question(f"Q-{i}"))
    home = me["client"].get(reverse("core:home")).content.decode()
    assert "今週の問題 2問" in home
    hub = me["client"].get(reverse("security:home")).content.decode()
    assert "あと2問あります。" in hub
    for card in Card.objects.all():
        me["client"].post(reverse("awareness:answer", args=[card.pk]), {"choice": [1]})
    assert "panel-awareness-heading" not in me["client"].get(reverse("core:home")).content.decode()
    hub = me["client"].get(reverse("security:home")).content.decode()
    assert "今週の問題にはすべて答えました。" in hub


@pytest.mark.django_db
def test_one_question_is_offered_after_the_morning_report_and_can_be_skipped(me) -> None:
    window_for(me["staff"].unit)
    q = make_question("Q-1", text="朝の1問の問題文")
    due_card(me["staff"], q)
    url = reverse("dailyreports:my_report")
    assert "朝の1問の問題文" not in me["client"].get(url).content.decode()  # not submitted yet
    submitted_report(me["staff"], timezone.localdate())
    page = me["client"].get(url).content.decode()
    assert "朝の1問の問題文" in page and "今日はしない" in page
    response = me["client"].post(reverse("awareness:offer_skip"))
    assert response.status_code == 302 and response["Location"] == url
    assert OfferSkip.objects.filter(staff=me["staff"]).exists()
    assert "朝の1問の問題文" not in me["client"].get(url).content.decode()
    # Still one of this week's questions on its own page.
    assert "朝の1問の問題文" in me["client"].get(reverse("awareness:home")).content.decode()


@pytest.mark.django_db
def test_answering_the_offered_question_leads_back_to_the_report(me) -> None:
    window_for(me["staff"].unit)
    q = make_question("Q-1")
    card = due_card(me["staff"], q)
    submitted_report(me["staff"], timezone.localdate())
    response = me["client"].post(
        reverse("awareness:answer", args=[card.pk]), {"choice": right_orders(q), "via": "morning"}
    )
    page = me["client"].get(response["Location"]).content.decode()
    assert "正解です" in page and "朝の業務報告に戻る" in page
    assert Review.objects.get().via == "morning"


@pytest.mark.django_db
def test_lessons_are_readable_by_everyone_signed_in(me) -> None:
    from yakuba.awareness.tests.factories import make_lesson

    lesson = make_lesson(title="不審なメールのレッスン")
    hidden = make_lesson(code="L-OLD", title="古いレッスン", active=False)
    page = me["client"].get(reverse("awareness:lessons")).content.decode()
    assert "不審なメールのレッスン" in page and "古いレッスン" not in page
    assert me["client"].get(reverse("awareness:lesson", args=[lesson.pk])).status_code == 200
    assert me["client"].get(reverse("awareness:lesson", args=[hidden.pk])).status_code == 404


@pytest.mark.django_db
def test_staff_may_not_manage_the_bank(me) -> None:
    for name in ("awareness:bank", "awareness:question_create", "awareness:bank_export"):
        assert me["client"].get(reverse(name)).status_code == 403
    assert me["client"].post(reverse("awareness:load_starter")).status_code == 403
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_infosec_loads_the_starter_bank_from_the_empty_bank_page(infosec) -> None:
    page = infosec.get(reverse("awareness:bank")).content.decode()
    assert "スターター問題集を読み込む" in page
    response = infosec.post(reverse("awareness:load_starter"))
    assert response.status_code == 302
    assert Question.objects.count() >= 60
    page = infosec.get(reverse("awareness:bank") + "?topic=phishing&q=パスワード").content.decode()
    assert "スターター問題集を読み込む" not in page
    assert "Q-PH-01" in page and "Q-PW-01" not in page


@pytest.mark.django_db
def test_infosec_creates_a_question_only_with_valid_choices(infosec) -> None:
    data = {
        "code": "Q-NEW-1",
        "topic": "phishing",
        "kind": "single",
        "text": "新しい問題",
        "explanation": "解説",
        "source": "本市の基準",
        "choice_1": "正解の選択肢",
        "correct_1": "on",
        "choice_2": "もう一つの正解",
        "correct_2": "on",
    }
    response = infosec.post(reverse("awareness:question_create"), data)
    assert response.status_code == 400
    assert "正解を1つだけ選んでください" in response.content.decode()
    assert not Question.objects.exists()
    data.pop("correct_2")
    response = infosec.post(reverse("awareness:question_create"), data)
    assert response.status_code == 302
    q = Question.objects.get(code="Q-NEW-1")
    assert [(c.text, c.correct) for c in q.choices.order_by("order")] == [
        ("正解の選択肢", True), ("もう一つの正解", False),
    ]  # fmt: skip
    assert AuditEntry.objects.filter(object_type="awareness.question", action="create").exists()


@pytest.mark.django_db
def test_a_question_taken_out_of_use_is_no_longer_asked(infosec, me) -> None:
    q = make_question("Q-1")
    due_card(me["staff"], q)
    response = infosec.post(reverse("awareness:question_active", args=[q.pk]), {"active": "0"})
    assert response.status_code == 302
    q.refresh_from_db()
    assert not q.active
    assert (
        "今週の問題はまだありません" in me["client"].get(reverse("awareness:home")).content.decode()
    )
    assert AuditEntry.objects.filter(object_type="awareness.question", action="update").exists()


@pytest.mark.django_db
def test_import_page_lists_the_problems_and_export_is_an_audited_xlsx(infosec) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "問題"
    ws.append(list(bank.QUESTION_HEADERS))
    ws.append(["Q-1", "不明な分野", "択一", "問題", "a", "b"])
    buf = io.BytesIO()
    wb.save(buf)
    upload = io.BytesIO(buf.getvalue())
    upload.name = "bank.xlsx"
    response = infosec.post(reverse("awareness:bank_import"), {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "取り込みませんでした" in page and "不明な分野" in page and "<td>2</td>" in page
    assert not Question.objects.exists()
    make_question("Q-EXP")
    response = infosec.get(reverse("awareness:bank_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEntry.objects.filter(action="export", object_type="awareness.question").exists()


@pytest.mark.django_db
def test_infosec_sets_the_weekly_number(infosec, me) -> None:
    for i in range(5):
        due_card(me["staff"], make_question(f"Q-{i}"))
    response = infosec.post(reverse("awareness:settings"), {"weekly_questions": "20"})
    assert response.status_code == 400
    response = infosec.post(reverse("awareness:settings"), {"weekly_questions": "5"})
    assert response.status_code == 302
    assert AwarenessSettings.objects.get(pk=1).weekly_questions == 5
    assert "今週の問題 5問" in me["client"].get(reverse("core:home")).content.decode()


@pytest.mark.django_db
def test_the_bank_is_imported_from_xlsx_only(infosec) -> None:
    upload = io.BytesIO("コード,分野\nQ-1,phishing\n".encode("cp932"))
    upload.name = "bank.csv"
    response = infosec.post(reverse("awareness:bank_import"), {"file": upload})
    assert response.status_code == 400
    assert ".xlsx のファイルを選んでください。" in response.content.decode()
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_a_follow_up_question_says_why_it_comes_early(me) -> None:
    from yakuba.security import signals

    make_question("Q-PH-9", "phishing", text="フォローアップの問題文")
    signals.follow_up_needed.send(
        sender="drills",
        staff_ids=[me["staff"].pk],
        topic="phishing",
        reason="訓練メール「宅配便の不在通知」のリンクを開きました。",
        source="drills.drill:1",
    )
    page = me["client"].get(reverse("awareness:home")).content.decode()
    assert "フォローアップの問題文" in page
    assert "訓練メール「宅配便の不在通知」のリンクを開きました。" in page
    assert "そのため、この分野の問題を早めに出題しています。" in page
