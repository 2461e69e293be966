from html.parser import HTMLParser

import pytest

from yakuba.knowledge.markup import ALLOWED_TAGS, plain_text, render, sanitise

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[クリック](javascript:alert(1))",
    "[クリック](JaVaScRiPt:alert(1))",
    "[クリック](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    '<a href="javascript:alert(1)">y</a>',
    "<svg/onload=alert(1)>",
    '<iframe src="https://evil.example/"></iframe>',
    "**<style>body{display:none}</style>**",
    '[x](https://ok.example/" onmouseover="alert(1))',
    "`<script>` and ```\n<script>alert(1)</script>\n```",
    "<!-- <script>alert(1)</script> -->",
]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, attrs))


@pytest.mark.parametrize("attack", XSS)
def test_no_script_handler_or_dangerous_link_survives(attack):
    parser = _Tags()
    parser.feed(str(render(attack)))
    for tag, attrs in parser.seen:
        assert tag in ALLOWED_TAGS, (attack, tag)
        for name, value in attrs:
            assert name in {"href", "rel", "start"}, (attack, name)
            if name == "href":
                assert (value or "").startswith(("https://", "http://", "/", "mailto:")), value


def test_the_sanitiser_alone_cleans_html_the_markdown_step_might_let_through():
    dirty = (
        '<p onclick="x()">a<script>alert(1)</script><a href="javascript:alert(1)">b</a>'
        '<img src=x onerror=alert(1)><a href="https://ok.example/">c</a></p>'
    )
    clean = sanitise(dirty)
    assert "onclick" not in clean and "<script" not in clean and "<img" not in clean
    assert "javascript:" not in clean
    assert '<a href="https://ok.example/" rel="noopener noreferrer nofollow">c</a>' in clean


def test_the_subset_renders_what_staff_write():
    html = str(
        render(
            "# 接続の手順\n1. **VPN** を起動\n2. `Ctrl+Alt` を押す\n\n> 注意\n\n"
            "[手順書](/knowledge/howto/vpn/)"
        )
    )
    assert "<h3>接続の手順</h3>" in html
    assert "<ol>" in html and "<strong>VPN</strong>" in html and "<code>Ctrl+Alt</code>" in html
    assert "<blockquote>" in html
    assert '<a href="/knowledge/howto/vpn/" rel="noopener noreferrer nofollow">手順書</a>' in html


def test_raw_html_is_shown_as_text_and_broken_markup_does_not_fail():
    assert "&lt;b&gt;太字&lt;/b&gt;" in str(render("<b>太字</b>"))
    assert render("**閉じない [リンク](") != ""
    assert render("") == ""


def test_plain_text_drops_markup_for_notifications():
    assert plain_text("**VPN** が `つながらない`") == "VPN が つながらない"
    assert plain_text("あ" * 300, limit=10) == "あ" * 9 + "…"
