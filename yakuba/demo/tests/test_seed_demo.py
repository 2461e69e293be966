"""`seed_demo`: the fictional city, its accounts, reproducibility and the no-overwrite rule."""

from __future__ import annotations

import re
from collections import Counter as Tally
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from yakuba.accounts.models import User
from yakuba.accounts.roles import Role
from yakuba.audit.models import AuditEntry
from yakuba.core.text import is_kana, normalise_kana
from yakuba.demo import accounts, city
from yakuba.org import selectors
from yakuba.org.models import Counter, EmploymentType, Skill, Staff, Unit, UnitKind

STAFF = 60
SEED = 1
# Full-width katakana words separated by single ASCII spaces (the normalised form).
KATAKANA = re.compile(r"^[ァ-ヶー]+( [ァ-ヶー]+)*$")


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Still Argon2 (same algorithm name, same verify path), at test-speed cost: the
    production parameters take ~0.5 s per hash and each seed hashes six accounts."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1


@pytest.fixture(autouse=True)
def fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = [f"{__name__}.FastArgon2PasswordHasher"]


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db: Any) -> str:
    return seed("--staff", str(STAFF), "--seed", str(SEED))


@pytest.mark.django_db
def test_builds_the_organisation(seeded: str) -> None:
    departments = Unit.objects.filter(kind=UnitKind.DEPARTMENT)
    assert 9 <= departments.count() <= 12
    names = set(departments.values_list("name", flat=True))
    assert {"総務部", "市民部", "福祉部", "議会事務局"} <= names
    assert not departments.filter(parent__isnull=False).exists()
    assert 38 <= Unit.objects.count() <= 50
    # 課 hang under a 部, 係 under a 課; paths match the tree.
    for unit in Unit.objects.select_related("parent"):
        parents: dict[str, str | None] = {
            UnitKind.DEPARTMENT: None,
            UnitKind.DIVISION: UnitKind.DEPARTMENT,
            UnitKind.SECTION: UnitKind.DIVISION,
        }
        expected_parent = parents[unit.kind]
        assert (unit.parent.kind if unit.parent else None) == expected_parent
        assert unit.path == unit.compute_path()
    assert Unit.objects.filter(kind=UnitKind.SECTION, parent__name="市民課").count() >= 2


@pytest.mark.django_db
def test_counters(seeded: str) -> None:
    assert Counter.objects.count() == 8
    assert Counter.objects.filter(opens_weekdays=False).count() == 0
    saturday = Counter.objects.filter(opens_saturday=True)
    assert saturday.count() == 1
    assert saturday.get().unit.name == "市民課"
    assert list(saturday.get().required_skills.values_list("code", flat=True)) == ["juminhyo"]
    assert not Counter.objects.filter(opens_sunday=True).exists()
    for counter in Counter.objects.all():
        assert counter.required_skills.exists()


@pytest.mark.django_db
def test_head_count_and_staff_fields(seeded: str) -> None:
    assert Staff.objects.count() == STAFF
    for staff in Staff.objects.all():
        assert staff.email == f"s{staff.staff_number}@{city.EMAIL_DOMAIN}"
        assert staff.email.endswith(".example")
        assert staff.position
        # bulk_create skips save(): the search column must still be filled.
        assert staff.search_text and staff.staff_number in staff.search_text
    assert Skill.objects.count() == len(city.SKILLS)


@pytest.mark.django_db
def test_kana_readings_are_full_width_katakana(seeded: str) -> None:
    for name, kana in Staff.objects.values_list("name", "name_kana"):
        assert KATAKANA.match(kana), (name, kana)
        assert is_kana(kana) and normalise_kana(kana) == kana
        assert len(kana.split(" ")) == len(name.split(" ")) == 2
    for name, kana in Unit.objects.values_list("name", "name_kana"):
        assert KATAKANA.match(kana), (name, kana)


@pytest.mark.django_db
def test_role_accounts(seeded: str) -> None:
    expected = {
        accounts.STAFF: Role.STAFF,
        accounts.HEAD: Role.UNIT_HEAD,
        accounts.HR: Role.HR,
        accounts.INFOSEC: Role.INFOSEC,
        accounts.AUDITOR: Role.AUDITOR,
        accounts.SYSADMIN: Role.SYSADMIN,
    }
    users = {u.username: u for u in User.objects.filter(username__in=expected)}
    assert set(users) == set(expected)
    for username, role in expected.items():
        user = users[username]
        assert user.role == role
        assert user.is_active and not user.is_staff and not user.is_superuser
        assert user.password.startswith("argon2")
        assert user.check_password(accounts.DEMO_PASSWORD)
        assert user.staff.active  # every demo account is a person on file
    assert len(accounts.DEMO_PASSWORD) >= 12
    # The app asks privileged users to enrol TOTP; the seed must not pre-create devices.
    assert not TOTPDevice.objects.exists()

    head = users[accounts.HEAD]
    assert head.staff.unit.name == "市民課"
    assert head.staff.position == "課長"
    visible = set(selectors.visible_units(head).values_list("name", flat=True))
    assert visible == {"市民課", "住民記録係", "戸籍係"}
    assert users[accounts.STAFF].staff.unit.parent.name == "市民課"
    assert users[accounts.HR].staff.unit.name == "人事課"
    assert users[accounts.INFOSEC].staff.unit.name == "情報政策課"


@pytest.mark.django_db
def test_sign_in_table_is_printed(seeded: str) -> None:
    assert accounts.HEAD in seeded and "所属長" in seeded and "市民課" in seeded
    assert seeded.count(accounts.DEMO_PASSWORD) == len(accounts.ROLE_ACCOUNTS)


@pytest.mark.django_db
def test_one_summary_audit_entry(seeded: str) -> None:
    entry = AuditEntry.objects.get()
    assert entry.action == "import"
    assert entry.actor is None and entry.actor_label == "seed_demo"
    assert entry.object_type == "demo"
    assert entry.changes["staff"] == STAFF
    assert entry.changes["units"] == Unit.objects.count()
    assert entry.changes["counters"] == 8
    assert entry.changes["seed"] == SEED


@pytest.mark.django_db
def test_database_matches_the_pure_plan(seeded: str) -> None:
    """What lands in the database is exactly build_city(staff, seed): a second database
    seeded with the same arguments gets the same numbers, names, units and skills."""
    plan = city.build_city(STAFF, SEED)
    in_db = [
        (s.staff_number, s.name, s.name_kana, s.unit.code, s.position, s.employment_type)
        for s in Staff.objects.select_related("unit").order_by("staff_number")
    ]
    expected = [
        (s.staff_number, s.name, s.name_kana, s.unit_code, s.position, s.employment_type)
        for s in sorted(plan.staff, key=lambda s: s.staff_number)
    ]
    assert in_db == expected
    skills_in_db = {
        s.staff_number: tuple(sorted(s.skills.values_list("code", flat=True)))
        for s in Staff.objects.prefetch_related("skills")
    }
    assert skills_in_db == {s.staff_number: tuple(sorted(s.skill_codes)) for s in plan.staff}


def test_generation_is_reproducible() -> None:
    first, second = city.build_city(STAFF, SEED), city.build_city(STAFF, SEED)
    assert first == second
    other = city.build_city(STAFF, SEED + 1)
    assert [s.name for s in other.staff] != [s.name for s in first.staff]
    # The unit tree does not depend on the seed; only people do.
    assert other.units == first.units


@pytest.mark.parametrize("count", [city.MIN_STAFF, 30, 600, 2000])
def test_head_count_scales(count: int) -> None:
    plan = city.build_city(count, SEED)
    assert len(plan.staff) == count
    numbers = [s.staff_number for s in plan.staff]
    assert len(set(numbers)) == count
    assert all(re.fullmatch(r"\d{6}", n) for n in numbers)
    # Every demo account has its person, whatever the size.
    by_number = {s.staff_number: s for s in plan.staff}
    assert all(a.staff_number in by_number for a in plan.accounts)


def test_realistic_mix_at_default_size() -> None:
    plan = city.build_city(600, SEED)
    types = Tally(s.employment_type for s in plan.staff)
    assert 0.15 <= types[EmploymentType.FISCAL_YEAR] / 600 <= 0.25
    assert types[EmploymentType.REGULAR] > 400
    assert types[EmploymentType.CONDITIONAL] > 0 and types[EmploymentType.REAPPOINTED] > 0
    assert 0 < sum(not s.active for s in plan.staff) < 30
    positions = Tally(s.position for s in plan.staff)
    units = plan.unit_by_code()
    # At full size every unit has its head.
    assert positions["課長"] == sum(u.kind == UnitKind.DIVISION for u in plan.units)
    assert positions["係長"] == sum(u.kind == UnitKind.SECTION for u in plan.units)
    assert all(
        s.employment_type == EmploymentType.REGULAR
        for s in plan.staff
        if s.position in {"部長", "事務局長", "課長", "係長"}
    )
    # Counter skills are concentrated where the counter is.
    shimin = next(u for u in plan.units if u.name == "市民課")
    holders = [s for s in plan.staff if "juminhyo" in s.skill_codes]
    at_home = [s for s in holders if units[s.unit_code].code.startswith(shimin.code)]
    assert len(at_home) / len(holders) > 0.75


@pytest.mark.django_db
def test_seed_30_in_database() -> None:
    seed("--staff", "30", "--seed", "7")
    assert Staff.objects.count() == 30
    assert User.objects.get(username=accounts.HEAD).staff.unit.name == "市民課"


@pytest.mark.django_db
def test_if_empty_does_nothing_on_populated_db(seeded: str) -> None:
    before = (Unit.objects.count(), Staff.objects.count(), AuditEntry.objects.count())
    out = seed("--if-empty", "--staff", "100", "--seed", "2")
    assert "読み込みませんでした" in out
    assert accounts.DEMO_PASSWORD not in out
    assert (Unit.objects.count(), Staff.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.django_db
def test_if_empty_respects_real_data(org: dict[str, Any]) -> None:
    """A database holding an office's own organisation is never touched."""
    seed("--if-empty")
    assert Staff.objects.count() == 3
    assert not User.objects.filter(username__in=accounts.ALL_USERNAMES).exists()


@pytest.mark.django_db
def test_refuses_populated_db_without_if_empty(seeded: str) -> None:
    with pytest.raises(CommandError, match="空のデータベース"):
        seed("--staff", str(STAFF), "--seed", str(SEED))
    assert Staff.objects.count() == STAFF
    assert AuditEntry.objects.count() == 1


@pytest.mark.django_db
def test_refuses_real_data(org: dict[str, Any]) -> None:
    with pytest.raises(CommandError):
        seed()
    assert Staff.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("count", ["5", "100000"])
def test_rejects_out_of_range_head_count(count: str) -> None:
    with pytest.raises(CommandError, match="--staff"):
        seed("--staff", count)
    assert not Unit.objects.exists()


@pytest.mark.django_db
def test_all_or_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure at the last step (the audit entry) leaves no partial city behind."""
    from yakuba.demo.management.commands import seed_demo

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(seed_demo, "record", boom)
    with pytest.raises(RuntimeError):
        seed("--staff", "20")
    assert not Unit.objects.exists()
    assert not Staff.objects.exists()
    assert not User.objects.filter(username__in=accounts.ALL_USERNAMES).exists()


def test_nothing_outside_the_demo_app_imports_it() -> None:
    """Demo data must only ever arrive through an explicit command.

    Allowed: the demo app, each app's own `demo.py` / `demo_*.py` (demo data for that
    capability),
    `seed_*` management commands, benchmark scripts and tests. Never: settings, URLs,
    views, app start-up or any other runtime module.
    """
    root = Path(settings.BASE_DIR) / "yakuba"
    demo = root / "demo"
    pattern = re.compile(r"^\s*(from|import)\s+yakuba\.demo\b|seed_demo|build_city", re.M)

    def allowed(path: Path) -> bool:
        return (
            demo in path.parents
            or path.name in {"demo.py", "bench.py"}
            or path.name.startswith(("demo_", "bench_"))
            or (path.parent.name == "commands" and path.name.startswith("seed_"))
            or "tests" in path.parts
        )

    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if not allowed(path) and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
