"""The audit trail is hash-chained: tampering with or deleting a row is detected."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.audit.services import record, verify_chain


@pytest.fixture
def chain(db):
    return [
        record("create", object_type="t", object_id=str(i), changes={"n": [None, i]})
        for i in range(5)
    ]


def test_intact_chain_verifies(chain, capsys) -> None:
    assert verify_chain() is None
    call_command("audit_verify")
    assert "intact: 5 entries" in capsys.readouterr().out
    assert [e.prev_hash for e in chain[1:]] == [e.entry_hash for e in chain[:-1]]


def test_altered_row_is_named(chain) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEntry._meta.db_table} SET object_repr = %s WHERE seq = %s", ["forged", 3]
        )
    problem = verify_chain()
    assert problem is not None and problem.seq == 3
    with pytest.raises(CommandError, match="#3"):
        call_command("audit_verify")


def test_deleted_row_is_detected(chain) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq = %s", [2])
    with pytest.raises(CommandError, match="#2"):
        call_command("audit_verify")


def test_deleted_last_row_is_detected(chain) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq = %s", [5])
    assert verify_chain() is not None


def test_entries_cannot_be_changed_through_the_orm(chain) -> None:
    entry = AuditEntry.objects.get(seq=1)
    entry.object_repr = "x"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()


def test_auditor_filters_and_exports(client, make_user, chain) -> None:
    auditor = verified_client(client, make_user("auditor"))
    html = auditor.get(reverse("audit:entry_list"), {"object_type": "t"}).content.decode()
    assert "監査記録" in html
    response = auditor.get(reverse("audit:entry_export"), {"action": "create"})
    body = response.content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("seq,at,actor")
    assert len(body.strip().splitlines()) == 1 + 5
    assert AuditEntry.objects.filter(action="export", object_type="audit.export").exists()
    verify = auditor.post(reverse("audit:chain_verify"), HTTP_HX_REQUEST="true")
    assert "改ざんは見つかりませんでした" in verify.content.decode()
