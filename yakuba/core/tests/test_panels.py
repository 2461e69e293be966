"""The home page shows the panels apps register, in order, to the roles they are for."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import verified_client
from yakuba.core import panels
from yakuba.core.panels import Panel


@pytest.fixture
def test_panels():
    added = [
        Panel("test.second", 9002, "core/tests/panel.html", lambda r: {"text": "二番目のパネル"}),
        Panel("test.first", 9001, "core/tests/panel.html", lambda r: {"text": "一番目のパネル"}),
        Panel("test.hidden", 9003, "core/tests/panel.html", lambda r: None),
        Panel(
            "test.audit_only",
            9004,
            "core/tests/panel.html",
            lambda r: {"text": "監査のパネル"},
            capability="view_audit",
        ),
    ]
    for p in added:
        panels.register(p)
    yield
    for p in added:
        panels._PANELS.pop(p.name)


@pytest.mark.django_db
def test_home_shows_registered_panels_in_order(
    client, make_user, test_panels, tmp_path, settings
) -> None:
    template_dir = tmp_path / "core" / "tests"
    template_dir.mkdir(parents=True)
    (template_dir / "panel.html").write_text('<section class="card"><p>{{ p.text }}</p></section>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    staff = verified_client(client, make_user("staff"))
    html = staff.get(reverse("core:home")).content.decode()
    assert html.index("一番目のパネル") < html.index("二番目のパネル")
    assert "監査のパネル" not in html  # the role lacks the capability
    auditor = verified_client(client.__class__(), make_user("auditor"))
    assert "監査のパネル" in auditor.get(reverse("core:home")).content.decode()


def test_a_panel_name_is_registered_once() -> None:
    p = Panel("test.once", 1, "x.html", lambda r: None)
    panels.register(p)
    try:
        with pytest.raises(ValueError):
            panels.register(Panel("test.once", 2, "y.html", lambda r: None))
    finally:
        panels._PANELS.pop("test.once")
