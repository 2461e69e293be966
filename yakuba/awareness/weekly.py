"""The week the questions are counted in, and which new questions a person meets next.

Pure functions: the weekly job (`services.introduce_week`), the demo and the benchmark
all pick new questions the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils import timezone

from yakuba.security.topics import Topic

TOPIC_ORDER: tuple[str, ...] = tuple(Topic.values)


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week: questions are counted per week, Monday to Sunday."""
    return day - dt.timedelta(days=day.weekday())


def week_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Start (Monday 0:00 local time) and end (next Monday 0:00) of ``now``'s week."""
    monday = week_start(timezone.localdate(now))
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time.min))
    return start, start + dt.timedelta(days=7)


@dataclass(frozen=True)
class Candidate:
    question_id: int
    topic: str
    code: str


def pick_new(
    candidates: Iterable[Candidate],
    topic_counts: Mapping[str, int],
    need: int,
    *,
    rotate: int = 0,
) -> list[int]:
    """Up to ``need`` questions the person has never had, spread over the topics.

    Each pick takes the topic the person has met least so far (``topic_counts``, updated
    as picks are made), so over the year every topic comes round; ties are broken by a
    topic order shifted by ``rotate`` (the person's id), so colleagues sitting side by
    side do not all get the same topic the same week. Within a topic: by code.
    """
    by_topic: dict[str, list[Candidate]] = {}
    for c in sorted(candidates, key=lambda c: c.code):
        by_topic.setdefault(c.topic, []).append(c)
    counts = {t: topic_counts.get(t, 0) for t in by_topic}
    position = {t: (i + rotate) % len(TOPIC_ORDER) for i, t in enumerate(TOPIC_ORDER)}
    picked: list[int] = []
    while len(picked) < need:
        open_topics = [t for t, items in by_topic.items() if items]
        if not open_topics:
            break
        topic = min(open_topics, key=lambda t: (counts[t], position.get(t, len(TOPIC_ORDER))))
        picked.append(by_topic[topic].pop(0).question_id)
        counts[topic] += 1
    return picked
