"""Who a campaign, a drill, a self-inspection round or a staff survey is for.

An `Audience` is stored as JSON on the thing it targets (`to_json` / `from_json`) and
resolved when it is launched, so the people are fixed at that moment and a later
personnel change does not silently add or drop anyone. Every criterion narrows: units
(with the units below them), account roles, employment types, and — over a period P read
from the published rosters — "teleworked at least N days in P" (`min_days`, 1 by default)
or "eligible for telework (`rosters.eligibility`, as of now) but never teleworked in P"
(`eligible_never_teleworked`).

Lives in `rosters` (it reads the published rosters and the eligibility engine); the
security apps and `surveys` share it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django import forms
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yakuba.accounts.roles import Role
from yakuba.org.models import EmploymentType, Staff, Unit
from yakuba.rosters.models import ActivityKind, Assignment, VersionStatus


@dataclass(frozen=True)
class Audience:
    unit_ids: tuple[int, ...] = ()
    roles: tuple[str, ...] = ()
    employment_types: tuple[str, ...] = ()
    teleworked_from: dt.date | None = None
    teleworked_to: dt.date | None = None
    # With a period: at least this many telework days in it (1 = "teleworked at all").
    min_days: int = 1
    # With a period: instead, eligible people with no telework day in it.
    eligible_never_teleworked: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "unit_ids": list(self.unit_ids),
            "roles": list(self.roles),
            "employment_types": list(self.employment_types),
            "teleworked_from": self.teleworked_from.isoformat() if self.teleworked_from else None,
            "teleworked_to": self.teleworked_to.isoformat() if self.teleworked_to else None,
            "min_days": self.min_days,
            "eligible_never_teleworked": self.eligible_never_teleworked,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Audience:
        data = data or {}

        def day(value: object) -> dt.date | None:
            return dt.date.fromisoformat(value) if isinstance(value, str) and value else None

        return cls(
            unit_ids=tuple(int(u) for u in data.get("unit_ids") or ()),
            roles=tuple(str(r) for r in data.get("roles") or ()),
            employment_types=tuple(str(e) for e in data.get("employment_types") or ()),
            teleworked_from=day(data.get("teleworked_from")),
            teleworked_to=day(data.get("teleworked_to")),
            min_days=max(1, int(data.get("min_days") or 1)),
            eligible_never_teleworked=bool(data.get("eligible_never_teleworked")),
        )

    @property
    def teleworked(self) -> tuple[dt.date, dt.date] | None:
        if self.teleworked_from and self.teleworked_to:
            return (self.teleworked_from, self.teleworked_to)
        return None


def previous_month(today: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the month before `today` ("everyone who teleworked last month")."""
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


def _telework_cells(start: dt.date, end: dt.date) -> QuerySet[Assignment, Any]:
    return Assignment.objects.filter(
        version__status=VersionStatus.PUBLISHED,
        date__range=(start, end),
        activity__kind=ActivityKind.TELEWORK,
    )


def teleworker_ids(start: dt.date, end: dt.date, min_days: int = 1) -> QuerySet[Assignment, Any]:
    """Staff ids with at least `min_days` telework days between `start` and `end` in a
    published roster (a day counted once even if two published rosters overlap)."""
    cells = _telework_cells(start, end).values("staff_id")
    if min_days <= 1:
        return cells.distinct()
    return (
        cells.annotate(days=Count("date", distinct=True))
        .filter(days__gte=min_days)
        .values("staff_id")
    )


def telework_days(
    start: dt.date, end: dt.date, staff_ids: Iterable[int] | None = None
) -> dict[int, int]:
    """Telework days per person between `start` and `end` in published rosters (people
    with none are absent). One query."""
    cells = _telework_cells(start, end)
    if staff_ids is not None:
        cells = cells.filter(staff_id__in=list(staff_ids))
    return dict(
        cells.values("staff_id")
        .annotate(days=Count("date", distinct=True))
        .values_list("staff_id", "days")
    )


def _eligible_ids(people: QuerySet[Staff]) -> list[int]:
    """Those of `people` the eligibility engine finds eligible today (fixed queries)."""
    from yakuba.rosters.eligibility import evaluate_many

    staff = list(people.select_related("unit"))
    results = evaluate_many(staff)
    return [s.pk for s in staff if results[s.pk].eligible]


def resolve(audience: Audience) -> QuerySet[Staff]:
    """The serving members of staff the audience names (one query when evaluated)."""
    people = Staff.objects.filter(active=True)
    if audience.unit_ids:
        paths = list(Unit.objects.filter(pk__in=audience.unit_ids).values_list("path", flat=True))
        if not paths:
            return Staff.objects.none()
        people = people.filter(reduce(or_, (Q(unit__path__startswith=p) for p in paths)))
    if audience.roles:
        people = people.filter(user__role__in=audience.roles, user__is_active=True)
    if audience.employment_types:
        people = people.filter(employment_type__in=audience.employment_types)
    if audience.teleworked:
        start, end = audience.teleworked
        if audience.eligible_never_teleworked:
            people = people.exclude(pk__in=teleworker_ids(start, end))
            people = Staff.objects.filter(pk__in=_eligible_ids(people))
        else:
            people = people.filter(pk__in=teleworker_ids(start, end, audience.min_days))
    return people


def _labels(values: Iterable[str], choices: Iterable[tuple[str, Any]]) -> list[str]:
    names = dict(choices)
    return [str(names.get(v, v)) for v in values]


def describe(audience: Audience) -> str:
    """The audience in one line, e.g. 「市民課（配下を含む）・所属長」."""
    parts: list[str] = []
    if audience.unit_ids:
        names = list(
            Unit.objects.filter(pk__in=audience.unit_ids)
            .order_by("path")
            .values_list("name", flat=True)
        )
        parts.append(_("%(units)s（配下を含む）") % {"units": "、".join(names)})
    if audience.roles:
        parts.append("、".join(_labels(audience.roles, Role.choices)))
    if audience.employment_types:
        parts.append("、".join(_labels(audience.employment_types, EmploymentType.choices)))
    if audience.teleworked:
        start, end = audience.teleworked
        values = {"start": start.isoformat(), "end": end.isoformat(), "n": audience.min_days}
        if audience.eligible_never_teleworked:
            parts.append(
                _("在宅勤務の対象者のうち%(start)s〜%(end)sに一度も在宅勤務しなかった人") % values
            )
        elif audience.min_days > 1:
            parts.append(_("%(start)s〜%(end)sに在宅勤務を%(n)s日以上した人") % values)
        else:
            parts.append(_("%(start)s〜%(end)sに在宅勤務した人") % values)
    return "・".join(parts) if parts else _("全職員")


class AudienceForm(forms.Form):
    """The targeting fields; embed with a prefix next to the campaign's own form."""

    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("所属（配下を含む）"),
        queryset=Unit.objects.filter(active=True),
        required=False,
        help_text=gettext_lazy("選ばなければ全所属"),
    )
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("役割"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    employment_types = forms.MultipleChoiceField(
        label=gettext_lazy("任用形態"),
        choices=EmploymentType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    teleworked_from = forms.DateField(
        label=gettext_lazy("在宅勤務した期間（開始）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    teleworked_to = forms.DateField(
        label=gettext_lazy("在宅勤務した期間（終了）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    min_days = forms.IntegerField(
        label=gettext_lazy("在宅勤務の日数（以上）"),
        required=False,
        min_value=1,
        max_value=366,
        help_text=gettext_lazy("期間中にこの日数以上在宅勤務した人（空欄は1日以上）"),
    )
    eligible_never_teleworked = forms.BooleanField(
        label=gettext_lazy("在宅勤務の対象者で、期間中に一度も在宅勤務しなかった人"),
        required=False,
        help_text=gettext_lazy("在宅勤務の対象要件（現在の設定）を満たす人に限ります。"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("teleworked_from"), data.get("teleworked_to")
        if bool(start) != bool(end):
            raise forms.ValidationError(
                _("在宅勤務した期間は、開始と終了の両方を入力してください。")
            )
        if start and end and start > end:
            raise forms.ValidationError(_("在宅勤務した期間の開始が終了より後になっています。"))
        never, min_days = data.get("eligible_never_teleworked"), data.get("min_days")
        if (never or min_days) and not start:
            raise forms.ValidationError(
                _("在宅勤務の日数や「一度も在宅勤務しなかった人」には、期間を入力してください。")
            )
        if never and min_days and min_days > 1:
            raise forms.ValidationError(
                _("「一度も在宅勤務しなかった人」と在宅勤務の日数は同時に指定できません。")
            )
        return data

    def audience(self) -> Audience:
        data = self.cleaned_data
        return Audience(
            unit_ids=tuple(sorted(u.pk for u in data.get("units") or ())),
            roles=tuple(data.get("roles") or ()),
            employment_types=tuple(data.get("employment_types") or ()),
            teleworked_from=data.get("teleworked_from"),
            teleworked_to=data.get("teleworked_to"),
            min_days=data.get("min_days") or 1,
            eligible_never_teleworked=bool(data.get("eligible_never_teleworked")),
        )

    @classmethod
    def initial_for(cls, audience: Audience) -> dict[str, Any]:
        return {
            "units": list(audience.unit_ids),
            "roles": list(audience.roles),
            "employment_types": list(audience.employment_types),
            "teleworked_from": audience.teleworked_from,
            "teleworked_to": audience.teleworked_to,
            "min_days": audience.min_days if audience.min_days > 1 else None,
            "eligible_never_teleworked": audience.eligible_never_teleworked,
        }
