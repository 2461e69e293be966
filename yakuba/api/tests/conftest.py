"""A small city for the API tests: two departments, a unit head, HR, a plain staff user.

D1 総務部 ── D1-1 総務課 ── D1-1-a 庶務係
D2 市民部 ── D2-1 市民課
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from yakuba.accounts.models import ApiToken, User
from yakuba.accounts.roles import Role
from yakuba.accounts.services import create_api_token, revoke_api_token
from yakuba.org.models import EmploymentType, Skill, Staff, Unit, UnitKind


@dataclass
class City:
    units: dict[str, Unit]
    staff: dict[str, Staff]
    users: dict[str, User]
    tokens: dict[str, str]  # role name → raw token
    revoked_token: str


def _unit(code: str, name: str, kind: str, parent: Unit | None = None) -> Unit:
    unit = Unit(code=code, name=name, name_kana="", kind=kind, parent=parent)
    unit.save()
    return unit


def _staff(number: str, name: str, kana: str, unit: Unit, **extra: Any) -> Staff:
    skills = extra.pop("skills", [])
    staff = Staff(staff_number=number, name=name, name_kana=kana, unit=unit, **extra)
    staff.save()
    staff.skills.set(skills)
    return staff


@pytest.fixture
def city(db: None) -> City:
    d1 = _unit("D1", "総務部", UnitKind.DEPARTMENT)
    d11 = _unit("D1-1", "総務課", UnitKind.DIVISION, d1)
    d11a = _unit("D1-1-a", "庶務係", UnitKind.SECTION, d11)
    d2 = _unit("D2", "市民部", UnitKind.DEPARTMENT)
    d21 = _unit("D2-1", "市民課", UnitKind.DIVISION, d2)
    units = {u.code: u for u in (d1, d11, d11a, d2, d21)}

    juminhyo = Skill.objects.create(code="juminhyo", name="住民票")
    koseki = Skill.objects.create(code="koseki", name="戸籍")

    # No passwords: the API never uses them, and Argon2 hashing would dominate the run time.
    users = {
        "admin": User.objects.create_user("admin", password=None, role=Role.SYSADMIN),
        "hr": User.objects.create_user("hr", password=None, role=Role.HR),
        "head": User.objects.create_user("head", password=None, role=Role.UNIT_HEAD),
        "staff": User.objects.create_user("staff", password=None, role=Role.STAFF),
        "auditor": User.objects.create_user("auditor", password=None, role=Role.AUDITOR),
    }
    staff = {
        "head": _staff("1001", "山田 太郎", "ヤマダ タロウ", d11, user=users["head"]),
        "clerk": _staff("1002", "佐藤 花子", "サトウ ハナコ", d11a, skills=[juminhyo]),
        "left": _staff("1003", "鈴木 一郎", "スズキ イチロウ", d11, active=False),
        "foreign": _staff(
            "2001",
            "高橋 次郎",
            "タカハシ ジロウ",
            d21,
            skills=[juminhyo, koseki],
            employment_type=EmploymentType.FISCAL_YEAR,
            email="takahashi@example.jp",
        ),
        "plain": _staff("2002", "田中 三郎", "タナカ サブロウ", d21, user=users["staff"]),
    }
    tokens = {
        name: create_api_token(actor=users["admin"], name=f"{name} sync", owner=user)[1]
        for name, user in users.items()
    }
    revoked, revoked_raw = create_api_token(actor=users["admin"], name="old", owner=users["hr"])
    revoke_api_token(actor=users["admin"], token=revoked)
    return City(units=units, staff=staff, users=users, tokens=tokens, revoked_token=revoked_raw)


class ApiClient:
    """A test client that sends one token's Authorization header on every request."""

    def __init__(self, raw_token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {raw_token}"} if raw_token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.post(path, data, headers=self.headers)


@pytest.fixture
def as_role(city: City) -> Iterator[Any]:
    def make(role: str) -> ApiClient:
        return ApiClient(city.tokens[role])

    yield make


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    """Run tasks in the request, so an import has finished when the API answers.

    django_tasks resets its cached backends on `setting_changed` for TASKS, which the
    pytest-django `settings` fixture sends both when overriding and when restoring.
    """
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def token_of(raw: str) -> ApiToken:
    found = ApiToken.lookup(raw)
    assert found is not None
    return found
