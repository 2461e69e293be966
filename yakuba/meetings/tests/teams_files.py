"""Teams attendance reports generated in code (UTF-16 LE with BOM, tab-separated)."""

from __future__ import annotations

import datetime as dt
from typing import Any

EN: dict[str, Any] = {
    "summary": "1. Summary",
    "participants": "2. Participants",
    "activities": "3. In-Meeting Activities",
    "summary_rows": ["Meeting title", "Attended participants", "Start time", "End time"],
    "p_header": [
        "Name",
        "First Join",
        "Last Leave",
        "In-Meeting Duration",
        "Email",
        "Participant ID (UPN)",
        "Role",
    ],
    "a_header": ["Name", "Join Time", "Leave Time", "Duration", "Email", "Role"],
    "external": " (External)",
    "organizer": "Organizer",
    "attendee": "Attendee",
}
JA: dict[str, Any] = {
    "summary": "1. 要約",
    "participants": "2. 参加者",
    "activities": "3. 会議中のアクティビティ",
    "summary_rows": ["会議のタイトル", "出席者数", "開始時刻", "終了時刻"],
    "p_header": [
        "名前",
        "初めての参加",
        "最終退出",
        "会議の長さ",
        "メール",
        "参加者 ID (UPN)",
        "役割",
    ],
    "a_header": ["名前", "参加時刻", "退出時刻", "会議の長さ", "メール", "役割"],
    "external": " (外部)",
    "organizer": "開催者",
    "attendee": "出席者",
}


def _time(value: dt.datetime, lang: str) -> str:
    if lang == "en":
        return value.strftime("%m/%d/%y, %I:%M:%S %p")
    return value.strftime("%Y/%m/%d %H:%M:%S")


def _duration(seconds: int, lang: str) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    parts = []
    if lang == "en":
        for value, unit in ((h, "h"), (m, "m"), (s, "s")):
            if value:
                parts.append(f"{value}{unit}")
    else:
        for value, unit in ((h, "時間"), (m, "分"), (s, "秒")):
            if value:
                parts.append(f"{value} {unit}")
    return " ".join(parts) or ("0s" if lang == "en" else "0 秒")


def report(
    title: str,
    connections: list[tuple[str, str, dt.datetime, dt.datetime, bool]],
    *,
    lang: str = "en",
) -> bytes:
    """`connections`: (name, email, join, leave, external) in local time (naive)."""
    words = EN if lang == "en" else JA
    start = min(c[2] for c in connections)
    end = max(c[3] for c in connections)
    people: dict[str, list] = {}
    for c in connections:
        people.setdefault(c[1] or c[0], []).append(c)
    lines = [words["summary"]]
    values = [title, str(len(people)), _time(start, lang), _time(end, lang)]
    lines += [f"{k}\t{v}" for k, v in zip(words["summary_rows"], values, strict=True)]
    lines += ["", words["participants"], "\t".join(words["p_header"])]
    for i, rows in enumerate(people.values()):
        name, email, _j, _l, external = rows[0]
        total = sum(int((r[3] - r[2]).total_seconds()) for r in rows)
        role = words["organizer"] if i == 0 else words["attendee"]
        shown = name + (words["external"] if external else "")
        first = min(r[2] for r in rows)
        last = max(r[3] for r in rows)
        lines.append(
            "\t".join(
                [
                    shown,
                    _time(first, lang),
                    _time(last, lang),
                    _duration(total, lang),
                    email,
                    email,
                    role,
                ]
            )
        )
    lines += ["", words["activities"], "\t".join(words["a_header"])]
    for name, email, join, leave, external in connections:
        shown = name + (words["external"] if external else "")
        seconds = int((leave - join).total_seconds())
        lines.append(
            "\t".join(
                [
                    shown,
                    _time(join, lang),
                    _time(leave, lang),
                    _duration(seconds, lang),
                    email,
                    "Attendee",
                ]
            )
        )
    return "\r\n".join(lines).encode("utf-16")  # BOM + little-endian on this platform
