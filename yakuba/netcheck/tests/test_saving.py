"""A finished run is saved by the page itself, once; place and link are corrected afterwards
by the person who measured (audited, advice re-judged), by nobody else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from yakuba.audit.models import AuditEntry
from yakuba.netcheck.models import NetcheckResult, NetcheckRun
from yakuba.netcheck.tests.factories import make_result, save_payload

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}
WIRED = {"link": "wired"}


def test_the_page_saves_a_finished_run_once(staff_client) -> None:
    client, user = staff_client
    token = client.post(reverse("netcheck:start")).json()["run"]

    first = client.post(reverse("netcheck:save"), save_payload(token, **WIRED), **JSON)

    assert first.status_code == 201
    body = first.json()
    result = NetcheckResult.objects.get()
    assert body["result"] == result.pk and result.person == user
    assert body["edit_url"] == reverse("netcheck:result_edit", args=[result.pk])
    assert (body["place"], body["link"]) == ("自宅", "有線LAN")
    assert result.run == NetcheckRun.objects.get(token=token)
    # The same run again (a second tab, a retried request, the button): refused.
    again = client.post(
        reverse("netcheck:save"), save_payload(token, **WIRED, place="office"), **JSON
    )
    assert again.status_code == 409 and again.json()["error"] == "duplicate"
    by_form = client.post(reverse("netcheck:save"), save_payload(token, **WIRED))
    assert by_form.status_code == 400
    assert NetcheckResult.objects.count() == 1
    assert NetcheckResult.objects.get().place == "home"


def test_invalid_measurements_are_answered_in_json(staff_client) -> None:
    client, _user = staff_client
    token = client.post(reverse("netcheck:start")).json()["run"]
    response = client.post(
        reverse("netcheck:save"), save_payload(token, **WIRED, loss_pct="101"), **JSON
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid"
    assert not NetcheckResult.objects.exists()


def test_owner_corrects_place_and_link_audited_and_rejudged(staff_client) -> None:
    client, user = staff_client
    result = make_result(user, place="home", link="wired", upload_mbps=0.8)
    assert not any(line.startswith("Wi-Fi：") for line in result.advice)
    url = reverse("netcheck:result_edit", args=[result.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "場所と接続方法の変更" in page.content.decode()

    response = client.post(url, {"place": "office", "link": "wifi"})

    assert response.status_code == 302 and response["Location"] == reverse("netcheck:history")
    result.refresh_from_db()
    assert (result.place, result.link) == ("office", "wifi")
    assert any(line.startswith("Wi-Fi：") for line in result.advice)
    assert result.download_mbps == 50.0  # the measurements themselves never change
    entry = AuditEntry.objects.get(object_type="netcheck.netcheckresult", action="update")
    assert entry.actor == user and entry.object_id == str(result.pk)
    assert entry.changes == {"link": ["wired", "wifi"], "place": ["home", "office"]}
    history = client.get(reverse("netcheck:history")).content.decode()
    assert "場所と接続方法を更新しました。" in history
    assert url in history


def test_bad_choice_changes_nothing(staff_client) -> None:
    client, user = staff_client
    result = make_result(user)
    url = reverse("netcheck:result_edit", args=[result.pk])
    assert client.post(url, {"place": "moon", "link": "wifi"}).status_code == 400
    result.refresh_from_db()
    assert (result.place, result.link) == ("home", "wired")
    assert not AuditEntry.objects.filter(action="update").exists()


@pytest.mark.parametrize("role", ["staff", "unit_head", "infosec", "sysadmin"])
def test_nobody_else_may_change_a_result(client_for, make_user, role) -> None:
    owner = make_user("staff", username="owner", staff_number="8001")
    result = make_result(owner)
    url = reverse("netcheck:result_edit", args=[result.pk])
    client = client_for(role)
    assert client.get(url).status_code == 404
    assert client.post(url, {"place": "office", "link": "wifi"}).status_code == 404
    result.refresh_from_db()
    assert (result.place, result.link) == ("home", "wired")


def test_anonymous_is_sent_to_sign_in(client, make_user) -> None:
    result = make_result(make_user("staff"))
    response = client.get(reverse("netcheck:result_edit", args=[result.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
