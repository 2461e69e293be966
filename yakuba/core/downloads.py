"""Every file the product hands out goes through `download` (or `table_download`).

One place decides what a download looks like: the file name in UTF-8 per RFC 6266 (so
「勤務表.xlsx」 arrives named as it was), ``Cache-Control: no-store`` (downloads carry
personal data: no proxy or browser cache keeps them), and one audit entry written only
after the file was produced — an export that failed is not recorded as done.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import content_disposition_header

from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.core.tabular import (
    CSV_CONTENT_TYPE,
    CSV_CP932_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    write_csv,
    write_xlsx,
)

if TYPE_CHECKING:
    from yakuba.audit.services import Actor

Rows = Iterable[Sequence[object]]


def private(response: HttpResponse) -> HttpResponse:
    """Mark a response as personal: never stored by a browser or a proxy."""
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    return response


def download(
    produce: Callable[[], bytes] | bytes,
    *,
    filename: str,
    content_type: str,
    actor: Actor,
    object_type: str,
    object_repr: str = "",
    changes: Mapping[str, Any] | None = None,
    inline: bool = False,
    audit: bool = True,
) -> HttpResponse:
    """The file as a response. ``produce`` (or the bytes) is built first; the export is
    audited after it succeeded, with ``object_repr`` defaulting to the file name.

    ``audit=False`` only for files that are not exports of data (e.g. a calendar feed
    polled by a calendar app, which is audited where its secret URL is managed).
    """
    body = produce() if callable(produce) else produce
    if audit:
        record(
            AuditAction.EXPORT,
            actor=actor,
            object_type=object_type,
            object_repr=object_repr or filename,
            changes={"filename": filename, "bytes": len(body), **dict(changes or {})},
        )
    response = HttpResponse(body, content_type=content_type)
    disposition = content_disposition_header(as_attachment=not inline, filename=filename)
    if disposition is not None:  # None only for an inline response without a filename
        response["Content-Disposition"] = disposition
    return private(response)


def table_download(
    header: Sequence[str],
    rows: Rows,
    *,
    fmt: str,
    stem: str,
    actor: Actor,
    object_type: str,
    encoding: str = "utf-8",
    sheet: str = "",
    object_repr: str = "",
    changes: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """One table as .xlsx (``fmt="xlsx"``) or CSV (UTF-8 with BOM, or ``encoding="cp932"``)."""
    if fmt == "xlsx":
        produce: Callable[[], bytes] = lambda: write_xlsx([(sheet or stem, header, rows)])  # noqa: E731
        filename, content_type = f"{stem}.xlsx", XLSX_CONTENT_TYPE
    else:
        cp932 = encoding == "cp932"
        produce = lambda: write_csv(header, rows, "cp932" if cp932 else "utf-8")  # noqa: E731
        filename = f"{stem}.csv"
        content_type = CSV_CP932_CONTENT_TYPE if cp932 else CSV_CONTENT_TYPE
    return download(
        produce,
        filename=filename,
        content_type=content_type,
        actor=actor,
        object_type=object_type,
        object_repr=object_repr,
        changes={"format": fmt, "encoding": encoding, **dict(changes or {})},
    )
