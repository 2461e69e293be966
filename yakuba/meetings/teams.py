"""Microsoft Teams attendance reports, as downloaded from the meeting.

UTF-16 (LE with BOM), tab-separated despite the ``.csv`` name; sections "1. Summary",
"2. Participants" and "3. In-Meeting Activities" (Japanese 「1. 要約」「2. 参加者」
「3. 会議中のアクティビティ」). Each activity row is one connection: the drop/reconnect data.
When a report has no activity section, each participant's first join and last leave are
used instead.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

MAX_BYTES = 5 * 1024 * 1024

_SECTION_RE = re.compile(r"^\s*([123])\s*[.．]\s*(.+?)\s*$")
_SUFFIX_RE = re.compile(
    r"\s*[(（]\s*(External|Unverified|Guest|外部|未確認|ゲスト)\s*[)）]\s*$", re.I
)
_DURATION_RE = re.compile(
    r"^\s*(?:(\d+)\s*(?:h|hr|hrs|時間))?\s*(?:(\d+)\s*(?:m|min|mins|分))?\s*(?:(\d+)\s*(?:s|sec|secs|秒))?\s*$",
    re.I,
)

COLUMNS = {
    "name": {"name", "full name", "名前", "氏名", "表示名"},
    "join": {
        "join time",
        "first join",
        "参加時刻",
        "参加時間",
        "参加日時",
        "初めての参加",
        "最初の参加",
    },
    "leave": {
        "leave time",
        "last leave",
        "退出時刻",
        "退出時間",
        "退出日時",
        "最終退出",
        "最後の退出",
    },
    "duration": {"duration", "in-meeting duration", "期間", "会議の長さ", "会議中の時間", "時間"},
    "email": {"email", "e-mail", "メール", "メール アドレス", "メールアドレス"},
    "role": {"role", "役割"},
}
_TIME_FORMATS = (
    "%m/%d/%y, %I:%M:%S %p",
    "%m/%d/%Y, %I:%M:%S %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%y %I:%M:%S %p",
    "%m/%d/%y, %H:%M:%S",
    "%m/%d/%Y, %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d, %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y年%m月%d日 %H:%M:%S",
)


class ReportError(ValueError):
    pass


@dataclass(frozen=True)
class Connection:
    name: str
    email: str
    join: dt.datetime
    leave: dt.datetime
    external: bool = False
    role: str = ""


def decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ReportError("too large")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif len(data) > 1 and data[1:2] == b"\x00":
        encoding = "utf-16-le"
    else:
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ReportError("encoding") from exc


def parse_duration(text: str) -> int | None:
    """Seconds in `1h 5m 3s` or `1 時間 5 分 3 秒` (None when not a duration)."""
    text = text.strip()
    m = _DURATION_RE.match(text)
    if not text or not m or not any(m.groups()):
        return None
    h, mi, s = (int(g) if g else 0 for g in m.groups())
    return h * 3600 + mi * 60 + s


def parse_time(text: str, tz: ZoneInfo) -> dt.datetime | None:
    text = " ".join(text.replace("午前", "AM ").replace("午後", "PM ").split())
    for fmt in _TIME_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=tz)
        except ValueError:
            continue
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=tz)


def clean_name(name: str) -> tuple[str, bool]:
    external = False
    while True:
        m = _SUFFIX_RE.search(name)
        if not m:
            return name.strip(), external
        external = True
        name = name[: m.start()]


def _sections(text: str) -> dict[str, list[list[str]]]:
    sections: dict[str, list[list[str]]] = {}
    current = "0"
    for line in text.splitlines():
        cells = [c.strip().strip('"') for c in line.split("\t")]
        if len([c for c in cells if c]) == 1:
            m = _SECTION_RE.match(cells[0] if cells[0] else "".join(cells))
            if m:
                current = m.group(1)
                sections.setdefault(current, [])
                continue
        if any(cells):
            sections.setdefault(current, []).append(cells)
    return sections


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = cell.strip().lower()
        for column, names in COLUMNS.items():
            if key in names and column not in found:
                found[column] = i
    return found


def _rows(rows: list[list[str]], tz: ZoneInfo) -> list[Connection]:
    if not rows:
        return []
    cols = _columns(rows[0])
    if "name" not in cols or "join" not in cols:
        raise ReportError("columns")
    out = []
    for row in rows[1:]:

        def cell(column: str, row: list[str] = row) -> str:
            i = cols.get(column)
            return row[i] if i is not None and i < len(row) else ""

        join = parse_time(cell("join"), tz)
        if join is None:
            continue
        leave = parse_time(cell("leave"), tz)
        if leave is None:
            seconds = parse_duration(cell("duration"))
            if seconds is None:
                continue
            leave = join + dt.timedelta(seconds=seconds)
        name, external = clean_name(cell("name"))
        if leave > join and (name or cell("email")):
            out.append(
                Connection(
                    name[:200], cell("email")[:200], join, leave, external, cell("role")[:50]
                )
            )
    return out


def parse(data: bytes, tz: ZoneInfo) -> list[Connection]:
    """Every connection in the report; raises ReportError when it is not a Teams report."""
    sections = _sections(decode(data))
    if "3" in sections:
        connections = _rows(sections["3"], tz)
    elif "2" in sections:
        connections = _rows(sections["2"], tz)
    else:
        raise ReportError("sections")
    return connections
