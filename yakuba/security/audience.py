"""Who a campaign, a drill or a self-inspection round is for.

An `Audience` is stored as JSON on the thing it targets (`to_json` / `from_json`) and
resolved when it is launched, so the people are fixed at that moment and a later
personnel change does not silently add or drop anyone. Every criterion narrows: units
(with the units below them), account roles, employment types, and "teleworked between
two dates" read from the published rosters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
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

    def to_json(self) -> dict[str, Any]:
        return {
            "unit_ids": list(self.unit_ids),
            "roles": list(self.roles),
            "employment_types": list(self.employment_types),
            "teleworked_from": self.teleworked_from.isoformat() if self.teleworked_from else None,
            "teleworked_to": self.teleworked_to.isoformat() if self.teleworked_to else None,
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


def teleworker_ids(start: dt.date, end: dt.date) -> QuerySet[Assignment, Any]:
    """Staff ids with a telework day between `start` and `end` in a published roster."""
    return (
        Assignment.objects.filter(
            version__status=VersionStatus.PUBLISHED,
            date__range=(start, end),
            activity__kind=ActivityKind.TELEWORK,
        )
        .values("staff_id")
        .distinct()
    )


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
        people = people.filter(pk__in=teleworker_ids(*audience.teleworked))
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
        parts.append(
            _("%(start)s〜%(end)sに在宅勤務した人")
            % {"start": start.isoformat(), "end": end.isoformat()}
        )
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

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("teleworked_from"), data.get("teleworked_to")
        if bool(start) != bool(end):
            raise forms.ValidationError(
                _("在宅勤務した期間は、開始と終了の両方を入力してください。")
            )
        if start and end and start > end:
            raise forms.ValidationError(_("在宅勤務した期間の開始が終了より後になっています。"))
        return data

    def audience(self) -> Audience:
        data = self.cleaned_data
        return Audience(
            unit_ids=tuple(sorted(u.pk for u in data.get("units") or ())),
            roles=tuple(data.get("roles") or ()),
            employment_types=tuple(data.get("employment_types") or ()),
            teleworked_from=data.get("teleworked_from"),
            teleworked_to=data.get("teleworked_to"),
        )

    @classmethod
    def initial_for(cls, audience: Audience) -> dict[str, Any]:
        return {
            "units": list(audience.unit_ids),
            "roles": list(audience.roles),
            "employment_types": list(audience.employment_types),
            "teleworked_from": audience.teleworked_from,
            "teleworked_to": audience.teleworked_to,
        }
