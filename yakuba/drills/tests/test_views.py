"""Infosec's pages: templates, drafts, launch; results scoped for unit heads; the
timeline for infosec only and audited; the export; constant queries."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.drills.models import Drill, DrillRecipient, DrillTemplate
from yakuba.drills.services import load_shipped_templates
from yakuba.drills.tests.factories import deliver, make_drill
from yakuba.rosters.audience import Audience

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    return verified_client(Client(), user)


def test_shipped_templates_load_once(infosec) -> None:
    from django.core.management import call_command

    assert load_shipped_templates(infosec) == 3
    call_command("load_drill_templates", stdout=io.StringIO())
    assert DrillTemplate.objects.count() == 3
    response = _client(infosec).post(reverse("drills:template_load"), follow=True)
    assert "すべて追加済み" in response.content.decode()
    codes = set(DrillTemplate.objects.values_list("code", flat=True))
    assert codes == {"delivery-notice", "password-expiry", "citizen-inquiry"}


def test_template_form_refuses_unsafe_html_and_a_body_without_link(infosec) -> None:
    data = {
        "name": "独自",
        "subject": "件名",
        "sender_name": "差出人",
        "sender_address": "a@b.example",
        "body": "リンクがありません",
        "html_body": '<p onclick="x()">x</p><img src="https://evil.example/x.png"><a href="https://evil.example">{link}</a>',
        "signs": "ポイント",
        "fake_form": "on",
        "form_title": "",
    }
    response = _client(infosec).post(reverse("drills:template_create"), data)
    assert response.status_code == 400
    text = response.content.decode()
    for problem in (
        "{link}（訓練用のリンク）",
        "&lt;img&gt; は使えません",
        "onclick",
        "evil.example",
        "見出しを入力",
    ):
        assert problem in text, problem
    assert not DrillTemplate.objects.exists()
    data.update(
        body="開いてください {link}",
        html_body='<p>開いてください <a href="{link}">こちら</a></p>',
        form_title="ログイン",
    )
    response = _client(infosec).post(reverse("drills:template_create"), data)
    assert response.status_code == 302
    assert AuditEntry.objects.filter(object_type="drills.drilltemplate", action="create").exists()


def test_infosec_creates_and_launches_a_drill(infosec, org, make_user) -> None:
    make_user("staff")  # in 市民課, without an e-mail address
    load_shipped_templates(infosec)
    client = _client(infosec)
    now = timezone.localtime()
    fmt = "%Y-%m-%dT%H:%M"
    data = {
        "name": "1月の訓練",
        "template": DrillTemplate.objects.get(code="delivery-notice").pk,
        "send_from": now.strftime(fmt),
        "send_until": (now + dt.timedelta(hours=2)).strftime(fmt),
        "ends_at": (now + dt.timedelta(days=7)).strftime(fmt),
        "audience-units": [org["shimin"].pk],
    }
    bad = client.post(reverse("drills:drill_create"), {**data, "ends_at": data["send_from"]})
    assert bad.status_code == 400 and "訓練の終了は送信終了より後" in bad.content.decode()
    response = client.post(reverse("drills:drill_create"), data)
    drill = Drill.objects.get()
    assert response["Location"] == reverse("drills:drill_detail", args=[drill.pk])
    page = client.get(response["Location"]).content.decode()
    assert "いまの条件の対象者は 3 人です" in page and "1 人はメールアドレスがない" in page
    client.post(reverse("drills:drill_launch", args=[drill.pk]))
    drill.refresh_from_db()
    assert drill.launched and drill.recipients.count() == 2
    times = sorted(drill.recipients.values_list("scheduled_at", flat=True))
    assert times[0] < times[1]  # spread over the window
    edit = client.get(reverse("drills:drill_edit", args=[drill.pk]))
    assert edit.status_code == 302  # launched drills are fixed


@pytest.fixture
def results_drill(org):
    drill = make_drill(audience=Audience(unit_ids=(org["dept"].pk,)))
    now = timezone.now()
    for number in ("1001", "1002", "2001"):
        deliver(drill.recipients.get(staff=org["staff"][number]), at=now)
    DrillRecipient.objects.filter(drill=drill, staff=org["staff"]["2001"]).update(
        clicked_at=now, reported_at=now + dt.timedelta(minutes=12)
    )
    DrillRecipient.objects.filter(drill=drill, staff=org["staff"]["1001"]).update(
        reported_at=now + dt.timedelta(minutes=4)
    )
    return drill


def test_results_office_wide_for_the_auditor(results_drill, make_user) -> None:
    page = _client(make_user("auditor")).get(
        reverse("drills:drill_detail", args=[results_drill.pk])
    )
    text = page.content.decode()
    assert "市民課" in text and "税務課" in text
    assert "4分" in text and "8分" in text  # first report, median of 4 and 12 minutes
    assert "山田" not in text  # no names for the auditor
    assert "<svg" in text and 'role="img"' in text
    assert "受信者ごとの記録" not in text


def test_unit_heads_see_only_their_units(results_drill, make_user, org, settings) -> None:
    settings.DRILL_RESULTS_MIN_GROUP = 1  # scope only here; small groups: below
    head = make_user("unit_head", unit_key="shimin")
    page = _client(head).get(reverse("drills:drill_detail", args=[results_drill.pk]))
    text = page.content.decode()
    assert "市民課" in text and "税務課" not in text
    assert "山田" not in text
    other_drill = make_drill(audience=Audience(unit_ids=(org["zeimu"].pk,)))
    hidden = _client(head).get(reverse("drills:drill_detail", args=[other_drill.pk]))
    assert hidden.status_code == 404
    listing = _client(head).get(reverse("drills:drill_list")).content.decode()
    assert reverse("drills:drill_detail", args=[results_drill.pk]) in listing
    assert reverse("drills:drill_detail", args=[other_drill.pk]) not in listing
    assert (
        _client(head).get(reverse("drills:drill_recipients", args=[results_drill.pk])).status_code
        == 403
    )


def test_the_timeline_is_for_infosec_and_every_view_is_audited(results_drill, infosec) -> None:
    client = _client(infosec)
    url = reverse("drills:drill_recipients", args=[results_drill.pk])
    before = AuditEntry.objects.filter(action="view_sensitive").count()
    text = client.get(url).content.decode()
    assert "山田 太郎" in text and "鈴木 一郎" in text
    client.get(url)
    entries = AuditEntry.objects.filter(action="view_sensitive", object_type="drills.drill")
    assert entries.count() == before + 2
    assert entries.last().actor == infosec


def test_export_is_scoped_and_audited(results_drill, make_user, settings) -> None:
    from openpyxl import load_workbook

    settings.DRILL_RESULTS_MIN_GROUP = 1
    head = make_user("unit_head", unit_key="shimin")
    response = _client(head).get(reverse("drills:drill_export", args=[results_drill.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    labels = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert labels == ["市民課", "窓口係", "合計"]
    assert AuditEntry.objects.filter(action="export", object_type="drills.drill").exists()


def test_unit_heads_never_see_a_group_small_enough_to_name_someone(
    results_drill, make_user, org, settings
) -> None:
    """市民課 (1 recipient) and 窓口係 (1): with a minimum group of 2 they are merged into
    one row; with 3 the head's whole scope (2 people) is too small and nothing is shown."""
    head = make_user("unit_head", unit_key="shimin")
    url = reverse("drills:drill_detail", args=[results_drill.pk])
    settings.DRILL_RESULTS_MIN_GROUP = 2
    text = _client(head).get(url).content.decode()
    assert "2人未満の所属をまとめて表示" in text
    assert '<th scope="row">市民課</th>' not in text
    settings.DRILL_RESULTS_MIN_GROUP = 3
    text = _client(head).get(url).content.decode()
    assert "結果は表示しません" in text and "最初の報告まで" not in text
    from openpyxl import load_workbook

    export = _client(head).get(reverse("drills:drill_export", args=[results_drill.pk]))
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == []
    # Infosec and the auditor see every unit, however small.
    auditor_text = _client(make_user("auditor")).get(url).content.decode()
    assert '<th scope="row">市民課</th>' in auditor_text


def test_pages_read_in_constant_queries(org, infosec) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yakuba.org.models import Staff

    client = _client(infosec)

    def queries(drill: Drill) -> dict[str, int]:
        for recipient in drill.recipients.all():
            deliver(recipient)
        DrillRecipient.objects.filter(drill=drill).update(clicked_at=timezone.now())
        counts = {}
        for name in ("drills:drill_detail", "drills:drill_recipients", "drills:drill_export"):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(reverse(name, args=[drill.pk])).status_code == 200
            counts[name] = len(captured)
        return counts

    small = queries(make_drill(audience=Audience(unit_ids=(org["dept"].pk,))))
    Staff.objects.bulk_create(
        Staff(
            staff_number=f"8{i:03d}",
            name=f"追加 {i}",
            name_kana="ツイカ",
            unit=[org["zeimu"], org["madoguchi"]][i % 2],
            email=f"x{i}@example.jp",
        )
        for i in range(60)
    )
    large = queries(make_drill(audience=Audience(unit_ids=(org["dept"].pk,))))
    assert small == large
