"""Directory sign-in against a real OpenLDAP server (see conftest.ldap_server)."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from yakuba.accounts.models import AuthSource, DirectoryLinkRequest, User
from yakuba.accounts.tests.ldap_server import (
    HR_GROUP,
    INFOSEC_GROUP,
    USER_PASSWORD,
    USERS_DN,
    DirectoryUser,
    LdapServer,
    free_port,
)
from yakuba.audit.models import AuditEntry
from yakuba.org.models import Staff

UNREACHABLE = "ディレクトリ（Active Directory）に接続できない"
NOT_LINKED = "対応する職員情報が見つからない"
WRONG = "ユーザー名またはパスワードが正しくありません"


def sign_in(client, username: str, password: str = USER_PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def signed_in_as(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def failures(username: str) -> int:
    return sum(a.failures_since_start for a in AccessAttempt.objects.filter(username=username))


def test_staff_sign_in_with_directory_name_and_password_linked_by_staff_number(
    client, directory
) -> None:
    response = sign_in(client, "yamada")
    assert response.status_code == 302
    user = signed_in_as(client)
    assert user is not None and user.username == "yamada"
    assert user.auth_source == AuthSource.DIRECTORY
    assert user.directory_dn.lower() == f"cn=yamada,{USERS_DN}".lower()
    assert not user.has_usable_password()
    assert user.staff.staff_number == "1001"
    assert user.role == "staff"
    assert AuditEntry.objects.filter(action="login", actor=user).exists()
    assert AuditEntry.objects.filter(
        action="create", object_type="accounts.user", object_id=str(user.pk)
    ).exists()
    # The home page answers as that person.
    assert client.get(reverse("core:home")).status_code == 200


def test_the_sign_in_page_says_which_password_when_a_directory_is_set(
    client, directory, settings
) -> None:
    hint = "庁内のパソコンにサインインするときと同じユーザー名とパスワード"
    assert hint in client.get(reverse("accounts:login")).content.decode()
    settings.LDAP_SERVER_URI = ""
    assert hint not in client.get(reverse("accounts:login")).content.decode()


def test_the_user_principal_name_signs_in_to_the_same_account(client, directory) -> None:
    sign_in(client, "yamada")
    first = signed_in_as(client)
    client.logout()
    assert sign_in(client, "yamada@midorino.local").status_code == 302
    assert signed_in_as(client) == first
    assert User.objects.filter(auth_source=AuthSource.DIRECTORY).count() == 1


def test_without_a_staff_number_the_link_falls_back_to_e_mail(client, directory) -> None:
    assert sign_in(client, "sato").status_code == 302
    assert signed_in_as(client).staff.staff_number == "1002"


def test_wrong_password_is_refused_and_counted_once_by_axes(client, directory) -> None:
    response = sign_in(client, "yamada", "not-the-password")
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert signed_in_as(client) is None
    assert failures("yamada") == 1
    assert AuditEntry.objects.filter(action="login_failed", object_repr="yamada").count() == 1


def test_repeated_wrong_directory_passwords_lock_the_name(client, directory, settings) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "yamada", "not-the-password")
    assert failures("yamada") == settings.AXES_FAILURE_LIMIT
    # Locked: even the right directory password is refused now.
    assert sign_in(client, "yamada").status_code == 429
    assert signed_in_as(client) is None


def test_a_user_disabled_in_the_directory_cannot_sign_in(client, directory) -> None:
    response = sign_in(client, "leaver")
    assert WRONG in response.content.decode()
    assert signed_in_as(client) is None
    assert not User.objects.filter(username="leaver").exists()


def test_no_staff_record_gives_a_clear_message_and_an_entry_to_link_by_hand(
    client, directory, client_for, org
) -> None:
    response = sign_in(client, "newbie")
    assert response.status_code == 200
    assert NOT_LINKED in response.content.decode()
    assert signed_in_as(client) is None
    assert not User.objects.filter(username="newbie").exists()
    # A correct password is not a failed guess: not counted towards the lock-out.
    assert failures("newbie") == 0
    entry = DirectoryLinkRequest.objects.get(username="newbie")
    assert (entry.problem, entry.staff_number, entry.attempts) == ("no_staff", "8888", 1)
    assert AuditEntry.objects.filter(
        action="login_failed", object_repr="newbie", changes__reason="not_linked"
    ).exists()
    sign_in(client, "newbie")
    entry.refresh_from_db()
    assert entry.attempts == 2

    # The system admin sees it and links it to the new person's staff record.
    admin = client_for("sysadmin")
    page = admin.get(reverse("accounts:directory_links"))
    assert "newbie" in page.content.decode() and "新人 一年" in page.content.decode()
    new_staff = Staff(
        staff_number="8800", name="新人 一年", name_kana="シンジン", unit=org["zeimu"]
    )
    new_staff.save()
    url = reverse("accounts:directory_link", kwargs={"pk": entry.pk})
    unknown = admin.post(url, {"staff_number": "0000"})
    assert "登録されていません" in unknown.content.decode()
    assert admin.post(url, {"staff_number": "8800"}).status_code == 302
    new_staff.refresh_from_db()
    assert new_staff.user.username == "newbie"
    assert new_staff.user.auth_source == AuthSource.DIRECTORY
    entry.refresh_from_db()
    assert entry.resolved_at is not None and entry.linked_user == new_staff.user
    assert AuditEntry.objects.filter(
        action="create", object_type="accounts.user", object_id=str(new_staff.user.pk)
    ).exists()
    # Now the person signs in.
    assert sign_in(client, "newbie").status_code == 302
    assert signed_in_as(client) == new_staff.user
    # A resolved entry cannot be linked twice.
    assert admin.get(url).status_code == 404


@pytest.mark.parametrize("role", ["staff", "unit_head", "hr", "infosec", "auditor"])
def test_only_the_system_admin_links_directory_accounts(client_for, role) -> None:
    assert client_for(role).get(reverse("accounts:directory_links")).status_code == 403


def test_linking_converts_the_persons_local_account_and_ends_its_password(
    client, directory, client_for, org
) -> None:
    # 鈴木 (2001) had a local account "s.suzuki" before the office turned the directory on;
    # the sysadmin links the directory name "newbie" (no match of its own) to him.
    local = User.objects.create_user("s.suzuki", password="old-local-password-1", role="staff")
    staff = org["staff"]["2001"]
    staff.user = local
    staff.save()
    sign_in(client, "newbie")
    entry = DirectoryLinkRequest.objects.get(username="newbie")
    admin = client_for("sysadmin")
    url = reverse("accounts:directory_link", kwargs={"pk": entry.pk})
    assert admin.post(url, {"staff_number": "2001"}).status_code == 302
    local.refresh_from_db()
    assert (local.username, local.auth_source) == ("newbie", AuthSource.DIRECTORY)
    assert not local.has_usable_password()
    assert signed_in_as(client) is None
    assert sign_in(client, "s.suzuki", "old-local-password-1").status_code == 200
    assert sign_in(client, "newbie").status_code == 302
    assert signed_in_as(client) == local


def test_duplicate_staff_numbers_in_the_directory_are_reported_not_guessed(
    client, directory, org
) -> None:
    Staff(staff_number="7777", name="双子", name_kana="フタゴ", unit=org["zeimu"]).save()
    response = sign_in(client, "twin1")
    assert NOT_LINKED in response.content.decode()
    assert signed_in_as(client) is None
    assert DirectoryLinkRequest.objects.get(username="twin1").problem == "staff_number_duplicate"
    assert Staff.objects.get(staff_number="7777").user is None


def test_duplicate_e_mails_in_yakuba_are_reported_not_guessed(client, directory, org) -> None:
    Staff(
        staff_number="1003",
        name="佐藤 次郎",
        name_kana="サトウ",
        unit=org["zeimu"],
        email="S1002@example.jp",
    ).save()
    response = sign_in(client, "sato")
    assert NOT_LINKED in response.content.decode()
    assert DirectoryLinkRequest.objects.get(username="sato").problem == "email_duplicate"


def test_a_staff_record_linked_to_another_account_is_not_taken_over(client, directory, org) -> None:
    other = User.objects.create_user("yamada.t", password="x" * 20)
    staff = org["staff"]["1001"]
    staff.user = other
    staff.save()
    assert NOT_LINKED in sign_in(client, "yamada").content.decode()
    staff.refresh_from_db()
    assert staff.user == other
    assert DirectoryLinkRequest.objects.get(username="yamada").problem == "staff_linked_elsewhere"


def test_a_local_account_of_the_same_name_is_never_signed_in_by_the_directory(
    client, directory
) -> None:
    local = User.objects.create_user("yamada", password="local-password-12", role="sysadmin")
    # The directory password does not open the local account…
    assert WRONG in sign_in(client, "yamada").content.decode()
    # …the local password does (the directory is not asked).
    assert sign_in(client, "yamada", "local-password-12").status_code == 302
    assert signed_in_as(client) == local


def test_an_inactive_staff_record_cannot_sign_in(client, directory, org) -> None:
    staff = org["staff"]["1001"]
    staff.active = False
    staff.save()
    assert "このアカウントは無効です" in sign_in(client, "yamada").content.decode()
    assert signed_in_as(client) is None


# --- Groups → roles -------------------------------------------------------------------


def test_without_a_role_mapping_groups_grant_nothing(client, directory) -> None:
    sign_in(client, "suzuki")  # in the information-security group
    assert signed_in_as(client).role == "staff"


def test_a_mapped_group_gives_its_role_and_totp_stays_required(client, directory, settings) -> None:
    settings.LDAP_ROLE_GROUPS = f"infosec={INFOSEC_GROUP.upper()};hr={HR_GROUP}"
    response = sign_in(client, "suzuki")
    user = signed_in_as(client)
    assert user.role == "infosec"
    # Privileged: the second factor comes before anything else.
    home = client.get(reverse("core:home"))
    assert home.status_code == 302 and reverse("accounts:otp_setup") in home["Location"]
    assert response.status_code == 302
    assert AuditEntry.objects.filter(
        action="create", object_id=str(user.pk), changes__role=[None, "infosec"]
    ).exists()


def test_leaving_a_mapped_group_takes_its_role_away_and_keeps_roles_given_in_yakuba(
    client, directory, settings
) -> None:
    settings.LDAP_ROLE_GROUPS = f"infosec={INFOSEC_GROUP}"
    sign_in(client, "yamada")  # in no mapped group
    yamada = signed_in_as(client)
    client.logout()
    # A role the mapping manages, given by hand, does not survive the next sign-in…
    User.objects.filter(pk=yamada.pk).update(role="infosec")
    sign_in(client, "yamada")
    yamada.refresh_from_db()
    assert yamada.role == "staff"
    assert AuditEntry.objects.filter(
        action="update", object_id=str(yamada.pk), changes__role=["infosec", "staff"]
    ).exists()
    client.logout()
    # …a role the mapping does not manage (unit head) stays.
    User.objects.filter(pk=yamada.pk).update(role="unit_head")
    sign_in(client, "yamada")
    yamada.refresh_from_db()
    assert yamada.role == "unit_head"


def test_groups_mapping_to_two_roles_grant_neither(client, directory, settings) -> None:
    settings.LDAP_ROLE_GROUPS = f"infosec={INFOSEC_GROUP};sysadmin={INFOSEC_GROUP}"
    sign_in(client, "suzuki")
    user = signed_in_as(client)
    assert user.role == "staff"
    assert AuditEntry.objects.filter(
        object_id=str(user.pk), changes__role_conflict=["infosec", "sysadmin"]
    ).exists()


# --- Directory unreachable ------------------------------------------------------------


def test_unreachable_directory_gives_a_clear_message_and_is_audited(
    client, directory, settings
) -> None:
    settings.LDAP_SERVER_URI = f"ldap://127.0.0.1:{free_port()}"
    response = sign_in(client, "yamada")
    assert response.status_code == 200
    assert UNREACHABLE in response.content.decode()
    assert signed_in_as(client) is None
    assert failures("yamada") == 0
    entry = AuditEntry.objects.get(action="login_failed", object_repr="yamada")
    assert entry.changes["reason"] == "unreachable"


def test_break_glass_local_accounts_work_while_the_directory_is_down(
    client, ldap_server, settings, org
) -> None:
    down = LdapServer().start()
    for name, value in down.settings().items():
        setattr(settings, name, value)
    assert sign_in(client, "yamada").status_code == 302  # the directory works…
    directory_user = signed_in_as(client)
    client.logout()
    down.stop()  # …and then stops
    admin = User.objects.create_user("breakglass", password="break-glass-pass-1", role="staff")
    assert sign_in(client, "breakglass", "break-glass-pass-1").status_code == 302
    assert signed_in_as(client) == admin
    client.logout()
    # A directory account never falls back to a (stale) password kept by Yakuba.
    directory_user.set_password("stale-local-pass-1")
    directory_user.save()
    response = sign_in(client, "yamada", "stale-local-pass-1")
    assert UNREACHABLE in response.content.decode()
    assert signed_in_as(client) is None


def test_a_directory_account_never_signs_in_with_a_yakuba_password(client, directory) -> None:
    sign_in(client, "yamada")
    user = signed_in_as(client)
    client.logout()
    user.set_password("stale-local-pass-1")
    user.save()
    assert WRONG in sign_in(client, "yamada", "stale-local-pass-1").content.decode()


# --- TLS ------------------------------------------------------------------------------


def test_start_tls_with_the_offices_ca_file(client, directory, settings) -> None:
    settings.LDAP_SERVER_URI = directory.uri
    settings.LDAP_START_TLS = True
    settings.LDAP_ALLOW_PLAINTEXT = False
    settings.LDAP_CA_FILE = str(directory.ca_file)
    assert sign_in(client, "yamada").status_code == 302


def test_ldaps_with_the_offices_ca_file(client, directory, settings) -> None:
    settings.LDAP_SERVER_URI = directory.ldaps_uri
    settings.LDAP_ALLOW_PLAINTEXT = False
    settings.LDAP_CA_FILE = str(directory.ca_file)
    assert sign_in(client, "yamada").status_code == 302


def test_a_certificate_from_another_ca_is_refused(client, directory, settings, tmp_path) -> None:
    from yakuba.accounts.tests import ldap_server

    other_ca, _cert, _key = ldap_server._write_certificates(tmp_path)
    settings.LDAP_SERVER_URI = directory.ldaps_uri
    settings.LDAP_CA_FILE = str(other_ca)
    response = sign_in(client, "yamada")
    assert UNREACHABLE in response.content.decode()
    assert signed_in_as(client) is None


def test_a_new_directory_person_appears_at_next_sign_in(client, directory, org) -> None:
    Staff(staff_number="4004", name="追加 四郎", name_kana="ツイカ", unit=org["zeimu"]).save()
    directory.add_user(DirectoryUser("tsuika", "追加 四郎", "4004", "tsuika@example.jp"))
    try:
        assert sign_in(client, "tsuika").status_code == 302
        assert signed_in_as(client).staff.staff_number == "4004"
    finally:
        directory.delete(f"CN=tsuika,{USERS_DN}")
