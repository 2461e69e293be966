"""The awareness-score component 「問題の定着」 (question retention).

The share of the person's answers in the last `WINDOW_DAYS` days that were right: the
spaced repetition brings back what was answered wrongly and what FSRS expects to be
fading, so this share is a fair reading of what the person still knows. One query for
any number of people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yakuba.security.score import Component, ComponentValue, register

WINDOW_DAYS = 90
# Fewer answers than this say too little to score.
MIN_ANSWERS = 3


def retention(
    staff_ids: Sequence[int], now: dt.datetime | None = None
) -> Mapping[int, ComponentValue]:
    from yakuba.awareness.models import Review

    since = (now or timezone.now()) - dt.timedelta(days=WINDOW_DAYS)
    rows = (
        Review.objects.filter(staff_id__in=list(staff_ids), answered_at__gte=since)
        .values("staff_id")
        .annotate(total=Count("pk"), right=Count("pk", filter=Q(correct=True)))
    )
    found: dict[int, ComponentValue] = {}
    for row in rows:
        total, right = row["total"], row["right"]
        if total < MIN_ANSWERS:
            found[row["staff_id"]] = ComponentValue(
                None,
                _("直近%(days)s日の回答が%(n)s問のため、まだ評価していません。")
                % {"days": WINDOW_DAYS, "n": total},
            )
            continue
        found[row["staff_id"]] = ComponentValue(
            right / total,
            _("直近%(days)s日の回答 %(total)s問中 %(right)s問正解（%(pct)s%%）。")
            % {
                "days": WINDOW_DAYS,
                "total": total,
                "right": right,
                "pct": round(100 * right / total),
            },
        )
    for pk in staff_ids:
        found.setdefault(
            pk,
            ComponentValue(None, _("直近%(days)s日の回答はありません。") % {"days": WINDOW_DAYS}),
        )
    return found


RETENTION = register(
    Component(
        code="awareness.retention",
        label=gettext_lazy("問題の定着"),
        weight=2,
        values=retention,
        order=10,
    )
)
