"""Issue 15's "Done when", played through the pages as the real roles would: HR sends the
shipped telework survey to everyone who teleworked last month, staff answer it on the
answer pages (one too late), HR closes it and reads the anonymous results; the planning
unit generates the evidence report, registers two problems with countermeasures (one from
a survey text group), sets up the policy with the evaluators' comments; the responsible
unit's head replies to both with the countermeasures and the report, approves; planning
publishes a page shaped like the source page. Only the city (org, accounts, published
rosters) is set up directly."""

from __future__ import annotations

import datetime as dt
import io
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from yakuba.evaluation.models import EvidenceReport, ReportStatus
from yakuba.policies.models import (
    Comment,
    CommentHeading,
    Policy,
    PolicyYear,
    Publication,
    Reply,
    ReplyStatus,
)
from yakuba.policies.tests.test_publication import outline
from yakuba.problems.models import Countermeasure, Problem
from yakuba.rosters.audience import previous_month
from yakuba.surveys.models import Draft, Invitation, Response, Survey, SurveyStatus

pytestmark = pytest.mark.django_db

NAMES = ["青木 一朗", "石田 二美", "上野 三郎", "江藤 四織", "大野 五月", "加藤 六助", "木村 七海"]
STAY_IN = "久保 八重"
BLOCKED = [
    "自宅から財務会計システムに接続できず、支出命令は出勤日にまとめた。",
    "財務会計システムが使えないので決裁が遅れた。",
    "VPNの接続枠が足りず、午後は財務会計システムに入れなかった。",
    "庁内の共有フォルダにつながらず資料を探せなかった。",
    "財務会計システムと文書管理システムに接続できなかった。",
    "電話の取り次ぎができず、係に負担をかけた。",
]


class Forms(HTMLParser):
    """The post forms of a page: what a browser would send (fields, checked boxes, the
    selected options, textareas), with the label of each field by its id."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self.labels: dict[str, str] = {}
        self.links: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._label: str | None = None
        self._a: str | None = None
        self._text: list[str] = []

    def _fields(self) -> dict[str, list[str]]:
        return self.forms[-1]["fields"] if self.forms else {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self.forms.append({"action": a.get("action", ""), "fields": {}, "options": {}})
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            form = self.forms[-1] if self.forms else None
            if form is None or kind in ("submit", "button", "file"):
                return
            if kind in ("radio", "checkbox"):
                form["options"].setdefault(a["name"], []).append(a.get("value", ""))
            if kind in ("radio", "checkbox") and "checked" not in a:
                form["fields"].setdefault(a["name"], [])
            else:
                form["fields"].setdefault(a["name"], []).append(a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._fields()[self._textarea] = [""]
            self._text = []
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._fields().setdefault(self._select, [])
        elif tag == "option" and self._select and self.forms:
            self.forms[-1]["options"].setdefault(self._select, []).append(a.get("value", ""))
            if "selected" in a:
                self._fields()[self._select].append(a.get("value", ""))
        elif tag == "label" and a.get("for"):
            self._label, self._text = a["for"], []
        elif tag == "a" and a.get("href"):
            self._a, self._text = a["href"], []

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea:
            self._fields()[self._textarea] = ["".join(self._text)]
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "label" and self._label:
            self.labels[self._label] = "".join(self._text).strip()
            self._label = None
        elif tag == "a" and self._a is not None:
            self.links.append((self._a, "".join(self._text).strip()))
            self._a = None

    def handle_data(self, data: str) -> None:
        self._text.append(data)


def parse(response: Any) -> Forms:
    parser = Forms()
    parser.feed(response.content.decode())
    return parser


def form_of(response: Any, index: int = -1) -> dict[str, list[str]]:
    """The fields of the page's (last, by default) post form, csrf token aside."""
    fields = dict(parse(response).forms[index]["fields"])
    fields.pop("csrfmiddlewaretoken", None)
    return fields


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def signed_in(client_factory: Any, user: Any) -> Any:
    return verified_client(client_factory(), user)


def answer_survey(client: Any, url: str, blocked: str, *, then_submit: bool = True) -> Any:
    """Walk the survey page by page as a respondent: pick an answer for each required
    question shown, write the free text, 「次へ」 until the last page, then 「回答を送信」.
    Returns the last response (or the last page's data when not submitting)."""
    page = client.get(url)
    assert page.status_code == 200
    for _step in range(20):
        parsed = parse(page)
        form = parsed.forms[-1]
        data = {k: v for k, v in form["fields"].items() if k != "csrfmiddlewaretoken"}
        for name, values in form["options"].items():
            if re.fullmatch(r"q\d+", name) and not data.get(name):
                # A 5-point scale: 「4」; a choice: the first (「その他」 comes last).
                data[name] = ["4"] if values == ["1", "2", "3", "4", "5"] else values[:1]
        for name in list(data):
            label = parsed.labels.get(name, "")
            if "できなかったこと" in label:
                data[name] = [blocked]
            elif "日数" in label and not data[name][0]:
                data[name] = ["2"]
        text = page.content.decode()
        last = 'value="submit"' in text
        data["action"] = ["submit" if last else "next"]
        if last and not then_submit:
            return data
        page = client.post(url, data)
        if last:
            return page
        assert page.status_code == 302, text_of(page)[:2000]
        page = client.get(page["Location"])
    raise AssertionError("the survey never reached its last page")


def test_the_telework_evaluation_story(
    org, make_user, client_factory, django_capture_on_commit_callbacks
):
    from yakuba.org.models import Staff
    from yakuba.rosters.models import Assignment, RosterPeriod, RosterVersion, WorkActivity

    # --- the city: accounts, and the published rosters of last month and a year before ----
    hr = make_user("hr", username="hr-jinji")
    planner = make_user("planning", username="planner")
    head = make_user("unit_head", unit_key="shimin", username="head-shimin")
    people = []
    for i, name in enumerate([*NAMES, STAY_IN]):
        unit = ("shimin", "madoguchi", "zeimu")[i % 3]
        user = make_user("staff", username=f"tw{i}", unit_key=unit)
        Staff.objects.filter(pk=user.staff.pk).update(name=name)
        people.append(user)
    teleworkers, stay_in = people[:7], people[7]
    telework = WorkActivity.objects.create(code="T", name="在宅", kind="telework")
    office = WorkActivity.objects.create(code="O", name="庁内", kind="office")
    start, end = previous_month(timezone.localdate())
    year_before = (start.replace(year=start.year - 1), start.replace(year=start.year - 1, day=28))
    for first, last in ((start, end), year_before):
        period = RosterPeriod.objects.create(
            name=f"{first:%Y年%m月}", start_date=first, end_date=last, created_by=hr
        )
        version = RosterVersion.objects.create(
            period=period, number=1, status="published", created_by=hr
        )
        Assignment.objects.bulk_create(
            Assignment(
                version=version,
                staff=user.staff,
                date=first + dt.timedelta(days=d),
                activity=telework if user in teleworkers and d < 2 + i % 3 else office,
            )
            for i, user in enumerate(people)
            for d in range(6)
        )

    # --- 1. HR: the telework survey from the shipped template, to last month's teleworkers
    hr_c = signed_in(client_factory, hr)
    listing = hr_c.get(reverse("surveys:manage_list"))
    assert listing.status_code == 200 and "テレワーク実施状況調査" in listing.content.decode()
    created = hr_c.post(reverse("surveys:survey_from_template"))
    survey = Survey.objects.get(is_template=False)
    assert created["Location"] == reverse("surveys:survey_detail", args=[survey.pk])
    detail = hr_c.get(created["Location"]).content.decode()
    assert "今開始すると、7 名に回答をお願いします" in detail and "在宅勤務した人" in detail
    launched = hr_c.post(reverse("surveys:survey_launch", args=[survey.pk]), follow=True)
    assert "7 名に回答をお願いしました" in launched.content.decode()
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN and survey.title == "テレワーク実施状況調査"
    invited = set(Invitation.objects.filter(survey=survey).values_list("staff_id", flat=True))
    assert invited == {u.staff.pk for u in teleworkers}

    # --- 2. Staff answer on the answer pages; the one who stayed in is not invited -------
    url = reverse("surveys:answer", args=[survey.pk])
    outsider = signed_in(client_factory, stay_in)
    assert outsider.get(url).status_code == 404
    assert "テレワーク実施状況調査" not in outsider.get(reverse("surveys:mine")).content.decode()
    for user, blocked in zip(teleworkers[:6], BLOCKED, strict=True):
        c = signed_in(client_factory, user)
        mine = c.get(reverse("surveys:mine")).content.decode()
        assert "回答をお願いしているアンケート" in mine and "テレワーク実施状況調査" in mine
        done = answer_survey(c, url, blocked)
        assert done.status_code == 302 and done["Location"] == reverse("surveys:mine")
        assert "回答済み" in c.get(reverse("surveys:mine")).content.decode()
    assert Response.objects.filter(survey=survey).count() == 6
    # The seventh opens the survey, fills it in… and sends it after HR has closed it.
    late = signed_in(client_factory, teleworkers[6])
    late_data = answer_survey(late, url, "遅れて回答します。", then_submit=False)
    # (「次へ」 kept a draft on the way, as it does for everyone.)
    kept = Draft.objects.get(survey=survey, staff=teleworkers[6].staff).answers
    closed = hr_c.post(reverse("surveys:survey_close", args=[survey.pk]), follow=True)
    assert "締め切りました" in closed.content.decode()
    refused = late.post(url, late_data)
    assert refused.status_code == 200
    assert "締め切られました" in refused.content.decode()
    assert "回答は保存されていません" in refused.content.decode()
    assert Response.objects.filter(survey=survey).count() == 6
    assert not Invitation.objects.get(survey=survey, staff=teleworkers[6].staff).answered
    assert Draft.objects.get(survey=survey, staff=teleworkers[6].staff).answers == kept

    # HR reads the results: six respondents, nobody's name.
    assert "テレワーク実施状況調査" in hr_c.get(reverse("surveys:results_list")).content.decode()
    results = hr_c.get(reverse("surveys:results", args=[survey.pk]))
    assert results.status_code == 200
    page = results.content.decode()
    assert "回答者 6 人の結果です。" in page
    assert not [n for n in [*NAMES, STAY_IN] if n in page or n.replace(" ", "") in page]
    groups_links = [h for h, _t in parse(results).links if "/texts/" in h]
    assert groups_links, "each free-text question links to its groups"
    blocked_q = survey.questions.get(text__contains="できなかったこと")
    groups_url = reverse("surveys:text_groups", args=[survey.pk, blocked_q.pk])
    assert groups_url in groups_links
    groups = hr_c.get(groups_url)
    assert groups.status_code == 200
    groups_page = groups.content.decode()
    assert "記述 6 件" in groups_page and "共通する言葉" in groups_page
    assert "財務会計" in groups_page  # the word most of them share labels a group
    assert "課題と対応策に登録" not in groups_page  # HR does not keep the register
    assert not [n for n in NAMES if n in groups_page]

    # --- 3. The planning unit: the evidence report, last month against a year apart --------
    plan_c = signed_in(client_factory, planner)
    new = plan_c.get(reverse("evaluation:report_new"))
    assert new.status_code == 200 and "先月と前年の同じ月" in new.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        asked = plan_c.post(reverse("evaluation:report_new"), {"preset": "last_month"})
    report = EvidenceReport.objects.get()
    assert asked.status_code == 302
    assert asked["Location"] == reverse("evaluation:report_detail", args=[report.pk])
    assert report.status == ReportStatus.DONE
    assert (report.period_start, report.period_end) == (start, end)
    assert report.comparison_start is not None and report.comparison_start.year == start.year - 1
    shown = plan_c.get(asked["Location"])
    html = shown.content.decode()
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", html)
    assert any("対象者の条件" in h for h in headings)
    assert any("アンケートから見た効果と課題" in h for h in headings)
    assert any("課題と対応策" in h for h in headings)
    assert reverse("surveys:results", args=[survey.pk]) in html  # the survey's figures link back
    assert not [n for n in [*NAMES, STAY_IN] if n in html]
    for fmt, magic in (("docx", b"PK"), ("xlsx", b"PK")):
        got = plan_c.get(reverse("evaluation:report_download", args=[report.pk, fmt]))
        assert got.status_code == 200, fmt
        body = b"".join(got.streaming_content) if got.streaming else got.content
        assert body[:2] == magic and f".{fmt}" in got["Content-Disposition"]
    from docx import Document

    docx = plan_c.get(reverse("evaluation:report_download", args=[report.pk, "docx"]))
    docx_bytes = b"".join(docx.streaming_content) if docx.streaming else docx.content
    document = Document(io.BytesIO(docx_bytes))
    doc_headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any("アンケートから見た効果と課題" in h for h in doc_headings)

    # --- 4. Two problems with a countermeasure each, from the register's pages -----------
    groups_for_planner = plan_c.get(groups_url)
    from_group = [
        h
        for h, t in parse(groups_for_planner).links
        if t == "課題と対応策に登録" and "財務会計" in unquote(h)
    ]
    assert from_group, "a text group offers to register a problem from it"
    create = plan_c.get(from_group[0].replace("&amp;", "&"))
    assert create.status_code == 200
    assert "アンケートの自由記述グループ" in create.content.decode()
    fields = form_of(create)
    assert fields["source_kind"] == ["survey_group"] and fields["source_id"] == [str(survey.pk)]
    fields.update(
        title=["自宅から財務会計システムに接続できない"],
        description=["在宅勤務の日に支出命令を処理できず、出勤日にまとめている。"],
        unit=[str(org["shimin"].pk)],
        fiscal_year=[str(start.year)],
    )
    saved = plan_c.post(from_group[0].replace("&amp;", "&"), fields)
    assert saved.status_code == 302, text_of(saved)[:1500]
    grouped = Problem.objects.get(title="自宅から財務会計システムに接続できない")
    assert grouped.source_kind == "survey_group" and grouped.source_id == survey.pk
    blank = plan_c.get(reverse("problems:create"))
    fields = form_of(blank)
    fields.update(
        title=["VPNの接続枠が足りない"],
        description=["午後に接続枠が満杯になり、申請しても在宅勤務できない日がある。"],
        unit=[str(org["shimin"].pk)],
        fiscal_year=[str(start.year)],
    )
    assert plan_c.post(reverse("problems:create"), fields).status_code == 302
    second = Problem.objects.get(title="VPNの接続枠が足りない")
    for problem, measure in (
        (grouped, "LGWAN経由のテレワークシステムで財務会計システムに接続する"),
        (second, "VPN端末を5台増やす"),
    ):
        url_cm = reverse("problems:countermeasure_create", args=[problem.pk])
        fields = form_of(plan_c.get(url_cm))
        fields.update(
            description=[measure],
            unit=[str(org["shimin"].pk)],
            due_on=[str(end + dt.timedelta(days=120))],
            status=["in_progress"],
        )
        done = plan_c.post(url_cm, fields)
        assert done.status_code == 302, text_of(done)[:1500]
        assert measure in plan_c.get(done["Location"]).content.decode()
    register = plan_c.get(reverse("problems:list")).content.decode()
    assert "自宅から財務会計システムに接続できない" in register
    assert "VPNの接続枠が足りない" in register
    assert Countermeasure.objects.count() == 2

    # --- 5. The policy, the evaluators' comments, the reply, approval and publication ----
    fields = form_of(plan_c.get(reverse("policies:policy_create")))
    fields.update(
        code=["S27"],
        title=["ICTの活用"],
        responsible_unit=[str(org["shimin"].pk)],
        first_year=[str(start.year - 1)],
    )
    made = plan_c.post(reverse("policies:policy_create"), fields)
    assert made.status_code == 302, text_of(made)[:1500]
    policy = Policy.objects.get(code="S27")
    year_url = reverse("policies:year_create", args=[policy.pk])
    fields = form_of(plan_c.get(year_url))
    fields["fiscal_year"] = [str(start.year)]
    made = plan_c.post(year_url, fields)
    assert made.status_code == 302, text_of(made)[:1500]
    year = PolicyYear.objects.get(policy=policy, fiscal_year=start.year)
    comment_url = reverse("policies:comment_create", args=[year.pk])
    form_page = plan_c.get(comment_url)

    overall = CommentHeading.objects.get(name="全体に対する意見・提案等")
    issues = CommentHeading.objects.get(name="課題に対する意見・提案等")
    assert str(overall.pk) in parse(form_page).forms[-1]["options"]["heading"]
    texts = {
        overall: "在宅勤務については、緊急宣言下における在宅勤務で分かった課題と対応策を"
        "示してほしい。",
        issues: "在宅勤務の対象者の条件や、効果、課題等について、十分点検・評価したうえで、"
        "今後の導入方法を検討する必要がある。",
    }
    for heading, text in texts.items():
        fields = form_of(plan_c.get(comment_url))
        fields.update(heading=[str(heading.pk)], text=[text])
        assert plan_c.post(comment_url, fields).status_code == 302
    comments = list(Comment.objects.filter(year=year))
    assert len(comments) == 2
    contact_url = reverse("policies:contact_edit", args=[policy.pk])
    fields = form_of(plan_c.get(contact_url))
    fields.update(
        section_name=["庶務係"],
        postal_code=["000-0000"],
        address=["みどり野市中央一丁目1番地"],
        phone=["000-000-0000"],
        fax=["000-000-0001"],
        email=["shimin@city.midorino.example"],
    )
    assert plan_c.post(contact_url, fields).status_code == 302

    head_c = signed_in(client_factory, head)
    year_page = head_c.get(reverse("policies:year_detail", args=[year.pk]))
    assert year_page.status_code == 200 and "返答を書く" in year_page.content.decode()
    reply_url = reverse("policies:reply_create", args=[year.pk])
    form_page = head_c.get(reply_url)
    options = parse(form_page).forms[-1]["options"]
    measures = list(Countermeasure.objects.order_by("pk"))
    assert {str(m.pk) for m in measures} <= set(options["countermeasures"])
    assert str(report.pk) in options["evidence_report"]
    reply_text = (
        "緊急事態宣言下の在宅勤務で分かった課題（財務会計システムに接続できない、VPNの接続枠が"
        "足りない）と対応策を「課題と対応策」にまとめ、対象者の条件・効果・課題をテレワーク"
        "点検・評価報告で点検しました。"
    )
    fields = form_of(form_page)
    fields.update(
        comments=[str(c.pk) for c in comments],
        text=[reply_text],
        countermeasures=[str(m.pk) for m in measures],
        evidence_report=[str(report.pk)],
    )
    written = head_c.post(reply_url, fields)
    assert written.status_code == 302, text_of(written)[:1500]
    reply = Reply.objects.get()
    assert set(reply.comments.all()) == set(comments)
    assert set(reply.countermeasures.all()) == set(measures) and reply.evidence_report == report
    year_page = head_c.get(reverse("policies:year_detail", args=[year.pk])).content.decode()
    assert "2 件の意見に答える" in year_page and "VPN端末を5台増やす" in year_page
    assert head_c.post(reverse("policies:reply_submit", args=[reply.pk])).status_code == 302
    queue = head_c.get(reverse("policies:approval_queue"))
    assert [r.pk for r in queue.context["replies"]] == [reply.pk]
    decide_url = reverse("policies:reply_decide", args=[reply.pk])
    assert head_c.get(decide_url).status_code == 200
    assert head_c.post(decide_url, {"decision": "approve"}).status_code == 302
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.APPROVED and reply.decided_by == head

    publish_url = reverse("policies:publish", args=[year.pk])
    preview = plan_c.get(publish_url)
    assert preview.status_code == 200 and reply_text[:20] in preview.content.decode()
    published = plan_c.post(publish_url, {"page_date": "2026-02-26", "note": ""})
    assert published.status_code == 302, text_of(published)[:1500]
    publication = Publication.objects.get()
    assert published["Location"] == reverse("policies:version_detail", args=[publication.pk])
    got = plan_c.get(reverse("policies:version_download", args=[publication.pk]))
    assert got.status_code == 200
    html = (b"".join(got.streaming_content) if got.streaming else got.content).decode()
    page_outline = outline(html)
    assert page_outline.headings[0] == (1, "S27 ICTの活用【市民課】")
    assert [h for level, h in page_outline.headings if level == 3][-2:] == [
        "全体に対する意見・提案等",
        "課題に対する意見・提案等",
    ]
    assert (2, "この記事に関するお問い合わせ先") in page_outline.headings
    assert "更新日" in html and '<time datetime="2026-02-26">2026年02月26日</time>' in html
    for text in texts.values():
        assert text in html
    assert reply_text in html
    assert page_outline.address[0] == "市民部 市民課 庶務係"
    assert "電話番号:000-000-0000" in page_outline.address
    # A static page for the city's site: its only link is the contact mail address, as on the
    # source page (no link into this application), and nobody's name appears on it.
    hrefs = [a.get("href") for tag, a in page_outline.tags if tag == "a"]
    assert hrefs == ["mailto:shimin@city.midorino.example"]
    assert not [n for n in [*NAMES, STAY_IN] if n in html]
