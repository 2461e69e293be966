"""One permission-checked fetch and one denial path (README, "Permissions").

* a page the role may not open answers 403; an object outside the user's scope answers
  404 like a missing one; both are audited exactly once (by the middleware);
* a missing object, or an id that is not an id, is a plain 404 and not audited.
"""

from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.core.permissions import OutOfScope, get_for_user_or_404, parse_pk
from yakuba.org import selectors as org_selectors


def denials() -> int:
    return AuditEntry.objects.filter(action="denied").count()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (5, 5),
        ("12", 12),
        (" 7 ", 7),
        ("abc", None),
        ("-1", None),
        (0, None),
        ("0", None),
        ("１２", None),  # full-width digits are not an id
        ("9" * 20, None),  # would overflow a 64-bit column
        (2**63, None),
        (True, None),
        (None, None),
        ("1.5", None),
    ],
)
def test_parse_pk(raw: object, expected: int | None) -> None:
    assert parse_pk(raw) == expected


@pytest.mark.django_db
def test_fetch_in_scope_missing_and_outside(org, make_user) -> None:
    head = make_user("unit_head", unit_key="zeimu")
    mine, theirs = org["staff"]["2001"], org["staff"]["1001"]
    # A selector taking the user, or an already scoped queryset: both work.
    assert get_for_user_or_404(org_selectors.visible_staff, head, mine.pk) == mine
    assert get_for_user_or_404(org_selectors.visible_staff(head), head, str(mine.pk)) == mine
    with pytest.raises(OutOfScope):
        get_for_user_or_404(org_selectors.visible_staff, head, theirs.pk)
    for missing in (999_999, "abc", "9" * 20, -3):
        with pytest.raises(Http404) as caught:
            get_for_user_or_404(org_selectors.visible_staff, head, missing)
        assert not isinstance(caught.value, OutOfScope)


@pytest.mark.django_db
def test_out_of_scope_object_is_404_and_audited_once(client, org, make_user) -> None:
    head = verified_client(client, make_user("unit_head", unit_key="zeimu"))
    before = denials()
    url = reverse("org:staff_detail", args=[org["staff"]["1001"].pk])
    assert head.get(url).status_code == 404
    assert denials() == before + 1
    entry = AuditEntry.objects.filter(action="denied").latest("seq")
    assert entry.object_id == url
    assert "outside scope" in entry.object_repr


@pytest.mark.django_db
def test_missing_object_is_404_and_not_audited(client, org, make_user) -> None:
    head = verified_client(client, make_user("unit_head", unit_key="zeimu"))
    before = denials()
    assert head.get(reverse("org:staff_detail", args=[999_999])).status_code == 404
    assert head.get("/org/staff/99999999999999999999/").status_code == 404
    assert denials() == before


@pytest.mark.django_db
def test_page_the_role_may_not_open_is_403_and_audited_once(client, org, make_user) -> None:
    staff = verified_client(client, make_user("staff"))
    before = denials()
    response = staff.get(reverse("org:staff_list"))
    assert response.status_code == 403
    assert "権限" in response.content.decode()  # the product's own page, in Japanese
    assert denials() == before + 1


@pytest.mark.django_db
def test_service_refusal_is_403_and_audited_once(client, org, make_user) -> None:
    """A service raising PermissionDenied (here: a unit head may not create a unit) is
    answered and audited by the same path as a missing capability."""
    head = verified_client(client, make_user("unit_head"))
    before = denials()
    assert head.get(reverse("org:unit_create")).status_code == 403
    assert denials() == before + 1
