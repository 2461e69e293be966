"""The account hygiene screen: lists, counts, read audit, export, unlock, bulk disable."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from yakuba.accounts import hygiene
from yakuba.accounts.models import ApiToken, User
from yakuba.audit.models import AuditEntry

URL = "/accounts/hygiene/"
PASSWORD = "Midorino-Shiyakusho-2025!"


def days_ago(n: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=n)


@pytest.fixture
def accounts(db, org) -> dict[str, User]:
    """One account per list (and a healthy one)."""
    made = {}
    for name, role, last_login, joined, active in [
        ("fresh", "staff", None, days_ago(3), True),  # never signed in, not idle yet
        ("forgotten", "staff", None, days_ago(200), True),  # never signed in and idle
        ("sleeper", "unit_head", days_ago(120), days_ago(400), True),  # idle
        ("busy", "staff", days_ago(1), days_ago(400), True),  # healthy
        ("hr-no-totp", "hr", days_ago(2), days_ago(30), True),  # privileged, no TOTP
        ("gone", "staff", days_ago(300), days_ago(500), False),  # disabled
    ]:
        user = User.objects.create_user(name, password=PASSWORD, role=role, is_active=active)
        User.objects.filter(pk=user.pk).update(last_login=last_login, date_joined=joined)
        made[name] = User.objects.get(pk=user.pk)
    return made


def names(queryset) -> set[str]:
    return set(queryset.values_list("username", flat=True))


def test_the_url_is_the_named_one() -> None:
    assert reverse("accounts:hygiene") == URL


@pytest.mark.django_db
def test_the_lists(accounts) -> None:
    assert {"fresh", "forgotten"} <= names(hygiene.never_signed_in())
    assert "sleeper" not in names(hygiene.never_signed_in())
    assert names(hygiene.idle(90)) >= {"forgotten", "sleeper"}
    assert not names(hygiene.idle(90)) & {"fresh", "busy", "gone", "hr-no-totp"}
    assert "sleeper" not in names(hygiene.idle(150))
    assert "hr-no-totp" in names(hygiene.privileged_without_totp())
    TOTPDevice.objects.create(user=accounts["hr-no-totp"], name="p", confirmed=True)
    assert "hr-no-totp" not in names(hygiene.privileged_without_totp())
    assert names(hygiene.disabled()) == {"gone"}
    assert hygiene.parse_idle_days("30") == 30
    for bad in ("", "0", "-5", "abc", "99999", "１０"):
        assert hygiene.parse_idle_days(bad) == 90


@pytest.mark.django_db
def test_the_page_shows_counts_and_audits_each_view(accounts, client_for) -> None:
    client = client_for("sysadmin")
    before = AuditEntry.objects.filter(action="view_sensitive").count()
    body = client.get(URL, {"list": "idle"}).content.decode()
    assert "forgotten" in body and "sleeper" in body and "busy" not in body
    assert 'name="user"' in body  # the system administrator may select
    entry = AuditEntry.objects.filter(action="view_sensitive").latest("seq")
    assert entry.object_type == "accounts.hygiene"
    assert entry.changes["list"] == "idle" and entry.changes["idle_days"] == 90
    body = client.get(URL, {"list": "idle", "days": "150"}).content.decode()
    assert "forgotten" in body and "sleeper" not in body
    assert AuditEntry.objects.filter(action="view_sensitive").count() == before + 2
    for list_name, who in [("never", "fresh"), ("no_totp", "hr-no-totp"), ("disabled", "gone")]:
        assert who in client.get(URL, {"list": list_name}).content.decode()


@pytest.mark.django_db
def test_the_auditor_reads_but_cannot_act(accounts, client_for) -> None:
    auditor = client_for("auditor")
    body = auditor.get(URL, {"list": "idle"}).content.decode()
    assert "sleeper" in body and 'name="user"' not in body and "閲覧のみ" in body
    sleeper = accounts["sleeper"]
    response = auditor.post(
        reverse("accounts:hygiene_disable"), {"user": [sleeper.pk], "days": 90, "confirm": "yes"}
    )
    assert response.status_code == 403
    assert User.objects.get(pk=sleeper.pk).is_active
    for role in ("staff", "unit_head", "hr", "infosec"):
        assert client_for(role).get(URL).status_code == 403, role


@pytest.mark.django_db
def test_export_is_audited(accounts, client_for) -> None:
    client = client_for("auditor")
    response = client.get(reverse("accounts:hygiene_export"), {"list": "idle", "format": "csv"})
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "sleeper" in text and "busy" not in text
    entry = AuditEntry.objects.filter(action="export").latest("seq")
    assert entry.changes["list"] == "idle" and entry.changes["rows"] >= 2
    xlsx = client.get(reverse("accounts:hygiene_export"), {"list": "locked", "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def fail(client: Client, username: str, ip: str) -> None:
    client.post(
        reverse("accounts:login"),
        {"username": username, "password": "wrong-password"},
        REMOTE_ADDR=ip,
    )


@pytest.mark.django_db
def test_lock_outs_are_listed_and_lifted_with_an_audit(accounts, client_for, settings) -> None:
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        fail(attacker, "busy", "203.0.113.5")
    locks = hygiene.lock_outs()
    assert [(lock.scope, lock.username, lock.ip_address) for lock in locks] == [
        ("account", "busy", "203.0.113.5")
    ]
    assert locks[0].user == accounts["busy"]
    admin = client_for("sysadmin")
    body = admin.get(URL).content.decode()  # no list asked: the most urgent one (locked)
    assert "203.0.113.5" in body and "ロックを解除" in body
    response = admin.post(
        reverse("accounts:hygiene_unlock"),
        {"scope": "account", "username": "busy", "ip_address": "203.0.113.5"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    entry = AuditEntry.objects.filter(action="update", changes__unlocked="account").latest("seq")
    assert entry.object_id == str(accounts["busy"].pk)
    assert entry.changes["attempts_removed"] == 1
    # The owner signs in from that address again.
    ok = Client().post(
        reverse("accounts:login"),
        {"username": "busy", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.5",
    )
    assert ok.status_code == 302
    # A second unlock finds nothing and says so, writing nothing.
    seq = AuditEntry.objects.latest("seq").seq
    again = admin.post(
        reverse("accounts:hygiene_unlock"),
        {"scope": "account", "username": "busy", "ip_address": "203.0.113.5"},
        follow=True,
    )
    assert "既に解除されています" in again.content.decode()
    assert not AuditEntry.objects.filter(seq__gt=seq, action="update").exists()


@pytest.mark.django_db
def test_an_address_lock_is_listed_and_lifted(accounts, client_for, settings) -> None:
    settings.SIGNIN_IP_FAILURE_LIMIT = 4
    attacker = Client()
    for name in ("busy", "sleeper", "fresh", "nobody"):
        fail(attacker, name, "198.51.100.20")
    scopes = {(lock.scope, lock.ip_address) for lock in hygiene.lock_outs()}
    assert ("address", "198.51.100.20") in scopes
    client_for("sysadmin").post(
        reverse("accounts:hygiene_unlock"), {"scope": "address", "ip_address": "198.51.100.20"}
    )
    assert hygiene.lock_outs() == []
    assert AuditEntry.objects.filter(changes__unlocked="address").exists()


@pytest.mark.django_db
def test_bulk_disable_asks_first_then_uses_the_leaver_path(accounts, client_for, make_user) -> None:
    from yakuba.accounts.services import create_api_token

    admin_client = client_for("sysadmin")
    admin = User.objects.get(username="u-sysadmin")
    User.objects.filter(pk=admin.pk).update(last_login=days_ago(100))  # idle, but never self
    sleeper, forgotten, busy = accounts["sleeper"], accounts["forgotten"], accounts["busy"]
    _token, _raw = create_api_token(actor=admin, name="sleeper's", owner=sleeper)
    sleeper_session = Client()
    sleeper_session.force_login(sleeper)
    User.objects.filter(pk=sleeper.pk).update(last_login=days_ago(120))
    picked = [sleeper.pk, forgotten.pk, busy.pk, admin.pk, "x", "999999"]
    seq = AuditEntry.objects.latest("seq").seq
    confirm = admin_client.post(reverse("accounts:hygiene_disable"), {"user": picked, "days": 90})
    body = confirm.content.decode()
    assert confirm.status_code == 200
    assert "sleeper" in body and "forgotten" in body
    assert ">busy<" not in body and ">u-sysadmin<" not in body
    assert "対象外" in body
    assert User.objects.get(pk=sleeper.pk).is_active  # nothing written yet
    assert not AuditEntry.objects.filter(seq__gt=seq).exclude(action="view_sensitive").exists()
    done = admin_client.post(
        reverse("accounts:hygiene_disable"),
        {"user": [sleeper.pk, forgotten.pk, busy.pk, admin.pk], "days": 90, "confirm": "yes"},
    )
    assert done.status_code == 302
    assert not User.objects.get(pk=sleeper.pk).is_active
    assert not User.objects.get(pk=forgotten.pk).is_active
    assert User.objects.get(pk=busy.pk).is_active and User.objects.get(pk=admin.pk).is_active
    assert not ApiToken.objects.active().filter(owner=sleeper).exists()
    assert sleeper_session.get(reverse("accounts:security")).status_code == 302
    entry = AuditEntry.objects.filter(action="update", object_id=str(sleeper.pk)).latest("seq")
    assert entry.actor == admin
    assert entry.changes["reason"] == "idle for 90 days (account hygiene)"
    assert entry.changes["api_tokens_revoked"] == 1 and entry.changes["sessions_ended"] == 1


@pytest.mark.django_db
def test_nothing_selected_writes_nothing(accounts, client_for) -> None:
    client = client_for("sysadmin")
    seq = AuditEntry.objects.latest("seq").seq
    response = client.post(reverse("accounts:hygiene_disable"), {"days": 90}, follow=True)
    assert "無効にするアカウントを選んでください" in response.content.decode()
    assert not AuditEntry.objects.filter(seq__gt=seq).exclude(action="view_sensitive").exists()
    assert User.objects.filter(is_active=False).count() == 1


@pytest.mark.django_db
def test_home_panel_shows_counts_to_those_who_may_see_them(accounts, make_user) -> None:
    from yakuba.core.tests.today_office import panel_context

    context = panel_context("accounts.hygiene", make_user("sysadmin"))
    assert context is not None
    counts = {str(t["label"]): t["count"] for t in context["tiles"]}
    assert counts["長期間サインインしていない"] >= 2
    from yakuba.core.panels import panels_for
    from yakuba.core.tests.today_office import _request

    assert "accounts.hygiene" not in {p.name for p in panels_for(_request(make_user("hr")))}


@pytest.mark.django_db
def test_panel_queries_do_not_grow_with_the_office(org, make_user) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yakuba.core.tests.today_office import panel_context

    admin = make_user("sysadmin")
    counts = []
    for size in (5, 60):
        User.objects.bulk_create(
            User(username=f"idle-{size}-{i}", last_login=days_ago(200)) for i in range(size)
        )
        with CaptureQueriesContext(connection) as queries:
            assert panel_context("accounts.hygiene", admin) is not None
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_never_signed_in_tells_activation_apart(accounts, make_user) -> None:
    from yakuba.accounts.models import ActivationToken

    pending = User.objects.create_user("pending", password=None)
    ActivationToken.objects.create(
        user=pending,
        purpose="activation",
        channel="sheet",
        secret_hash="s" * 64,
        code_hash="c" * 64,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    no_invite = User.objects.create_user("no-invite", password=None)
    rows = {
        u.username: (u.has_password, u.activation_pending)  # type: ignore[attr-defined]
        for u in hygiene.never_signed_in()
    }
    assert rows["fresh"] == (True, False)
    assert rows["pending"] == (False, True)
    assert rows[no_invite.username] == (False, False)
