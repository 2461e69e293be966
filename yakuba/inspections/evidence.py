"""Evidence files: what may be uploaded (type judged by content, size limited).

A file's name can say anything: the first bytes decide its type (PDF, PNG, JPEG, or an
.xlsx — a zip holding a workbook), and the name's extension must agree with them. Files
are stored under a random name in the private default storage and only ever handed out by
`views.evidence`, after the permission check.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from yakuba.core.conf import setting
from yakuba.core.tabular import XLSX_CONTENT_TYPE

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# extension → content type; the content decides which of them a file is.
TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".xlsx": XLSX_CONTENT_TYPE,
}


def max_bytes() -> int:
    return int(setting("INSPECTIONS_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def size_text(size: int) -> str:
    """「5 MB」, or 「512 KB」 below a megabyte."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.3g} MB"
    return f"{max(1, size // 1024)} KB"


def sniff(head: bytes, data: Any) -> str | None:
    """The content type the bytes are, among the allowed ones, or None."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):
        try:
            data.seek(0)
            with zipfile.ZipFile(data) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            data.seek(0)
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return XLSX_CONTENT_TYPE
    return None


def check_upload(upload: Any) -> str:
    """The content type of an acceptable upload; else ValidationError saying why."""
    limit = max_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("証跡ファイルが大きすぎます（%(limit)s まで）。") % {"limit": size_text(limit)},
            code="too_big",
        )
    if upload.size == 0:
        raise ValidationError(_("証跡ファイルが空です。"), code="empty")
    allowed = TYPES.get(PurePath(upload.name or "").suffix.lower())
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    # An .xlsx is read in memory from the upload (already size-limited) to list its members.
    buffer = io.BytesIO(upload.read()) if head.startswith(b"PK") else io.BytesIO(head)
    upload.seek(0)
    found = sniff(head, buffer)
    if found is None or allowed != found:
        raise ValidationError(
            _(
                "証跡に使えるのは PDF・PNG・JPEG・Excel（.xlsx）のファイルです"
                "（中身で判定します）。"
            ),
            code="type",
        )
    return found
