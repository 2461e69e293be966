"""「わたしのセキュリティ」 shows what the security apps register, for the signed-in person."""

from __future__ import annotations

import pytest
from django.urls import reverse

from yakuba.security import hub

pytestmark = pytest.mark.django_db


@pytest.fixture
def section():
    # Only the test's section: the security apps' own (reporting is always offered) aside.
    saved = dict(hub._SECTIONS)
    hub._SECTIONS.clear()
    s = hub.Section(
        name="test.mine",
        order=1,
        template="security/partials/test_section.html",
        context=lambda request: (
            {"who": request.user.get_username()} if request.user.role == "staff" else None
        ),
    )
    hub.register(s)
    yield s
    hub._SECTIONS.clear()
    hub._SECTIONS.update(saved)


def test_home_lists_each_persons_sections(client_for, section, settings, tmp_path) -> None:
    (tmp_path / "security" / "partials").mkdir(parents=True)
    (tmp_path / "security" / "partials" / "test_section.html").write_text(
        "<section><h2>mine</h2><p>for {{ s.who }}</p></section>", encoding="utf-8"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0].get("DIRS", [])]}
    ]
    page = client_for("staff").get(reverse("security:home"))
    assert page.status_code == 200
    assert "for u-staff" in page.content.decode()
    other = client_for("unit_head").get(reverse("security:home"))
    assert "for u-" not in other.content.decode()
    assert "今はすることがありません" in other.content.decode()


def test_anonymous_is_sent_to_sign_in(client) -> None:
    page = client.get(reverse("security:home"))
    assert page.status_code == 302
    assert "login" in page["Location"]


def test_section_names_are_unique(section) -> None:
    with pytest.raises(ValueError):
        hub.register(hub.Section(section.name, 2, "x.html", lambda r: None))
