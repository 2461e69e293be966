"""Where a problem was found: checking a source reference, naming it, linking to it.

Other pages link to "create a problem from…" with the reference in the query string
(`create_url`): ``?source=survey_group&id=<survey>&key=<group>&label=<group label>``,
``?source=blocker_category&key=<category code>&label=<category>`` (or ``&id=<blocker>``),
``?source=finding&id=<finding>``, ``?source=incident&id=<incident>``.

The reference names only what it points at (a survey group's label, a checklist item, an
incident's category), never a person. Its link is resolved when the problem is shown, for
the viewer: only where the viewer may open the page behind it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from yakuba.accounts.roles import Capability
from yakuba.core.permissions import parse_pk
from yakuba.core.text import text_problem
from yakuba.problems.models import SourceKind

_KEY = re.compile(r"^[\w.:-]{1,100}$")


@dataclass(frozen=True)
class SourceRef:
    kind: str = SourceKind.FREE
    id: int | None = None
    key: str = ""
    label: str = ""


def create_url(kind: str, *, id: int | None = None, key: str = "", label: str = "") -> str:
    """The "create a problem from…" link for a source (other apps' templates build the
    same query string)."""
    params: dict[str, Any] = {"source": kind}
    if id is not None:
        params["id"] = id
    if key:
        params["key"] = key
    if label:
        params["label"] = label
    return f"{reverse('problems:create')}?{urlencode(params)}"


def from_query(params: Any) -> SourceRef | None:
    """The reference a "create a problem from…" link carries, or None (none given or not
    well formed: the form then starts as a free entry)."""
    kind = params.get("source", "")
    if kind not in SourceKind.values or kind == SourceKind.FREE:
        return None
    raw_id = params.get("id", "")
    pk = parse_pk(raw_id) if raw_id else None
    if raw_id and pk is None:
        return None
    key = str(params.get("key", ""))[:100]
    label = str(params.get("label", ""))[:200]
    if key and not _KEY.match(key):
        return None
    if text_problem(label, max_length=200):
        return None
    return SourceRef(kind, pk, key, label)


def _model(label: str) -> Any:
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def check(ref: SourceRef) -> SourceRef:
    """The reference with its label filled in where the source names itself; raises
    ValidationError (Japanese, by field) when it is incomplete or points at nothing."""
    if ref.kind == SourceKind.FREE:
        return SourceRef()
    if ref.key and not _KEY.match(ref.key):
        raise ValidationError(
            {"source_key": _("コードは英数字と . : _ - だけで入力してください。")}
        )
    missing = ValidationError({"source_id": _("参照先が見つかりません。番号を確かめてください。")})
    if ref.kind == SourceKind.SURVEY_GROUP:
        errors = {}
        if ref.id is None:
            errors["source_id"] = _("アンケートの番号を入力してください。")
        if not ref.label:
            errors["source_label"] = _("自由記述グループの名称を入力してください。")
        if errors:
            raise ValidationError(errors)
        survey = _model("surveys.Survey")
        if survey is not None and not survey.objects.filter(pk=ref.id).exists():
            raise missing
        return ref
    if ref.kind == SourceKind.BLOCKER_CATEGORY:
        if ref.id is None and not ref.key:
            raise ValidationError(
                {"source_key": _("困りごとの分類コードか、困りごとの番号を入力してください。")}
            )
        if ref.id is not None:
            blocker = _model("dailyreports.Blocker")
            if blocker is None or not blocker.objects.filter(pk=ref.id).exists():
                raise missing
        label = ref.label or (_("困りごと #%(id)s") % {"id": ref.id} if ref.id else ref.key)
        return SourceRef(ref.kind, ref.id, ref.key, label)
    if ref.id is None:
        raise ValidationError({"source_id": _("参照先の番号を入力してください。")})
    if ref.kind == SourceKind.FINDING:
        finding_model = _model("inspections.Finding")
        finding = (
            finding_model.objects.filter(pk=ref.id).select_related("item", "round").first()
            if finding_model is not None
            else None
        )
        if finding is None:
            raise missing
        label = f"{finding.round.title}：{finding.item.code} {finding.item.text}"[:200]
        return SourceRef(ref.kind, ref.id, "", label)
    if ref.kind == SourceKind.INCIDENT:
        incident_model = _model("incidents.Incident")
        incident = (
            incident_model.objects.filter(pk=ref.id).first() if incident_model is not None else None
        )
        if incident is None:
            raise missing
        label = _("%(category)s（%(month)s 報告）") % {
            "category": incident.get_category_display(),
            "month": incident.reported_at.strftime("%Y-%m"),
        }
        return SourceRef(ref.kind, ref.id, "", label)
    raise ValidationError({"source_kind": _("把握のきっかけを選んでください。")})


def describe(kind: str, id: int | None, key: str, label: str) -> str:
    """How the reference reads in the register, e.g. "自己点検の指摘事項 #12：…"."""
    if kind == SourceKind.FREE:
        return str(SourceKind.FREE.label)
    name = str(SourceKind(kind).label)
    number = f" #{id}" if id is not None and kind != SourceKind.BLOCKER_CATEGORY else ""
    return f"{name}{number}：{label}" if label else f"{name}{number}"


def _reverse(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def url_for(kind: str, id: int | None, key: str, user: Any) -> str:
    """The page behind the reference if ``user`` may open it, else "" (no query)."""
    can = getattr(user, "can", None)
    if can is None:
        return ""
    if kind == SourceKind.SURVEY_GROUP and id is not None and can(Capability.VIEW_SURVEY_RESULTS):
        return _reverse("surveys:results", id)
    if kind == SourceKind.BLOCKER_CATEGORY and can(Capability.VIEW_REPORTS):
        url = _reverse("dailyreports:blockers")
        return f"{url}?resolved=1" if url else ""
    if kind == SourceKind.FINDING and id is not None and can(Capability.VIEW_INSPECTIONS):
        return _reverse("inspections:finding_detail", id)
    if kind == SourceKind.INCIDENT and id is not None:
        if can(Capability.TRIAGE_INCIDENTS):
            return _reverse("incidents:triage_detail", id)
        if can(Capability.VIEW_INCIDENT_STATS):
            return _reverse("incidents:stats")
    return ""
