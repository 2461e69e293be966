"""Bulk account creation: who gets an account, idempotency, delivery (real SMTP, PDF
sheets), audit, the HR screens and who may use them."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from conftest import verified_client
from yakuba.accounts.models import ActivationSheet, ActivationToken, ProvisionRun, User
from yakuba.accounts.provisioning import provision_staff_accounts
from yakuba.accounts.tests.conftest import pdf_links
from yakuba.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture
def hr(make_user):
    return make_user("hr", username="hr-provision")


def _all_staff_ids() -> list[int]:
    from yakuba.org.models import Staff

    return list(Staff.objects.filter(user__isnull=True).values_list("pk", flat=True))


def test_accounts_are_created_mailed_and_printed(
    org, no_email_staff, hr, smtp_server, settings, django_capture_on_commit_callbacks
) -> None:
    settings.YAKUBA_BASE_URL = "https://yakuba.example.jp"
    ids = _all_staff_ids()
    with django_capture_on_commit_callbacks(execute=True):
        result = provision_staff_accounts(actor=hr, staff_ids=ids, deliver="auto")
    assert (result.created, result.by_email, result.by_sheet) == (5, 3, 2)
    assert result.skipped == 0

    # User name = staff number, no usable password, role staff, linked to the staff record.
    yamada = User.objects.get(username="1001")
    assert yamada.staff.name == "山田 太郎"
    assert not yamada.has_usable_password() and yamada.role == "staff"
    assert ActivationToken.objects.filter(user__username__in=["1001", "3001"]).count() == 2

    # Mails: one per person with an address, the link and the code, Japanese then English.
    assert len(smtp_server.messages) == 3
    mail = smtp_server.to("s1001@example.jp")[0]
    body = smtp_server.body(mail)
    assert "アカウントの有効化" in str(mail["Subject"]) and "Activate" in str(mail["Subject"])
    assert "山田 太郎 様" in body and "(English)" in body and "Dear" not in body[:20]
    link = re.search(r"https://yakuba\.example\.jp/accounts/activate/l/[\w-]+/", body)
    code = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", body)
    assert link and code
    # Only hashes are stored.
    secret = link.group(0).rstrip("/").rsplit("/", 1)[1]
    assert not ActivationToken.objects.filter(secret_hash__contains=secret).exists()
    token = ActivationToken.objects.get(user=yamada)
    assert token.delivered_at is not None and token.channel == "email"

    # Sheets: one PDF for 窓口係 with the two people without an address.
    run = ProvisionRun.objects.get(pk=result.run_id)
    assert run.status == "done" and (run.emails_sent, run.sheet_people) == (3, 2)
    sheet = ActivationSheet.objects.get(run=run)
    assert sheet.unit_name == "窓口係" and sheet.people == 2
    pdf = sheet.file.read()
    pages = _pdf_text(pdf)
    assert len(pages) == 2
    assert "田中 次郎" in pages[0] and "3001" in pages[0] and "窓口係" in pages[0]
    assert "アカウント有効化のご案内" in pages[0] and "有効期限" in pages[0]
    assert re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", pages[0])
    assert "https://yakuba.example.jp/accounts/activate/" in pages[0]
    links = pdf_links(pdf)
    assert len(links) == 2 and all(
        link.startswith("https://yakuba.example.jp/accounts/activate/l/") for link in links
    )

    # Audit: one entry per account (object accounts.user) and one summary of the run.
    created = AuditEntry.objects.filter(action="create", object_type="accounts.user")
    assert created.count() == 5
    entry = created.get(object_id=str(yamada.pk))
    assert entry.actor_label == "hr-provision" and entry.changes["staff"] == [None, "1001"]
    assert entry.changes["delivery"] == "email"
    summary = AuditEntry.objects.get(object_type="accounts.provision_summary")
    assert summary.changes["created"] == 5 and summary.changes["by_sheet"] == 2
    from yakuba.audit.services import verify_chain

    assert verify_chain() is None


def test_provisioning_is_idempotent_and_reports_what_it_skipped(
    org, no_email_staff, hr, django_capture_on_commit_callbacks
) -> None:
    from yakuba.org.models import Staff

    ids = _all_staff_ids()
    # Someone already holds 3002 as a user name; 2001 has left.
    User.objects.create_user("3002", password=None)
    Staff.objects.filter(staff_number="2001").update(active=False)
    with django_capture_on_commit_callbacks(execute=True):
        first = provision_staff_accounts(actor=hr, staff_ids=ids, deliver="sheet")
    assert first.created == 3 and first.conflicts == ["3002"] and first.skipped_inactive == 1
    with django_capture_on_commit_callbacks(execute=True):
        again = provision_staff_accounts(actor=hr, staff_ids=ids, deliver="sheet")
    assert again.created == 0 and again.skipped_existing == 3
    assert User.objects.filter(staff__isnull=False).exclude(username__startswith="hr").count() == 3
    # Nothing to deliver: no sheet for the second run.
    assert not ActivationSheet.objects.filter(run_id=again.run_id).exists()


def test_only_hr_and_sysadmin_may_provision(org, make_user) -> None:
    for role in ("staff", "unit_head", "infosec", "auditor"):
        with pytest.raises(PermissionDenied):
            provision_staff_accounts(
                actor=make_user(role, username=f"x-{role}"), staff_ids=[1], deliver="auto"
            )
    with pytest.raises(ValueError):
        provision_staff_accounts(actor=None, staff_ids=[], deliver="fax")


def test_unit_scope_covers_sub_units_and_import_scope_reads_the_batch(org) -> None:
    from yakuba.accounts.provisioning import scope_staff
    from yakuba.org.models import ImportBatch

    shimin = scope_staff(scope="unit", unit=org["shimin"])
    assert sorted(shimin.values_list("staff_number", flat=True)) == ["1001", "1002"]
    batch = ImportBatch.objects.create(
        filename="joiners.csv", status="done", result={"joiner_ids": [org["staff"]["2001"].pk]}
    )
    assert list(
        scope_staff(scope="import", import_batch=batch).values_list("staff_number", flat=True)
    ) == ["2001"]
    old = ImportBatch.objects.create(filename="old.csv", status="done", result={})
    assert not scope_staff(scope="import", import_batch=old).exists()


def test_a_mail_that_cannot_be_sent_puts_the_person_on_a_sheet(
    org, hr, settings, django_capture_on_commit_callbacks
) -> None:
    from yakuba.core.benchserver import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    with django_capture_on_commit_callbacks(execute=True):
        result = provision_staff_accounts(actor=hr, staff_ids=_all_staff_ids(), deliver="email")
    run = ProvisionRun.objects.get(pk=result.run_id)
    assert (run.emails_sent, run.emails_failed, run.sheet_people) == (0, 3, 3)
    assert run.details["mail_failed"] == ["1001", "1002", "2001"]
    assert ActivationSheet.objects.filter(run=run).count() == 3  # 市民課, 窓口係, 税務課


# --- the screens ------------------------------------------------------------------------


def test_hr_previews_starts_a_run_and_downloads_the_sheet(
    org, no_email_staff, hr, client, smtp_server, django_capture_on_commit_callbacks
) -> None:
    hr_client = verified_client(client, hr)
    query = f"scope=unit&unit={org['shimin'].pk}&deliver=auto"
    page = hr_client.get(f"{reverse('accounts:provision')}?{query}")
    assert page.status_code == 200
    counts = page.context["counts"]
    assert (counts.creatable, counts.by_email, counts.by_sheet) == (4, 2, 2)
    assert User.objects.filter(username="1001").count() == 0  # a preview creates nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = hr_client.post(
            reverse("accounts:provision_start"),
            {"scope": "unit", "unit": org["shimin"].pk, "deliver": "auto"},
        )
    run = ProvisionRun.objects.latest("pk")
    assert response.status_code == 302 and response["Location"].endswith(f"/runs/{run.pk}/")
    assert run.status == "done" and run.created == 4 and run.created_by == hr
    assert AuditEntry.objects.filter(object_type="accounts.provisionrun").count() == 1

    detail = hr_client.get(reverse("accounts:provision_run", args=[run.pk]))
    assert "窓口係" in detail.content.decode()
    sheet = ActivationSheet.objects.get(run=run)
    assert hr_client.get(reverse("accounts:provision_sheet", args=[sheet.pk])).status_code == 405
    pdf = hr_client.post(reverse("accounts:provision_sheet", args=[sheet.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "no-store" in pdf["Cache-Control"]
    assert len(_pdf_text(pdf.content)) == 2
    export = AuditEntry.objects.get(action="export", object_type="accounts.activation_sheet")
    assert export.changes["people"] == 2 and export.actor_label == "hr-provision"
    hr_client.post(reverse("accounts:provision_sheet", args=[sheet.pk]))
    assert AuditEntry.objects.filter(action="export").count() == 2  # each download audited
    sheet.refresh_from_db()
    assert sheet.downloads == 2


def test_sheets_are_deleted_after_their_keeping_time(
    org, no_email_staff, hr, client, django_capture_on_commit_callbacks
) -> None:
    import time_machine

    from yakuba.accounts.jobs import PURGE_SHEETS, purge_activation_sheets

    with django_capture_on_commit_callbacks(execute=True):
        result = provision_staff_accounts(
            actor=hr, staff_ids=[p.pk for p in no_email_staff], deliver="sheet"
        )
    sheet = ActivationSheet.objects.get(run_id=result.run_id)
    name, storage = sheet.file.name or "", sheet.file.storage
    assert storage.exists(name)
    assert purge_activation_sheets() == 0
    assert list(PURGE_SHEETS.due(timezone.now(), frozenset()))  # hourly
    with time_machine.travel(timezone.now() + dt.timedelta(hours=9)):
        assert purge_activation_sheets() == 1
    assert not storage.exists(name)
    sheet.refresh_from_db()
    assert sheet.deleted_at is not None and not sheet.available
    response = verified_client(client, hr).post(
        reverse("accounts:provision_sheet", args=[sheet.pk])
    )
    assert response.status_code == 302  # told it was deleted, nothing served


@pytest.mark.parametrize("role", ["staff", "unit_head", "infosec", "auditor"])
def test_others_cannot_open_the_screens(role, org, client_for) -> None:
    client = client_for(role)
    assert client.get(reverse("accounts:provision")).status_code == 403
    assert client.post(reverse("accounts:provision_start"), {"scope": "all"}).status_code == 403
    assert not ProvisionRun.objects.exists()


# --- reissue ----------------------------------------------------------------------------


def _activated(org, number: str) -> User:
    user = User.objects.create_user(number, password="Old-Password-2024!", role="staff")
    from yakuba.org.models import Staff

    Staff.objects.filter(staff_number=number).update(user=user)
    return User.objects.get(pk=user.pk)


def test_reissue_revokes_earlier_links_and_keeps_the_password_until_reset(
    org, hr, client, smtp_server, django_capture_on_commit_callbacks
) -> None:
    from yakuba.accounts.activation import issue_tokens

    person = _activated(org, "1001")
    old = issue_tokens([person.pk], purpose="activation", channels={}, actor=hr)[person.pk]
    hr_client = verified_client(client, hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = hr_client.post(
            reverse("accounts:reissue", args=[person.pk]), {"deliver": "email"}
        )
    assert response.status_code == 302
    assert ActivationToken.objects.get(pk=old.token_id).revoked_at is not None
    new = ActivationToken.objects.filter(user=person, revoked_at__isnull=True).get()
    assert new.purpose == "reset" and new.delivered_at is not None
    assert len(smtp_server.to("s1001@example.jp")) == 1
    assert "パスワードの再設定" in str(smtp_server.messages[0]["Subject"])
    person.refresh_from_db()
    assert person.check_password("Old-Password-2024!")  # kept until the new one is set
    entry = AuditEntry.objects.filter(object_id=str(person.pk), action="update").latest("seq")
    assert entry.changes["deliver"] == "email" and entry.changes["earlier_links_revoked"] == 1


def test_reissue_can_invalidate_the_password_at_once(
    org, hr, client, django_capture_on_commit_callbacks
) -> None:
    person = _activated(org, "1002")
    victim_session = verified_client(type(client)(), person)
    assert victim_session.get(reverse("accounts:profile")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        verified_client(client, hr).post(
            reverse("accounts:reissue", args=[person.pk]),
            {"deliver": "sheet", "revoke_password": "on"},
        )
    person.refresh_from_db()
    assert not person.has_usable_password()
    assert victim_session.get(reverse("accounts:profile")).status_code == 302  # signed out
    run = ProvisionRun.objects.get(scope="reissue")
    assert run.sheet_people == 1 and ActivationSheet.objects.filter(run=run).count() == 1


def test_reissue_refusals(org, hr, make_user, client) -> None:
    hr_client = verified_client(client, hr)
    person = _activated(org, "2001")
    # E-mail asked for a person without an address.
    from yakuba.org.models import Staff

    Staff.objects.filter(pk=person.staff.pk).update(email="")
    User.objects.filter(pk=person.pk).update(email="")
    response = hr_client.post(reverse("accounts:reissue", args=[person.pk]), {"deliver": "email"})
    assert (
        response.status_code == 200
        and "メールアドレスが登録されていません" in response.content.decode()
    )
    # Directory accounts have no local password: not found here.
    User.objects.filter(pk=person.pk).update(auth_source="directory")
    assert hr_client.get(reverse("accounts:reissue", args=[person.pk])).status_code == 404
    # A privileged account is the system administrator's to reissue.
    infosec = make_user("infosec", username="sec-person")
    assert hr_client.get(reverse("accounts:reissue", args=[infosec.pk])).status_code == 403
    admin = verified_client(type(client)(), make_user("sysadmin", username="root-admin"))
    assert admin.get(reverse("accounts:reissue", args=[infosec.pk])).status_code == 200
    assert not ProvisionRun.objects.exists()


def test_a_delivery_that_fails_leaves_the_accounts_and_says_so(
    org, hr, client, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from yakuba.accounts import delivery

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(delivery, "render_sheets", broken)
    with (
        pytest.raises(OSError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        provision_staff_accounts(actor=hr, staff_ids=_all_staff_ids(), deliver="sheet")
    run = ProvisionRun.objects.get()
    assert run.status == "failed" and run.created == 3 and "disk full" in run.failure
    assert User.objects.filter(username__in=["1001", "1002", "2001"]).count() == 3
    assert not ActivationSheet.objects.exists()
    page = verified_client(client, hr).get(reverse("accounts:provision_run", args=[run.pk]))
    assert "再発行してください" in page.content.decode()


def test_the_staff_import_creates_joiner_accounts_through_provisioning(
    org, hr, settings, smtp_server, django_capture_on_commit_callbacks
) -> None:
    """The contract with the staff import (`org.joiners`): joiners get accounts and their
    activation mail; switched off for directory offices; asking again creates nothing."""
    from yakuba.org.joiners import create_joiner_accounts

    ids = [org["staff"]["1001"].pk, org["staff"]["2001"].pk]
    settings.ORG_IMPORT_CREATES_ACCOUNTS = False
    assert create_joiner_accounts(hr, ids) is None
    settings.ORG_IMPORT_CREATES_ACCOUNTS = True
    with django_capture_on_commit_callbacks(execute=True):
        result = create_joiner_accounts(hr, ids)
    assert result.created == 2 and len(smtp_server.messages) == 2
    with django_capture_on_commit_callbacks(execute=True):
        again = create_joiner_accounts(hr, ids)
    assert again.created == 0 and again.skipped_existing == 2
    assert ProvisionRun.objects.filter(scope="staff_list").count() == 2
