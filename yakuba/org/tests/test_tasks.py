"""The import runs through the real task backend (django-tasks-db) and its worker."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from yakuba.org.imports import confirm_import, start_import
from yakuba.org.models import ImportStatus, Staff
from yakuba.org.tests.test_importing import GOOD_ROWS, csv_bytes

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_import_is_queued_and_run_by_the_db_worker(settings, make_user) -> None:
    settings.TASKS = DB_BACKEND
    hr = make_user("hr")
    batch = start_import(actor=hr, filename="staff.csv", data=csv_bytes(GOOD_ROWS))
    assert batch.status == ImportStatus.VALIDATING  # queued, not run inside the request
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    batch.refresh_from_db()
    assert batch.status == ImportStatus.READY
    confirm_import(actor=hr, batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLYING
    assert not Staff.objects.filter(staff_number="3001").exists()
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DONE
    assert Staff.objects.filter(staff_number="3001").exists()


@pytest.mark.django_db(transaction=True)
def test_a_check_run_again_after_the_apply_changes_nothing(settings, make_user) -> None:
    """A worker killed after the check queued the apply, before the check was marked done,
    runs the check again later: the applied batch (its upload already erased) stays done."""
    from yakuba.org.tasks import validate_import

    settings.TASKS = DB_BACKEND
    hr = make_user("hr")
    batch = start_import(actor=hr, filename="staff.csv", data=csv_bytes(GOOD_ROWS), auto_apply=True)
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DONE and not batch.upload
    validate_import.call(batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DONE and batch.errors == []
    assert Staff.objects.filter(staff_number="3001").count() == 1
