"""Objects the evaluation tests and the authorization matrix share."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from yakuba.evaluation.models import EvidenceReport, ReportStatus

RESULT = {
    "format": 1,
    "scope": "市民課",
    "period": {"start": "2020-04-07", "end": "2020-05-25", "label": "2020"},
    "comparison": None,
    "sections": [
        {
            "code": "use",
            "title": "在宅勤務の利用",
            "intro": "",
            "has_data": True,
            "paragraphs": [],
            "figures": [
                {
                    "key": "telework_days",
                    "label": "在宅勤務の延べ日数",
                    "value": 12,
                    "unit": "日",
                    "comparison": None,
                    "change": None,
                    "source": {"label": "公開済みの勤務表", "url": "/rosters/"},
                    "note": "",
                }
            ],
            "tables": [],
        }
    ],
}


def finished_report(requested_by: Any, *, units: list[Any] = (), **fields: Any) -> EvidenceReport:  # type: ignore[assignment]
    """A generated report (result and files stored) limited to ``units``."""
    report = EvidenceReport.objects.create(
        title=fields.pop("title", "市民課の報告"),
        period_start=dt.date(2020, 4, 7),
        period_end=dt.date(2020, 5, 25),
        requested_by=requested_by,
        status=ReportStatus.DONE,
        generated_at=timezone.now(),
        result=RESULT,
        **fields,
    )
    if units:
        report.units.set(units)
    report.docx_file.save("report.docx", ContentFile(b"docx"), save=False)
    report.xlsx_file.save("report.xlsx", ContentFile(b"xlsx"), save=False)
    report.save()
    return report


def matrix_objects(objs: dict[str, Any]) -> dict[str, Any]:
    """A finished report limited to 市民課 (a unit head of 税務課 gets 404)."""
    if "evaluation_report" not in objs:
        from yakuba.accounts.models import User

        owner = User.objects.create_user("matrix-planning", password=None, role="planning")
        objs["evaluation_report"] = finished_report(owner, units=[objs["org"]["shimin"]])
    return {"report": objs["evaluation_report"]}
