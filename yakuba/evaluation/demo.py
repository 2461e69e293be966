"""Demo evidence report: the demo city's 2020 state of emergency against a year later.

The city's own rosters are relative to today; the periods compared here are historic by
nature, so this loader adds published rosters, morning reports, blockers, meetings and
refused seat bookings for 2020-04-07〜05-25 (much telework, the 5 VPN terminals full, home
workers beyond them on loaned stand-alone terminals, counters short now and then) and the
same days of 2021 (little telework, everything calmer), then generates the report in the
loader (not in a request).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model

from yakuba.demo import accounts
from yakuba.evaluation import history, services, tasks
from yakuba.evaluation.models import EvidenceReport
from yakuba.rosters.models import RosterPeriod, WorkActivity

DEMO_TITLE = "緊急事態宣言期間と1年後の比較"


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
