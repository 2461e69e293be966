"""Pages: the check page, saving a result (judged, audited), history, readiness by unit."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from yakuba.netcheck.models import NetcheckResult, NetcheckRun
from yakuba.netcheck.tests.factories import make_result, save_payload

pytestmark = pytest.mark.django_db


def test_check_page_carries_its_configuration(staff_client) -> None:
    client, _user = staff_client
    html = client.get(reverse("netcheck:check")).content.decode()
    assert 'data-download-seconds="12"' in html
    assert 'data-stability-seconds="30"' in html
    assert "netcheck/netcheck.js" in html
    assert 'aria-live="polite"' in html
    assert "<script>" not in html and "style=" not in html


def test_save_judges_stores_audits_and_closes_the_run(staff_client) -> None:
    from yakuba.audit.models import AuditEntry

    client, user = staff_client
    token = client.post(reverse("netcheck:start")).json()["run"]
    response = client.post(reverse("netcheck:save"), save_payload(token))
    assert response.status_code == 302
    assert response["Location"] == reverse("netcheck:history")
    result = NetcheckResult.objects.get()
    assert result.person == user
    assert result.verdict == "audio"
    assert result.ping_series == [25.1, 26.0, None, 30.0]
    assert result.advice[0].startswith("上り 0.8 Mbps：ビデオをオフにして")
    assert any(a.startswith("Wi-Fi：") for a in result.advice)
    assert NetcheckRun.objects.get(token=token).finished
    entry = AuditEntry.objects.get(object_type="netcheck.netcheckresult")
    assert entry.action == "create" and entry.actor == user
    # The same run cannot be saved twice.
    again = client.post(reverse("netcheck:save"), save_payload(token))
    assert again.status_code == 400
    assert NetcheckResult.objects.count() == 1


def test_a_finished_run_stops_metering(staff_client) -> None:
    client, _user = staff_client
    token = client.post(reverse("netcheck:start")).json()["run"]
    client.post(reverse("netcheck:save"), save_payload(token))
    assert client.get(reverse("netcheck:ping"), {"run": token}).status_code == 429


@pytest.mark.parametrize(
    "bad",
    [
        {"loss_pct": "101"},
        {"download_mbps": "-1"},
        {"download_mbps": "nan"},
        {"place": "moon"},
        {"ping_series": "not json"},
        {"ping_series": json.dumps([1, "x"])},
        {"ping_series": json.dumps([1] * 1001)},
        {"run": "someone-elses"},
    ],
)
def test_save_rejects_bad_input(staff_client, bad) -> None:
    client, _user = staff_client
    token = client.post(reverse("netcheck:start")).json()["run"]
    response = client.post(reverse("netcheck:save"), save_payload(token, **bad))
    assert response.status_code == 400
    assert not NetcheckResult.objects.exists()


def test_history_shows_only_ones_own_results(staff_client, make_user) -> None:
    client, user = staff_client
    other = make_user("unit_head")
    make_result(user, download_mbps=33.3, upload_mbps=0.8)
    make_result(user, download_mbps=44.4)
    make_result(other, download_mbps=99.9)
    html = client.get(reverse("netcheck:history")).content.decode()
    assert "44.4" in html and "33.3" in html and "99.9" not in html
    assert "<polyline" in html
    assert "ビデオ会議に十分な接続です。" in html


def _people(org, unit_key: str, n: int, prefix: str):
    from yakuba.accounts.models import User
    from yakuba.org.models import Staff

    people = []
    for i in range(n):
        user = User.objects.create_user(f"{prefix}{i}", password=None, role="staff")
        Staff.objects.create(
            staff_number=f"{prefix}{i}",
            name=f"{prefix}さん{i}",
            name_kana="カナ",
            unit=org[unit_key],
            user=user,
        )
        people.append(user)
    return people


def test_readiness_aggregates_latest_home_result_and_hides_small_units(org) -> None:
    from yakuba.netcheck.selectors import readiness

    big = _people(org, "zeimu", 4, "z")
    small = _people(org, "madoguchi", 2, "m")
    for user in big[:3]:
        make_result(user, upload_mbps=0.3)  # older poor result, superseded below
        make_result(user)
    make_result(big[3], upload_mbps=0.8)
    make_result(big[3], place="office")  # office results do not count
    for user in small:
        make_result(user)
    r = readiness()
    assert [row.unit.name for row in r.rows] == ["税務課"]
    row = r.rows[0]
    assert row.people == 4
    assert row.counts == {"ok": 3, "audio": 1, "poor": 0}
    assert row.ok_share == 75.0
    assert (r.hidden_units, r.hidden_people) == (1, 2)
    assert r.total.people == 6
    assert not row.names


def test_readiness_page_is_anonymous_by_default(org, client_for, settings) -> None:
    for user in _people(org, "zeimu", 3, "z"):
        make_result(user)
    client = client_for("infosec")
    html = client.get(reverse("netcheck:readiness")).content.decode()
    assert "税務課" in html and "zさん0" not in html
    settings.NETCHECK_SHOW_NAMES = True
    html = client.get(reverse("netcheck:readiness")).content.decode()
    assert "zさん0" in html


def test_readiness_is_for_the_information_division(client_for) -> None:
    assert client_for("staff").get(reverse("netcheck:readiness")).status_code == 403
    assert client_for("sysadmin").get(reverse("netcheck:readiness")).status_code == 200


def test_navigation(client_for) -> None:
    staff_html = client_for("staff").get(reverse("netcheck:check")).content.decode()
    assert "接続チェック" in staff_html and reverse("netcheck:readiness") not in staff_html
    infosec_html = client_for("infosec").get(reverse("netcheck:check")).content.decode()
    assert reverse("netcheck:readiness") in infosec_html


def test_pages_in_english(staff_client) -> None:
    from django.conf import settings

    client, user = staff_client
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    make_result(user, upload_mbps=0.8, link="wifi")
    html = client.get(reverse("netcheck:check")).content.decode()
    assert "Start the test" in html and "測定を開始" not in html
    assert "Measuring download speed…" in html
    html = client.get(reverse("netcheck:history")).content.decode()
    assert "Connection check results" in html and "Audio only advised" in html
