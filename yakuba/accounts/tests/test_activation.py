"""Activation tokens and the public pages: single use, expiry, invalidation, one neutral
answer, throttled codes, password rules, reset by mail (real SMTP)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from yakuba.accounts import activation
from yakuba.accounts.models import ActivationToken, User
from yakuba.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "Kawa-no-nagare-2026!"


@pytest.fixture
def newcomer(org) -> User:
    """A person whose account was just provisioned (no password yet)."""
    from yakuba.org.models import Staff

    user = User.objects.create_user("1002", password=None, email="s1002@example.jp")
    Staff.objects.filter(staff_number="1002").update(user=user)
    return User.objects.get(pk=user.pk)


def _issue(user: User, **kw) -> activation.IssuedToken:
    return activation.issue_tokens([user.pk], purpose="activation", channels={}, actor=None, **kw)[
        user.pk
    ]


def _neutral_text(response) -> str:
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    # The language switch returns to the page's own address.
    return re.sub(r'name="next" value="[^"]+"', "", html)


def _set_password(client, url: str, password: str = PASSWORD):
    return client.post(url, {"new_password1": password, "new_password2": password})


def test_code_format_normalisation_and_entropy() -> None:
    code = activation.new_code()
    assert len(code) == 12 and set(code) <= set(activation.CROCKFORD)
    assert 5 * activation.CODE_LENGTH >= 60
    shown = activation.format_code(code)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", shown)
    assert activation.normalize_code(f" {shown.lower()} ") == code
    assert activation.normalize_code("ABCD EFGH JKMN") == "ABCDEFGHJKMN"
    assert activation.normalize_code("IL0O-abcd-efgh") == "1100ABCDEFGH"
    assert activation.normalize_code("ＡＢＣＤ－ＥＦＧＨ－ＪＫＭＮ") == "ABCDEFGHJKMN"
    assert activation.normalize_code("ABCD-EFGH-JKM") is None
    assert activation.normalize_code("ABCD-EFGH-JKMU") is None  # U is not Crockford


def test_link_activates_once_and_signs_in(newcomer, client) -> None:
    token = _issue(newcomer)
    url = reverse("accounts:activate_link", args=[token.secret])
    page = client.get(url)
    assert page.status_code == 200 and "1002" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    response = _set_password(client, url)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:activate_done")
    newcomer.refresh_from_db()
    assert newcomer.check_password(PASSWORD)
    assert client.get(reverse("accounts:profile")).status_code == 200  # signed in
    row = ActivationToken.objects.get(pk=token.token_id)
    assert row.used_at is not None
    entry = AuditEntry.objects.filter(object_id=str(newcomer.pk), action="update").latest("seq")
    assert entry.changes["password"] == "(changed)" and entry.changes["first_activation"] is True
    assert PASSWORD not in str(entry.changes)
    # Used: the link is dead (same neutral answer as a made-up one).
    again = type(client)().get(url)
    made_up = type(client)().get(reverse("accounts:activate_link", args=["x" * 43]))
    assert "このリンクまたはコードは使えません" in again.content.decode()
    assert _neutral_text(again) == _neutral_text(made_up)


def test_expired_and_replaced_tokens_give_the_same_answer(newcomer, client, settings) -> None:
    import time_machine

    settings.ACCOUNT_ACTIVATION_DAYS = 14
    first = _issue(newcomer)
    second = _issue(newcomer)  # issuing again revokes the first
    assert ActivationToken.objects.get(pk=first.token_id).revoked_at is not None
    revoked = client.get(reverse("accounts:activate_link", args=[first.secret]))
    assert "このリンクまたはコードは使えません" in revoked.content.decode()
    assert client.get(reverse("accounts:activate_link", args=[second.secret])).context["account"]
    with time_machine.travel(timezone.now() + dt.timedelta(days=14, minutes=1)):
        expired = client.get(reverse("accounts:activate_link", args=[second.secret]))
        assert _neutral_text(expired) == _neutral_text(revoked)
        by_code = client.post(reverse("accounts:activate"), {"code": second.display_code})
        assert "このリンクまたはコードは使えません" in by_code.content.decode()
    assert second.expires_at - timezone.now() > dt.timedelta(days=13)


def test_a_disabled_account_cannot_be_activated(newcomer, client) -> None:
    token = _issue(newcomer)
    User.objects.filter(pk=newcomer.pk).update(is_active=False)
    response = _set_password(client, reverse("accounts:activate_link", args=[token.secret]))
    assert "このリンクまたはコードは使えません" in response.content.decode()
    newcomer.refresh_from_db()
    assert not newcomer.has_usable_password()


def test_short_code_flow(newcomer, client) -> None:
    token = _issue(newcomer)
    typed = token.display_code.lower().replace("-", " ")
    response = client.post(reverse("accounts:activate"), {"code": typed})
    assert response.status_code == 302 and response["Location"] == reverse(
        "accounts:activate_password"
    )
    page = client.get(reverse("accounts:activate_password"))
    assert page.status_code == 200 and page.context["account"] == newcomer
    assert _set_password(client, reverse("accounts:activate_password")).status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.check_password(PASSWORD)
    # The code is spent.
    reuse = type(client)().post(reverse("accounts:activate"), {"code": token.display_code})
    assert "このリンクまたはコードは使えません" in reuse.content.decode()
    assert type(client)().get(reverse("accounts:activate_password")).context["invalid"]


def test_wrong_codes_are_throttled_per_address(newcomer, client, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 5
    token = _issue(newcomer)
    for _ in range(4):
        wrong = client.post(reverse("accounts:activate"), {"code": "ZZZZ-ZZZZ-ZZZZ"})
        assert wrong.status_code == 200
        assert "このリンクまたはコードは使えません" in wrong.content.decode()
    fifth = client.post(reverse("accounts:activate"), {"code": "ZZZZ-ZZZZ-ZZZZ"})
    assert fifth.status_code == 429 and "試行の回数が多すぎます" in fifth.content.decode()
    # Locked now: even the right code is not looked at from this address.
    locked = client.post(reverse("accounts:activate"), {"code": token.display_code})
    assert locked.status_code == 429 and "試行の回数が多すぎます" in locked.content.decode()
    assert ActivationToken.objects.get(pk=token.token_id).used_at is None
    assert (
        AuditEntry.objects.filter(
            action="login_failed", actor_label=activation.CODE_THROTTLE_NAME
        ).count()
        == 5
    )
    # Another address is not affected.
    other = client.post(
        reverse("accounts:activate"), {"code": token.display_code}, REMOTE_ADDR="10.9.9.9"
    )
    assert other.status_code == 302


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short-1A!", "短すぎ"),
        ("password1234", "よく使われる"),
        ("A-1002-Kawa-nagare", "職員番号を含め"),
        ("123456789012345", "数字だけ"),
    ],
)
def test_password_rules_apply(newcomer, client, password, fragment) -> None:
    token = _issue(newcomer)
    url = reverse("accounts:activate_link", args=[token.secret])
    response = _set_password(client, url, password)
    assert response.status_code == 200
    assert fragment in response.content.decode()
    newcomer.refresh_from_db()
    assert not newcomer.has_usable_password()
    assert ActivationToken.objects.get(pk=token.token_id).used_at is None


def test_similarity_to_name_and_staff_number_is_checked(newcomer, settings) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from yakuba.org.models import Staff

    Staff.objects.filter(staff_number="1002").update(name_kana="サトウハナコサトウハナコ")
    newcomer = User.objects.select_related("staff").get(pk=newcomer.pk)
    assert newcomer.staff_number == "1002" and newcomer.staff_name == "佐藤 花子"
    with pytest.raises(ValidationError):
        validate_password("サトウハナコサトウハナコ", newcomer)
    validate_password(PASSWORD, newcomer)


def test_privileged_person_goes_on_to_enrol_totp(org, client) -> None:
    from yakuba.org.models import Staff

    user = User.objects.create_user("1001", password=None, role="hr")
    Staff.objects.filter(staff_number="1001").update(user=user)
    token = _issue(user)
    _set_password(client, reverse("accounts:activate_link", args=[token.secret]))
    response = client.get(reverse("accounts:activate_done"))
    assert response.status_code == 302 and "/accounts/2fa/setup/" in response["Location"]


def test_no_secret_is_stored_in_clear(newcomer) -> None:
    token = _issue(newcomer)
    row = ActivationToken.objects.get(pk=token.token_id)
    assert token.secret not in row.secret_hash and token.code not in row.code_hash
    assert row.secret_hash == activation.hash_secret(token.secret)
    assert len(token.secret) >= 43  # 256 bits


# --- password reset by mail --------------------------------------------------------------


def test_reset_mail_for_a_local_account(
    newcomer, client, smtp_server, django_capture_on_commit_callbacks
) -> None:
    newcomer.set_password("Old-Password-2024!")
    newcomer.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_forgot"), {"email": "S1002@example.jp"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_forgot_sent")
    assert len(smtp_server.messages) == 1
    body = smtp_server.body(smtp_server.messages[0])
    link = re.search(r"http://testserver(/accounts/activate/l/[\w-]+/)", body)
    assert link and "パスワード再設定" in body
    newcomer.refresh_from_db()
    assert newcomer.check_password("Old-Password-2024!")  # still works until the reset
    token = ActivationToken.objects.get(user=newcomer)
    assert token.purpose == "reset" and token.expires_at < timezone.now() + dt.timedelta(hours=3)
    # Another request within minutes sends nothing more (no mail flood).
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_forgot"), {"email": "s1002@example.jp"})
    assert len(smtp_server.messages) == 1
    _set_password(client, link.group(1), "Atarashii-Kotoba-77")
    newcomer.refresh_from_db()
    assert newcomer.check_password("Atarashii-Kotoba-77")
    assert not newcomer.check_password("Old-Password-2024!")


def test_reset_page_does_not_reveal_addresses(
    newcomer, client, smtp_server, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(reverse("accounts:password_forgot"), {"email": "nobody@example.jp"})
    assert unknown.status_code == 302
    assert unknown["Location"] == reverse("accounts:password_forgot_sent")
    assert smtp_server.messages == []


def test_directory_accounts_are_told_to_use_the_directory(
    newcomer, client, smtp_server, django_capture_on_commit_callbacks
) -> None:
    User.objects.filter(pk=newcomer.pk).update(auth_source="directory")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_forgot"), {"email": "s1002@example.jp"})
    assert len(smtp_server.messages) == 1
    body = smtp_server.body(smtp_server.messages[0])
    assert "ディレクトリ" in body and "/accounts/activate/" not in body
    assert not ActivationToken.objects.exists()
