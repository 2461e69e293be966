"""The demo loaders behave alike: refuse or (--if-empty) skip, in translatable messages;
every demo sign-in comes from yakuba.demo.accounts."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from yakuba.accounts.models import User
from yakuba.dailyreports.models import Report, ReportWindow
from yakuba.demo import accounts
from yakuba.incidents.models import Incident
from yakuba.licences.models import Licence
from yakuba.meetings.models import Meeting
from yakuba.readiness.models import ChecklistSubmission
from yakuba.remoteseats.models import LoanedTerminal, SeatBooking
from yakuba.rosters.models import RosterPeriod, StaffRequest, WorkActivity

LOADERS = (
    "seed_reports_demo",
    "seed_rosters_demo",
    "seed_remoteseats_demo",
    "seed_meetings_demo",
    "seed_licences_demo",
    "seed_readiness_demo",
    "seed_incidents_demo",
)
# Options that keep a loader quick in tests (the roster solves are time-limited).
FAST = {"seed_rosters_demo": ("--time-limit", "2")}


def run(command: str, *args: str, lang: str = "ja") -> str:
    out = StringIO()
    with translation.override(lang):
        call_command(command, *args, *FAST.get(command, ()), stdout=out)
    return out.getvalue()


def refusal(command: str, *args: str, lang: str = "ja") -> str:
    with pytest.raises(CommandError) as caught:
        run(command, *args, lang=lang)
    return str(caught.value)


def rows() -> tuple[int, ...]:
    return (
        ReportWindow.objects.count(),
        Report.objects.count(),
        WorkActivity.objects.count(),
        RosterPeriod.objects.count(),
        StaffRequest.objects.count(),
        Meeting.objects.count(),
        Licence.objects.count(),
        LoanedTerminal.objects.count(),
        SeatBooking.objects.count(),
        User.objects.count(),
        ChecklistSubmission.objects.count(),
        Incident.objects.count(),
    )


@pytest.fixture
def fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo_city(db: Any, fast_hashing: None) -> str:
    # 150 people: the smallest demo city whose counters the roster demo can cover.
    return run("seed_demo", "--staff", "150", "--no-sign-ins")


@pytest.mark.django_db
@pytest.mark.parametrize("command", LOADERS)
def test_without_the_demo_city_a_loader_adds_nothing_to_real_data(
    command: str, org: dict[str, Any]
) -> None:
    """`make run` against an office's own organisation: every loader leaves it alone."""
    before = rows()
    assert "デモ市がありません" in refusal(command)
    assert "seed_demo" in refusal(command, lang="en")
    assert "デモ市がないため" in run(command, "--if-empty")
    assert rows() == before


def test_every_loader_loads_once_then_refuses_or_skips(demo_city: str) -> None:
    printed = {"seed_demo": demo_city} | {command: run(command) for command in LOADERS}
    for command, text in printed.items():
        assert "のデモデータを作成しました" in text, command
    assert "過去の報告" in printed["seed_reports_demo"]
    assert "全庁の勤務表（公開中）" in printed["seed_rosters_demo"]
    assert "貸出端末 8 台" in printed["seed_remoteseats_demo"]
    assert "エラー 0 件" in printed["seed_meetings_demo"]
    assert "ライセンス 6 件" in printed["seed_licences_demo"]
    assert "demo-staff" in printed["seed_readiness_demo"]
    assert "インシデント 9 件" in printed["seed_incidents_demo"]
    # The table with the password is left to `demo_sign_ins` (the end of `make run`).
    assert accounts.DEMO_PASSWORD not in printed["seed_demo"]

    before = rows()
    for command in ("seed_demo", *LOADERS):
        ja = refusal(command)
        assert "のデモデータを読み込めません。既にデータがあります" in ja, command
        assert "消去も上書きもしません" in ja
        en = refusal(command, lang="en")
        assert "already" in en and "（" not in en and "、" not in en, (command, en)
        skipped = run(command, "--if-empty")
        assert skipped.startswith("既にデータがあるため、") and "読み込みませんでした" in skipped
        assert "already" in run(command, "--if-empty", lang="en")
    assert rows() == before


def test_demo_sign_ins_come_from_one_module(demo_city: str, client: Any) -> None:
    run("seed_reports_demo")  # adds demo-colleague
    run("seed_licences_demo")  # adds demo-zoom-sync
    run("seed_policies_demo")  # adds demo-head-ict
    run("seed_knowledge_demo")  # adds demo-helper
    on_file = set(
        User.objects.filter(username__startswith="demo-").values_list("username", flat=True)
    )
    assert on_file == set(accounts.ALL_USERNAMES)
    for username in accounts.SIGN_IN_USERNAMES:
        user = User.objects.get(username=username)
        assert user.check_password(accounts.DEMO_PASSWORD), username
        assert user.staff.active
    assert not User.objects.get(username=accounts.ZOOM_SYNC).has_usable_password()

    table = run("demo_sign_ins")
    lines = [line.split() for line in table.splitlines() if line.strip().startswith("demo-")]
    assert [cells[0] for cells in lines] == list(accounts.SIGN_IN_USERNAMES)
    assert all(accounts.DEMO_PASSWORD in cells for cells in lines)
    # The privileged roles, the auditor among them, are told to enrol TOTP; staff are not.
    enrol = {cells[0] for cells in lines if any("TOTP" in cell for cell in cells)}
    assert enrol == {
        accounts.HR,
        accounts.INFOSEC,
        accounts.AUDITOR,
        accounts.SYSADMIN,
        accounts.PLANNING,
    }
    english = run("demo_sign_ins", lang="en")
    assert "Username" in english and "Unit head" in english

    # Signing in as the demo auditor works and leads to TOTP enrolment before the trail.
    client.post(
        reverse("accounts:login"),
        {"username": accounts.AUDITOR, "password": accounts.DEMO_PASSWORD},
    )
    response = client.get(reverse("audit:entry_list"))
    assert response["Location"].startswith(reverse("accounts:otp_setup"))
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_no_sign_in_table_without_demo_accounts(org: dict[str, Any]) -> None:
    assert run("demo_sign_ins") == ""


def test_the_demo_password_is_written_down_once() -> None:
    """Only yakuba/demo/accounts.py holds it: no loader, setting or start-up code does."""
    root = Path(settings.BASE_DIR)
    holders = [
        str(path.relative_to(root))
        for path in (root / "yakuba").rglob("*.py")
        if "tests" not in path.parts and accounts.DEMO_PASSWORD in path.read_text("utf-8")
    ]
    assert holders == ["yakuba/demo/accounts.py"]
    for name in ("README.md", "Makefile"):
        assert accounts.DEMO_PASSWORD not in (root / name).read_text("utf-8")
