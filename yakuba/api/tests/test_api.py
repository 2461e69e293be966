from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from yakuba.accounts.models import ApiToken
from yakuba.api.tests.conftest import ApiClient, City, token_of
from yakuba.audit.models import AuditAction, AuditEntry
from yakuba.org.models import ImportBatch, ImportStatus, Staff

pytestmark = pytest.mark.django_db

HEADER = "職員番号,氏名,氏名カナ,雇用区分,職名,所属コード,スキル,メール,在職\n"

# (method, path) of every operation, with keys that exist in the `city` fixture.
ENDPOINTS = [
    ("get", "/api/v1/units"),
    ("get", "/api/v1/units/D1"),
    ("get", "/api/v1/staff"),
    ("get", "/api/v1/staff/1001"),
    ("post", "/api/v1/imports"),
    ("get", "/api/v1/imports/1"),
]


def csv_file(body: str, name: str = "staff.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (HEADER + body).encode(), content_type="text/csv")


# -- schema -------------------------------------------------------------------------------


def test_openapi_schema_is_served_without_auth() -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert set(schema["paths"]) == {
        "/api/v1/units",
        "/api/v1/units/{code}",
        "/api/v1/staff",
        "/api/v1/staff/{staff_number}",
        "/api/v1/imports",
        "/api/v1/imports/{batch_id}",
    }
    assert schema["components"]["securitySchemes"]["ApiTokenAuth"]["scheme"] == "bearer"
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation["security"] == [{"ApiTokenAuth": []}], (method, path)
            assert {"401", "422"} <= set(operation["responses"]), (method, path)


def test_no_swagger_ui() -> None:
    # The UI loads from a CDN; offices run offline.
    assert Client().get("/api/v1/docs").status_code == 404


# -- authentication -----------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
@pytest.mark.parametrize("kind", ["missing", "garbage", "unprefixed", "revoked", "basic"])
def test_every_endpoint_rejects_bad_tokens(city: City, method: str, path: str, kind: str) -> None:
    header = {
        "missing": None,
        "garbage": "Bearer yk_not-a-real-token",
        "unprefixed": "Bearer " + city.tokens["hr"][3:],
        "revoked": f"Bearer {city.revoked_token}",
        "basic": "Basic aHI6cGFzc3dvcmQ=",
    }[kind]
    headers = {"Authorization": header} if header else {}
    response = getattr(Client(), method)(path, headers=headers)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_token_of_deactivated_owner_is_rejected(city: City) -> None:
    city.users["hr"].is_active = False
    city.users["hr"].save()
    assert ApiClient(city.tokens["hr"]).get("/api/v1/units").status_code == 401


def test_session_login_is_not_enough(city: City) -> None:
    # Browser sessions must not reach the API: cookies would open it to CSRF.
    client = Client()
    client.force_login(city.users["hr"])
    assert client.get("/api/v1/units").status_code == 401


def test_last_used_is_recorded_at_most_once_a_minute(city: City) -> None:
    raw = city.tokens["hr"]
    assert token_of(raw).last_used_at is None
    ApiClient(raw).get("/api/v1/units")
    first = token_of(raw).last_used_at
    assert first is not None
    ApiClient(raw).get("/api/v1/units")
    assert token_of(raw).last_used_at == first
    ApiToken.objects.filter(pk=token_of(raw).pk).update(last_used_at=first - timedelta(minutes=2))
    ApiClient(raw).get("/api/v1/units")
    used = token_of(raw).last_used_at
    assert used is not None and used > first - timedelta(seconds=1)
    assert timezone.now() - used < timedelta(minutes=1)


# -- scoping ------------------------------------------------------------------------------


def test_unit_head_sees_only_their_subtree(as_role: Any) -> None:
    head = as_role("head")
    units = head.get("/api/v1/units").json()
    assert [u["code"] for u in units["items"]] == ["D1-1", "D1-1-a"]
    assert units["count"] == 2
    staff = head.get("/api/v1/staff").json()
    assert sorted(s["staff_number"] for s in staff["items"]) == ["1001", "1002"]
    assert head.get("/api/v1/staff/1002").status_code == 200
    assert head.get("/api/v1/units/D1-1-a").json()["parent_code"] == "D1-1"


@pytest.mark.parametrize(
    "path",
    ["/api/v1/staff/2001", "/api/v1/units/D2-1", "/api/v1/units/D1", "/api/v1/units/NOPE"],
)
def test_unit_head_gets_404_outside_scope(as_role: Any, path: str) -> None:
    response = as_role("head").get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_unit_head_cannot_filter_by_foreign_unit(as_role: Any) -> None:
    assert as_role("head").get("/api/v1/staff", unit="D2-1").status_code == 404


@pytest.mark.parametrize(
    "path", ["/api/v1/units", "/api/v1/units/D1", "/api/v1/staff", "/api/v1/staff/2002"]
)
def test_staff_role_is_forbidden_and_audited(city: City, as_role: Any, path: str) -> None:
    response = as_role("staff").get(path)
    assert response.status_code == 403
    assert response.json()["detail"]
    entry = AuditEntry.objects.filter(action=AuditAction.PERMISSION_DENIED).get()
    assert entry.actor == city.users["staff"]
    assert entry.object_repr == f"GET {path}"
    assert entry.changes["capability"] == "view_org"
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_hr_sees_everyone(as_role: Any) -> None:
    hr = as_role("hr")
    assert hr.get("/api/v1/units").json()["count"] == 5
    staff = hr.get("/api/v1/staff").json()
    assert sorted(s["staff_number"] for s in staff["items"]) == ["1001", "1002", "2001", "2002"]
    everyone = hr.get("/api/v1/staff", include_inactive="true").json()
    assert everyone["count"] == 5
    one = hr.get("/api/v1/staff/2001").json()
    assert one == {
        "staff_number": "2001",
        "name": "高橋 次郎",
        "name_kana": "タカハシ ジロウ",
        "employment_type": "fiscal_year",
        "position": "",
        "unit_code": "D2-1",
        "skills": ["住民票", "戸籍"],
        "email": "takahashi@example.jp",
        "active": True,
    }
    assert hr.get("/api/v1/units/D1").json() == {
        "code": "D1",
        "name": "総務部",
        "name_kana": "",
        "kind": "department",
        "parent_code": None,
        "active": True,
    }


def test_search_filter_and_paging(as_role: Any) -> None:
    hr = as_role("hr")
    # Reading in hiragana finds the katakana name.
    found = hr.get("/api/v1/staff", q="たかはし").json()
    assert [s["staff_number"] for s in found["items"]] == ["2001"]
    in_d1 = hr.get("/api/v1/staff", unit="D1").json()
    assert sorted(s["staff_number"] for s in in_d1["items"]) == ["1001", "1002"]
    page = hr.get("/api/v1/units", limit=2, offset=1).json()
    assert page["count"] == 5
    assert page["limit"] == 2
    assert page["offset"] == 1
    assert len(page["items"]) == 2
    assert hr.get("/api/v1/units", q="市民").json()["count"] == 2


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "501"},
        {"limit": "0"},
        {"offset": "-1"},
        {"offset": "99999999999999999999999"},
        {"limit": "abc"},
        {"q": "x" * 101},
        {"q": "a\x00b"},
        {"unit": "\x00"},
        {"include_inactive": "maybe"},
    ],
)
def test_bad_query_parameters_are_422(as_role: Any, params: dict[str, str]) -> None:
    response = as_role("hr").get("/api/v1/staff", **params)
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/staff/a%00b",
        "/api/v1/staff/a/b",
        "/api/v1/staff/%C3%BC%0A",
        "/api/v1/units/" + "x" * 300,
        "/api/v1/units/%2F",
    ],
)
def test_odd_keys_are_json_404(as_role: Any, path: str) -> None:
    response = as_role("hr").get(path)
    assert response.status_code == 404
    assert response.json()["detail"]


def test_staff_list_is_audited_once_per_call(city: City, as_role: Any) -> None:
    as_role("hr").get("/api/v1/staff", q="山田")
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.object_type == "api.staff"
    assert entry.actor == city.users["hr"]
    assert entry.changes["count"] == 1
    assert entry.changes["q"] == "山田"
    as_role("hr").get("/api/v1/staff/1001")  # a single read is not a bulk export
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).count() == 1


# -- import -------------------------------------------------------------------------------


def test_import_good_file_with_apply(city: City, as_role: Any, immediate_tasks: None) -> None:
    body = (
        "3001,伊藤 四郎,ｲﾄｳ ｼﾛｳ,正規,主事,D2-1,住民票、戸籍,ito@example.jp,在職\n"
        "3002,渡辺 五月,わたなべ さつき,会計年度任用,,D1-1-a,,,1\n"
    )
    response = as_role("hr").post("/api/v1/imports", {"file": csv_file(body), "apply": "true"})
    assert response.status_code == 202, response.content
    created = response.json()
    assert created["status"] == ImportStatus.DONE
    assert created["errors"] == []
    assert created["summary"]["staff_new"] == 2
    ito = Staff.objects.get(staff_number="3001")
    assert ito.name_kana == "イトウ シロウ"  # half-width kana normalised by the importer
    assert ito.unit.code == "D2-1"

    status = as_role("hr").get(f"/api/v1/imports/{created['id']}").json()
    assert status["status"] == "done"
    assert status["result"]["staff_created"] == 2
    # The uploader may read their batch; a unit head (no IMPORT_ORG) may not.
    assert as_role("head").get(f"/api/v1/imports/{created['id']}").status_code == 404


def test_import_without_apply_waits_for_confirmation(as_role: Any, immediate_tasks: None) -> None:
    body = "3001,伊藤 四郎,イトウ シロウ,正規,主事,D2-1,,,在職\n"
    response = as_role("hr").post("/api/v1/imports", {"file": csv_file(body)})
    assert response.status_code == 202
    assert response.json()["status"] == ImportStatus.READY
    assert not Staff.objects.filter(staff_number="3001").exists()


def test_import_bad_file_writes_nothing(as_role: Any, immediate_tasks: None) -> None:
    before = Staff.objects.count()
    body = (
        "3001,伊藤 四郎,イトウ シロウ,正規,主事,D2-1,,,在職\n"  # fine on its own
        "3002,,ワタナベ,正規,,D1-1,,,在職\n"  # no name
        "3003,小林,コバヤシ,正規,,NO-SUCH-UNIT,,,在職\n"  # unknown unit
        "3004,加藤,カトウ,正規,,D1-1,,not-an-email,在職\n"  # bad e-mail
    )
    response = as_role("hr").post("/api/v1/imports", {"file": csv_file(body), "apply": "true"})
    assert response.status_code == 202
    batch = response.json()
    assert batch["status"] == ImportStatus.INVALID
    assert {e["row"] for e in batch["errors"]} >= {3, 4, 5}
    for error in batch["errors"]:
        assert set(error) == {"sheet", "row", "column", "message"}
        assert error["message"]
    assert Staff.objects.count() == before


def test_import_forbidden_for_staff_and_unit_head(city: City, as_role: Any) -> None:
    for role in ("staff", "head", "auditor"):
        response = as_role(role).post("/api/v1/imports", {"file": csv_file("")})
        assert response.status_code == 403, role
    assert not ImportBatch.objects.exists()
    denied = AuditEntry.objects.filter(action=AuditAction.PERMISSION_DENIED)
    assert denied.count() == 3
    assert {e.changes["capability"] for e in denied} == {"import_org"}


def test_import_too_large_is_413(as_role: Any, settings: Any) -> None:
    settings.YAKUBA_IMPORT_MAX_BYTES = 200
    body = "3001,伊藤 四郎,イトウ シロウ,正規,主事,D2-1,,,在職\n" * 10
    response = as_role("hr").post("/api/v1/imports", {"file": csv_file(body)})
    assert response.status_code == 413
    assert "200" in response.json()["detail"]
    assert not ImportBatch.objects.exists()


def test_import_requires_a_file(as_role: Any) -> None:
    response = as_role("hr").post("/api/v1/imports", {"apply": "true"})
    assert response.status_code == 422


def test_import_status_of_unknown_or_bad_id(as_role: Any) -> None:
    hr = as_role("hr")
    assert hr.get("/api/v1/imports/999").status_code == 404
    assert hr.get("/api/v1/imports/abc").status_code == 422
    assert hr.get("/api/v1/imports/0").status_code == 422
    assert hr.get(f"/api/v1/imports/{2**64}").status_code == 422
