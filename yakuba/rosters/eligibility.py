"""Telework eligibility (DOMAIN.md §2): each rule met or not, with the reason shown.

Later capabilities add conditions (a completed security checklist, a passed connection
check) with `register_condition`; the roster and the seat booking both ask `evaluate`.
A condition may answer None (it does not apply, e.g. a gate the office has not switched
on) and may offer ``many(staff_list)``: `evaluate_many` (roster solve, people page) then
asks it once for the whole list instead of once per person.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yakuba.org import selectors as org_selectors
from yakuba.org.models import EmploymentType, Staff
from yakuba.rosters.models import StaffWorkProfile, TeleworkPolicy


@dataclass(frozen=True)
class RuleOutcome:
    code: str
    label: str | Promise
    met: bool
    detail: str | Promise = ""
    # What to do about an unmet rule: a page (e.g. the home checklist) and its link text.
    action_url: str = ""
    action_label: str | Promise = ""


@dataclass(frozen=True)
class Eligibility:
    staff_id: int
    outcomes: tuple[RuleOutcome, ...]
    weekly_cap: int
    min_office_days: int

    @property
    def eligible(self) -> bool:
        return all(o.met for o in self.outcomes)

    @property
    def unmet(self) -> list[RuleOutcome]:
        return [o for o in self.outcomes if not o.met]


Condition = Callable[[Staff], RuleOutcome | None]
_EXTRA_CONDITIONS: list[Condition] = []


def _extra_outcomes(staff: Sequence[Staff]) -> dict[int, list[RuleOutcome]]:
    """The registered conditions' outcomes per person: a condition with ``many`` is asked
    once for everyone (a constant number of queries), the others once per person."""
    result: dict[int, list[RuleOutcome]] = {s.pk: [] for s in staff}
    for condition in _EXTRA_CONDITIONS:
        many: Callable[[Sequence[Staff]], Mapping[int, RuleOutcome | None]] | None = getattr(
            condition, "many", None
        )
        answers = many(staff) if many is not None else {s.pk: condition(s) for s in staff}
        for s in staff:
            outcome = answers.get(s.pk)
            if outcome is not None:
                result[s.pk].append(outcome)
    return result


def register_condition(condition: Condition) -> Condition:
    """Add an "other conditions must hold" rule (usable as a decorator)."""
    if condition not in _EXTRA_CONDITIONS:
        _EXTRA_CONDITIONS.append(condition)
    return condition


def unregister_condition(condition: Condition) -> None:
    if condition in _EXTRA_CONDITIONS:
        _EXTRA_CONDITIONS.remove(condition)


def policy_for(
    staff: Staff, policies: dict[int | None, TeleworkPolicy] | None = None
) -> TeleworkPolicy:
    """The nearest policy up the unit tree, else the office-wide one, else the defaults."""
    if policies is None:
        policies = {
            p.unit_id: p
            for p in TeleworkPolicy.objects.select_related("unit").prefetch_related(
                "excluded_units"
            )
        }
    policy, _owner, _inherited = org_selectors.nearest_for_unit(policies, staff.unit)
    return policy or TeleworkPolicy()


def evaluate(
    staff: Staff,
    *,
    policies: dict[int | None, TeleworkPolicy] | None = None,
    profile: StaffWorkProfile | None = None,
    extra: Sequence[RuleOutcome] | None = None,
) -> Eligibility:
    policy = policy_for(staff, policies)
    if profile is None:
        profile = StaffWorkProfile.objects.filter(staff=staff).first() or StaffWorkProfile(
            staff=staff
        )
    outcomes: list[RuleOutcome] = []
    allowed = policy.allowed_employment_types
    type_label = dict(EmploymentType.choices).get(staff.employment_type, staff.employment_type)
    outcomes.append(
        RuleOutcome(
            "employment_type",
            _("雇用区分"),
            not allowed or staff.employment_type in allowed,
            _("%(type)s は対象外です") % {"type": type_label}
            if allowed and staff.employment_type not in allowed
            else type_label,
        )
    )
    excluded_units = list(policy.excluded_units.all()) if policy.pk else []
    in_excluded = any(staff.unit.path.startswith(u.path) for u in excluded_units)
    outcomes.append(
        RuleOutcome(
            "unit",
            _("所属"),
            not in_excluded,
            _("%(unit)s は在宅勤務の対象外の所属です") % {"unit": staff.unit.name}
            if in_excluded
            else staff.unit.name,
        )
    )
    personal = policy.exclude_personal_data_work and profile.handles_personal_data
    outcomes.append(
        RuleOutcome(
            "personal_data",
            _("個人情報を扱う業務"),
            not personal,
            _("個人情報（マイナンバー等）を扱う業務のため対象外です")
            if personal
            else _("該当なし"),
        )
    )
    if policy.requires_head_approval:
        outcomes.append(
            RuleOutcome(
                "approval",
                _("所属長の承認"),
                profile.telework_approved,
                _("承認済み") if profile.telework_approved else _("未承認"),
            )
        )
    outcomes.extend(extra if extra is not None else _extra_outcomes([staff])[staff.pk])
    return Eligibility(
        staff_id=staff.pk,
        outcomes=tuple(outcomes),
        weekly_cap=policy.weekly_cap,
        min_office_days=policy.min_office_days,
    )


def evaluate_many(staff: list[Staff]) -> dict[int, Eligibility]:
    """Eligibility for many people with a fixed number of queries."""
    policies = {
        p.unit_id: p
        for p in TeleworkPolicy.objects.select_related("unit").prefetch_related("excluded_units")
    }
    profiles = {p.staff_id: p for p in StaffWorkProfile.objects.filter(staff__in=staff)}
    extra = _extra_outcomes(staff)
    return {
        s.pk: evaluate(
            s,
            policies=policies,
            profile=profiles.get(s.pk) or StaffWorkProfile(staff=s),
            extra=extra[s.pk],
        )
        for s in staff
    }
