"""Objects the self-inspection tests and the authorization matrix need (made on demand)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yakuba.inspections import services
from yakuba.inspections.models import (
    Answer,
    AnswerValue,
    Checklist,
    ChecklistItem,
    ChecklistSection,
    Finding,
    Round,
    Sheet,
    SheetStatus,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def make_checklist(
    code: str = "staff", role: str = "staff", title: str = "職員の点検"
) -> Checklist:
    """Two sections (A: 2 items, B: 1 item)."""
    checklist = Checklist.objects.create(code=code, title=title, role=role)
    a = ChecklistSection.objects.create(checklist=checklist, code="A", title="端末", order=1)
    b = ChecklistSection.objects.create(checklist=checklist, code="B", title="メール", order=2)
    ChecklistItem.objects.create(
        checklist=checklist, section=a, code="A-1", text="画面ロック", order=1
    )
    ChecklistItem.objects.create(
        checklist=checklist, section=a, code="A-2", text="パスワード", order=2
    )
    ChecklistItem.objects.create(
        checklist=checklist, section=b, code="B-1", text="宛先確認", order=3
    )
    return checklist


def make_round(
    checklists: list[Checklist],
    *,
    title: str = "上期の自己点検",
    opens_on: dt.date | None = None,
    audience: dict[str, Any] | None = None,
    previous: Round | None = None,
    partial_is_finding: bool = False,
) -> Round:
    opens = opens_on or timezone.localdate() - dt.timedelta(days=5)
    return services.save_round(
        None,
        None,
        {
            "title": title,
            "period_label": f"{opens:%Y-%m}",
            "opens_on": opens,
            "due_on": opens + dt.timedelta(days=20),
            "review_due_on": None,
            "partial_is_finding": partial_is_finding,
            "finding_days": 30,
            "audience": audience or {},
            "previous": previous,
        },
        checklists,
    )


def answer_all(
    sheet: Sheet, values: dict[str, str] | None = None, default: str = AnswerValue.DONE
) -> None:
    """Fill every answer of the sheet (values by item code) and submit it, as its person."""
    values = values or {}
    inputs = {
        a.item_id: services.AnswerInput(
            value=values.get(a.item.code, default), comment=f"{a.item.code} のコメント"
        )
        for a in sheet.answers.select_related("item")
    }
    services.save_answers(sheet.staff.user, sheet, inputs, submit=True)


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(["x"])
    wb.save(out)
    return out.getvalue()


def matrix_objects(objs: dict[str, Any]) -> dict[str, Any]:
    """A launched round with 山田's (市民課, no account) confirmed sheet: one item not done
    (a finding owned by 山田), one with evidence; and a draft round. Made once per test."""
    if "inspections" in objs:
        return objs["inspections"]
    org = objs["org"]
    yamada = org["staff"]["1001"]
    checklist = make_checklist()
    round_ = make_round([checklist], audience={"unit_ids": [org["shimin"].pk]})
    services.launch_round(None, round_, notify_people=False)
    sheet = Sheet.objects.get(round=round_, staff=yamada)
    answers = {a.item.code: a for a in sheet.answers.select_related("item")}
    for code, answer in answers.items():
        answer.value = AnswerValue.NOT_DONE if code == "A-1" else AnswerValue.DONE
        answer.save()
    with_file = answers["A-2"]
    with_file.evidence.save("evidence.png", upload("evidence.png", PNG), save=False)
    with_file.evidence_name, with_file.evidence_type, with_file.evidence_size = (
        "evidence.png",
        "image/png",
        len(PNG),
    )
    with_file.save()
    Sheet.objects.filter(pk=sheet.pk).update(
        status=SheetStatus.SUBMITTED, submitted_at=timezone.now()
    )
    services._recount(sheet)
    finding = Finding.objects.create(
        answer=answers["A-1"],
        round=round_,
        unit=sheet.unit,
        item=answers["A-1"].item,
        owner=yamada,
        due_on=timezone.localdate() + dt.timedelta(days=30),
    )
    draft = make_round([checklist], title="下期の自己点検（準備中）")
    section = checklist.sections.first()
    item = checklist.items.first()
    editable = make_checklist(code="spare", title="予備の点検")
    objs["inspections"] = {
        "round": round_,
        "draft": draft,
        "sheet": sheet,
        "answer": with_file,
        "finding": finding,
        "checklist": checklist,
        "editable": editable,
        "section": editable.sections.first() or section,
        "item": editable.items.first() or item,
    }
    return objs["inspections"]


__all__ = ["Answer", "matrix_objects"]
