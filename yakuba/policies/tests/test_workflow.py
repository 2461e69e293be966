"""Replies: one reply answering several comments, scope (404 for another unit's head),
approval and send-back, publication refused while comments are unanswered, new versions."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.policies import services
from yakuba.policies.models import Publication, PublicationError, Reply, ReplyStatus, YearStatus
from yakuba.policies.tests import factories

pytestmark = pytest.mark.django_db


def _client(user: Any, client_factory: Any) -> Any:
    return verified_client(client_factory(), user)


def test_one_reply_answers_several_comments(cycle, client_factory) -> None:
    year, comments = cycle["year"], cycle["comments"]
    client = _client(cycle["head"], client_factory)
    response = client.post(
        f"/policies/years/{year.pk}/replies/new/",
        {"comments": [comments[0].pk, comments[2].pk], "text": "課題と対応策を整理しました。"},
    )
    assert response.status_code == 302
    reply = Reply.objects.get()
    assert set(reply.comments.all()) == {comments[0], comments[2]}
    assert reply.status == ReplyStatus.DRAFT and reply.written_by == cycle["head"]
    assert set(comments[0].replies.all()) == {reply}
    assert AuditEntry.objects.filter(object_type="policies.reply", action="create").exists()
    page = client.get(f"/policies/years/{year.pk}/").content.decode()
    assert "2 件の意見に答える" in page and "返答のない意見が 1 件あります" in page


def test_a_reply_needs_a_comment_of_its_own_year(cycle, client_factory) -> None:
    other = factories.make_year(cycle["policy"], 2021)
    stray = factories.add_comment(other, "別の年度の意見")
    with pytest.raises(ValidationError):
        services.save_reply(
            actor=cycle["planner"], year=cycle["year"], reply=None, text="x", comments=[stray]
        )
    client = _client(cycle["planner"], client_factory)
    response = client.post(
        f"/policies/years/{cycle['year'].pk}/replies/new/", {"text": "意見を選ばない"}
    )
    assert response.status_code == 400
    assert "答える意見を1つ以上選んでください" in response.content.decode()
    assert not Reply.objects.exists()


def test_another_units_head_gets_404_on_reply_and_approval_urls(cycle, client_factory) -> None:
    reply = factories.make_reply(cycle["year"], cycle["comments"][:1])
    services.submit_reply(actor=cycle["planner"], reply=reply)
    other = _client(cycle["other_head"], client_factory)
    for method, url in [
        ("get", f"/policies/years/{cycle['year'].pk}/replies/new/"),
        ("post", f"/policies/years/{cycle['year'].pk}/replies/new/"),
        ("get", f"/policies/replies/{reply.pk}/edit/"),
        ("post", f"/policies/replies/{reply.pk}/submit/"),
        ("get", f"/policies/replies/{reply.pk}/decide/"),
        ("post", f"/policies/replies/{reply.pk}/decide/"),
    ]:
        assert getattr(other, method)(url).status_code == 404, url
    # They still read the policy (VIEW_POLICIES), without the buttons of the unit.
    page = other.get(f"/policies/years/{cycle['year'].pk}/").content.decode()
    assert "返答を書く" not in page and "承認・差し戻し" not in page
    assert other.get("/policies/approvals/").context["replies"] == []
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.SUBMITTED


def test_the_head_approves_or_sends_back_with_a_note(cycle, client_factory) -> None:
    reply = factories.make_reply(cycle["year"], cycle["comments"][:2])
    writer = _client(cycle["planner"], client_factory)
    assert writer.post(f"/policies/replies/{reply.pk}/submit/").status_code == 302
    head = _client(cycle["head"], client_factory)
    queue = head.get("/policies/approvals/")
    assert [r.pk for r in queue.context["replies"]] == [reply.pk]
    # Sending back needs a reason.
    refused = head.post(f"/policies/replies/{reply.pk}/decide/", {"decision": "send_back"})
    assert (
        refused.status_code == 400 and "差し戻す理由を入力してください" in refused.content.decode()
    )
    head.post(
        f"/policies/replies/{reply.pk}/decide/",
        {"decision": "send_back", "note": "対応策の期限を書いてください。"},
    )
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.SENT_BACK and reply.decided_by == cycle["head"]
    page = writer.get(f"/policies/years/{cycle['year'].pk}/").content.decode()
    assert "対応策の期限を書いてください。" in page
    # The writer corrects it and asks again; the head approves.
    writer.post(
        f"/policies/replies/{reply.pk}/edit/",
        {
            "comments": [c.pk for c in cycle["comments"][:2]],
            "text": "期限は3月末です。",
            "submit": "1",
        },
    )
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.SUBMITTED and reply.text == "期限は3月末です。"
    head.post(f"/policies/replies/{reply.pk}/decide/", {"decision": "approve"})
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.APPROVED and reply.return_note == ""
    # The planning unit cannot approve (no APPROVE_POLICY_REPLIES): 403.
    assert writer.get(f"/policies/replies/{reply.pk}/decide/").status_code == 403
    actions = list(
        AuditEntry.objects.filter(object_type="policies.reply", object_id=str(reply.pk))
        .order_by("seq")
        .values_list("changes", flat=True)
    )
    statuses = [c["status"][1] for c in actions if "status" in c]
    assert statuses == ["draft", "submitted", "sent_back", "submitted", "approved"]


def test_a_reply_waiting_for_approval_cannot_be_changed(cycle, client_factory) -> None:
    reply = factories.make_reply(cycle["year"], cycle["comments"][:1])
    services.submit_reply(actor=cycle["planner"], reply=reply)
    with pytest.raises(ValidationError):
        services.save_reply(
            actor=cycle["planner"],
            year=cycle["year"],
            reply=reply,
            text="変更",
            comments=cycle["comments"][:1],
        )


def test_changing_an_approved_reply_needs_approval_again(cycle) -> None:
    reply = factories.make_reply(cycle["year"], cycle["comments"][:1])
    services.submit_reply(actor=cycle["planner"], reply=reply)
    services.decide_reply(actor=cycle["head"], reply=reply, approve=True)
    services.save_reply(
        actor=cycle["planner"],
        year=cycle["year"],
        reply=reply,
        text="書き直し",
        comments=cycle["comments"][:1],
    )
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.DRAFT


def _answer_all(cycle: dict[str, Any]) -> Reply:
    reply = factories.make_reply(cycle["year"], cycle["comments"], "すべてに答えます。")
    services.submit_reply(actor=cycle["planner"], reply=reply)
    services.decide_reply(actor=cycle["head"], reply=reply, approve=True)
    return reply


def test_publishing_is_refused_while_a_comment_is_not_answered(cycle, client_factory) -> None:
    comments = cycle["comments"]
    draft = factories.make_reply(cycle["year"], comments[:1])
    waiting = factories.make_reply(cycle["year"], comments[1:2])
    services.submit_reply(actor=cycle["planner"], reply=waiting)
    client = _client(cycle["planner"], client_factory)
    page = client.get(f"/policies/years/{cycle['year'].pk}/publish/").content.decode()
    assert "まだ公開できません" in page
    assert "返答が下書きのままです" in page and "返答が承認待ちです" in page
    assert "返答がありません" in page and "対象者の条件や効果" in page
    response = client.post(
        f"/policies/years/{cycle['year'].pk}/publish/", {"page_date": "2021-02-26"}
    )
    assert response.status_code == 400
    assert not Publication.objects.exists()
    assert draft.status == ReplyStatus.DRAFT


def test_a_published_page_changes_only_through_a_new_version(cycle, client_factory) -> None:
    reply = _answer_all(cycle)
    client = _client(cycle["planner"], client_factory)
    response = client.post(
        f"/policies/years/{cycle['year'].pk}/publish/", {"page_date": "2021-02-26"}
    )
    first = Publication.objects.get()
    assert response.status_code == 302 and first.version == 1
    cycle["year"].refresh_from_db()
    assert cycle["year"].status == YearStatus.PUBLISHED
    html_v1, sha_v1 = first.html, first.sha256
    # The page cannot be changed in place, nor deleted.
    first.html = "<p>改ざん</p>"
    with pytest.raises(PublicationError):
        first.save()
    with pytest.raises(PublicationError):
        first.delete()
    # A corrected reply is approved again and published as version 2.
    services.save_reply(
        actor=cycle["planner"],
        year=cycle["year"],
        reply=reply,
        text="すべてに答えます（訂正）。",
        comments=cycle["comments"],
    )
    services.submit_reply(actor=cycle["planner"], reply=reply)
    services.decide_reply(actor=cycle["head"], reply=reply, approve=True)
    client.post(
        f"/policies/years/{cycle['year'].pk}/publish/",
        {"page_date": "2021-03-10", "note": "返答の訂正"},
    )
    second = Publication.objects.get(version=2)
    old = Publication.objects.get(version=1)
    assert old.html == html_v1 and old.sha256 == sha_v1 and "（訂正）" not in old.html
    assert "（訂正）" in second.html and "2021年03月10日" in second.html
    # Both stay readable and downloadable.
    old_page = client.get(f"/policies/versions/{old.pk}/").content.decode()
    assert "過去の版" in old_page and "すべてに答えます。" in old_page
    download = client.get(f"/policies/versions/{old.pk}/download/")
    assert download.content.decode() == html_v1
    assert "attachment" in download["Content-Disposition"]
    listing = client.get(f"/policies/years/{cycle['year'].pk}/versions/").content.decode()
    assert "第1版" in listing and "第2版" in listing and "返答の訂正" in listing
    creates = AuditEntry.objects.filter(object_type="policies.publication", action="create")
    assert creates.count() == 2
    assert AuditEntry.objects.filter(object_type="policies.publication", action="export").exists()


def test_hr_and_the_auditor_read_but_do_not_write(cycle, make_user, client_factory) -> None:
    for role in ("hr", "auditor"):
        client = _client(make_user(role, username=f"pol-{role}"), client_factory)
        assert client.get(f"/policies/years/{cycle['year'].pk}/").status_code == 200
        assert client.get(f"/policies/years/{cycle['year'].pk}/replies/new/").status_code == 403
        assert client.get(f"/policies/years/{cycle['year'].pk}/publish/").status_code == 403
        assert client.get("/policies/approvals/").status_code == 403
    staff = _client(make_user("staff", username="pol-staff"), client_factory)
    assert staff.get("/policies/").status_code == 403


def test_submitting_notifies_the_head_of_the_responsible_unit(cycle) -> None:
    from yakuba.notifications.models import Notice

    reply = factories.make_reply(cycle["year"], cycle["comments"][:1])
    services.submit_reply(actor=cycle["planner"], reply=reply)
    notified = set(Notice.objects.values_list("recipient__username", flat=True))
    assert "head-shimin" in notified and "head-zeimu" not in notified


def test_a_reply_links_countermeasures_and_an_evidence_report(cycle, client_factory) -> None:
    from yakuba.evaluation.models import EvidenceReport, ReportStatus
    from yakuba.problems.tests.factories import make_countermeasure, make_problem

    unit = cycle["policy"].responsible_unit
    measure = make_countermeasure(make_problem(unit))
    report = EvidenceReport.objects.create(
        title="緊急事態宣言下の在宅勤務",
        period_start="2020-04-01",
        period_end="2020-05-31",
        requested_by=cycle["planner"],
        status=ReportStatus.DONE,
    )
    pending = EvidenceReport.objects.create(
        title="作成中の報告",
        period_start="2021-04-01",
        period_end="2021-05-31",
        requested_by=cycle["planner"],
    )
    client = _client(cycle["head"], client_factory)
    form = client.get(f"/policies/years/{cycle['year'].pk}/replies/new/").content.decode()
    assert "VPN回線の増強を予算要求する" in form and "緊急事態宣言下の在宅勤務" in form
    assert "作成中の報告" not in form  # only finished reports
    client.post(
        f"/policies/years/{cycle['year'].pk}/replies/new/",
        {
            "comments": [cycle["comments"][0].pk],
            "text": "対応策と点検・評価報告のとおりです。",
            "countermeasures": [measure.pk],
            "evidence_report": report.pk,
        },
    )
    reply = Reply.objects.get()
    assert list(reply.countermeasures.all()) == [measure] and reply.evidence_report == report
    page = client.get(f"/policies/years/{cycle['year'].pk}/").content.decode()
    assert f'href="{measure.get_absolute_url()}"' in page
    # A report that is not finished cannot be linked, even by a hand-made request.
    refused = client.post(
        f"/policies/replies/{reply.pk}/edit/",
        {"comments": [cycle["comments"][0].pk], "text": "x", "evidence_report": pending.pk},
    )
    assert refused.status_code == 400
    reply.refresh_from_db()
    assert reply.evidence_report == report
