"""The report pages: who may, who may not, the form, the progress, the downloads."""

import pytest
from django.urls import reverse

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.evaluation.models import EvidenceReport, ReportStatus

from .factories import finished_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner(make_user):
    return make_user("planning", username="planner")


def client_of(client_factory, user):
    return verified_client(client_factory(), user)


def test_planning_asks_for_the_emergency_preset_and_sees_the_report(
    city, client_factory, django_capture_on_commit_callbacks
):
    planner = city(12)
    c = client_of(client_factory, planner)
    page = c.get(reverse("evaluation:report_new"))
    assert "緊急事態宣言の期間（2020年4月7日〜5月25日）と1年後の同じ期間" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(reverse("evaluation:report_new"), {"preset": "emergency"})
    report = EvidenceReport.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "evaluation:report_detail", args=[report.pk]
    )
    assert (str(report.period_start), str(report.period_end)) == ("2020-04-07", "2020-05-25")
    assert (str(report.comparison_start), str(report.comparison_end)) == (
        "2021-04-07",
        "2021-05-25",
    )
    assert report.title == "緊急事態宣言期間と1年後の比較" and report.status == ReportStatus.DONE
    html = c.get(response.url).content.decode()
    assert '<h2 id="h-conditions">1. 対象者の条件</h2>' in html
    assert "勤務形態別の延べ日数" in html and '<svg class="chart"' in html
    assert 'href="/rosters/"' in html  # sources link to the pages behind them
    assert (
        AuditEntry.objects.filter(object_type="evaluation.evidencereport", action="create").count()
        == 1
    )


def test_last_month_preset_compares_with_the_same_month_a_year_before(planner, client_factory):
    c = client_of(client_factory, planner)
    c.post(reverse("evaluation:report_new"), {"preset": "last_month"})
    report = EvidenceReport.objects.get()
    assert (
        report.period_start.day == 1
        and report.comparison_start.year == report.period_start.year - 1
    )
    assert report.comparison_start.month == report.period_start.month


def test_custom_dates_are_checked_and_nothing_is_written(planner, client_factory):
    c = client_of(client_factory, planner)
    response = c.post(
        reverse("evaluation:report_new"),
        {
            "preset": "custom",
            "period_start": "2020-05-01",
            "period_end": "2020-04-01",
            "comparison_start": "2021-04-01",
        },
    )
    assert response.status_code == 200
    assert "終了日は開始日以降にしてください。" in response.content.decode()
    assert not EvidenceReport.objects.exists()
    response = c.post(
        reverse("evaluation:report_new"), {"preset": "custom", "period_start": "2020-04-01"}
    )
    assert "対象期間の終了日を入力してください。" in response.content.decode()
    response = c.post(
        reverse("evaluation:report_new"),
        {
            "preset": "custom",
            "period_start": "2020-04-01",
            "period_end": "2020-04-30",
            "comparison_start": "2021-04-01",
        },
    )
    assert "比較期間は開始日と終了日の両方を入力してください。" in response.content.decode()
    assert not EvidenceReport.objects.exists()


def test_custom_period_without_comparison(planner, client_factory):
    c = client_of(client_factory, planner)
    c.post(
        reverse("evaluation:report_new"),
        {
            "preset": "custom",
            "period_start": "2020-04-01",
            "period_end": "2020-04-30",
            "title": "4月",
        },
    )
    report = EvidenceReport.objects.get()
    assert report.title == "4月" and report.comparison is None


def test_unit_heads_read_office_wide_reports_and_their_units_not_others(
    org, make_user, planner, client_factory
):
    office = finished_report(planner, title="全庁の報告")
    own = finished_report(planner, title="市民課の報告", units=[org["shimin"]])
    other = finished_report(planner, title="税務課の報告", units=[org["zeimu"]])
    head = client_of(client_factory, make_user("unit_head"))  # 市民課
    listing = head.get(reverse("evaluation:report_list")).content.decode()
    assert "全庁の報告" in listing and "市民課の報告" in listing and "税務課の報告" not in listing
    assert head.get(reverse("evaluation:report_detail", args=[office.pk])).status_code == 200
    assert head.get(reverse("evaluation:report_detail", args=[own.pk])).status_code == 200
    assert head.get(reverse("evaluation:report_detail", args=[other.pk])).status_code == 404
    # They read, never generate.
    assert head.get(reverse("evaluation:report_new")).status_code == 403
    assert head.post(reverse("evaluation:report_regenerate", args=[own.pk])).status_code == 403
    assert "報告を作成する" not in listing


def test_staff_and_infosec_may_not_read_reports(make_user, planner, client_factory):
    report = finished_report(planner)
    for role in ("staff", "infosec", "sysadmin"):
        c = client_of(client_factory, make_user(role))
        assert c.get(reverse("evaluation:report_list")).status_code == 403
        assert c.get(reverse("evaluation:report_detail", args=[report.pk])).status_code == 403
        assert (
            c.get(reverse("evaluation:report_download", args=[report.pk, "docx"])).status_code
            == 403
        )


def test_the_auditor_reads_and_downloads_but_does_not_generate(make_user, planner, client_factory):
    report = finished_report(planner)
    auditor = client_of(client_factory, make_user("auditor"))
    assert auditor.get(reverse("evaluation:report_detail", args=[report.pk])).status_code == 200
    response = auditor.get(reverse("evaluation:report_download", args=[report.pk, "xlsx"]))
    assert response.status_code == 200 and response.content == b"xlsx"
    assert "no-store" in response["Cache-Control"]
    assert ".xlsx" in response["Content-Disposition"]
    assert (
        AuditEntry.objects.filter(action="export", object_type="evaluation.evidencereport").count()
        == 1
    )
    assert auditor.get(reverse("evaluation:report_new")).status_code == 403


def test_downloads_of_an_unknown_format_or_an_unfinished_report_are_404(planner, client_factory):
    report = finished_report(planner)
    c = client_of(client_factory, planner)
    assert c.get(reverse("evaluation:report_download", args=[report.pk, "pdf"])).status_code == 404
    EvidenceReport.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING)
    assert c.get(reverse("evaluation:report_download", args=[report.pk, "docx"])).status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()


def test_progress_is_polled_while_running_and_the_page_refreshes_when_done(planner, client_factory):
    report = finished_report(planner)
    EvidenceReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING,
        progress_done=2,
        progress_total=5,
        current_section="窓口サービスの継続",
    )
    c = client_of(client_factory, planner)
    url = reverse("evaluation:report_progress", args=[report.pk])
    html = c.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert (
        f'hx-get="{url}"' in html
        and 'value="2"' in html
        and "「窓口サービスの継続」を集計中" in html
    )
    page = c.get(reverse("evaluation:report_detail", args=[report.pk])).content.decode()
    assert 'id="report-progress"' in page and "Word（.docx）" not in page
    EvidenceReport.objects.filter(pk=report.pk).update(status=ReportStatus.DONE)
    response = c.get(url, HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true" and "hx-get" not in response.content.decode()


def test_regenerate_makes_a_new_report_and_keeps_the_old(
    planner, client_factory, django_capture_on_commit_callbacks
):
    report = finished_report(planner)
    c = client_of(client_factory, planner)
    response = c.post(reverse("evaluation:report_regenerate", args=[report.pk]))
    new = EvidenceReport.objects.exclude(pk=report.pk).get()
    assert response.url == reverse("evaluation:report_detail", args=[new.pk])
    assert new.regenerated_from == report and new.period == report.period
    report.refresh_from_db()
    assert report.result["sections"][0]["figures"][0]["value"] == 12  # untouched
    assert c.get(reverse("evaluation:report_regenerate", args=[report.pk])).status_code == 405
