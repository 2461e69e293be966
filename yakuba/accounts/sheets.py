"""Printable activation sheets: one A4 page per person, in Japanese, with the link as a QR
code and the short code to type (reportlab with the Japanese CID font HeiseiKakuGo-W5,
which every PDF reader has: no font file is shipped).

The PDF holds live codes: it is built by a task, stored privately, downloaded through
`yakuba.core.downloads` and deleted after ACTIVATION_SHEET_KEEP_HOURS (`accounts.jobs`).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Iterable
from dataclasses import dataclass

import segno
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

JP_FONT = "HeiseiKakuGo-W5"
CODE_FONT = "Courier-Bold"
_registered = False


def _register_font() -> None:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(JP_FONT))
        # Binary streams: ASCII85 (reportlab's default, for 7-bit channels) is encoded in
        # pure Python here and cost a quarter of the time of a page.
        rl_config.useA85 = 0
        _registered = True


@dataclass(frozen=True)
class SheetPerson:
    name: str
    staff_number: str
    unit_name: str
    username: str
    link: str  # the activation link with its secret (QR code)
    page_url: str  # the activation page without any secret (to type the code)
    code: str  # formatted ABCD-EFGH-JKMN
    expires_at: dt.datetime
    reset: bool = False  # a reissue for someone who had a password already


def _japanese_date(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return _("%(y)d年%(m)d月%(d)d日 %(h)d時%(min)02d分まで") % {
        "y": local.year,
        "m": local.month,
        "d": local.day,
        "h": local.hour,
        "min": local.minute,
    }


def _draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """The QR code as vector squares (crisp when printed; no image library needed), one
    rectangle per run of dark modules, written as raw path operators (reportlab's path
    object formats each number through Python and took most of a page's time).

    The mask is fixed: choosing the "best" of eight (the default) costs 40 ms a code and
    any mask is valid; with quiet zone and error level M every reader decodes it."""
    qr = segno.make(data, error="m", micro=False, mask=2, boost_error=False)
    matrix = qr.matrix
    count = len(matrix)
    border = 4
    module = size / (count + 2 * border)
    ops: list[str] = []
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + border + 1) * module
        start = None
        for col_index, value in enumerate([*row, 0]):
            if value and start is None:
                start = col_index
            elif not value and start is not None:
                left = x + (start + border) * module
                ops.append(
                    f"{left:.2f} {top:.2f} {(col_index - start) * module:.2f} {module:.2f} re"
                )
                start = None
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.addLiteral("\n".join([*ops, "f"]))
    canvas.restoreState()


@functools.lru_cache(maxsize=256)
def _wrap(text: str, width: float, size: float) -> tuple[str, ...]:
    """Japanese wraps at any character; the string width decides."""
    lines: list[str] = []
    current = ""
    for char in text:
        if pdfmetrics.stringWidth(current + char, JP_FONT, size) > width:
            lines.append(current)
            current = char
        else:
            current += char
    if current:
        lines.append(current)
    return tuple(lines)


def _page(canvas: Canvas, person: SheetPerson, issued: dt.datetime) -> None:
    width, height = A4
    left = 20 * mm
    right = width - 20 * mm
    y = height - 25 * mm
    canvas.setFont(JP_FONT, 18)
    title = _("パスワード再設定のご案内") if person.reset else _("アカウント有効化のご案内")
    canvas.drawString(left, y, title)
    canvas.setFont(JP_FONT, 9)
    canvas.drawRightString(right, y + 8, _("役場業務システム Yakuba"))
    canvas.drawRightString(right, y - 4, _("取扱注意・本人限り"))
    y -= 8 * mm
    canvas.setLineWidth(0.8)
    canvas.line(left, y, right, y)

    # Who this page is for.
    y -= 10 * mm
    rows = [
        (_("氏名"), person.name),
        (_("職員番号"), person.staff_number),
        (_("所属"), person.unit_name),
        (_("ユーザー名"), person.username),
        (_("有効期限"), _japanese_date(person.expires_at)),
    ]
    for label, value in rows:
        canvas.setFont(JP_FONT, 10)
        canvas.drawString(left, y, label)
        canvas.setFont(JP_FONT, 13)
        canvas.drawString(left + 28 * mm, y, value)
        y -= 8.5 * mm

    # The QR code (the link) and, beside it, the code to type.
    qr_size = 55 * mm
    y -= qr_size - 4 * mm
    _draw_qr(canvas, person.link, left, y, qr_size)
    canvas.linkURL(person.link, (left, y, left + qr_size, y + qr_size), relative=0, thickness=0)
    text_x = left + qr_size + 10 * mm
    text_w = right - text_x
    ty = y + qr_size - 8 * mm
    canvas.setFont(JP_FONT, 11)
    for line in _wrap(
        _("スマートフォンでQRコードを読み取ると、設定のページが開きます。"), text_w, 11
    ):
        canvas.drawString(text_x, ty, line)
        ty -= 5.5 * mm
    ty -= 3 * mm
    for line in _wrap(
        _("読み取れないときは、庁内のパソコンで次のページを開き、有効化コードを入力してください。"),
        text_w,
        11,
    ):
        canvas.drawString(text_x, ty, line)
        ty -= 5.5 * mm
    ty -= 1 * mm
    canvas.setFont("Courier", 10)
    canvas.drawString(text_x, ty, person.page_url)
    ty -= 11 * mm
    canvas.setFont(JP_FONT, 10)
    canvas.drawString(text_x, ty, _("有効化コード"))
    ty -= 10 * mm
    canvas.setFont(CODE_FONT, 24)
    canvas.drawString(text_x, ty, person.code)

    # What to do.
    y -= 14 * mm
    canvas.setFont(JP_FONT, 12)
    canvas.drawString(left, y, _("手順"))
    y -= 7 * mm
    steps = [
        _("QRコードを読み取るか、上のページで有効化コードを入力します。"),
        _(
            "新しいパスワードを決めて2回入力します（12文字以上。氏名・職員番号や"
            "よく使われる語は使えません）。"
        ),
        _(
            "設定が終わるとサインインした状態になります。次回からはユーザー名とパスワードで"
            "サインインします。"
        ),
        _("管理者・人事などの役割の方は、続けて認証アプリ（二要素認証）の登録を求められます。"),
    ]
    canvas.setFont(JP_FONT, 10.5)
    for number, step in enumerate(steps, start=1):
        lines = _wrap(step, right - left - 8 * mm, 10.5)
        canvas.drawString(left, y, f"{number}.")
        for line in lines:
            canvas.drawString(left + 8 * mm, y, line)
            y -= 5.5 * mm
        y -= 1.5 * mm

    y -= 4 * mm
    canvas.setFont(JP_FONT, 12)
    canvas.drawString(left, y, _("ご注意"))
    y -= 7 * mm
    notes = [
        _("このシートは本人だけが使います。他の人に見せたり渡したりしないでください。"),
        _(
            "コードは一度だけ使えます。設定が終わったら、このシートはシュレッダーで破棄してください。"
        ),
        _(
            "有効期限を過ぎたとき、紛失したとき、身に覚えのないときは、総務・人事の担当に"
            "再発行を依頼してください（古いコードは使えなくなります）。"
        ),
        _("職員がパスワードを尋ねることはありません。パスワードは誰にも教えないでください。"),
    ]
    canvas.setFont(JP_FONT, 10)
    for note in notes:
        for index, line in enumerate(_wrap(note, right - left - 6 * mm, 10)):
            if index == 0:
                canvas.drawString(left, y, "・")
            canvas.drawString(left + 5 * mm, y, line)
            y -= 5.2 * mm
        y -= 1 * mm

    canvas.setFont(JP_FONT, 8)
    canvas.drawString(
        left,
        15 * mm,
        _("発行日時: %(when)s") % {"when": f"{timezone.localtime(issued):%Y-%m-%d %H:%M}"},
    )
    canvas.drawRightString(right, 15 * mm, f"{person.unit_name} / {person.staff_number}")


def render_sheets(people: Iterable[SheetPerson], *, title: str = "") -> bytes:
    """The PDF: one page per person, in the order given. Always in Japanese (the sheet is
    handed out in the office), whatever language the requester uses."""
    _register_font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(title or "activation sheets")
    canvas.setAuthor("Yakuba")
    issued = timezone.now()
    pages = 0
    with override("ja"):
        for person in people:
            _page(canvas, person, issued)
            canvas.showPage()
            pages += 1
    if not pages:
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
