"""Answering a sheet: draft, submit, evidence limits (size, type by content) and who may
download an evidence file."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from yakuba.audit.models import AuditEntry
from yakuba.inspections.models import Answer, AnswerValue, SectionTally, Sheet, SheetStatus
from yakuba.inspections.tests.factories import PDF, PNG, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def _post(
    sheet: Sheet, values: dict[str, str], files: dict[str, Any] | None = None, *, submit: bool
) -> dict[str, Any]:
    data: dict[str, Any] = {"submit" if submit else "save": "1"}
    for answer in sheet.answers.select_related("item"):
        prefix = f"i{answer.item_id}"
        data[f"{prefix}-value"] = values.get(answer.item.code, "")
        data[f"{prefix}-comment"] = f"{answer.item.code} について"
        if files and answer.item.code in files:
            data[f"{prefix}-evidence"] = files[answer.item.code]
    return data


def test_people_get_the_checklist_of_their_role(office) -> None:
    assert office["sheet"]("staff").checklist == office["staff_list"]
    assert office["sheet"]("head").checklist == office["head_list"]
    assert office["sheet"]("infosec").checklist == office["staff_list"]
    # People without an account are in the round too (fixed at launch).
    assert Sheet.objects.filter(round=office["round"], staff__user__isnull=True).count() == 3


def test_draft_then_submit_needs_every_item(office) -> None:
    sheet = office["sheet"]("staff")
    client = office["client"]("staff")
    url = reverse("inspections:sheet", args=[sheet.pk])
    page = client.get(url)
    assert page.status_code == 200 and "画面ロック" in page.content.decode()

    # Submitting with items left: what was answered is kept as a draft, not submitted.
    page = client.post(url, _post(sheet, {"A-1": "done"}, submit=True), follow=True)
    assert "回答していない項目があるため提出していません：A-2、B-1" in page.content.decode()
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT and sheet.submitted_at is None
    assert list(
        Answer.objects.filter(sheet=sheet).exclude(value="").values_list("item__code", flat=True)
    ) == ["A-1"]
    page = client.post(
        url, _post(sheet, {"A-1": "done", "A-2": "not_done", "B-1": "na"}, submit=True), follow=True
    )
    assert "回答を提出しました" in page.content.decode()
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED and sheet.submitted_at is not None
    tallies = {
        t.section.code: (t.done, t.not_done, t.na)
        for t in SectionTally.objects.filter(sheet=sheet).select_related("section")
    }
    assert tallies == {"A": (1, 1, 0), "B": (0, 0, 1)}
    # Submitted: the form is gone, and a POST changes nothing.
    assert 'name="submit"' not in client.get(url).content.decode()
    assert client.post(url, _post(sheet, {"A-1": "not_done"}, submit=False)).status_code == 403
    assert Answer.objects.get(sheet=sheet, item__code="A-1").value == AnswerValue.DONE


def test_nobody_else_opens_or_answers_a_sheet(office) -> None:
    sheet = office["sheet"]("staff")
    url = reverse("inspections:sheet", args=[sheet.pk])
    for name in ("head", "infosec", "other"):
        assert office["client"](name).get(url).status_code == 404
        assert office["client"](name).post(url, _post(sheet, {}, submit=False)).status_code == 404


def test_evidence_is_checked_by_size_and_content(
    office, settings, django_capture_on_commit_callbacks
) -> None:
    settings.INSPECTIONS_EVIDENCE_MAX_BYTES = 1024
    sheet = office["sheet"]("staff")
    client = office["client"]("staff")
    url = reverse("inspections:sheet", args=[sheet.pk])
    values = {"A-1": "done", "A-2": "done", "B-1": "done"}
    cases = {
        "A-1": upload("big.pdf", PDF + b"0" * 2048),  # too big
        "A-2": upload("photo.pdf", PNG),  # a PNG named .pdf
        "B-1": upload("notes.png", b"just some text, not an image"),
    }
    page = client.post(url, _post(sheet, values, cases, submit=False), follow=True)
    text = page.content.decode()
    assert "A-1：証跡ファイルが大きすぎます（1 KB まで）。" in text
    assert "A-2：証跡に使えるのは PDF・PNG・JPEG・Excel（.xlsx）のファイルです" in text
    assert "B-1：証跡に使えるのは" in text
    assert not Answer.objects.filter(sheet=sheet).exclude(evidence="").exists()
    assert not Answer.objects.filter(sheet=sheet).exclude(value="").exists()  # nothing written

    good = {
        "A-1": upload("手順書.pdf", PDF),
        "A-2": upload("設定.png", PNG),
        "B-1": upload("台帳.xlsx", xlsx_bytes()),
    }
    settings.INSPECTIONS_EVIDENCE_MAX_BYTES = 1024 * 1024
    client.post(url, _post(sheet, values, good, submit=False))
    stored = {a.item.code: a for a in Answer.objects.filter(sheet=sheet).select_related("item")}
    assert stored["A-1"].evidence_type == "application/pdf"
    assert stored["A-2"].evidence_type == "image/png"
    assert stored["B-1"].evidence_name == "台帳.xlsx"
    name = str(stored["A-1"].evidence.name)
    assert name.startswith("inspections/evidence/") and "手順書" not in name
    assert default_storage.exists(name)

    # Replacing and removing delete the stored files.
    data = _post(sheet, values, {"A-1": upload("new.pdf", PDF)}, submit=False)
    data[f"i{stored['A-2'].item_id}-remove_evidence"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)
    assert not default_storage.exists(name)
    assert not default_storage.exists(str(stored["A-2"].evidence.name))
    assert Answer.objects.get(pk=stored["A-2"].pk).evidence_name == ""


def test_evidence_served_only_to_those_allowed(office) -> None:
    sheet = office["sheet"]("staff")
    client = office["client"]("staff")
    values = {"A-1": "done", "A-2": "done", "B-1": "done"}
    client.post(
        reverse("inspections:sheet", args=[sheet.pk]),
        _post(sheet, values, {"A-1": upload("手順書.pdf", PDF)}, submit=True),
    )
    answer = Answer.objects.get(sheet=sheet, item__code="A-1")
    url = reverse("inspections:evidence", args=[answer.pk])
    for name in ("staff", "head", "infosec", "auditor"):
        response = office["client"](name).get(url)
        assert response.status_code == 200, name
        assert response.content == PDF
        assert response["Content-Type"] == "application/pdf"
        assert "no-store" in response["Cache-Control"]
    for name in ("other", "other_head"):
        assert office["client"](name).get(url).status_code == 404, name
    assert AuditEntry.objects.filter(action="export", object_type="inspections.answer").count() == 4
    # The file is not reachable under any media URL.
    assert office["client"]("staff").get("/media/" + str(answer.evidence.name)).status_code == 404
