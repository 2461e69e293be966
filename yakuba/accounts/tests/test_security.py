"""Sign-in security: Argon2, lock-out, two-factor for privileged roles, session expiry."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import verified_client
from yakuba.accounts.models import User
from yakuba.audit.models import AuditEntry

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def person(db):
    return User.objects.create_user("yamada", password=PASSWORD, role="staff")


def sign_in(client, username: str, password: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2(person) -> None:
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert person.password.startswith("argon2")


def test_successful_and_failed_sign_ins_are_audited(client, person) -> None:
    assert sign_in(client, "yamada", "wrong").status_code == 200
    assert sign_in(client, "yamada", PASSWORD).status_code == 302
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == ["login_failed", "login"]


def test_repeated_failures_lock_the_account(client, person) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "yamada", "wrong")
        assert response.status_code == 200
        assert "正しくありません" in response.content.decode()
    locked = sign_in(client, "yamada", "wrong")
    assert locked.status_code == 429
    # Even the right password is refused while locked.
    response = sign_in(client, "yamada", PASSWORD)
    assert response.status_code == 429
    assert "ロック" in response.content.decode()
    assert AuditEntry.objects.filter(action="locked_out", actor_label="yamada").exists()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", ["sysadmin", "infosec", "hr", "auditor"])
def test_privileged_roles_must_pass_totp(client, db, role) -> None:
    User.objects.create_user("boss", password=PASSWORD, role=role)
    sign_in(client, "boss", PASSWORD)
    # Without a device: every page leads to enrolment.
    response = client.get(reverse("org:staff_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_setup"))


def test_enrolled_admin_is_sent_to_verify_and_a_code_lets_them_in(client, db) -> None:
    admin = User.objects.create_user("admin", password=PASSWORD, role="sysadmin")
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    sign_in(client, "admin", PASSWORD)
    response = client.get(reverse("accounts:token_list"))
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    wrong = client.post(reverse("accounts:otp_verify"), {"token": "000000"})
    assert "確認コードが正しくありません" in wrong.content.decode()
    assert client.get(reverse("accounts:token_list")).status_code == 302
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    code = TOTP(device.bin_key, device.step, device.t0, device.digits).token()
    client.post(reverse("accounts:otp_verify"), {"token": f"{code:06d}"})
    assert client.get(reverse("accounts:token_list")).status_code == 200
    assert AuditEntry.objects.filter(action="otp_failed").exists()


def test_an_auditor_passes_totp_before_the_audit_trail_or_any_export(client, make_user) -> None:
    """The auditor reads and exports every member of staff and the whole audit trail."""
    auditor = make_user("auditor")
    auditor.set_password(PASSWORD)
    auditor.save()
    device = TOTPDevice.objects.create(user=auditor, name="app", confirmed=True)
    sign_in(client, auditor.username, PASSWORD)
    for url in (
        reverse("audit:entry_list"),
        reverse("audit:entry_export"),
        reverse("org:export_download") + "?format=staff_csv&encoding=utf-8",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert (
            response["Location"] == f"{reverse('accounts:otp_verify')}?{urlencode({'next': url})}"
        )
        assert "Content-Disposition" not in response
    # The code sends the auditor on to the export they asked for, its options intact.
    code = TOTP(device.bin_key, device.step, device.t0, device.digits).token()
    verify_page = client.get(response["Location"])
    assert f'value="{escape(url)}"' in verify_page.content.decode()
    done = client.post(response["Location"], {"token": f"{code:06d}", "next": url})
    assert done["Location"] == url
    assert "attachment" in client.get(url)["Content-Disposition"]
    assert client.get(reverse("audit:entry_list")).status_code == 200
    export = client.get(reverse("audit:entry_export"))
    assert export.status_code == 200
    assert "attachment" in export["Content-Disposition"]


def test_enrolment_confirms_device_and_issues_recovery_codes(client, db) -> None:
    admin = User.objects.create_user("newadmin", password=PASSWORD, role="sysadmin")
    sign_in(client, "newadmin", PASSWORD)
    page = client.get(reverse("accounts:otp_setup"))
    assert page.status_code == 200
    assert "data:image/svg+xml" in page.content.decode()
    # Opening the page stores nothing: the secret waits in the session until confirmed.
    assert not TOTPDevice.objects.filter(user=admin).exists()
    first = client.session["yakuba_totp_enrolment_key"]
    client.get(reverse("accounts:otp_setup"))  # reloading shows the same secret again
    assert client.session["yakuba_totp_enrolment_key"] == first
    key = bytes.fromhex(first)
    wrong = client.post(reverse("accounts:otp_setup"), {"token": "000000"})
    assert "確認コードが正しくありません" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=admin).exists()
    code = TOTP(key).token()
    done = client.post(reverse("accounts:otp_setup"), {"token": f"{code:06d}"})
    assert "回復コード" in done.content.decode()
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).count() == 1
    assert client.get(reverse("accounts:token_list")).status_code == 200
    assert AuditEntry.objects.filter(action="otp_enrolled").exists()


def test_recovery_code_works_once(client, db) -> None:
    from yakuba.accounts.services import regenerate_recovery_codes

    admin = User.objects.create_user("rec", password=PASSWORD, role="infosec")
    TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    codes = regenerate_recovery_codes(admin)
    sign_in(client, "rec", PASSWORD)
    client.post(reverse("accounts:otp_verify"), {"token": codes[0]})
    assert client.get(reverse("audit:entry_list")).status_code == 200
    client.post(reverse("accounts:logout"))
    sign_in(client, "rec", PASSWORD)
    response = client.post(reverse("accounts:otp_verify"), {"token": codes[0]})
    assert "確認コードが正しくありません" in response.content.decode()


def test_non_privileged_roles_are_not_asked_for_totp(client, person) -> None:
    sign_in(client, "yamada", PASSWORD)
    assert client.get(reverse("core:home")).status_code == 200


def test_session_expires_after_inactivity(client, person) -> None:
    with time_machine.travel(dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        sign_in(client, "yamada", PASSWORD)
        assert client.get(reverse("core:home")).status_code == 200
        traveller.shift(dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60))
        assert client.get(reverse("core:home")).status_code == 200  # activity slides the window
        traveller.shift(dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60))
        response = client.get(reverse("core:home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_only_a_system_admin_grants_privileged_roles(client, make_user) -> None:
    hr = verified_client(client, make_user("hr"))
    target = User.objects.create_user("target", password=None, role="staff")
    response = hr.post(reverse("accounts:account_role", args=[target.pk]), {"role": "sysadmin"})
    assert response.status_code == 200
    assert "システム管理者だけ" in response.content.decode()
    target.refresh_from_db()
    assert target.role == "staff"
    hr.post(reverse("accounts:account_role", args=[target.pk]), {"role": "unit_head"})
    target.refresh_from_db()
    assert target.role == "unit_head"
    entry = AuditEntry.objects.filter(object_type="accounts.user", action="update").latest("seq")
    assert entry.changes == {"role": ["staff", "unit_head"]}


def test_api_tokens_are_created_shown_once_and_revoked_with_audit(client, make_user) -> None:
    from yakuba.accounts.models import ApiToken

    admin = verified_client(client, make_user("sysadmin"))
    owner = User.objects.create_user("hr-sync", password=None, role="hr")
    response = admin.post(reverse("accounts:token_list"), {"name": "人事連携", "owner": owner.pk})
    token = ApiToken.objects.get()
    html = response.content.decode()
    raw = html.split('id="new-token">')[1].split("<")[0]
    assert ApiToken.lookup(raw) == token
    assert raw not in admin.get(reverse("accounts:token_list")).content.decode()
    admin.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert ApiToken.lookup(raw) is None
    assert list(
        AuditEntry.objects.filter(object_type="accounts.apitoken")
        .order_by("seq")
        .values_list("action", flat=True)
    ) == ["create", "update"]
