"""The demo city's inventory: about 400 realistic procedures, the same every time."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from yakuba.reviews.demo_inventory import plan, seed_procedures
from yakuba.reviews.models import Procedure, SealKind


def test_the_plan_is_deterministic_and_realistic() -> None:
    rows = plan()
    assert rows == plan() and rows != plan(seed=18)
    names = {r["name"] for r in rows}
    for expected in ("住民票の写しの交付申請", "印鑑登録申請", "道路占用許可申請", "犬の登録"):
        assert expected in names
    assert any(str(n).endswith("補助金の交付申請") for n in names)
    assert "児童手当の認定請求" in names and "児童手当の額改定請求" in names
    seals = Counter(r["seal"] for r in rows)
    # Before the review most forms ask for a seal (as the municipalities found).
    assert seals[SealKind.SEAL] / len(rows) > 0.7


@pytest.mark.django_db
def test_seeded_in_the_demo_city(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--staff", "120", "--no-sign-ins", stdout=StringIO())
    made = seed_procedures()
    assert 380 <= made <= 420 and Procedure.objects.count() == made
    assert not Procedure.objects.filter(department__isnull=True).exists()
    departments = Procedure.objects.values_list("department__name", flat=True).distinct()
    assert len(set(departments)) >= 9
    inkan = Procedure.objects.get(name="印鑑登録申請")
    assert inkan.unit.name == "住民記録係" and inkan.department.name == "市民部"
    assert inkan.procedure_id.startswith("SMN-") and inkan.legal_basis == "みどり野市印鑑条例第3条"
