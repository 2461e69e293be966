"""Each chat's payload against its documented format (DOMAIN.md §5), including splitting."""

from __future__ import annotations

import json

from yakuba.notifications import payloads
from yakuba.notifications.payloads import Message, Section

MESSAGE = Message(
    title="朝の業務報告 市民課 2026-04-01（2/3 名）",
    sections=(
        Section("困りごと（1 件）", ("山田：コピー機が故障（2 日目・未対応）",)),
        Section("佐藤（在宅勤務）", ("今日の予定:", "  窓口対応")),
    ),
    url="http://127.0.0.1:8000/reports/digest/1/2026-04-01/",
)


def _long_message(lines: int, width: int = 100) -> Message:
    return Message(
        title="長いまとめ",
        sections=tuple(Section(f"職員{i}", ("あ" * width,)) for i in range(lines)),
    )


def _all_text(chunks: list[str]) -> str:
    return "\n".join(chunks)


def test_slack_blocks_format() -> None:
    [body] = payloads.slack(MESSAGE)
    assert set(body) == {"text", "blocks"}
    assert body["text"] == MESSAGE.title
    header, *rest = body["blocks"]
    assert header == {
        "type": "header",
        "text": {"type": "plain_text", "text": MESSAGE.title, "emoji": False},
    }
    assert rest[0]["type"] == "section" and rest[0]["text"]["type"] == "mrkdwn"
    assert rest[0]["text"]["text"].startswith("*困りごと（1 件）*")
    assert rest[-1]["type"] == "context"
    assert MESSAGE.url in rest[-1]["elements"][0]["text"]


def test_slack_respects_block_and_section_limits() -> None:
    bodies = payloads.slack(_long_message(200, width=2900))
    assert len(bodies) > 1
    for n, body in enumerate(bodies, start=1):
        assert len(body["blocks"]) <= payloads.SLACK_MAX_BLOCKS
        assert body["text"].endswith(f"({n}/{len(bodies)})")
        for block in body["blocks"][1:]:
            assert len(block["text"]["text"]) <= payloads.SLACK_SECTION_MAX
    sections = sum(len(b["blocks"]) - 1 for b in bodies)
    assert sections >= 200  # nothing dropped


def test_mattermost_format_and_split_above_16383_chars() -> None:
    [body] = payloads.mattermost(MESSAGE)
    assert body["username"] == "Yakuba"
    assert body["text"].startswith(f"### {MESSAGE.title}\n")
    assert "#### 困りごと（1 件）" in body["text"]

    long = _long_message(400, width=100)  # ~ 40,000 characters
    bodies = payloads.mattermost(long)
    assert len(bodies) >= 3
    for body in bodies:
        assert len(body["text"]) <= payloads.MATTERMOST_MAX_CHARS
    lines = {line for b in bodies for line in b["text"].splitlines()}
    assert all(f"#### 職員{i}" in lines for i in range(400))


def test_teams_workflows_adaptive_card_format() -> None:
    [body] = payloads.teams(MESSAGE)
    assert body["type"] == "message"
    [attachment] = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert card["version"] == "1.4"
    assert card["body"][0]["text"] == MESSAGE.title
    assert all(block["type"] == "TextBlock" for block in card["body"])
    assert any("コピー機" in block["text"] for block in card["body"])


def test_teams_cards_stay_below_the_size_limit() -> None:
    bodies = payloads.teams(_long_message(300, width=200))
    assert len(bodies) > 1
    for body in bodies:
        assert len(json.dumps(body, ensure_ascii=False).encode()) <= payloads.TEAMS_MAX_BYTES + 500


def test_lineworks_incoming_webhook_format_and_split() -> None:
    [body] = payloads.lineworks(MESSAGE)
    assert set(body) == {"title", "body"}
    assert body["title"] == MESSAGE.title
    assert set(body["body"]) == {"text"}
    assert "■ 困りごと（1 件）" in body["body"]["text"]
    bodies = payloads.lineworks(_long_message(100))
    assert len(bodies) > 1
    assert all(len(b["body"]["text"]) <= payloads.LINEWORKS_MAX_CHARS for b in bodies)


def test_split_lines_breaks_between_lines_and_cuts_only_overlong_lines() -> None:
    assert payloads.split_lines(["ab", "cd", "ef"], 5) == ["ab\ncd", "ef"]
    assert payloads.split_lines(["x" * 12], 5) == ["xxxxx", "xxxxx", "xx"]
    assert payloads.split_lines([], 5) == [""]
