"""The published page has the source page's shape: title with the unit, 更新日, the internal
evaluation, the comments under their headings beside the reply that answers them, the
contact block; self-contained (inline stylesheet with a print part); the in-app view uses
the stylesheet file under our CSP."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from typing import Any

import pytest

from conftest import verified_client
from yakuba.policies import services
from yakuba.policies.models import Publication, UnitContact
from yakuba.policies.publishing import STYLESHEET
from yakuba.policies.tests import factories

pytestmark = pytest.mark.django_db


class Outline(HTMLParser):
    """Headings (level, text), table cells (tag, attrs, text) and text of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self.cells: list[tuple[str, dict[str, str | None], str]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._open: list[tuple[str, dict[str, str | None], list[str]]] = []
        self.in_address = False
        self.address: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in {"h1", "h2", "h3", "th", "td", "time", "title", "style"}:
            self._open.append((tag, dict(attrs), []))
        if tag == "address":
            self.in_address = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "address":
            self.in_address = False
        if self._open and self._open[-1][0] == tag:
            name, attrs, text = self._open.pop()
            joined = "".join(text).strip()
            if name.startswith("h") and name[1:].isdigit():
                self.headings.append((int(name[1]), joined))
            elif name in {"th", "td"}:
                self.cells.append((name, attrs, joined))
            else:
                self.cells.append((name, attrs, joined))

    def handle_data(self, data: str) -> None:
        for _name, _attrs, text in self._open:
            text.append(data)
        if self.in_address and data.strip():
            self.address.append(data.strip())


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


def _published(cycle: dict[str, Any]) -> Publication:
    from decimal import Decimal

    services.save_evaluation(
        actor=cycle["planner"],
        year=cycle["year"],
        values={
            "rating": "B",
            "self_assessment": "Web会議の利用が進んだ。",
            "issues": "在宅で業務システムを使えない。",
            "status": "evaluated",
        },
        indicators=[
            services.IndicatorInput("Web会議の開催件数", "件", Decimal(100), Decimal(132)),
            services.IndicatorInput("研修の受講率", "%", Decimal(100), None),
        ],
    )
    comments = cycle["comments"]
    both = factories.make_reply(cycle["year"], comments[:2], "毎朝の業務報告と\n研修を続けます。")
    last = factories.make_reply(cycle["year"], comments[2:], "対象者の条件を点検します。")
    for reply in (both, last):
        services.submit_reply(actor=cycle["planner"], reply=reply)
        services.decide_reply(actor=cycle["head"], reply=reply, approve=True)
    services.save_contact(
        actor=cycle["planner"],
        unit=cycle["policy"].responsible_unit,
        values={
            "section_name": "庶務係",
            "postal_code": "000-0000",
            "address": "みどり野市中央一丁目1番地",
            "phone": "000-000-0000",
            "fax": "000-000-0001",
            "email": "shimin@city.midorino.example",
        },
    )
    return services.publish(
        actor=cycle["planner"], year=cycle["year"], page_date=dt.date(2021, 2, 26)
    )


def test_the_page_has_the_shape_of_the_source_page(cycle) -> None:
    html = _published(cycle).html
    page = outline(html)
    assert page.headings == [
        (1, "S27 ICTの活用【市民課】"),
        (2, "令和2年度 内部評価の概要"),
        (3, "担当課の自己評価"),
        (3, "課題"),
        (2, "外部評価実施後の実施者意見（コメント）及び担当課の対応状況"),
        (3, factories.OVERALL),
        (3, factories.ISSUES),
        (2, "この記事に関するお問い合わせ先"),
    ]
    indicator_rows = [text for tag, attrs, text in page.cells if tag in {"th", "td"}][5:15]
    assert indicator_rows == [
        "Web会議の開催件数",
        "件",
        "100",
        "132",
        "132%",
        "研修の受講率",
        "%",
        "100",
        "—",
        "—",
    ]
    times = [(attrs, text) for tag, attrs, text in page.cells if tag == "time"]
    assert times == [({"datetime": "2021-02-26"}, "2021年02月26日")]
    # Each heading's table: the comment, then the reply that answers it; one reply cell
    # spans the two comments it answers (as on the source page).
    headers = [
        text for tag, attrs, text in page.cells if tag == "th" and attrs.get("scope") == "col"
    ]
    assert headers.count("担当課返答") == 2
    cells = [
        (attrs.get("class"), attrs.get("rowspan"), text)
        for tag, attrs, text in page.cells
        if tag == "td" and attrs.get("class") in {"pp-comment", "pp-reply"}
    ]
    assert cells == [
        ("pp-comment", None, "在宅勤務で分かった課題と対応策を示してほしい。"),
        ("pp-reply", "2", "毎朝の業務報告と研修を続けます。"),
        ("pp-comment", None, "Web会議の運用ルールを検討してほしい。"),
        ("pp-comment", None, "対象者の条件や効果を十分点検・評価してほしい。"),
        ("pp-reply", None, "対象者の条件を点検します。"),
    ]
    assert "<p>毎朝の業務報告と<br>研修を続けます。</p>" in html
    assert page.address == [
        "市民部 市民課 庶務係",
        "〒000-0000 みどり野市中央一丁目1番地",
        "電話番号:000-000-0000",
        "ファックス:000-000-0001",
        "メール:",
        "shimin@city.midorino.example",
    ]


def test_the_file_is_self_contained_with_a_print_stylesheet(cycle) -> None:
    html = _published(cycle).html
    page = outline(html)
    assert ("html", {"lang": "ja"}) in page.tags
    title = next(text for tag, _a, text in page.cells if tag == "title")
    assert title == "S27 ICTの活用【市民課】"
    style = next(text for tag, _a, text in page.cells if tag == "style")
    assert style == STYLESHEET.read_text(encoding="utf-8").strip()
    assert "@media print" in style and "@page" in style
    # Nothing to fetch: no external stylesheet, script, image or font.
    assert not [t for t, a in page.tags if t in {"link", "script", "img", "iframe"}]
    assert "http://" not in html and "https://" not in html and "url(" not in style


def test_a_missing_contact_field_comes_from_the_settings(cycle, settings) -> None:
    settings.POLICY_CONTACT_PHONE = "000-111-2222"
    settings.POLICY_CONTACT_ADDRESS = "みどり野市役所"
    UnitContact.objects.all().delete()
    document, _body = services.preview(cycle["year"], dt.date(2021, 2, 26))
    assert outline(document).address[:3] == [
        "市民部 市民課",
        "みどり野市役所",
        "電話番号:000-111-2222",
    ]


def test_the_in_app_view_keeps_our_csp(cycle, client_factory) -> None:
    publication = _published(cycle)
    client = verified_client(client_factory(), cycle["head"])
    response = client.get(f"/policies/versions/{publication.pk}/")
    body = response.content.decode()
    assert publication.body_html in body
    assert "<style" not in body and " style=" not in body
    assert "/static/policies/publication.css" in body
    assert "style-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_the_page_is_japanese_whatever_the_publishers_language(cycle) -> None:
    from django.utils import translation

    with translation.override("en"):
        publication = _published(cycle)
    assert "担当課返答" in publication.html and "Reply" not in publication.html
