"""`manage.py seed_demo`: fill an EMPTY database with the fictional city of みどり野市.

For demos and manual testing only. It never deletes or merges: on a database that
already holds organisation data it stops (or, with --if-empty, quietly does nothing,
which is what `make run` uses). Production start-up never calls this.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from yakuba.accounts.roles import PRIVILEGED_ROLES, Role
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.core.text import search_key
from yakuba.demo import city
from yakuba.org.models import Counter, Skill, Staff, Unit, UnitKind

BATCH_SIZE = 500


@dataclass(frozen=True)
class SignIn:
    username: str
    role_label: str
    unit_name: str
    privileged: bool


@dataclass(frozen=True)
class SeedResult:
    units: int
    skills: int
    counters: int
    staff: int
    accounts: int
    sign_ins: tuple[SignIn, ...]


def existing_data() -> list[str]:
    """What already exists that the seed would collide with (empty list: safe to seed)."""
    found: list[str] = []
    for model, label in ((Unit, "所属"), (Staff, "職員"), (Skill, "スキル"), (Counter, "窓口")):
        count = model.objects.count()
        if count:
            found.append(f"{label} {count} 件")
    usernames = [username for username, *_ in city.DEMO_ACCOUNTS]
    taken = list(
        get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True)
    )
    if taken:
        found.append("デモアカウント " + ", ".join(sorted(taken)))
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
        sign_ins = _create_accounts(plan, units, staff_ids)
        result = SeedResult(
            units=len(units),
            skills=len(skills),
            counters=len(plan.counters),
            staff=len(staff_ids),
            accounts=len(sign_ins),
            sign_ins=sign_ins,
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


def _create_accounts(
    plan: city.CityPlan, units: dict[str, Unit], staff_ids: dict[str, int]
) -> tuple[SignIn, ...]:
    User = get_user_model()
    staff_by_number = {s.staff_number: s for s in plan.staff}
    sign_ins: list[SignIn] = []
    for account in plan.accounts:
        spec = staff_by_number.get(account.staff_number or "")
        surname, _, given = spec.name.partition(" ") if spec else ("", "", "")
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
        user.set_password(city.DEMO_PASSWORD)  # Argon2, the first PASSWORD_HASHERS entry
        user.save()
        if spec is not None:
            Staff.objects.filter(pk=staff_ids[spec.staff_number]).update(user=user)
        sign_ins.append(
            SignIn(
                username=account.username,
                role_label=str(Role(account.role).label),
                unit_name=units[spec.unit_code].name if spec else "",
                privileged=account.role in PRIVILEGED_ROLES,
            )
        )
    return tuple(sign_ins)


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


class Command(BaseCommand):
    help = (
        "Fill an empty database with a fictional city (みどり野市) and one demo account per "
        "role. Refuses to touch a database that already has organisation data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
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
            "--if-empty",
            action="store_true",
            help="do nothing (successfully) if units or staff already exist; for `make run`",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        staff_count: int = options["staff"]
        seed: int = options["seed"]
        if not city.MIN_STAFF <= staff_count <= city.MAX_STAFF:
            raise CommandError(
                f"--staff は {city.MIN_STAFF}〜{city.MAX_STAFF} の範囲で指定してください"
                f"（指定値: {staff_count}）"
            )

        found = existing_data()
        if found and options["if_empty"] and (Unit.objects.exists() or Staff.objects.exists()):
            self.stdout.write(
                "データが既にあるため、デモデータの投入を省略しました（--if-empty）: "
                + "、".join(found)
            )
            return
        if found:
            # Never wipe or merge: demo rows mixed into real data could not be told apart.
            raise CommandError(
                "データベースに既にデータがあります（"
                + "、".join(found)
                + "）。seed_demo は既存データを消去も上書きもしません。"
                "空のデータベースで実行してください（例: DATABASE_URL で新しい SQLite "
                "ファイルを指定して `manage.py migrate` の後に実行）。"
            )

        started = time.monotonic()
        plan = city.build_city(staff_count, seed)
        result = write_city(plan)
        elapsed = time.monotonic() - started

        self.stdout.write(
            self.style.SUCCESS(
                f"{city.CITY_NAME}のデモデータを作成しました: 所属 {result.units}、"
                f"職員 {result.staff}、窓口 {result.counters}、スキル {result.skills}、"
                f"アカウント {result.accounts}（seed={seed}、{elapsed:.1f} 秒）"
            )
        )
        self._print_sign_ins(result.sign_ins)

    def _print_sign_ins(self, sign_ins: Sequence[SignIn]) -> None:
        # The only place the demo password is ever shown.
        rows = [("ユーザー名", "役割", "所属", "パスワード", "備考")]
        for s in sign_ins:
            note = "初回サインイン時に二要素認証(TOTP)を登録" if s.privileged else ""
            rows.append((s.username, s.role_label, s.unit_name, city.DEMO_PASSWORD, note))
        self.stdout.write("")
        self.stdout.write("デモ用サインイン:")
        for line in format_table(rows):
            self.stdout.write("  " + line)
        if not settings.DEBUG:
            # Known passwords: whoever signs in first also enrols the privileged TOTP.
            self.stdout.write(
                self.style.WARNING(
                    "注意: DEBUG が無効です。デモアカウントのパスワードは公開値のため、"
                    "本番環境では使わないでください。"
                )
            )
