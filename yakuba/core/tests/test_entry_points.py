"""Every door text comes in by applies the same rule, and no export fails on stored text.

A property test: generated text (C0 controls, NUL, DEL, lone surrogates, 1 MB strings,
100,000 kanji, ordinary Japanese, anything at all) goes through each entry point that
stores free text — the morning-report web form, a signed Slack ``/report`` command, the
staff import as CSV and as .xlsx from the web, and the staff import through the API — and
then every export runs: reports (.xlsx, CSV), staff (.xlsx, CSV), a roster version (.xlsx,
CSV) and the audit trail (CSV). Properties:

* no request answers 500, every export answers 200 with a readable file;
* text that may not be stored (`core.text.has_unstorable` after the transport decoded it,
  or longer than the field) is refused with a message saying why, and nothing of that
  write exists afterwards (no report, blocker or staff row);
* whatever was accepted is storable.

Each example runs in a savepoint rolled back at its end, so examples do not see each
other's writes (within one example the web form comes first: the Slack command then
changes the same report or leaves it exactly as it was). Stored text older than the rule
(control characters written by a bulk update, as before the fix) is in the database for
every example: the exports must survive it too (`core.tabular.safe_cell`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
import urllib.parse
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from conftest import verified_client
from yakuba.accounts.services import create_api_token
from yakuba.core.tabular import TableReadError, read_tables
from yakuba.core.text import has_unstorable, normalise_name
from yakuba.dailyreports import chat
from yakuba.dailyreports.models import MAX_ANSWER, Blocker, Report
from yakuba.dailyreports.tests.factories import window_for
from yakuba.notifications.services import set_chat_identities
from yakuba.org.models import ImportBatch, ImportStatus, Staff
from yakuba.rosters.models import RosterPeriod, RosterVersion

JST = ZoneInfo("Asia/Tokyo")
DAY = dt.date(2026, 4, 28)  # a Tuesday; the window is open at 8:35
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLACK_ID = "U01YAMADA"
NEW_NUMBER = "3901"
HEADER = [
    "職員番号",
    "氏名",
    "氏名カナ",
    "雇用区分",
    "職名",
    "所属コード",
    "スキル",
    "メール",
    "在職",
]
# Words of the messages a refused input gets (each door says what is wrong in Japanese).
REFUSALS = (
    "制御文字",
    "文字以内",
    "文字以下",
    "文字コード",
    "必須",
    "空です",
    "読み取れません",
    "見出し行",
    "開けません",
)

# --- generated text ----------------------------------------------------------------------

CONTROLS = [chr(c) for c in range(32) if chr(c) not in "\t\n\r"] + ["\x7f"]
JAPANESE = st.text(
    alphabet=st.sampled_from("山田太郎花子窓口対応住民票審査会議資料あいうアイウｶﾅ　 ー・、。1２"),
    min_size=1,
    max_size=40,
)
BAD_CHAR = st.one_of(st.sampled_from(CONTROLS), st.characters(categories=["Cs"]), st.just("\x00"))


def _insert(text: str, char: str, at: int) -> str:
    at = at % (len(text) + 1)
    return text[:at] + char + text[at:]


TEXTS = st.one_of(
    JAPANESE,
    st.builds(_insert, JAPANESE, BAD_CHAR, st.integers(0, 40)),
    # 1 MB (the incident: 200,000 characters in a 2,000-character field). Latin text: the
    # same length in kanji is 9 MB percent-encoded, which Python's URL decoding takes
    # seconds to read (and the request limit, DATA_UPLOAD_MAX_MEMORY_SIZE, nearly refuses).
    st.text(alphabet="abc XYZ 0.9", min_size=1, max_size=9).map(
        lambda s: (s * (1_000_000 // len(s) + 1))[:1_000_000]
    ),
    JAPANESE.map(lambda s: (s * (100_000 // len(s) + 1))[:100_000]),
    st.builds(lambda s, n: s * n, JAPANESE, st.integers(1, 120)),  # around the limits
    st.text(alphabet=st.characters(exclude_categories=()), max_size=60),  # anything at all
)


# --- transports: what the server receives --------------------------------------------------


def _urlencoded(fields: dict[str, str]) -> bytes:
    # A lone surrogate travels as its (invalid) UTF-8 bytes, as a real client would send it.
    return urllib.parse.urlencode(fields, encoding="utf-8", errors="surrogatepass").encode()


def _as_received(value: str) -> str:
    """The text a urlencoded field arrives as (Django decodes invalid UTF-8 as U+FFFD)."""
    body = _urlencoded({"v": value}).decode()
    return urllib.parse.parse_qsl(body, keep_blank_values=True, errors="replace")[0][1]


def _staff_csv(name: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerow([NEW_NUMBER, name, "ヤマダ", "正規", "", "110", "", "", "1"])
    return out.getvalue().encode("utf-8", errors="surrogatepass")


def _excel_escaped(text: str) -> str:
    """How a spreadsheet stores characters XML cannot hold: _xHHHH_."""
    escaped = {c: f"_x{c:04X}_" for c in [*range(0xD800, 0xE000), 0xFFFE, 0xFFFF]}
    return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"_x{ord(m.group()):04X}_", text).translate(escaped)


def _staff_xlsx(name: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append([NEW_NUMBER, _excel_escaped(name), "ヤマダ", "正規", "", "110", "", "", "1"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- the office ----------------------------------------------------------------------------


@pytest.fixture
def office(make_user, org, client_factory):
    """Yamada reports to 市民課 (web and Slack); HR imports and exports; an auditor reads the
    trail; a roster version of 市民課 to export; and text stored before the rule."""
    window = window_for(org["shimin"])
    yamada = make_user("staff", username="yamada")
    set_chat_identities(actor=None, staff=yamada.staff, handles={"slack": SLACK_ID})
    hr = make_user("hr", username="hr")
    _token, raw = create_api_token(actor=hr, name="sync", owner=hr)
    period = RosterPeriod.objects.create(
        unit=org["shimin"],
        name="4月",
        start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2026, 4, 30),
        created_by=hr,
    )
    version = RosterVersion.objects.create(period=period, number=1, created_by=hr)
    # Written the way the incident's data was (no save, no guard): exports must cope.
    Staff.objects.filter(pk=org["staff"]["1001"].pk).update(name="山田\x01太郎\x1b")
    return {
        "window": window,
        "reporter": verified_client(client_factory(), yamada),
        "hr": verified_client(client_factory(), hr),
        "auditor": verified_client(client_factory(), make_user("auditor", username="aud")),
        "api": client_factory(),
        "token": raw,
        "version": version,
        "plan_q": window.questions.get(kind="plan"),
    }


def _report_form(office, plan: str) -> dict[str, str]:
    data = {"work_place": "home"}
    for q in office["window"].questions.all():
        data[f"q_{q.pk}"] = {"plan": plan, "done": "審査", "blocker": ""}[q.kind]
    return data


def _nothing_reported() -> None:
    assert not Report.objects.filter(date=DAY, staff__user__username="yamada").exists()
    assert not Blocker.objects.filter(owner__user__username="yamada").exists()


def _check_report_door(response, office, sent: str) -> None:
    """The web form: refused (400 from the middleware, or the form again with the field's
    message) or saved; never 500."""
    assert response.status_code in (200, 302, 400), response.status_code
    received = _as_received(sent).strip()
    # Judged before stripping: "0\x0c" is refused for its form feed, which strip() removes.
    bad = has_unstorable(_as_received(sent)) or len(received) > MAX_ANSWER
    if response.status_code == 302:
        assert not bad
        report = Report.objects.get(date=DAY, staff__user__username="yamada")
        assert not any(has_unstorable(a["a"]) for a in report.answers)
        return
    page = response.content.decode()
    assert any(word in page for word in REFUSALS), page[:2000]
    _nothing_reported()
    assert bad or not received  # refused: bad, or an empty required answer


def _slack_text(text: str) -> str:
    return f"今日: {text} 昨日: 審査"


def _answers() -> list[dict[str, str]] | None:
    report = Report.objects.filter(date=DAY, staff__user__username="yamada").first()
    return None if report is None else report.answers


def _check_slack_door(response, sent: str, before: list[dict[str, str]] | None) -> None:
    """The signed command: refused (400 from the middleware for controls in the form body,
    or a reply saying why) with the report as it was, or accepted; never 500."""
    assert response.status_code in (200, 400), response.status_code
    received = _as_received(_slack_text(sent))
    parts = [] if has_unstorable(received) else chat.parse(received).answers.values()
    bad = has_unstorable(received) or any(len(p) > MAX_ANSWER for p in parts)
    if response.status_code == 400:
        assert has_unstorable(received)
        assert "制御文字" in response.content.decode()
        assert _answers() == before
        return
    reply = response.json()["text"]
    if "受け付けました" in reply:
        assert not bad, reply
        assert not any(has_unstorable(a["a"]) for a in _answers() or [])
    else:
        assert any(word in reply for word in REFUSALS), reply
        assert _answers() == before


def _name_as_read(filename: str, data: bytes) -> str | None:
    """The name cell as the file reader hands it to the importer; None when the file as a
    whole cannot be read as a staff table (undecodable, a cell past the CSV field limit,
    a garbled header), which the import must refuse as well."""
    try:
        (sheet, *_rest) = read_tables(filename, data)
    except TableReadError:
        return None
    if len(sheet.rows) < 2 or sheet.rows[0][1][: len(HEADER)] != HEADER:
        return None
    cells = sheet.rows[1][1]
    return cells[1] if len(cells) > 1 else ""


def _check_import(batch: ImportBatch, cell: str | None) -> None:
    """A checked upload: refused with a message (nothing written) when the name may not be
    stored; else ready to apply. The preview never writes staff."""
    batch.refresh_from_db()
    name = normalise_name(cell or "")
    bad = cell is None or has_unstorable(cell) or not name or len(name) > 100
    if bad:
        assert batch.status == ImportStatus.INVALID, (batch.status, cell and cell[:80])
        assert batch.errors and all(e["message"] for e in batch.errors)
        assert any(word in e["message"] for e in batch.errors for word in REFUSALS)
    else:
        assert batch.status == ImportStatus.READY, batch.errors
        assert not any(has_unstorable(e["message"]) for e in batch.errors)
    assert not Staff.objects.filter(staff_number=NEW_NUMBER).exists()


def _run_every_export(office) -> None:
    hr, auditor = office["hr"], office["auditor"]
    downloads: list[tuple[Any, str, dict[str, Any]]] = [
        (hr, reverse("dailyreports:export"), {"start": DAY, "end": DAY, "format": "xlsx"}),
        (hr, reverse("dailyreports:export"), {"start": DAY, "end": DAY, "format": "csv"}),
        (hr, reverse("org:export_download"), {"format": "xlsx", "encoding": "utf-8"}),
        (hr, reverse("org:export_download"), {"format": "staff_csv", "encoding": "utf-8"}),
        (hr, reverse("org:export_download"), {"format": "staff_csv", "encoding": "cp932"}),
        (hr, reverse("rosters:version_export", args=[office["version"].pk]), {"format": "xlsx"}),
        (hr, reverse("rosters:version_export", args=[office["version"].pk]), {"format": "csv"}),
        (auditor, reverse("audit:entry_export"), {}),
    ]
    for client, url, params in downloads:
        response = client.get(url, params)
        assert response.status_code == 200, (url, params, response.status_code)
        if params.get("format") == "xlsx":
            load_workbook(io.BytesIO(response.content), read_only=True).close()
        else:
            assert response.content.startswith(b"\xef\xbb\xbf") or params.get("encoding")


@pytest.mark.django_db
@override_settings(SLACK_SIGNING_SECRET=SECRET)
@settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=TEXTS)
# The incident's inputs, every run: NUL in a name and in an answer, an answer 100 times too
# long, an escape sequence, a lone surrogate; and an ordinary name that must go through.
@example(text="山田\x00太郎")
@example(text="a" * 200_000)
@example(text="\x1b[31m至急\x1b[0m")
@example(text="住民票\ud800")
@example(text="山田 花子")
@example(text="0\x0c")  # a control character that strip() would hide
def test_every_door_refuses_what_cannot_be_stored_and_every_export_survives(office, text):
    with (
        time_machine.travel(dt.datetime(2026, 4, 28, 8, 35, tzinfo=JST), tick=False),
        transaction.atomic(),
    ):
        for door in ("web form", "slack", "csv", "xlsx", "api"):
            _through(door, office, text)
        # What the doors accepted is in the database now, next to the old bad text.
        _run_every_export(office)
        transaction.set_rollback(True)


def _through(door: str, office, text: str) -> None:
    if door == "web form":
        response = office["reporter"].post(
            reverse("dailyreports:my_report"),
            _urlencoded(_report_form(office, text)),
            content_type="application/x-www-form-urlencoded",
        )
        _check_report_door(response, office, text)
    elif door == "slack":
        body = _urlencoded(
            {"team_id": "T1", "user_id": SLACK_ID, "user_name": "yamada",
             "command": "/report", "text": _slack_text(text)}
        )  # fmt: skip
        ts = str(int(time.time()))
        before = _answers()
        response = office["api"].post(
            reverse("dailyreports:slack_command"),
            body,
            content_type="application/x-www-form-urlencoded",
            HTTP_X_SLACK_REQUEST_TIMESTAMP=ts,
            HTTP_X_SLACK_SIGNATURE=chat.slack_signature(SECRET, ts, body),
        )
        _check_slack_door(response, text, before)
    elif door == "csv":
        response = office["hr"].post(
            reverse("org:import_start"),
            {"file": io.BytesIO(_staff_csv(text)) | _named("staff.csv")},
        )
        assert response.status_code == 302
        _check_import(ImportBatch.objects.latest("pk"), _name_as_read("s.csv", _staff_csv(text)))
    elif door == "xlsx":
        response = office["hr"].post(
            reverse("org:import_start"),
            {"file": io.BytesIO(_staff_xlsx(text)) | _named("staff.xlsx")},
        )
        assert response.status_code == 302
        data = _staff_xlsx(text)
        _check_import(ImportBatch.objects.latest("pk"), _name_as_read("s.xlsx", data))
    else:
        response = office["api"].post(
            "/api/v1/imports",
            {"file": io.BytesIO(_staff_csv(text)) | _named("staff.csv")},
            HTTP_AUTHORIZATION=f"Bearer {office['token']}",
        )
        assert response.status_code == 202, response.content[:500]
        batch = ImportBatch.objects.get(pk=response.json()["id"])
        _check_import(batch, _name_as_read("s.csv", _staff_csv(text)))
        body = office["api"].get(
            f"/api/v1/imports/{batch.pk}", HTTP_AUTHORIZATION=f"Bearer {office['token']}"
        )
        assert body.status_code == 200
        assert body.json()["status"] == batch.status


class _named:
    """`io.BytesIO(data) | _named("x.csv")`: a file object the test client uploads by name."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __ror__(self, handle: io.BytesIO) -> io.BytesIO:
        handle.name = self.name
        return handle
