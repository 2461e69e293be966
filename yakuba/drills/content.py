"""What a drill mail says: the template's text with the person's links, and the checks
on the optional HTML body (a small allow-list; nothing that loads from elsewhere)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from yakuba.drills.models import DrillTemplate

CONTENT_FIELDS = (
    "subject",
    "sender_name",
    "sender_address",
    "body",
    "html_body",
    "signs",
    "fake_form",
    "form_title",
)

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "a", "strong", "em", "b", "i", "u", "ul", "ol", "li", "span", "div",
        "table", "thead", "tbody", "tr", "td", "th", "h1", "h2", "h3", "hr", "blockquote",
    }
)  # fmt: skip
# Only a link may point somewhere, and only to the drill's own placeholders.
ALLOWED_HREFS = frozenset({"{link}", "{report_link}"})


def snapshot(template: DrillTemplate) -> dict[str, Any]:
    return {field: getattr(template, field) for field in CONTENT_FIELDS}


def base_url() -> str:
    return str(getattr(settings, "YAKUBA_BASE_URL", "") or "http://127.0.0.1:8000").rstrip("/")


@dataclass(frozen=True)
class Links:
    click: str
    report: str
    pixel: str


def links_for(token: str) -> Links:
    base = base_url()
    return Links(
        click=base + reverse("drills:click", args=[token]),
        report=base + reverse("drills:report", args=[token]),
        pixel=base + reverse("drills:open", args=[token]),
    )


def _fill(text: str, values: Mapping[str, str]) -> str:
    # Plain replacement, not str.format: braces elsewhere in a template stay as written.
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def footer_text(report: str) -> str:
    return _(
        "──────────\n"
        "このメールを不審に思ったら、次のリンクから情報セキュリティ担当に報告してください。\n"
        "%(report)s"
    ) % {"report": report}


def render_mail(content: dict[str, Any], *, name: str, links: Links) -> tuple[str, str, str]:
    """(subject, text body, HTML body) for one person."""
    plain_values = {"link": links.click, "report_link": links.report, "name": name}
    text = _fill(str(content["body"]), plain_values) + "\n\n" + footer_text(links.report)
    html_values = {k: str(escape(v)) for k, v in plain_values.items()}
    if content.get("html_body"):
        html = _fill(str(content["html_body"]), html_values)
    else:
        # The plain body made HTML: escaped first, then the link made clickable.
        html = linebreaks(escape(str(content["body"])))
        html = html.replace("{link}", f'<a href="{html_values["link"]}">{html_values["link"]}</a>')
        html = _fill(html, html_values)
    footer = linebreaks(escape(footer_text(links.report)))
    # The 1×1 image: "opened" is measurable only when the mail client loads images.
    pixel = f'<img src="{escape(links.pixel)}" width="1" height="1" alt="">'
    html = f"<!DOCTYPE html><html><body>{html}{footer}{pixel}</body></html>"
    subject = _fill(str(content["subject"]), {"name": name})
    return subject, text, html


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(_("<%(tag)s> は使えません。") % {"tag": tag})
            return
        for attr, value in attrs:
            if tag == "a" and attr == "href":
                if (value or "").strip() not in ALLOWED_HREFS:
                    self.problems.append(
                        _("リンク先には {link} か {report_link} だけが使えます（%(href)s）。")
                        % {"href": value or ""}
                    )
            elif attr not in ("title", "colspan", "rowspan"):
                self.problems.append(
                    _("<%(tag)s> の属性 %(attr)s は使えません。") % {"tag": tag, "attr": attr}
                )

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def html_problems(html: str) -> list[str]:
    """Every problem of an HTML body (empty list: fine), each once."""
    checker = _Checker()
    checker.feed(html)
    checker.close()
    return list(dict.fromkeys(checker.problems))
