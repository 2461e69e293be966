"""Platform behaviour: health check, start-up checks, CSP, offline assets, home page."""

from __future__ import annotations

import re
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse

from conftest import verified_client
from yakuba.core.checks import production_settings_problems, validate_production_settings

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_healthz_ok(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_healthz_503_when_database_unreachable(client) -> None:
    from django.db.backends.utils import CursorWrapper

    with mock.patch.object(CursorWrapper, "execute", side_effect=Exception("down")):
        response = client.get("/healthz")
    assert response.status_code == 503


@override_settings(DEBUG=False, SECRET_KEY="short", ALLOWED_HOSTS=[])
def test_weak_key_and_no_hosts_stop_start_up() -> None:
    ids = {p.id for p in production_settings_problems()}
    assert ids == {"yakuba.E001", "yakuba.E002"}
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        validate_production_settings()


@override_settings(
    DEBUG=False, SECRET_KEY="x" * 10 + "Ab3$-kQ9z" * 8, ALLOWED_HOSTS=["yakuba.example.lg.jp"]
)
def test_strong_settings_pass() -> None:
    assert production_settings_problems() == []


@pytest.mark.django_db
def test_csp_forbids_inline_scripts_and_other_origins(client) -> None:
    response = client.get(reverse("accounts:login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "default-src 'self'" in csp


def test_templates_load_nothing_from_other_origins_and_have_no_inline_script() -> None:
    for path in ROOT.glob("yakuba/**/templates/**/*.html"):
        text = path.read_text()
        assert not re.search(r"""(src|href)=["']https?://""", text), path
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), f"inline script in {path}"
        assert "style=" not in text, f"inline style in {path} (blocked by CSP)"


@pytest.mark.django_db
def test_home_shows_unit_role_and_only_allowed_links(client, make_user) -> None:
    head = verified_client(client, make_user("unit_head"))
    html = head.get(reverse("core:home")).content.decode()
    assert "市民課" in html and "所属長" in html
    assert reverse("org:staff_list") in html
    assert reverse("audit:entry_list") not in html
    assert reverse("org:import_start") not in html
    assert 'href="#main"' in html and "<main" in html and "<nav" in html


@pytest.mark.django_db
def test_unknown_api_url_answers_json_404(client) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
