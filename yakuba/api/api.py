"""The HTTP API (`/api/v1/`): units and staff, read as the token's owner; staff import.

Every operation needs `Authorization: Bearer <token>` (see `auth.py`). Reads go through
the org selectors, so the API shows exactly what the token owner would see in the UI.
The OpenAPI schema is served without auth at `/api/v1/openapi.json`; the Swagger UI is
off because it loads from a CDN and offices run offline.

Path parameters use the `anything:` converter (below) so that any value, even one with
`/` or a newline, reaches the operation and gets a JSON 404/422 instead of the site's
HTML 404 page.
"""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import register_converter
from ninja import File, Form, NinjaAPI, Path, Query, Status, UploadedFile
from ninja.errors import AuthenticationError, HttpError

from yakuba.accounts.roles import Capability
from yakuba.api.auth import ApiTokenAuth, require_capability
from yakuba.api.schemas import (
    ErrorOut,
    ImportOut,
    StaffOut,
    StaffPage,
    StaffQuery,
    UnitOut,
    UnitPage,
    UnitQuery,
    ValidationErrorOut,
)
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.org.imports import start_import
from yakuba.org.models import ImportBatch, Staff, Unit
from yakuba.org.selectors import search_staff, search_units, visible_staff, visible_units


class AnythingConverter:
    """Matches any non-empty segment run; Django's `path` converter stops at a newline."""

    regex = r"[\s\S]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(AnythingConverter, "anything")

api = NinjaAPI(
    title="Yakuba API",
    version="1",
    description=(
        "Units and staff of the office, scoped by the token owner's role, and staff import. "
        "Authenticate with `Authorization: Bearer <token>`; tokens are issued by an admin."
    ),
    docs_url=None,
    urls_namespace="api",
    auth=ApiTokenAuth(),
)

# Declared on every operation so clients (and schemathesis) know the error shapes.
AUTH_ERRORS: dict[int, Any] = {401: ErrorOut, 422: ValidationErrorOut}
# Codes and staff numbers are at most 20 characters (see org.models); anything longer
# cannot exist, so it is answered like any other unknown key.
MAX_KEY_LENGTH = 20
# Batch ids are SQL bigints; larger values would overflow in the database driver.
MAX_ID = 2**63 - 1


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = str(exc) if str(exc) != "Unauthorized" else "Missing bearer token"
    response = api.create_response(request, {"detail": detail}, status=401)
    # RFC 6750: tell the client which scheme to use.
    response["WWW-Authenticate"] = 'Bearer realm="yakuba"'
    return response


def _check_key(value: str) -> str:
    if not value or len(value) > MAX_KEY_LENGTH or not _is_printable(value):
        raise Http404("not found")
    return value


def _is_printable(value: str) -> bool:
    # Same rule as NO_CONTROL_CHARS in the query schemas.
    return not any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value)


def _page(qs: QuerySet[Any], limit: int, offset: int) -> tuple[int, list[Any]]:
    return qs.count(), list(qs[offset : offset + limit])


# -- units --------------------------------------------------------------------------------


@api.get(
    "/units",
    response={200: UnitPage, 403: ErrorOut, **AUTH_ERRORS},
    summary="List units",
    operation_id="listUnits",
    tags=["org"],
)
def list_units(request: HttpRequest, filters: Query[UnitQuery]) -> dict[str, Any]:
    user = require_capability(request, Capability.VIEW_ORG)
    count, items = _page(search_units(user, filters.q), filters.limit, filters.offset)
    return {"count": count, "limit": filters.limit, "offset": filters.offset, "items": items}


@api.get(
    "/units/{anything:code}",
    response={200: UnitOut, 403: ErrorOut, 404: ErrorOut, **AUTH_ERRORS},
    summary="Read one unit",
    operation_id="getUnit",
    tags=["org"],
)
def get_unit(request: HttpRequest, code: str) -> Unit:
    user = require_capability(request, Capability.VIEW_ORG)
    # Out-of-scope and non-existent look the same: a unit head cannot probe other units.
    unit = visible_units(user).select_related("parent").filter(code=_check_key(code)).first()
    if unit is None:
        raise Http404("unit not found")
    return unit


# -- staff --------------------------------------------------------------------------------


@api.get(
    "/staff",
    response={200: StaffPage, 403: ErrorOut, 404: ErrorOut, **AUTH_ERRORS},
    summary="List staff",
    operation_id="listStaff",
    description="Each call is recorded in the audit trail as an export of personal data.",
    tags=["org"],
)
def list_staff(request: HttpRequest, filters: Query[StaffQuery]) -> dict[str, Any]:
    user = require_capability(request, Capability.VIEW_ORG)
    unit: Unit | None = None
    if filters.unit:
        unit = visible_units(user).filter(code=filters.unit).first()
        if unit is None:
            # A typo in a sync job's unit code should fail loudly, not return nobody.
            raise Http404("unit not found")
    qs = search_staff(user, query=filters.q, unit=unit, include_inactive=filters.include_inactive)
    count, items = _page(qs, filters.limit, filters.offset)
    # Bulk personal-data read: one entry per call (not per person) with what was asked.
    record(
        AuditAction.EXPORT,
        actor=user,
        object_type="api.staff",
        object_repr=f"GET {request.path}"[:200],
        changes={
            "count": len(items),
            "total": count,
            "q": filters.q,
            "unit": filters.unit,
            "include_inactive": filters.include_inactive,
            "limit": filters.limit,
            "offset": filters.offset,
            "api_token": request.auth.pk,  # type: ignore[attr-defined]
        },
    )
    return {"count": count, "limit": filters.limit, "offset": filters.offset, "items": items}


@api.get(
    "/staff/{anything:staff_number}",
    response={200: StaffOut, 403: ErrorOut, 404: ErrorOut, **AUTH_ERRORS},
    summary="Read one staff member",
    operation_id="getStaff",
    tags=["org"],
)
def get_staff(request: HttpRequest, staff_number: str) -> Staff:
    user = require_capability(request, Capability.VIEW_ORG)
    staff = (
        visible_staff(user)
        .select_related("unit")
        .prefetch_related("skills")
        .filter(staff_number=_check_key(staff_number))
        .first()
    )
    if staff is None:
        raise Http404("staff not found")
    return staff


# -- imports ------------------------------------------------------------------------------


@api.post(
    "/imports",
    response={202: ImportOut, 403: ErrorOut, 413: ErrorOut, **AUTH_ERRORS},
    summary="Import staff and units",
    operation_id="createImport",
    description=(
        "Upload an .xlsx or CSV (UTF-8 or CP932) in the staff/unit layout. The file is "
        "checked in the background; poll `GET /imports/{id}`. With `apply=true` a file "
        "without errors is applied (all or nothing) without a second request."
    ),
    tags=["imports"],
)
def create_import(
    request: HttpRequest,
    file: File[UploadedFile],
    apply: Form[bool] = False,
) -> Status[ImportBatch]:
    user = require_capability(request, Capability.IMPORT_ORG)
    max_bytes: int = settings.YAKUBA_IMPORT_MAX_BYTES
    if file.size is None or file.size > max_bytes:
        raise_too_large(max_bytes)
    data = file.read(max_bytes + 1)
    if len(data) > max_bytes:  # size is client-declared for some upload handlers
        raise_too_large(max_bytes)
    batch = start_import(
        actor=user, filename=_safe_filename(file.name), data=data, auto_apply=apply
    )
    return Status(202, batch)


def raise_too_large(max_bytes: int) -> None:
    raise HttpError(413, f"File too large (limit {max_bytes} bytes)")


def _safe_filename(name: str | None) -> str:
    # The name is only a label and a format hint (.xlsx/.csv); drop what a DB may refuse.
    cleaned = "".join(ch for ch in (name or "") if ord(ch) >= 0x20 and ord(ch) != 0x7F)
    return cleaned.strip()[:200]


@api.get(
    "/imports/{anything:batch_id}",
    response={200: ImportOut, 404: ErrorOut, **AUTH_ERRORS},
    summary="Import status and result",
    operation_id="getImport",
    tags=["imports"],
)
def get_import(request: HttpRequest, batch_id: int = Path(..., ge=1, le=MAX_ID)) -> ImportBatch:
    user: Any = request.user
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    # Someone else's upload holds personal data: only its creator or an importer sees it,
    # and everyone else gets the same 404 as for a batch that does not exist.
    if batch is None or not (batch.created_by_id == user.pk or user.can(Capability.IMPORT_ORG)):
        raise Http404("import not found")
    return batch
