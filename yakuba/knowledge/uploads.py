"""Attachments: size/type-limited, images re-encoded with Pillow, never executed.

The type is decided from the content (magic bytes, then Pillow for images), never from
the name or the browser's claim. Images are decoded and written again (PNG or JPEG), which
drops metadata (EXIF location) and anything hidden after the image data.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from yakuba.core.conf import setting

EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
}
IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/png", "WEBP": "image/png"}
MAX_PIXELS = 40_000_000


def max_bytes() -> int:
    return int(setting("KNOWLEDGE_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024))


def max_files() -> int:
    return int(setting("KNOWLEDGE_ATTACHMENTS_PER_POST", 5))


@dataclass(frozen=True)
class CleanFile:
    name: str
    content_type: str
    data: bytes
    is_image: bool

    def as_file(self) -> ContentFile[bytes]:
        return ContentFile(self.data, name=self.name)


def _reencode(raw: bytes, name: str) -> CleanFile:
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(raw)) as img:
            fmt = img.format or ""
            img.load()
            if fmt not in IMAGE_FORMATS:
                raise ValidationError(
                    _("「%(name)s」は使えない画像形式です。PNG か JPEG にしてください。")
                    % {"name": name}
                )
            out = io.BytesIO()
            if IMAGE_FORMATS[fmt] == "image/jpeg":
                img.convert("RGB").save(out, format="JPEG", quality=88)
            else:
                frame = img.convert("RGBA") if img.mode not in ("RGB", "RGBA", "L") else img
                frame.save(out, format="PNG", optimize=False)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        raise ValidationError(
            _("「%(name)s」は画像として読めませんでした。壊れていないか確かめてください。")
            % {"name": name}
        ) from exc
    content_type = IMAGE_FORMATS[fmt]
    stem = name.rsplit(".", 1)[0] or "image"
    return CleanFile(f"{stem}{EXTENSIONS[content_type]}", content_type, out.getvalue(), True)


def _is_text(raw: bytes) -> bool:
    if b"\x00" in raw:
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def clean_upload(upload: UploadedFile) -> CleanFile:
    """Check one upload; raise ValidationError with a Japanese message naming the file."""
    name = (upload.name or "file").replace("/", "_").replace("\\", "_")[-120:]
    size = upload.size or 0
    limit = max_bytes()
    if size > limit:
        raise ValidationError(
            _("「%(name)s」は大きすぎます（%(size)s MB）。%(limit)s MB までにしてください。")
            % {"name": name, "size": f"{size / 1048576:.1f}", "limit": f"{limit / 1048576:.0f}"}
        )
    if size == 0:
        raise ValidationError(_("「%(name)s」は空のファイルです。") % {"name": name})
    raw = upload.read(limit + 1)
    if len(raw) > limit:
        raise ValidationError(_("「%(name)s」は大きすぎます。") % {"name": name})
    head = raw[:16]
    if (
        head.startswith(b"\x89PNG")
        or head.startswith(b"\xff\xd8\xff")
        or head[:4]
        in (
            b"GIF8",
            b"RIFF",
        )
    ):
        return _reencode(raw, name)
    if head.startswith(b"%PDF-"):
        stem = name.rsplit(".", 1)[0] or "file"
        return CleanFile(f"{stem}.pdf", "application/pdf", raw, False)
    if name.lower().endswith((".txt", ".log", ".csv")) and _is_text(raw):
        stem = name.rsplit(".", 1)[0] or "file"
        return CleanFile(f"{stem}.txt", "text/plain", raw, False)
    raise ValidationError(
        _(
            "「%(name)s」は添付できない種類のファイルです。画像（PNG・JPEG）、PDF、テキストを添付できます。"
        )
        % {"name": name}
    )
