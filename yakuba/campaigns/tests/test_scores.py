"""Risk at a glance: the person sees their own score with every component; unit heads the
people of their units; infosec every unit; the auditor, HR and other staff never. Every
view of named people's scores is audited; lists go by name, never by score."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yakuba.audit.models import AuditEntry
from yakuba.campaigns.models import Assignment
from yakuba.campaigns.tests.factories import launched, make_campaign
from yakuba.security import score
from yakuba.security.score import Component, ComponentValue

pytestmark = pytest.mark.django_db


@pytest.fixture
def drill_component():
    """A second component, as another security app would register one."""
    component = Component(
        "test.drills",
        "訓練メールへの対応",
        1,
        lambda ids: {pk: ComponentValue(0.5, "訓練メールを報告しませんでした。") for pk in ids},
        order=50,
    )
    from yakuba.campaigns.hooks import COMPLETION

    # Only ours and this one: other apps' components would change the figures.
    saved = dict(score._COMPONENTS)
    score._COMPONENTS.clear()
    score.register(COMPLETION)
    score.register(component)
    yield component
    score._COMPONENTS.clear()
    score._COMPONENTS.update(saved)


@pytest.fixture
def history(org):
    """山田 completed one campaign and is overdue in another; 鈴木 completed one."""
    today = timezone.localdate()
    staff = org["staff"]
    old = make_campaign(
        title="A", starts_on=today - dt.timedelta(days=40), due_on=today - dt.timedelta(days=20)
    )
    late = make_campaign(
        title="B", starts_on=today - dt.timedelta(days=20), due_on=today - dt.timedelta(days=1)
    )
    a, b = launched(old, [staff["1001"], staff["2001"]])
    launched(late, [staff["1001"]])
    Assignment.objects.filter(pk__in=[a.pk, b.pk]).update(completed_at=timezone.now())
    return staff


def test_completion_component_counts_overdue_against(history) -> None:
    from yakuba.campaigns.hooks import completion_values

    values = completion_values([history["1001"].pk, history["2001"].pk, history["1002"].pk])
    assert values[history["1001"].pk].value == 0.5
    assert "期限切れ 1 件" in str(values[history["1001"].pk].detail)
    assert values[history["2001"].pk].value == 1.0
    assert history["1002"].pk not in values  # nothing assigned: the component does not apply


def test_my_score_is_on_my_security_page_only(me, drill_component, org) -> None:
    user, client = me
    today = timezone.localdate()
    campaign = make_campaign(
        starts_on=today - dt.timedelta(days=9), due_on=today - dt.timedelta(days=1)
    )
    (mine,) = launched(campaign, [user.staff])
    Assignment.objects.filter(pk=mine.pk).update(completed_at=timezone.now())
    page = client.get(reverse("security:home")).content.decode()
    assert "わたしのセキュリティ意識スコア" in page
    # completion 100 (weight 2) and drills 50 (weight 1): 83.
    assert "83 点" in page
    assert "研修・キャンペーンの完了" in page and "訓練メールを報告しませんでした。" in page
    home = client.get(reverse("core:home")).content.decode()
    assert "スコア" not in home  # never on the home page


def test_unit_head_sees_their_units_people_by_name_and_it_is_audited(
    history, drill_component, make_user, client_factory
) -> None:
    from conftest import verified_client

    head = make_user("unit_head", unit_key="shimin")
    client = verified_client(client_factory(), head)
    summary = client.get(reverse("campaigns:scores")).content.decode()
    assert "市民課" in summary and "窓口係" in summary and "税務課" not in summary
    assert "山田" not in summary  # the summary names nobody
    assert not AuditEntry.objects.filter(action="view_sensitive").exists()

    unit = history["1001"].unit
    page = client.get(reverse("campaigns:scores_unit", args=[unit.pk])).content.decode()
    # By name (kana), not by score: ヤマダ after the unit head's ショクイン.
    assert page.index("unit_head 職員") < page.index("山田 太郎")
    assert "期限切れ 1 件" in page and "訓練メールへの対応" in page
    entry = AuditEntry.objects.get(action="view_sensitive", actor=head)
    assert entry.object_type == "campaigns.awareness_score"
    assert history["1001"].pk in entry.changes["staff"]

    zeimu = history["2001"].unit
    assert client.get(reverse("campaigns:scores_unit", args=[zeimu.pk])).status_code == 404


def test_infosec_sees_every_unit(history, client_for) -> None:
    client = client_for("infosec")
    summary = client.get(reverse("campaigns:scores")).content.decode()
    assert "税務課" in summary
    zeimu = history["2001"].unit
    page = client.get(reverse("campaigns:scores_unit", args=[zeimu.pk]))
    assert page.status_code == 200 and "鈴木 一郎" in page.content.decode()
    assert AuditEntry.objects.filter(action="view_sensitive", object_id=str(zeimu.pk)).count() == 1


def test_auditor_hr_and_staff_never_see_scores(history, client_for) -> None:
    unit = history["1001"].unit
    for role in ("auditor", "hr", "staff", "sysadmin"):
        client = client_for(role)
        assert client.get(reverse("campaigns:scores")).status_code == 403
        assert client.get(reverse("campaigns:scores_unit", args=[unit.pk])).status_code == 403
    assert not AuditEntry.objects.filter(action="view_sensitive").exists()


def test_score_pages_read_in_a_constant_number_of_queries(history, client_for, org) -> None:
    from yakuba.org.models import Staff

    client = client_for("infosec")
    unit = org["zeimu"]
    urls = [reverse("campaigns:scores"), reverse("campaigns:scores_unit", args=[unit.pk])]
    counts = []
    for extra in (0, 12):
        for n in range(extra):
            Staff.objects.create(
                staff_number=f"70{n:02d}", name=f"追加 {n}", name_kana="ツイカ", unit=unit
            )
        for url in urls:
            client.get(url)  # warm
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            counts.append(len(queries))
    assert counts[:2] == counts[2:]


def test_no_score_section_while_nothing_applies(me) -> None:
    from yakuba.campaigns.hooks import COMPLETION

    saved = dict(score._COMPONENTS)
    score._COMPONENTS.clear()
    score.register(COMPLETION)
    try:
        _user, client = me
        page = client.get(reverse("security:home")).content.decode()
        assert "わたしのセキュリティ意識スコア" not in page
    finally:
        score._COMPONENTS.clear()
        score._COMPONENTS.update(saved)
