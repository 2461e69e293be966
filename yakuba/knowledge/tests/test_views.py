"""Pages: who may and who may not, the directory's work modes in constant queries, and the
ask → answer → accept → how-to flow through the views."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import verified_client
from yakuba.knowledge.models import Article, Helper, Question
from yakuba.knowledge.tests.factories import (
    make_answer,
    make_helper,
    make_question,
    make_staff,
    tag,
)


@pytest.fixture
def staff_client(make_user, client_factory):
    return verified_client(client_factory(), make_user("staff"))


def _publish(day, cells, creator):
    from yakuba.rosters.models import (
        ActivityKind,
        Assignment,
        RosterPeriod,
        RosterVersion,
        VersionStatus,
        WorkActivity,
    )

    office = WorkActivity.objects.create(
        code="k-office", name="庁内", kind=ActivityKind.OFFICE, symbol="庁"
    )
    home = WorkActivity.objects.create(
        code="k-home", name="在宅", kind=ActivityKind.TELEWORK, symbol="在"
    )
    period = RosterPeriod.objects.create(name="p", start_date=day, end_date=day, created_by=creator)
    version = RosterVersion.objects.create(
        period=period, number=1, status=VersionStatus.PUBLISHED, created_by=creator
    )
    kinds = {"office": office, "telework": home, "off": None}
    for staff, mode in cells:
        Assignment.objects.create(version=version, staff=staff, date=day, activity=kinds[mode])


def test_the_directory_shows_skills_contact_and_todays_mode_in_constant_queries(
    org, make_user, staff_client
):
    from yakuba.notifications.models import ChatIdentity

    today = timezone.localdate()
    people = [make_staff(org["zeimu"], f"50{i:02d}", f"サポーター{i}") for i in range(6)]
    for i, person in enumerate(people):
        make_helper(person, "vpn" if i % 2 else "zoom", extension=f"2{i:03d}")
        ChatIdentity.objects.create(staff=person, kind="slack", handle=f"U000{i}")
    _publish(
        today, [(people[0], "office"), (people[1], "telework"), (people[2], "off")], make_user("hr")
    )
    with CaptureQueriesContext(connection) as few:
        page = staff_client.get("/knowledge/helpers/")
    text = page.content.decode()
    for label in ("庁舎で勤務", "在宅勤務", "休み", "勤務表なし", "内線 2001", "U0001"):
        assert label in text
    for i in range(6, 16):
        person = make_staff(org["shimin"], f"60{i:02d}", f"追加{i}")
        make_helper(person, "vpn")
        ChatIdentity.objects.create(staff=person, kind="slack", handle=f"U100{i}")
    with CaptureQueriesContext(connection) as many:
        staff_client.get("/knowledge/helpers/")
    assert len(many) == len(few)
    vpn_only = staff_client.get("/knowledge/helpers/?tag=zoom").content.decode()
    assert "サポーター0" in vpn_only and "サポーター1<" not in vpn_only


def test_anyone_volunteers_and_edits_their_own_helper_profile(staff_client):
    response = staff_client.post(
        "/knowledge/helpers/me/",
        {
            "active": "on",
            "tags": [tag("zoom").pk, tag("excel").pk],
            "availability": "午後",
            "extension": "1234",
        },
    )
    assert response.status_code == 302
    helper = Helper.objects.get()
    assert {t.slug for t in helper.tags.all()} == {"zoom", "excel"} and helper.appointed_by is None
    refused = staff_client.post("/knowledge/helpers/me/", {"active": "on", "availability": ""})
    assert "得意なことを一つ以上選んでください。" in refused.content.decode()


def test_only_the_information_division_appoints(org, client_for):
    data = {"staff_number": "2001", "department": org["dept"].pk, "tags": [tag("vpn").pk]}
    assert client_for("unit_head").post("/knowledge/helpers/appoint/", data).status_code == 403
    assert client_for("staff").post("/knowledge/helpers/appoint/", data).status_code == 403
    infosec = client_for("infosec")
    assert infosec.post("/knowledge/helpers/appoint/", data).status_code == 302
    helper = Helper.objects.get(staff=org["staff"]["2001"])
    assert helper.appointed_by is not None and helper.department == org["dept"]
    unknown = infosec.post("/knowledge/helpers/appoint/", {**data, "staff_number": "nope"})
    assert "見つかりません" in unknown.content.decode()


def test_ask_answer_accept_and_turn_into_a_how_to_through_the_pages(org, make_user, client_factory):
    asker = make_user("staff", username="asker")
    helper_user = make_user("staff", unit_key="zeimu", username="helper")
    make_helper(helper_user.staff, "vpn")
    bystander = make_user("staff", username="bystander", unit_key="zeimu")
    ask = verified_client(client_factory(), asker)
    response = ask.post(
        "/knowledge/ask/",
        {"title": "自宅からVPNにつながりません", "body": "エラー **809**", "tags": [tag("vpn").pk]},
    )
    question = Question.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/knowledge/q/{question.pk}/"
    helper = verified_client(client_factory(), helper_user)
    helper.post(f"/knowledge/q/{question.pk}/answer/", {"body": "ルーターを再起動してください。"})
    answer = question.answers.get()
    other = verified_client(client_factory(), bystander)
    assert other.post(f"/knowledge/a/{answer.pk}/accept/").status_code == 403
    assert other.post(f"/knowledge/q/{question.pk}/close/").status_code == 403
    assert other.post(f"/knowledge/a/{answer.pk}/howto/").status_code == 403
    assert ask.post(f"/knowledge/a/{answer.pk}/accept/").status_code == 302
    page = ask.get(f"/knowledge/q/{question.pk}/").content.decode()
    assert "解決した回答" in page and "<strong>809</strong>" in page
    made = ask.post(f"/knowledge/a/{answer.pk}/howto/")
    article = Article.objects.get()
    assert made["Location"] == f"/knowledge/howto/{article.slug}/"
    assert "ルーターを再起動" in other.get(made["Location"]).content.decode()


def test_empty_and_huge_posts_get_a_japanese_message_and_store_nothing(staff_client, org):
    question = make_question(org["staff"]["1001"])
    empty = staff_client.post(f"/knowledge/q/{question.pk}/answer/", {"body": "  "})
    assert empty.status_code == 200 and "このフィールドは必須です。" in empty.content.decode()
    huge = staff_client.post(
        "/knowledge/ask/", {"title": "t", "body": "あ" * 20_001, "tags": [tag("vpn").pk]}
    )
    assert huge.status_code == 200 and "20000" in huge.content.decode()
    assert question.answers.count() == 0 and Question.objects.count() == 1


def test_how_to_edit_is_for_the_owner_helpers_and_moderators(
    org, make_user, client_factory, client_for
):
    owner = make_user("staff", username="owner")
    from yakuba.knowledge.tests.factories import make_article

    article = make_article(owner.staff)
    url = f"/knowledge/howto/{article.slug}/edit/"
    data = {"title": "新しい題名", "body": "新しい本文", "note": "直した", "tags": [tag("vpn").pk]}
    assert client_for("unit_head").post(url, data).status_code == 403
    assert verified_client(client_factory(), owner).post(url, data).status_code == 302
    assert client_for("infosec").post(url, {**data, "body": "三版"}).status_code == 302
    reader = client_for("staff")
    history = reader.get(f"/knowledge/howto/{article.slug}/history/").content.decode()
    assert "第3版" in history and "直した" in history
    old = reader.get(f"/knowledge/howto/{article.slug}/v1/").content.decode()
    assert "過去の版" in old and "VPNを接続" in old
    assert reader.get("/knowledge/howto/no-such/").status_code == 404


def test_lists_filter_by_tag(org, staff_client):
    make_question(org["staff"]["1001"], "VPNの質問", "vpn")
    make_question(org["staff"]["1001"], "Excelの質問", "excel")
    page = staff_client.get("/knowledge/?tag=excel").content.decode()
    assert "Excelの質問" in page and "VPNの質問" not in page
    assert staff_client.get("/knowledge/?tag=<script>&status=zzz").status_code == 200


def test_answers_show_helpful_counts(org, staff_client):
    question = make_question(org["staff"]["1001"])
    answer = make_answer(question, org["staff"]["2001"])
    assert staff_client.post(f"/knowledge/a/{answer.pk}/helpful/").status_code == 302
    assert "役に立った 1" in staff_client.get(f"/knowledge/q/{question.pk}/").content.decode()
