"""The small safe markup of questions, answers and how-tos.

A Markdown subset (markdown-it-py's "zero" preset with paragraphs, line breaks, emphasis,
headings, lists, quotes, code and links; raw HTML is shown as text, never interpreted),
then sanitised by nh3 (Ammonia) against a fixed allow-list, so that even a bug in the
Markdown step cannot let a script, an event handler or a ``javascript:`` link through.
Images are not part of the markup: screenshots are attachments, shown by the page.
"""

from __future__ import annotations

import functools
import html as html_lib

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
        "h3", "h4", "h5", "a", "hr",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
RULES = (
    "heading", "list", "blockquote", "code", "fence", "hr",
    "emphasis", "backticks", "link", "newline", "escape", "entity",
)  # fmt: skip


@functools.cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("zero", {"html": False, "breaks": True, "linkify": False})
    md.enable(list(RULES))
    return md


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def _to_html(text: str) -> str:
    md = _parser()
    tokens = md.parse(text or "")
    for token in tokens:
        # Headings of a post sit under the page's own h1/h2: # → h3, ## → h4, others → h5.
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 2, 5)}"
    return md.renderer.render(tokens, md.options, {})


def render(text: str) -> SafeString:
    """Markup → safe HTML for a template (``{{ body|knowledge_markup }}``)."""
    html = _to_html(text)
    return mark_safe(sanitise(html))  # noqa: S308  (sanitised by nh3 just above)


def plain_text(text: str, limit: int | None = 200) -> str:
    """The words of a post without markup, for excerpts, notifications and search (no
    ``limit``: all of it)."""
    html = _to_html(text)
    words = html_lib.unescape(" ".join(nh3.clean(html, tags=set()).split()))
    return words if limit is None or len(words) <= limit else words[: limit - 1] + "…"
