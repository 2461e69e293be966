"""Health checks: stay-home alert, who may see them (every view audited), purge."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.dailyreports import services
from yakuba.dailyreports.models import HealthCheck
from yakuba.dailyreports.tests.factories import window_for
from yakuba.notifications.models import Notice

DAY = dt.date(2026, 4, 28)


def _report_with_health(user, temperature: str | None, symptoms: str = ""):
    window = window_for(user.staff.unit, health_check=True)
    answers = {str(q.pk): "予定" for q in window.questions.all()}
    return services.save_report(
        actor=user,
        staff=user.staff,
        day=DAY,
        answers=answers,
        work_place="home",
        health={"temperature": Decimal(temperature) if temperature else None, "symptoms": symptoms},
        now=timezone.make_aware(dt.datetime(2026, 4, 28, 8, 35)),
    )


@pytest.mark.django_db
def test_fever_alerts_the_unit_head_without_the_values(make_user) -> None:
    head = make_user("unit_head", username="head")
    person = make_user("staff", username="fever")
    report = _report_with_health(person, "37.5")
    assert report.health.stay_home
    notice = Notice.objects.get(recipient=head)
    assert "出勤を控える" in notice.subject and "37.5" not in notice.subject + notice.body
    # Saving again does not alert twice.
    _report_with_health(person, "37.8")
    assert Notice.objects.filter(recipient=head).count() == 1


@pytest.mark.django_db
def test_below_threshold_without_symptoms_is_no_alert(make_user) -> None:
    head = make_user("unit_head", username="head")
    report = _report_with_health(make_user("staff"), "37.4")
    assert not report.health.stay_home
    assert not Notice.objects.filter(recipient=head).exists()
    assert "37.4" not in str(list(AuditEntry.objects.values_list("changes", flat=True)))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "unit_key", "sees"),
    [
        ("self", "shimin", True),
        ("unit_head", "shimin", True),
        ("unit_head", "dept", True),  # head of the department above
        ("unit_head", "zeimu", False),  # head of another division: not even the report
        ("hr", "zeimu", True),
        ("staff", "shimin", False),  # a colleague
        ("auditor", "shimin", False),
        ("sysadmin", "shimin", False),
    ],
)
def test_health_visibility_per_role_and_audit(client, make_user, role, unit_key, sees) -> None:
    person = make_user("staff", username="person")
    report = _report_with_health(person, "38.2", "せき")
    viewer = person if role == "self" else make_user(role, unit_key=unit_key, username="viewer")
    c = verified_client(client, viewer)
    before = AuditEntry.objects.filter(action="view_sensitive").count()
    response = c.get(reverse("dailyreports:report_detail", args=[report.pk]))
    html = response.content.decode() if response.status_code == 200 else ""
    assert ("38.2" in html) is sees
    assert ("せき" in html) is sees
    views = AuditEntry.objects.filter(action="view_sensitive").count() - before
    assert views == (1 if sees else 0)
    if sees:
        entry = AuditEntry.objects.filter(action="view_sensitive").latest("seq")
        assert entry.actor == viewer and "38.2" not in str(entry.changes)


@pytest.mark.django_db
def test_health_checks_are_purged_after_retention(make_user) -> None:
    report = _report_with_health(make_user("staff"), "36.5")
    window = window_for(report.unit, health_retention_days=14)
    assert window.health_retention_days == 14
    assert services.purge_health_checks(DAY + dt.timedelta(days=14)) == 0
    assert services.purge_health_checks(DAY + dt.timedelta(days=15)) == 1
    assert not HealthCheck.objects.exists()
    report.refresh_from_db()  # the report itself stays
    assert AuditEntry.objects.filter(object_type="dailyreports.healthcheck").exists()


@pytest.mark.django_db
def test_editing_own_report_keeps_the_health_check_and_audits_the_view(make_user, client) -> None:
    """The form shows the saved values back (audited), so re-submitting does not wipe them."""
    import time_machine

    person = make_user("staff", username="edits")
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 4, 28, 8, 36)), tick=False):
        report = _report_with_health(person, "36.4")
        client.force_login(person)
        page = client.get(reverse("dailyreports:my_report")).content.decode()
        assert 'value="36.4"' in page
        assert AuditEntry.objects.filter(action="view_sensitive", actor=person).exists()
        form = {f"q_{q.pk}": "直した予定" for q in report.unit.report_window.questions.all()}
        form.update(work_place="home", temperature="36.4", symptoms="")
        assert client.post(reverse("dailyreports:my_report"), form).status_code == 302
    assert HealthCheck.objects.get(report=report).temperature == Decimal("36.4")


@pytest.mark.django_db
def test_todays_blocker_is_not_listed_as_carried_over(make_user, client) -> None:
    import time_machine

    from yakuba.dailyreports.tests.factories import submitted_report

    person = make_user("staff", username="blocked")
    window_for(person.staff.unit)
    yesterday, today = dt.date(2026, 4, 27), dt.date(2026, 4, 28)
    submitted_report(person.staff, yesterday, blocker="昨日からの困りごと")
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 4, 28, 8, 36)), tick=False):
        submitted_report(person.staff, today, blocker="今日の困りごと")
        client.force_login(person)
        page = client.get(reverse("dailyreports:my_report")).content.decode()
    carried = page.split("続いている困りごと", 1)[1]
    assert "昨日からの困りごと" in carried
    assert "今日の困りごと" not in carried.split("</fieldset>", 1)[0]
