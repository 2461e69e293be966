"""Demo evidence report: the demo city's 2020 state of emergency against a year later.

The city's own rosters are relative to today; the periods compared here are historic by
nature, so this loader adds published rosters, morning reports, blockers, meetings and
refused seat bookings for 2020-04-07〜05-25 (much telework, the 5 VPN terminals full, home
workers beyond them on loaned stand-alone terminals, counters short now and then) and the
same days of 2021 (little telework, everything calmer); two closed, anonymous
「テレワーク実施状況調査」 from the shipped template about those periods — sent after each to
the people the rosters show teleworking then (about 200 answers in 2020; fewer in 2021, when
VPN 増強, 電子決裁 and the rest show in the answers), written by `surveys.demo` — then
generates the report in the loader (not in a request). Each part is skipped when there.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from yakuba.accounts.models import User
from yakuba.demo import accounts
from yakuba.evaluation import history, services, tasks
from yakuba.evaluation.models import EvidenceReport
from yakuba.rosters.audience import Audience, resolve, telework_days
from yakuba.rosters.models import RosterPeriod, WorkActivity
from yakuba.surveys import demo as surveys_demo
from yakuba.surveys.models import Survey

DEMO_TITLE = "緊急事態宣言期間と1年後の比較"
SURVEY_2020 = "テレワーク実施状況調査（2020年 緊急事態宣言の期間）"
SURVEY_2021 = "テレワーク実施状況調査（2021年4月〜5月）"

# The emergency: VPN seats full, paper and seals, the finance system out of reach; nearly
# everyone sent home answered.
MOOD_2020 = surveys_demo.Mood(
    concerns={"vpn": 0.6, "paper": 0.45, "finance": 0.4, "device": 0.3, "lonely": 0.3},
    better=-0.2,
    answer_rate=0.95,
    first_time=0.75,
)
# A year later: the countermeasures in place, fewer troubles, some say what improved.
MOOD_2021 = surveys_demo.Mood(
    concerns={"vpn": 0.12, "paper": 0.1, "finance": 0.12, "device": 0.08, "lonely": 0.15},
    better=0.5,
    improved=("vpn", "paper", "finance", "device", "chat"),
    answer_rate=0.85,
    first_time=0.05,
)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@transaction.atomic
def seed_surveys(planner: User, seed: int = 2020) -> dict[str, int]:
    """The two closed surveys about the compared periods, each sent after its period to
    those who teleworked in it (2021: at least 2 days), skipped when there."""
    p, c = history.emergency_profiles()
    rng = random.Random(seed)
    made: dict[str, int] = {}
    plan = (
        ("answers_2020", SURVEY_2020, p, 1, MOOD_2020),
        ("answers_2021", SURVEY_2021, c, 2, MOOD_2021),
    )
    for key, title, profile, min_days, mood in plan:
        if Survey.objects.filter(title=title, is_template=False).exists():
            continue
        audience = Audience(
            teleworked_from=profile.start, teleworked_to=profile.end, min_days=min_days
        )
        people = list(resolve(audience).select_related("unit", "user").order_by("pk"))
        days = telework_days(profile.start, profile.end, staff_ids=[s.pk for s in people])
        survey = surveys_demo.prepare(planner, title, audience, profile.start, profile.end)
        made[key] = surveys_demo.answer_closed(
            survey,
            [(s, days.get(s.pk, 0)) for s in people],
            launched_at=_at(profile.end + dt.timedelta(days=1), 9),
            closes_at=_at(profile.end + dt.timedelta(days=17), 17),
            rng=rng,
            mood=mood,
        )
    return made


def seed_evaluation_demo() -> dict[str, Any]:
    User = get_user_model()
    planner = User.objects.get(username=accounts.PLANNING)
    made: dict[str, Any] = {}
    p, c = history.emergency_profiles()
    if not WorkActivity.objects.exists():
        from yakuba.rosters.demo import seed_setup

        seed_setup()
    if not RosterPeriod.objects.filter(start_date=p.start, end_date=p.end).exists():
        made |= history.build([p, c], actor=planner)
    made |= seed_surveys(planner)
    report = services.request_report(
        None,
        requested_by=planner,
        title=DEMO_TITLE,
        period=(p.start, p.end),
        period_label="緊急事態宣言の期間（2020年）",
        comparison=(c.start, c.end),
        comparison_label="1年後の同じ期間（2021年）",
        language="ja",
        enqueue=False,
    )
    claimed = tasks.claim(report.pk)
    if claimed is not None:
        tasks.generate(claimed)
    report.refresh_from_db()
    made["report"] = report.pk
    made["status"] = report.status
    return made


def demo_report() -> EvidenceReport | None:
    return EvidenceReport.objects.filter(title=DEMO_TITLE).order_by("pk").first()


def emergency_days() -> tuple[dt.date, dt.date]:
    p = history.emergency_profiles()[0]
    return p.start, p.end
