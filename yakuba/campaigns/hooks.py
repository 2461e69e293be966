"""What campaigns give the other security capabilities (registered in AppConfig.ready()):

* the telework readiness requirement 「必須研修の修了」: every course flagged as required
  for telework passed within its validity;
* the awareness-score component 「研修・キャンペーンの完了」: assigned campaigns completed,
  overdue ones counted against, open ones not yet counted.

Both judge a whole list of people in a constant number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yakuba.campaigns.models import Assignment, Attempt, CampaignStatus, Course
from yakuba.security import gate, score

# Assignments whose due date is older than this no longer count in the score.
SCORE_WINDOW = dt.timedelta(days=365)


def pass_valid_until(passed_at: dt.datetime, course: Course) -> dt.date:
    """The last day a pass of `course` counts."""
    return timezone.localdate(passed_at) + dt.timedelta(days=course.validity_days - 1)


def last_passes(
    staff_ids: Sequence[int], courses: Sequence[Course]
) -> dict[tuple[int, int], dt.datetime]:
    """(staff id, course id) → when the person last passed the course (one query)."""
    rows = (
        Attempt.objects.filter(
            passed=True,
            assignment__staff_id__in=list(staff_ids),
            assignment__course__in=list(courses),
        )
        .values("assignment__staff_id", "assignment__course_id")
        .annotate(last=Max("finished_at"))
    )
    return {(r["assignment__staff_id"], r["assignment__course_id"]): r["last"] for r in rows}


def judge_required_course(staff_ids: Sequence[int]) -> Mapping[int, gate.Verdict]:
    courses = list(Course.objects.filter(required_for_telework=True, active=True).order_by("pk"))
    if not courses:
        return {pk: gate.Verdict(True, _("必須の研修は設定されていません。")) for pk in staff_ids}
    passes = last_passes(staff_ids, courses)
    today = timezone.localdate()
    verdicts: dict[int, gate.Verdict] = {}
    for pk in staff_ids:
        missing: list[str] = []
        valid: list[str] = []
        link = ""
        for course in courses:
            passed_at = passes.get((pk, course.pk))
            names = {"course": course.title}
            if passed_at is None:
                missing.append(_("「%(course)s」を修了していません。") % names)
            elif pass_valid_until(passed_at, course) < today:
                names["day"] = pass_valid_until(passed_at, course).isoformat()
                missing.append(
                    _("「%(course)s」の修了の有効期限（%(day)s）が過ぎています。") % names
                )
            else:
                names["day"] = pass_valid_until(passed_at, course).isoformat()
                valid.append(_("「%(course)s」修了（%(day)s まで有効）") % names)
                continue
            link = link or reverse("campaigns:course_take", args=[course.pk])
        if missing:
            verdicts[pk] = gate.Verdict(
                False, " ".join([*missing, _("研修を受講して合格してください。")]), link
            )
        else:
            verdicts[pk] = gate.Verdict(True, "、".join(valid))
    return verdicts


REQUIRED_COURSE = gate.Requirement(
    code="campaigns.required_course",
    label=gettext_lazy("必須研修の修了"),
    judge=judge_required_course,
    order=20,
)


def completion_values(staff_ids: Sequence[int]) -> Mapping[int, score.ComponentValue]:
    today = timezone.localdate()
    rows = (
        Assignment.objects.filter(
            staff_id__in=list(staff_ids),
            campaign__status=CampaignStatus.LAUNCHED,
            campaign__starts_on__lte=today,
            due_on__gte=today - SCORE_WINDOW,
        )
        .values("staff_id")
        .annotate(
            completed=Count("pk", filter=Q(completed_at__isnull=False)),
            overdue=Count("pk", filter=Q(completed_at__isnull=True, due_on__lt=today)),
            pending=Count("pk", filter=Q(completed_at__isnull=True, due_on__gte=today)),
        )
    )
    values: dict[int, score.ComponentValue] = {}
    for r in rows:
        counts = {k: r[k] for k in ("completed", "overdue", "pending")}
        detail = (
            _(
                "この1年の研修・キャンペーン：修了 %(completed)s 件、期限切れ %(overdue)s 件、"
                "受講期間中 %(pending)s 件。"
            )
            % counts
        )
        judged = counts["completed"] + counts["overdue"]
        if counts["overdue"]:
            detail += " " + _("期限切れの研修を修了すると上がります。")
        elif not judged:
            detail += " " + _("期限が来るまでは数えません。")
        values[r["staff_id"]] = score.ComponentValue(
            counts["completed"] / judged if judged else None, detail
        )
    return values


COMPLETION = score.Component(
    code="campaigns.completion",
    label=gettext_lazy("研修・キャンペーンの完了"),
    weight=2,
    values=completion_values,
    order=20,
)


def register() -> None:
    gate.register(REQUIRED_COURSE)
    score.register(COMPLETION)
