"""The audit trail page shows every entry, whatever keys its stored changes use."""

from __future__ import annotations

import pytest
from django.urls import reverse

from yakuba.audit.services import record

pytestmark = pytest.mark.django_db

# Keys that are also dict methods: Django's dotted lookup tries them as keys first.
METHOD_NAMES = {"items": 3, "keys": ["a", "b"], "values": None, "get": "取得", "pop": {"x": 1}}


def test_changes_named_like_dict_methods_are_listed(client_for) -> None:
    record("update", object_type="meetings.catchup", changes=METHOD_NAMES)
    record("create", object_type="demo", changes={"staff": 600})
    record("create", object_type="empty", changes={})

    response = client_for("auditor").get(reverse("audit:entry_list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<li><strong>items</strong>: 3</li>" in html
    assert "<li><strong>keys</strong>: [&quot;a&quot;, &quot;b&quot;]</li>" in html
    assert "<li><strong>values</strong>: null</li>" in html
    assert "<li><strong>get</strong>: 取得</li>" in html
    assert "<li><strong>pop</strong>: {&quot;x&quot;: 1}</li>" in html
    assert "<li><strong>staff</strong>: 600</li>" in html


def test_stored_text_is_escaped(client_for) -> None:
    record("update", object_type="t", changes={"<b>key</b>": "<script>alert(1)</script>"})
    html = client_for("infosec").get(reverse("audit:entry_list")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;key&lt;/b&gt;" in html


def test_only_audit_roles_see_it(client_for) -> None:
    record("update", object_type="t", changes={"items": 1})
    assert client_for("staff").get(reverse("audit:entry_list")).status_code == 403
    assert client_for("unit_head").get(reverse("audit:entry_list")).status_code == 403
