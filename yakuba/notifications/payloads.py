"""Chat payload builders: one message → the list of JSON bodies a chat's incoming webhook takes.

Formats (see shared DOMAIN.md §5 and each vendor's documentation):

* Slack: ``{text, blocks}``. A section block's text is at most 3,000 characters, a message
  at most 50 blocks, a header's plain text at most 150 characters; ``text`` is the
  notification fallback.
* Mattermost: ``{text, username, icon_url, channel, attachments, props}`` (Slack-compatible);
  a post longer than 16,383 characters is refused, so longer messages are split.
* Microsoft Teams Workflows: ``{"type": "message", "attachments": [{"contentType":
  "application/vnd.microsoft.card.adaptive", "content": AdaptiveCard}]}``; the request is
  limited to about 28 KB, so cards are kept below ``TEAMS_MAX_BYTES``.
* LINE WORKS incoming webhook: ``{title, body: {text}}``; kept below ``LINEWORKS_MAX_CHARS``
  (a conservative limit: long digests are split rather than refused).

Every builder returns at least one payload and never drops content: what does not fit in
one message continues in the next, each part marked "(2/3)".

People (``Section.people``) are mentioned in each chat's own way when their identity in that
chat is known, and otherwise named in plain text (never a guessed ``@name``):

* Slack: ``<@U012AB3CD>`` (the member ID).
* Mattermost: ``@username`` (the Mattermost user name, which may differ from Yakuba's).
* Teams: ``<at>Name</at>`` in the TextBlock plus an ``msteams.entities`` mention entity
  ``{"type": "mention", "text": "<at>Name</at>", "mentioned": {"id": <Entra ID object ID
  or UPN>, "name": Name}}`` in the same card (Incoming webhooks/Workflows accept these ids).
* LINE WORKS: its incoming webhook has no mention syntax, so people are always named.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

SLACK_SECTION_MAX = 3000
SLACK_MAX_BLOCKS = 50
SLACK_HEADER_MAX = 150
MATTERMOST_MAX_CHARS = 16383
TEAMS_MAX_BYTES = 25_000
LINEWORKS_MAX_CHARS = 2000
ADAPTIVE_CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"


PEOPLE_SEPARATOR = "、"


@dataclass(frozen=True)
class Person:
    """Someone to mention: a display name and their handle in each chat kind they use."""

    name: str
    handles: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, name: str, handles: dict[str, str] | None = None) -> Person:
        return cls(name=name, handles=tuple(sorted((handles or {}).items())))

    def handle(self, kind: str) -> str:
        return dict(self.handles).get(kind, "")


@dataclass(frozen=True)
class Section:
    heading: str
    lines: tuple[str, ...] = ()
    # Rendered as one line after `lines`, each person mentioned where the chat allows it.
    people: tuple[Person, ...] = ()


@dataclass(frozen=True)
class Message:
    """A chat-neutral message: a title, an optional lead paragraph and headed sections."""

    title: str
    text: str = ""
    sections: tuple[Section, ...] = field(default_factory=tuple)
    url: str = ""

    def plain_lines(
        self,
        heading: Callable[[str], str] = lambda h: h,
        person: Callable[[Person], str] = lambda p: p.name,
    ) -> list[str]:
        lines: list[str] = []
        if self.text:
            lines.extend(self.text.splitlines())
        for section in self.sections:
            lines.append(heading(section.heading))
            lines.extend(section.lines)
            if section.people:
                lines.append(PEOPLE_SEPARATOR.join(person(p) for p in section.people))
        if self.url:
            lines.append(self.url)
        return lines


def split_lines(lines: Iterable[str], limit: int) -> list[str]:
    """Join lines into chunks of at most `limit` characters, breaking only between lines
    (a single over-long line is cut)."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current or not chunks:
        chunks.append(current)
    return chunks


def _part_title(title: str, index: int, total: int) -> str:
    return title if total == 1 else f"{title} ({index}/{total})"


# Headroom for the title line and the "(n/m)" mark in each split part.
_TITLE_ROOM = 200


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_mention(person: Person) -> str:
    handle = person.handle("slack")
    return f"<@{handle}>" if handle else _slack_escape(person.name)


def slack(message: Message) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if message.text:
        for chunk in split_lines(message.text.splitlines(), SLACK_SECTION_MAX):
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": chunk}})
    for section in message.sections:
        lines = [f"*{section.heading}*", *section.lines]
        if section.people:
            lines.append(PEOPLE_SEPARATOR.join(slack_mention(p) for p in section.people))
        for chunk in split_lines(lines, SLACK_SECTION_MAX):
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": chunk}})
    if message.url:
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"<{message.url}>"}]}
        )
    per_message = SLACK_MAX_BLOCKS - 1  # one block of each message is its header
    groups = [blocks[i : i + per_message] for i in range(0, len(blocks), per_message)] or [[]]
    payloads = []
    for n, group in enumerate(groups, start=1):
        title = _part_title(message.title, n, len(groups))
        header = {
            "type": "header",
            "text": {"type": "plain_text", "text": title[:SLACK_HEADER_MAX], "emoji": False},
        }
        payloads.append({"text": title, "blocks": [header, *group]})
    return payloads


def mattermost_mention(person: Person) -> str:
    handle = person.handle("mattermost")
    return f"@{handle}" if handle else person.name


def mattermost(message: Message, *, username: str = "Yakuba") -> list[dict[str, Any]]:
    lines = message.plain_lines(heading=lambda h: f"#### {h}", person=mattermost_mention)
    chunks = split_lines(lines, MATTERMOST_MAX_CHARS - _TITLE_ROOM)
    return [
        {"text": f"### {_part_title(message.title, n, len(chunks))}\n{chunk}", "username": username}
        for n, chunk in enumerate(chunks, start=1)
    ]


def teams_mention(person: Person) -> str:
    return f"<at>{person.name}</at>" if person.handle("teams") else person.name


def _teams_entities(lines: list[str], people: Iterable[Person]) -> list[dict[str, Any]]:
    """Mention entities for the people whose ``<at>…</at>`` appears in this card's lines."""
    text = "\n".join(lines)
    entities: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for person in people:
        handle = person.handle("teams")
        tag = teams_mention(person)
        if handle and tag in text and (tag, handle) not in seen:
            seen.add((tag, handle))
            entities.append(
                {
                    "type": "mention",
                    "text": tag,
                    "mentioned": {"id": handle, "name": person.name},
                }
            )
    return entities


def _teams_card(title: str, lines: list[str], people: Iterable[Person] = ()) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium", "wrap": True}
    ]
    body.extend({"type": "TextBlock", "text": line or " ", "wrap": True} for line in lines)
    content: dict[str, Any] = {
        "$schema": ADAPTIVE_CARD_SCHEMA,
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    entities = _teams_entities(lines, people)
    if entities:
        content["msteams"] = {"entities": entities}
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": content,
            }
        ],
    }


def _size(payload: dict[str, Any]) -> int:
    return len(json.dumps(payload, ensure_ascii=False).encode())


def teams(message: Message) -> list[dict[str, Any]]:
    lines = message.plain_lines(heading=lambda h: f"**{h}**", person=teams_mention)
    people = [p for section in message.sections for p in section.people]
    groups: list[list[str]] = [[]]
    for line in lines:
        # Per-card byte budget: a line that would push the card past the limit starts a new one.
        card = _teams_card(message.title, [*groups[-1], line], people)
        if groups[-1] and _size(card) > TEAMS_MAX_BYTES:
            groups.append([])
        groups[-1].append(line[: TEAMS_MAX_BYTES // 4])
    return [
        _teams_card(_part_title(message.title, n, len(groups)), group, people)
        for n, group in enumerate(groups, start=1)
    ]


def lineworks(message: Message) -> list[dict[str, Any]]:
    # LINE WORKS incoming webhooks post plain text and cannot mention anyone: people are
    # named (Message.plain_lines' default), never given a fake "@name".
    chunks = split_lines(message.plain_lines(heading=lambda h: f"■ {h}"), LINEWORKS_MAX_CHARS)
    return [
        {"title": _part_title(message.title, n, len(chunks)), "body": {"text": chunk}}
        for n, chunk in enumerate(chunks, start=1)
    ]


BUILDERS: dict[str, Callable[[Message], list[dict[str, Any]]]] = {
    "slack": slack,
    "mattermost": mattermost,
    "teams": teams,
    "lineworks": lineworks,
}


def build(kind: str, message: Message) -> list[dict[str, Any]]:
    return BUILDERS[kind](message)
