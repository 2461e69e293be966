"""The staff picker: whom each role may pick, how searching matches, and its view."""

from __future__ import annotations

import pytest

from conftest import verified_client
from yakuba.org import picker, selectors


def _names(result: picker.Result) -> set[str]:
    return {p.name for p in result.people}


@pytest.mark.django_db
def test_staff_pick_their_division_by_name_only(org, make_user) -> None:
    # Someone in 窓口係 (a section of 市民課) picks from all of 市民課, nothing of 税務課.
    user = make_user("staff", unit_key="madoguchi")
    for query in ("やまだ", "ヤマダ", "ﾔﾏﾀﾞ", "山田太郎", "山田　太郎", " や ま だ "):
        result = picker.search(user, query=query)
        assert _names(result) == {"山田 太郎"}, query
        assert result.people[0].number == "" and result.people[0].unit == "市民課"
    assert _names(picker.search(user, query="すずき")) == set()
    assert _names(picker.search(user, query="鈴木")) == set()
    # A staff number is not theirs to see: it cannot be searched for either.
    assert _names(picker.search(user, query="1001")) == set()
    assert _names(picker.search(user, unit=org["zeimu"].pk)) == set()
    assert _names(picker.search(user, unit=org["madoguchi"].pk)) == {"佐藤 花子", "staff 職員"}


@pytest.mark.django_db
def test_unit_head_sees_numbers_in_their_scope_only(org, make_user) -> None:
    head = make_user("unit_head", unit_key="madoguchi")
    people = {p.name: p for p in picker.search(head).people}
    assert people["佐藤 花子"].number == "1002"  # in their unit: as the directory shows
    assert people["山田 太郎"].number == ""  # the rest of the division: name and unit
    assert "鈴木 一郎" not in people
    assert _names(picker.search(head, query="1002")) == {"佐藤 花子"}
    assert _names(picker.search(head, query="1001")) == set()


@pytest.mark.django_db
def test_hr_picks_everyone_with_numbers(org, make_user) -> None:
    hr = make_user("hr")
    result = picker.search(hr, query="２００１")  # full-width digits
    assert [(p.name, p.number) for p in result.people] == [("鈴木 一郎", "2001")]
    assert _names(picker.search(hr, unit=org["zeimu"].pk)) == {"鈴木 一郎"}


@pytest.mark.django_db
def test_inactive_and_nobody(org, make_user) -> None:
    from yakuba.accounts.models import User

    yamada = org["staff"]["1001"]
    yamada.active = False
    yamada.save()
    user = make_user("staff")
    assert _names(picker.search(user, query="やまだ")) == set()
    # Kept people (already chosen) stay choosable whatever their state.
    assert selectors.pickable_staff(user, keep=[yamada.pk]).filter(pk=yamada.pk).exists()
    # An account without a staff record and without the directory picks nobody.
    plain = User.objects.create_user("plain", password=None, role="staff")
    assert not selectors.pickable_staff(plain).exists()


@pytest.mark.django_db
def test_at_most_n_results_and_a_note(org, make_user, settings, client) -> None:
    settings.ORG_PICKER_MAX_RESULTS = 2
    hr = make_user("hr")
    result = picker.search(hr, unit=org["dept"].pk)
    assert len(result.people) == 2 and result.more
    c = verified_client(client, hr)
    r = c.get(
        "/org/staff/picker/",
        {"field": "invited_staff", "id": "id_invited_staff", "invited_staff__unit": org["dept"].pk},
        HTTP_HX_REQUEST="true",
    )
    body = r.content.decode()
    assert r.status_code == 200
    assert body.count('name="invited_staff"') == 2
    assert "最初の 2 人だけを表示しています" in body and "2 人以上が見つかりました" in body
    assert 'id="id_invited_staff_status" hx-swap-oob="innerHTML"' in body


@pytest.mark.django_db
def test_picker_view_scoped_and_excludes_chosen(org, make_user, client) -> None:
    c = verified_client(client, make_user("staff", unit_key="madoguchi"))
    url = "/org/staff/picker/"
    r = c.get(url, {"field": "host", "host__q": "さとう", "multiple": "0"}, HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert 'type="radio" name="host"' in body and "佐藤 花子" in body and "1002" not in body
    r = c.get(url, {"field": "host", "host__q": "すずき"}, HTTP_HX_REQUEST="true")
    assert "鈴木" not in r.content.decode() and "見つかりませんでした" in r.content.decode()
    # People already chosen (sent along from the chips) are not offered again.
    sato = org["staff"]["1002"].pk
    r = c.get(
        url,
        {"field": "host", "host__q": "さとう", "host": sato},
        HTTP_HX_REQUEST="true",
    )
    assert "佐藤" not in r.content.decode()
    # Without htmx: a page of its own, the same scope.
    page = c.get(url, {"q": "やまだ"}).content.decode()
    assert "山田 太郎" in page and "1001" not in page
    assert "鈴木" not in c.get(url, {"q": "すずき"}).content.decode()
    # Names of fields and ids that are not plain names are not echoed.
    r = c.get(url, {"field": '"><script>', "id": "x y"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "<script>" not in r.content.decode()


@pytest.mark.django_db
def test_picker_view_needs_sign_in(client) -> None:
    r = client.get("/org/staff/picker/", {"q": "やまだ"})
    assert r.status_code == 302 and "/login" in r["Location"]


@pytest.mark.django_db
def test_htmx_search_survives_hostile_values(org, make_user, client) -> None:
    from yakuba.core.hostile import HOSTILE_VALUES

    c = verified_client(client, make_user("staff"))
    c.raise_request_exception = False
    for value in HOSTILE_VALUES:
        if "\x00" in value:
            continue  # refused with 400 before any view (core middleware)
        for key in ("field", "id", "multiple", "invited_staff__q", "invited_staff__unit"):
            params = {"field": "invited_staff", key: value, "invited_staff": [value, "1"]}
            r = c.get("/org/staff/picker/", params, HTTP_HX_REQUEST="true")
            assert r.status_code == 200, (key, value, r.status_code)
