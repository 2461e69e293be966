"""No GET request writes domain data: every URL in the URL conf, as every role (and
anonymous), leaves every table as it was — except the audit trail of reads (health data
viewed, a denial, an export) and session bookkeeping.

The URLs and the objects they need come from the authorization matrix, so a new view is
covered as soon as it has its row there.
"""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection

from yakuba.core.tests.test_authorization_matrix import ALL, MATRIX, objects  # noqa: F401

# Written by signing in, by the session middleware or by the test's own set-up of clients.
BOOKKEEPING_TABLES = {
    "django_session",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
    "audit_auditchainhead",  # moves with every audit entry; entries are checked below
}
# Audit entries a read may leave (views of health data, refusals, exports are reads).
READ_AUDIT_ACTIONS = {"view_sensitive", "denied", "export"}


def _snapshot() -> dict[str, str]:
    """A digest of every row of every table (the test database is small)."""
    digests = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in BOOKKEEPING_TABLES:
                continue
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # table names come from the schema
            rows = sorted(repr(row) for row in cursor.fetchall())
            digests[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return digests


def _audit_seq() -> int:
    from yakuba.audit.models import AuditEntry

    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


# Being moved onto services in this change set (issue 11); the marks go when they land.
KNOWN_GET_WRITERS: set[str] = set()

# GETs that ARE the event they record, and the only tables they may write. A drill mail's
# 1×1 image loaded by the mail client is "opened"; its link followed is "clicked" (there is
# no other way to observe either). Each sets one first-time timestamp on the recipient's
# row (drills.services.record_event) and nothing else; no audit entry (see
# drills.services). Everything else a drill page does on GET writes nothing.
TRACKING_GETS: dict[str, set[str]] = {
    "drills:open": {"drills_drillrecipient"},
    "drills:click": {"drills_drillrecipient"},
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason="GET writes"))
        if n in KNOWN_GET_WRITERS
        else n
        for n in sorted(MATRIX)
    ],
)
def test_get_writes_nothing(name: str, objects, client_for) -> None:  # noqa: F811
    from yakuba.audit.models import AuditEntry

    rule = MATRIX[name]
    url = rule.url(name, objects)
    clients = {role: client_for(role) for role in ALL}
    for role, client in clients.items():
        before, seq = _snapshot(), _audit_seq()
        response = client.get(url)
        assert response.status_code < 500, f"GET {url} as {role}: {response.status_code}"
        after = _snapshot()
        changed = sorted(
            t
            for t in after
            if before.get(t) != after[t]
            and t != "audit_auditentry"
            and t not in TRACKING_GETS.get(name, set())
        )
        assert not changed, f"GET {url} as {role} wrote to {changed}"
        writes = AuditEntry.objects.filter(seq__gt=seq).exclude(action__in=READ_AUDIT_ACTIONS)
        assert not writes.exists(), (
            f"GET {url} as {role} audited a write: "
            f"{list(writes.values_list('action', 'object_type'))}"
        )
