"""The waiting list: seats up to capacity, the rest waiting in order; a cancellation or a
larger capacity moves the first waiting up, notified once; exact capacity under
concurrent registration on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from yakuba.accounts.models import User
from yakuba.audit.models import AuditEntry
from yakuba.notifications.models import Notice
from yakuba.training import services
from yakuba.training.models import Registration, RegistrationStatus
from yakuba.training.selectors import waitlist_rank
from yakuba.training.tests.factories import make_session, make_staff

R = RegistrationStatus


def _people(org, n: int) -> list[User]:
    users = []
    for i in range(n):
        u = User.objects.create_user(f"p{i}", password=None, role="staff")
        make_staff(f"50{i:02d}", org["shimin"], user=u)
        users.append(u)
    return users


@pytest.mark.django_db
def test_full_session_waitlists_and_cancel_promotes_first_waiting_once(org) -> None:
    session = make_session(capacity=2)
    a, b, c, d = _people(org, 4)
    regs = [services.register(actor=u, session=session) for u in (a, b, c, d)]
    assert [r.status for r in regs] == [R.REGISTERED, R.REGISTERED, R.WAITLISTED, R.WAITLISTED]
    assert [waitlist_rank(r) for r in regs[2:]] == [1, 2]
    # A second click changes nothing.
    assert services.register(actor=c, session=session).pk == regs[2].pk
    assert Registration.objects.filter(session=session).count() == 4

    services.cancel(actor=b, registration=regs[1])
    regs = [Registration.objects.get(pk=r.pk) for r in regs]
    assert [r.status for r in regs] == [R.REGISTERED, R.CANCELLED, R.REGISTERED, R.WAITLISTED]
    assert regs[2].promoted_at is not None
    assert waitlist_rank(regs[3]) == 1
    promoted = Notice.objects.filter(recipient=c, subject__contains="繰り上がりました")
    assert promoted.count() == 1
    assert not Notice.objects.filter(recipient=d).exists()
    # Cancelling again (or cancelling a waiting place) promotes nobody more.
    services.cancel(actor=b, registration=regs[1])
    services.cancel(actor=d, registration=regs[3])
    assert Notice.objects.filter(subject__contains="繰り上がりました").count() == 1
    assert AuditEntry.objects.filter(object_type="training.registration").count() >= 6


@pytest.mark.django_db
def test_reregistering_after_cancelling_goes_to_the_end_of_the_list(org) -> None:
    session = make_session(capacity=1)
    a, b, c = _people(org, 3)
    ra = services.register(actor=a, session=session)
    rb = services.register(actor=b, session=session)
    services.register(actor=c, session=session)
    services.cancel(actor=b, registration=rb)
    rb = services.register(actor=b, session=session)
    assert rb.status == R.WAITLISTED and waitlist_rank(rb) == 2
    services.cancel(actor=a, registration=ra)
    assert Registration.objects.get(session=session, staff=c.staff).status == R.REGISTERED


@pytest.mark.django_db
def test_larger_capacity_promotes_in_order(org, make_user) -> None:
    hr = make_user("hr")
    session = make_session(capacity=1)
    users = _people(org, 4)
    for u in users:
        services.register(actor=u, session=session)
    values = {f: getattr(session, f) for f in services.SESSION_FIELDS}
    values["capacity"] = 3
    services.save_session(actor=hr, session=session, values=values, creating=False)
    statuses = [Registration.objects.get(session=session, staff=u.staff).status for u in users]
    assert statuses == [R.REGISTERED, R.REGISTERED, R.REGISTERED, R.WAITLISTED]
    assert Notice.objects.filter(subject__contains="繰り上がりました").count() == 2


@pytest.mark.django_db
def test_no_registration_after_the_start_or_for_someone_else(org) -> None:
    a, b = _people(org, 2)
    past = make_session(days=-1)
    with pytest.raises(ValidationError, match="開始時刻を過ぎた"):
        services.register(actor=a, session=past)
    session = make_session()
    reg = services.register(actor=a, session=session)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.cancel(actor=b, registration=reg)
    assert Registration.objects.get(pk=reg.pk).status == R.REGISTERED


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises all writers; row locks and real concurrency need PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_registration_fills_exactly_the_capacity_on_postgresql(org) -> None:
    capacity, n = 5, 16
    session = make_session(capacity=capacity)
    users = _people(org, n)
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def go(user: User) -> None:
        try:
            barrier.wait()
            services.register(actor=user, session=session)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=go, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    regs = list(Registration.objects.filter(session=session).order_by("registered_at", "pk"))
    assert len(regs) == n
    registered = [r for r in regs if r.status == R.REGISTERED]
    waiting = sorted(
        (r for r in regs if r.status == R.WAITLISTED), key=lambda r: r.waitlist_position or 0
    )
    assert len(registered) == capacity
    # The waiting list is in the order the registrations were made (lock order).
    assert [r.waitlist_position for r in waiting] == list(range(1, n - capacity + 1))
    assert [r.registered_at for r in waiting] == sorted(r.registered_at for r in waiting)
    assert max(r.registered_at for r in registered) <= min(r.registered_at for r in waiting)
