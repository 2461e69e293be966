"""Attachments: size and type limits, images re-encoded, served only to signed-in staff."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from yakuba.knowledge import services
from yakuba.knowledge.models import Attachment, Question
from yakuba.knowledge.tests.factories import tag
from yakuba.knowledge.uploads import clean_upload


def _png(size=(40, 30), extra: bytes = b"") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue() + extra


def _jpeg_with_exif() -> bytes:
    out = io.BytesIO()
    img = Image.new("RGB", (20, 20), (0, 90, 200))
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    img.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_an_image_is_decoded_and_written_again_without_trailing_data_or_metadata():
    payload = b"<script>alert(1)</script>"
    clean = clean_upload(SimpleUploadedFile("shot.png", _png(extra=payload), "image/png"))
    assert clean.is_image and clean.content_type == "image/png" and clean.name == "shot.png"
    assert payload not in clean.data
    assert Image.open(io.BytesIO(clean.data)).size == (40, 30)
    jpeg = clean_upload(SimpleUploadedFile("photo.jpeg", _jpeg_with_exif(), "image/jpeg"))
    assert jpeg.content_type == "image/jpeg" and jpeg.name == "photo.jpg"
    assert b"SecretCamera" not in jpeg.data


def test_the_type_comes_from_the_content_not_the_name_or_the_browser():
    with pytest.raises(ValidationError) as html:
        clean_upload(SimpleUploadedFile("shot.png", b"<html><script>x</script>", "image/png"))
    assert "添付できない種類" in html.value.messages[0]
    with pytest.raises(ValidationError):
        clean_upload(SimpleUploadedFile("run.exe", b"MZ\x90\x00" + b"\x00" * 100, "text/plain"))
    with pytest.raises(ValidationError) as broken:
        clean_upload(SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10))
    assert "画像として読めませんでした" in broken.value.messages[0]
    text = clean_upload(SimpleUploadedFile("vpn.log", "エラー 809".encode(), "application/x-foo"))
    assert text.content_type == "text/plain" and text.name == "vpn.txt"
    pdf = clean_upload(SimpleUploadedFile("manual.pdf", b"%PDF-1.4\n%...", "application/pdf"))
    assert pdf.content_type == "application/pdf"


def test_too_big_too_many_and_empty_files_are_refused_with_every_problem(org, settings):
    settings.KNOWLEDGE_ATTACHMENT_MAX_BYTES = 1000
    big = SimpleUploadedFile("big.txt", b"a" * 1001)
    empty = SimpleUploadedFile("empty.txt", b"")
    with pytest.raises(ValidationError) as exc:
        services.clean_files([big, empty, SimpleUploadedFile("x.exe", b"MZ\x00")])
    text = " ".join(exc.value.messages)
    assert "「big.txt」は大きすぎます" in text and "「empty.txt」は空" in text and "x.exe" in text
    settings.KNOWLEDGE_ATTACHMENTS_PER_POST = 2
    with pytest.raises(ValidationError) as many:
        services.clean_files([SimpleUploadedFile(f"{i}.txt", b"a") for i in range(3)])
    assert "2個まで" in many.value.messages[0]


def test_a_refused_file_leaves_no_question_behind(org, make_user):
    user = make_user("staff")
    with pytest.raises(ValidationError):
        services.ask_question(
            actor=user,
            title="VPN",
            body="本文",
            tags=[tag("vpn")],
            files=[SimpleUploadedFile("x.html", b"<html>")],
        )
    assert not Question.objects.exists() and not Attachment.objects.exists()


def test_attachments_are_served_to_signed_in_staff_only_never_sniffed(org, make_user, client):
    from conftest import verified_client

    user = make_user("staff")
    question = services.ask_question(
        actor=user,
        title="画面が真っ赤",
        body="スクリーンショットです",
        tags=[tag("devices")],
        files=[SimpleUploadedFile("shot.png", _png()), SimpleUploadedFile("log.txt", b"err")],
    )
    image, log = question.attachments.order_by("name")[1], question.attachments.order_by("name")[0]
    assert image.is_image and log.name == "log.txt"
    anonymous = client.get(f"/knowledge/files/{image.pk}/")
    assert anonymous.status_code == 302
    signed_in = verified_client(client, user)
    response = signed_in.get(f"/knowledge/files/{image.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    text = signed_in.get(f"/knowledge/files/{log.pk}/")
    assert text["Content-Type"].startswith("text/plain")
    assert text["Content-Disposition"].startswith("attachment")
    assert signed_in.get("/knowledge/files/999999/").status_code == 404
