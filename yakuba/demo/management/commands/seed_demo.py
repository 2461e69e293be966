"""`manage.py seed_demo`: fill an EMPTY database with the fictional city of みどり野市.

For demos and manual testing only. It never deletes or merges: on a database that
already holds organisation data it stops (or, with --if-empty, says so and succeeds,
which is what `make run` uses; see yakuba.demo.commands). Production start-up never
calls this.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.core.text import search_key
from yakuba.demo import accounts, city
from yakuba.demo.commands import DemoCommand, counted, print_sign_ins
from yakuba.org.models import Counter, Skill, Staff, Unit, UnitKind

BATCH_SIZE = 500


@dataclass(frozen=True)
class SeedResult:
    units: int
    skills: int
    counters: int
    staff: int
    accounts: int


def existing_data() -> list[str]:
    """What already exists that the seed would collide with (empty list: safe to seed)."""
    found: list[str] = []
    for model, label in (
        (Unit, _("所属")),
        (Staff, _("職員")),
        (Skill, _("スキル")),
        (Counter, _("窓口")),
    ):
        found += counted(model, label)
    taken = list(
        get_user_model()
        .objects.filter(username__in=accounts.ALL_USERNAMES)
        .values_list("username", flat=True)
    )
    if taken:
        found.append(_("デモアカウント %(names)s") % {"names": ", ".join(sorted(taken))})
    return found


def write_city(plan: city.CityPlan) -> SeedResult:
    """Insert the plan in one transaction with one summary audit entry.

    Bulk inserts bypass Model.save(), so the derived columns that save() would fill
    (Unit.path, search_text) are computed here the same way.
    """
    with transaction.atomic():
        units = _create_units(plan.units)
        skills = _create_skills(plan.skills)
        _create_counters(plan.counters, units, skills)
        staff_ids = _create_staff(plan.staff, units, skills)
        made_accounts = _create_accounts(plan, staff_ids)
        result = SeedResult(
            units=len(units),
            skills=len(skills),
            counters=len(plan.counters),
            staff=len(staff_ids),
            accounts=made_accounts,
        )
        # One entry for the whole seed: thousands of per-row entries would bury the
        # real history, and the data is reproducible from (seed, staff) anyway.
        record(
            AuditAction.IMPORT,
            actor=None,
            actor_label="seed_demo",
            object_type="demo",
            object_repr=f"デモデータ {city.CITY_NAME}（seed={plan.seed}、職員 {result.staff} 名）",
            changes={
                "city": city.CITY_NAME,
                "seed": plan.seed,
                "units": result.units,
                "skills": result.skills,
                "counters": result.counters,
                "staff": result.staff,
                "accounts": result.accounts,
            },
        )
    return result


def _create_units(specs: Sequence[city.UnitSpec]) -> dict[str, Unit]:
    """Level by level so each parent has its primary key before its children refer to it."""
    created: dict[str, Unit] = {}
    for kind in (UnitKind.DEPARTMENT, UnitKind.DIVISION, UnitKind.SECTION):
        level = [s for s in specs if s.kind == kind]
        rows = []
        for spec in level:
            parent = created[spec.parent_code] if spec.parent_code else None
            rows.append(
                Unit(
                    code=spec.code,
                    name=spec.name,
                    name_kana=spec.name_kana,
                    kind=spec.kind,
                    parent=parent,
                    path=f"{parent.path if parent else '/'}{spec.code}/",
                    sort_order=spec.sort_order,
                    search_text=search_key(f"{spec.code} {spec.name} {spec.name_kana}"),
                )
            )
        Unit.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        # Re-read rather than trust bulk_create to set pks: not every backend returns them.
        created.update(
            Unit.objects.filter(code__in=[s.code for s in level]).in_bulk(field_name="code")
        )
    return created


def _create_skills(specs: Sequence[tuple[str, str]]) -> dict[str, Skill]:
    Skill.objects.bulk_create([Skill(code=code, name=name) for code, name in specs])
    return Skill.objects.filter(code__in=[code for code, _ in specs]).in_bulk(field_name="code")


def _create_counters(
    specs: Sequence[city.CounterSpec], units: dict[str, Unit], skills: dict[str, Skill]
) -> None:
    unit_by_name = {u.name: u for u in units.values()}
    Counter.objects.bulk_create(
        [
            Counter(
                code=spec.code,
                name=spec.name,
                unit=unit_by_name[spec.unit_name],
                opens_weekdays=True,
                opens_saturday=spec.opens_saturday,
                opens_sunday=False,
                opens_holidays=False,
            )
            for spec in specs
        ]
    )
    counters = Counter.objects.filter(code__in=[s.code for s in specs]).in_bulk(field_name="code")
    through = Counter.required_skills.through
    through.objects.bulk_create(
        [
            through(counter_id=counters[spec.code].pk, skill_id=skills[code].pk)
            for spec in specs
            for code in spec.skill_codes
        ]
    )


def _create_staff(
    specs: Sequence[city.StaffSpec], units: dict[str, Unit], skills: dict[str, Skill]
) -> dict[str, int]:
    """Staff and their skills with two bulk inserts; returns staff_number → pk."""
    Staff.objects.bulk_create(
        [
            Staff(
                staff_number=spec.staff_number,
                name=spec.name,
                name_kana=spec.name_kana,
                employment_type=spec.employment_type,
                position=spec.position,
                unit=units[spec.unit_code],
                email=spec.email,
                active=spec.active,
                search_text=search_key(f"{spec.staff_number} {spec.name} {spec.name_kana}"),
            )
            for spec in specs
        ],
        batch_size=BATCH_SIZE,
    )
    ids = dict(
        Staff.objects.filter(staff_number__in=[s.staff_number for s in specs]).values_list(
            "staff_number", "pk"
        )
    )
    through = Staff.skills.through
    through.objects.bulk_create(
        [
            through(staff_id=ids[spec.staff_number], skill_id=skills[code].pk)
            for spec in specs
            for code in spec.skill_codes
        ],
        batch_size=BATCH_SIZE,
    )
    return ids


def _create_accounts(plan: city.CityPlan, staff_ids: dict[str, int]) -> int:
    User = get_user_model()
    staff_by_number = {s.staff_number: s for s in plan.staff}
    for account in plan.accounts:
        spec = staff_by_number.get(account.staff_number or "")
        surname, _sep, given = spec.name.partition(" ") if spec else ("", "", "")
        user = User(
            username=account.username,
            role=account.role,
            email=spec.email if spec else "",
            last_name=surname,
            first_name=given,
            # No Django admin in this project: these stay False for every account.
            is_staff=False,
            is_superuser=False,
        )
        user.set_password(accounts.DEMO_PASSWORD)  # Argon2, the first PASSWORD_HASHERS entry
        user.save()
        if spec is not None:
            Staff.objects.filter(pk=staff_ids[spec.staff_number]).update(user=user)
    return len(plan.accounts)


class Command(DemoCommand):
    help = (
        "Fill an empty database with a fictional city (みどり野市) and one demo account per "
        "role. Refuses to touch a database that already has organisation data."
    )
    # city.CITY_NAME, as the reader's language writes it.
    subject = pgettext_lazy("demo data", "みどり野市")
    needs_city = False

    def add_loader_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--staff",
            type=int,
            default=city.DEFAULT_STAFF,
            help=f"head count ({city.MIN_STAFF}–{city.MAX_STAFF}, default {city.DEFAULT_STAFF})",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=city.DEFAULT_SEED,
            help=f"random seed; the same seed gives the same city (default {city.DEFAULT_SEED})",
        )
        parser.add_argument(
            "--no-sign-ins",
            action="store_true",
            help="do not print the sign-in table (`make run` prints it once, at the end)",
        )

    def check_options(self, **options: Any) -> None:
        staff_count = options["staff"]
        if not city.MIN_STAFF <= staff_count <= city.MAX_STAFF:
            raise CommandError(
                _("--staff は %(low)s〜%(high)s の範囲で指定してください（指定値: %(value)s）")
                % {"low": city.MIN_STAFF, "high": city.MAX_STAFF, "value": staff_count}
            )

    def existing(self, **options: Any) -> list[str]:
        return existing_data()

    def refusal_hint(self) -> str:
        return _(
            "空のデータベースで実行してください（例: DATABASE_URL で新しい SQLite ファイルを"
            "指定して manage.py migrate の後に実行）。"
        )

    def load(self, **options: Any) -> str:
        result = write_city(city.build_city(options["staff"], options["seed"]))
        return _(
            "所属 %(units)s、職員 %(staff)s、窓口 %(counters)s、スキル %(skills)s、"
            "アカウント %(accounts)s（seed=%(seed)s）"
        ) % {
            "units": result.units,
            "staff": result.staff,
            "counters": result.counters,
            "skills": result.skills,
            "accounts": result.accounts,
            "seed": options["seed"],
        }

    def after_load(self, **options: Any) -> None:
        if not options["no_sign_ins"]:
            print_sign_ins(self)
