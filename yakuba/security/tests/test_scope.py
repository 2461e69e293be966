"""One scope rule for security records: infosec and the auditor office-wide, unit heads
their own units, everyone else (and anyone without the capability) nothing."""

from __future__ import annotations

import pytest

from yakuba.accounts.roles import Capability
from yakuba.security.scope import staff_in_scope, units_in_scope

pytestmark = pytest.mark.django_db


def test_infosec_sees_everyone_a_unit_head_only_their_units(org, make_user) -> None:
    infosec = make_user("infosec")
    head = make_user("unit_head", unit_key="madoguchi")
    cap = Capability.VIEW_INSPECTIONS
    assert staff_in_scope(infosec, cap).count() == 5
    numbers = set(staff_in_scope(head, cap).values_list("staff_number", flat=True))
    assert numbers == {"1002", head.staff.staff_number}
    assert list(units_in_scope(head, cap)) == [org["madoguchi"]]


def test_without_the_capability_nothing(org, make_user) -> None:
    staff = make_user("staff")
    hr = make_user("hr")
    auditor = make_user("auditor")
    assert not staff_in_scope(staff, Capability.VIEW_INSPECTIONS).exists()
    assert not staff_in_scope(hr, Capability.VIEW_INSPECTIONS).exists()
    # The auditor reads inspections office-wide but never a person's awareness score.
    assert staff_in_scope(auditor, Capability.VIEW_INSPECTIONS).count() == 6
    assert not staff_in_scope(auditor, Capability.VIEW_AWARENESS_SCORES).exists()
    assert not units_in_scope(auditor, Capability.VIEW_AWARENESS_SCORES).exists()
