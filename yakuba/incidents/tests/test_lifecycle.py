"""An incident from report to close: infosec is told, triages, records actions (some for
the reporter, some internal), closes; the reporter sees the status and only the entries
meant for them; nobody else sees the report; every write audited; closed is final."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.incidents.models import Incident, Status, TimelineEntry
from yakuba.incidents.tests.factories import report_values
from yakuba.notifications.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user, client_factory):
    reporter = make_user("staff", username="reporter")
    infosec = make_user("infosec")
    return {
        "reporter": verified_client(client_factory(), reporter),
        "infosec": verified_client(client_factory(), infosec),
        "reporter_user": reporter,
        "infosec_user": infosec,
    }


def _post_report(page, **fields):
    data = {k: v for k, v in report_values(**fields).items() if v is not None}
    return page.post(reverse("incidents:report"), data)


def test_report_triage_act_close(people) -> None:
    response = _post_report(
        people["reporter"],
        description="USBメモリを会議室に置き忘れました。",
        category="lost_device",
    )
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:mine_detail", args=[incident.pk])
    assert incident.status == Status.REPORTED and incident.reporter == people["reporter_user"]
    assert Notice.objects.filter(recipient=people["infosec_user"]).count() == 1

    infosec = people["infosec"]
    assert incident.number in infosec.get(reverse("incidents:triage_list")).content.decode()
    infosec.post(
        reverse("incidents:triage_assess", args=[incident.pk]),
        {
            "category": "lost_device",
            "severity": "medium",
            "personal_data_confirmed": "true",
            "people_affected": "12",
        },
    )
    incident.refresh_from_db()
    assert incident.status == Status.IN_PROGRESS and incident.severity == "medium"
    assert incident.personal_data_confirmed is True and incident.people_affected == 12
    infosec.post(
        reverse("incidents:triage_entry", args=[incident.pk]),
        {"text": "会議室を確認し、USBメモリを回収しました。", "for_reporter": "on"},
    )
    infosec.post(
        reverse("incidents:triage_entry", args=[incident.pk]),
        {"text": "所属長に経緯を確認（内部）"},
    )
    assert Notice.objects.filter(recipient=people["reporter_user"]).count() == 1
    infosec.post(
        reverse("incidents:triage_close", args=[incident.pk]),
        {"outcome": "resolved", "message": "回収済みです。報告ありがとうございました。"},
    )
    incident.refresh_from_db()
    assert incident.status == Status.CLOSED and incident.outcome == "resolved"

    mine = people["reporter"].get(reverse("incidents:mine_detail", args=[incident.pk]))
    html = mine.content.decode()
    assert "完了" in html and "対応済み" in html
    assert "USBメモリを回収しました" in html and "回収済みです" in html
    assert "所属長に経緯を確認" not in html and "評価を記録しました" not in html
    triage = infosec.get(reverse("incidents:triage_detail", args=[incident.pk])).content.decode()
    assert "所属長に経緯を確認（内部）" in triage and "内部のみ" in triage

    kinds = set(
        AuditEntry.objects.filter(object_type__startswith="incidents.").values_list(
            "object_type", "action"
        )
    )
    assert ("incidents.incident", "create") in kinds
    assert ("incidents.incident", "update") in kinds
    assert ("incidents.timelineentry", "create") in kinds
    # The report's text stays out of the audit trail (it may name people).
    assert not AuditEntry.objects.filter(changes__icontains="置き忘れ").exists()


def test_a_closed_incident_cannot_be_changed(people) -> None:
    _post_report(people["reporter"])
    incident = Incident.objects.get()
    infosec = people["infosec"]
    infosec.post(reverse("incidents:triage_close", args=[incident.pk]), {"outcome": "no_harm"})
    entries = TimelineEntry.objects.count()
    response = infosec.post(
        reverse("incidents:triage_entry", args=[incident.pk]),
        {"text": "追記", "for_reporter": "on"},
    )
    assert response.status_code == 200
    assert "完了したインシデントは変更できません" in response.content.decode()
    assert TimelineEntry.objects.count() == entries


def test_nobody_but_the_reporter_sees_the_report(people, make_user, client_factory) -> None:
    _post_report(people["reporter"])
    incident = Incident.objects.get()
    url = reverse("incidents:mine_detail", args=[incident.pk])
    colleague = verified_client(client_factory(), make_user("staff", username="colleague"))
    head = verified_client(client_factory(), make_user("unit_head"))
    assert colleague.get(url).status_code == 404
    assert head.get(url).status_code == 404
    assert incident.number not in colleague.get(reverse("incidents:mine")).content.decode()
    assert incident.number not in head.get(reverse("security:home")).content.decode()
    assert people["reporter"].get(url).status_code == 200


def test_bad_reports_write_nothing(people) -> None:
    response = _post_report(people["reporter"], description="", category="nonsense")
    assert response.status_code == 200
    assert not Incident.objects.exists()
    response = _post_report(people["reporter"], description="a\x00b")
    assert response.status_code == 400  # refused before any view (core middleware)
    assert not Incident.objects.exists()
    response = _post_report(people["reporter"], occurred_at="2999-01-01T10:00")
    assert "未来" in response.content.decode()
    assert not Incident.objects.exists()


def test_the_hub_offers_reporting_and_lists_my_reports(people) -> None:
    html = people["reporter"].get(reverse("security:home")).content.decode()
    assert "不審なメールを報告" in html and reverse("incidents:suspicious_mail") in html
    _post_report(people["reporter"])
    html = people["reporter"].get(reverse("security:home")).content.decode()
    assert Incident.objects.get().number in html and "受付" in html
