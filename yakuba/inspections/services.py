"""Self-inspection writes: each in one transaction, each in the audit trail.

Services check who may act (a view's capability decorator is not the only guard) and
raise ``PermissionDenied`` or ``ValidationError`` with a Japanese message; nothing of a
refused write is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.accounts.roles import Capability, Role
from yakuba.audit.models import AuditAction
from yakuba.audit.services import Entry, record, record_many, save_audited
from yakuba.core import duties
from yakuba.inspections import evidence as evidence_rules
from yakuba.inspections import selectors
from yakuba.inspections.models import (
    UNRESOLVED_FINDINGS,
    Answer,
    AnswerValue,
    Checklist,
    ChecklistItem,
    ChecklistRole,
    ChecklistSection,
    Finding,
    FindingStatus,
    Round,
    RoundStatus,
    SectionTally,
    Sheet,
    SheetStatus,
)
from yakuba.inspections.starter import STARTERS
from yakuba.org.models import Staff, Unit
from yakuba.rosters.audience import Audience, resolve

ROUND_FIELDS = (
    "title",
    "period_label",
    "opens_on",
    "due_on",
    "review_due_on",
    "partial_is_finding",
    "finding_days",
    "audience",
    "previous",
)


def _require(actor: Any, capability: str) -> None:
    if actor is not None and not actor.can(capability):
        raise PermissionDenied(f"missing capability {capability}")


def in_use(checklist: Checklist) -> bool:
    return Round.objects.filter(checklists=checklist).exclude(status=RoundStatus.DRAFT).exists()


def _editable_checklist(checklist: Checklist) -> None:
    if in_use(checklist):
        raise ValidationError(
            _(
                "このチェックリストは実施した自己点検で使われているため変更できません。"
                "複製して新しいチェックリストを編集してください。"
            )
        )


# --- checklists ------------------------------------------------------------------------


def install_starter_checklists(actor: Any) -> int:
    """Create the shipped checklists whose code is not there yet (never overwrites)."""
    _require(actor, Capability.MANAGE_INSPECTIONS)
    made = 0
    with transaction.atomic():
        existing = set(Checklist.objects.values_list("code", flat=True))
        for starter in STARTERS:
            if starter.code in existing:
                continue
            checklist = Checklist.objects.create(
                code=starter.code,
                title=starter.title,
                role=starter.role,
                description=starter.description,
            )
            order = 0
            for s_order, section in enumerate(starter.sections, start=1):
                saved = ChecklistSection.objects.create(
                    checklist=checklist, code=section.code, title=section.title, order=s_order
                )
                for item in section.items:
                    order += 1
                    ChecklistItem.objects.create(
                        checklist=checklist,
                        section=saved,
                        code=item.code,
                        text=item.text,
                        guidance=item.guidance,
                        basis=item.basis,
                        order=order,
                    )
            record(
                AuditAction.CREATE,
                actor=actor,
                obj=checklist,
                changes={"starter": starter.code, "items": order},
            )
            made += 1
    return made


def save_checklist(actor: Any, checklist: Checklist | None, values: Mapping[str, Any]) -> Checklist:
    _require(actor, Capability.MANAGE_INSPECTIONS)
    with transaction.atomic():
        if checklist is not None and "role" in values and values["role"] != checklist.role:
            _editable_checklist(checklist)
        return save_audited(
            actor=actor,
            obj=checklist or Checklist(),
            creating=checklist is None,
            fields=("code", "title", "role", "description", "active"),
            values=values,
        )


def save_section(
    actor: Any, checklist: Checklist, section: ChecklistSection | None, values: Mapping[str, Any]
) -> ChecklistSection:
    _require(actor, Capability.MANAGE_INSPECTIONS)
    with transaction.atomic():
        _editable_checklist(checklist)
        same_code = ChecklistSection.objects.filter(checklist=checklist, code=values["code"])
        if section is not None:
            same_code = same_code.exclude(pk=section.pk)
        if same_code.exists():
            raise ValidationError(_("この区分コードは既に使われています。"))
        return save_audited(
            actor=actor,
            obj=section or ChecklistSection(checklist=checklist),
            creating=section is None,
            fields=("code", "title", "order"),
            values=values,
        )


ITEM_FIELDS = ("section", "code", "text", "guidance", "basis", "order")


def save_item(
    actor: Any, checklist: Checklist, item: ChecklistItem | None, values: Mapping[str, Any]
) -> ChecklistItem:
    _require(actor, Capability.MANAGE_INSPECTIONS)
    with transaction.atomic():
        _editable_checklist(checklist)
        if values["section"].checklist_id != checklist.pk:
            raise ValidationError(_("区分はこのチェックリストのものを選んでください。"))
        same_item = ChecklistItem.objects.filter(checklist=checklist, code=values["code"])
        if item is not None:
            same_item = same_item.exclude(pk=item.pk)
        if same_item.exists():
            raise ValidationError(_("この項目コードは既に使われています。"))
        return save_audited(
            actor=actor,
            obj=item or ChecklistItem(checklist=checklist),
            creating=item is None,
            fields=ITEM_FIELDS,
            values=values,
        )


def delete_item(actor: Any, item: ChecklistItem) -> None:
    _require(actor, Capability.MANAGE_INSPECTIONS)
    with transaction.atomic():
        _editable_checklist(item.checklist)
        record(AuditAction.DELETE, actor=actor, obj=item, changes={"text": item.text})
        item.delete()


def copy_checklist(actor: Any, checklist: Checklist, code: str, title: str) -> Checklist:
    """A new, editable checklist with the same sections and items."""
    _require(actor, Capability.MANAGE_INSPECTIONS)
    with transaction.atomic():
        if Checklist.objects.filter(code=code).exists():
            raise ValidationError(_("このコードのチェックリストは既にあります。"))
        copy = save_audited(
            actor=actor,
            obj=Checklist(),
            creating=True,
            fields=("code", "title", "role", "description", "active"),
            values={
                "code": code,
                "title": title,
                "role": checklist.role,
                "description": checklist.description,
                "active": True,
            },
        )
        sections = {}
        for section in checklist.sections.all():
            sections[section.pk] = ChecklistSection.objects.create(
                checklist=copy, code=section.code, title=section.title, order=section.order
            )
        ChecklistItem.objects.bulk_create(
            ChecklistItem(
                checklist=copy,
                section=sections[i.section_id],
                code=i.code,
                text=i.text,
                guidance=i.guidance,
                basis=i.basis,
                order=i.order,
            )
            for i in checklist.items.all()
        )
        record(AuditAction.UPDATE, actor=actor, obj=copy, changes={"copied_from": checklist.code})
    return copy


# --- rounds ----------------------------------------------------------------------------


def _check_round_checklists(checklists: Iterable[Checklist]) -> list[Checklist]:
    chosen = list(checklists)
    roles = [c.role for c in chosen]
    if not chosen:
        raise ValidationError(_("チェックリストを1つ以上選んでください。"))
    if len(set(roles)) != len(roles):
        raise ValidationError(_("チェックリストは役割ごとに1つだけ選んでください。"))
    if ChecklistRole.STAFF not in roles:
        raise ValidationError(_("職員向けのチェックリストを選んでください（全員が回答します）。"))
    return chosen


def save_round(
    actor: Any, round_: Round | None, values: Mapping[str, Any], checklists: Iterable[Checklist]
) -> Round:
    _require(actor, Capability.MANAGE_INSPECTIONS)
    chosen = _check_round_checklists(checklists)
    if values["due_on"] < values["opens_on"]:
        raise ValidationError(_("回答期限は開始日以降にしてください。"))
    with transaction.atomic():
        if round_ is not None:
            round_ = Round.objects.select_for_update().get(pk=round_.pk)
            if round_.status != RoundStatus.DRAFT:
                raise ValidationError(_("開始した自己点検の設定は変更できません。"))
        saved: Round = save_audited(
            actor=actor,
            obj=round_ or Round(created_by=actor),
            creating=round_ is None,
            fields=ROUND_FIELDS,
            values=values,
            m2m={"checklists": chosen},
        )
    return saved


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def next_round_values(previous: Round) -> dict[str, Any]:
    """What a new round made from `previous` starts with: six months later, same people
    rule, same checklists and settings (the periodic, half-yearly round)."""
    return {
        "title": _("%(title)s（次回）") % {"title": previous.title},
        "period_label": "",
        "opens_on": _add_months(previous.opens_on, 6),
        "due_on": _add_months(previous.due_on, 6),
        "review_due_on": _add_months(previous.review_due_on, 6) if previous.review_due_on else None,
        "partial_is_finding": previous.partial_is_finding,
        "finding_days": previous.finding_days,
        "audience": dict(previous.audience),
        "previous": previous,
    }


def checklist_role_of(user_role: str | None) -> str:
    if user_role == Role.UNIT_HEAD:
        return ChecklistRole.UNIT_HEAD
    if user_role == Role.SYSADMIN:
        return ChecklistRole.SYSADMIN
    return ChecklistRole.STAFF


@dataclass(frozen=True)
class Launched:
    sheets: int
    carried_over: int


def launch_round(actor: Any, round_: Round, *, notify_people: bool = True) -> Launched:
    """Fix the people (the audience resolved now), give each a sheet with the checklist of
    their role and link every finding of theirs still open to its item in the new sheet."""
    _require(actor, Capability.MANAGE_INSPECTIONS)
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        if locked.status != RoundStatus.DRAFT:
            raise ValidationError(_("この自己点検は既に開始しています。"))
        by_role = {c.role: c for c in locked.checklists.all()}
        _check_round_checklists(by_role.values())
        # Everyone serving, with or without an account yet: a directory office makes the
        # account at the first sign-in, and the sheet is waiting then.
        people = list(
            resolve(Audience.from_json(locked.audience))
            .select_related("user")
            .order_by("staff_number")
        )
        if not people:
            raise ValidationError(_("対象者がいません。対象者の条件を見直してください。"))
        sheets = Sheet.objects.bulk_create(
            Sheet(
                round=locked,
                staff=person,
                unit_id=person.unit_id,
                checklist=by_role.get(
                    checklist_role_of(person.user.role if person.user is not None else None)
                )
                or by_role[ChecklistRole.STAFF],
            )
            for person in people
        )
        items_of: dict[int, list[ChecklistItem]] = {}
        for item in ChecklistItem.objects.filter(checklist__in=list(by_role.values())):
            items_of.setdefault(item.checklist_id, []).append(item)
        carried = _unresolved_by_person_and_item([p.pk for p in people])
        answers = []
        linked = 0
        for sheet in sheets:
            for item in items_of.get(sheet.checklist_id, []):
                previous = carried.get((sheet.staff_id, item.code))
                linked += previous is not None
                answers.append(Answer(sheet=sheet, item=item, previous_finding=previous))
        Answer.objects.bulk_create(answers, batch_size=1000)
        locked.status = RoundStatus.OPEN
        locked.launched_at = timezone.now()
        locked.save(update_fields=["status", "launched_at"])
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=locked,
            changes={"status": ["draft", "open"], "sheets": len(sheets), "carried_over": linked},
        )
        if notify_people:
            from yakuba.inspections.notices import tell_round_launched

            tell_round_launched(
                locked, [p.user for p in people if p.user is not None and p.user.is_active]
            )
    return Launched(len(sheets), linked)


def _unresolved_by_person_and_item(staff_ids: list[int]) -> dict[tuple[int, str], Finding]:
    """(person, item code) → their latest finding not yet verified."""
    found: dict[tuple[int, str], Finding] = {}
    rows = (
        Finding.objects.filter(
            status__in=UNRESOLVED_FINDINGS, answer__sheet__staff_id__in=staff_ids
        )
        .select_related("item", "answer__sheet")
        .order_by("created_at", "pk")
    )
    for finding in rows:
        found[(finding.answer.sheet.staff_id, finding.item.code)] = finding
    return found


def close_round(actor: Any, round_: Round) -> Round:
    _require(actor, Capability.MANAGE_INSPECTIONS)
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        if locked.status != RoundStatus.OPEN:
            raise ValidationError(_("実施中の自己点検だけを終了できます。"))
        locked.status = RoundStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "closed_at"])
        record(AuditAction.UPDATE, actor=actor, obj=locked, changes={"status": ["open", "closed"]})
    return locked


# --- answering -------------------------------------------------------------------------


@dataclass
class AnswerInput:
    value: str
    comment: str
    upload: Any = None
    remove_evidence: bool = False


def _recount(sheet: Sheet) -> None:
    """Rewrite the sheet's per-section tallies from its answers (one grouped read)."""
    SectionTally.objects.filter(sheet=sheet).delete()
    rows = (
        Answer.objects.filter(sheet=sheet)
        .values("item__section_id")
        .annotate(
            done=Count("pk", filter=Q(value=AnswerValue.DONE)),
            partial=Count("pk", filter=Q(value=AnswerValue.PARTIAL)),
            not_done=Count("pk", filter=Q(value=AnswerValue.NOT_DONE)),
            na=Count("pk", filter=Q(value=AnswerValue.NA)),
        )
    )
    SectionTally.objects.bulk_create(
        SectionTally(
            sheet=sheet,
            section_id=r["item__section_id"],
            done=r["done"],
            partial=r["partial"],
            not_done=r["not_done"],
            na=r["na"],
        )
        for r in rows
    )


@dataclass(frozen=True)
class Saved:
    sheet: Sheet
    submitted: bool
    missing: list[str]


def save_answers(
    actor: Any, sheet: Sheet, inputs: Mapping[int, AnswerInput], *, submit: bool
) -> Saved:
    """Store the person's answers (item id → input) and, with `submit`, hand the sheet to
    the unit head. Only the person themself, while the round is open and the sheet is not
    with the reviewer. Submitting needs an answer on every item: without, the answers are
    kept as a draft and `Saved.missing` names the items left. A bad answer or evidence
    file refuses the whole save."""
    stored_files: list[str] = []
    removed_files: list[str] = []
    try:
        with transaction.atomic():
            locked = Sheet.objects.select_for_update().select_related("round").get(pk=sheet.pk)
            if getattr(actor, "staff", None) is None or locked.staff_id != actor.staff.pk:
                raise PermissionDenied("only the person answers their sheet")
            if not locked.editable:
                raise ValidationError(
                    _("この回答票は今は変更できません（提出済みか、点検が終了しています）。")
                )
            answers = {a.item_id: a for a in locked.answers.select_related("item")}
            problems = []
            for item_id, given in inputs.items():
                answer = answers.get(item_id)
                if answer is None:
                    continue
                if given.value and given.value not in AnswerValue.values:
                    problems.append(
                        _("%(code)s：回答を選び直してください。") % {"code": answer.item.code}
                    )
                    continue
                answer.value = given.value
                answer.comment = given.comment
                if given.remove_evidence and answer.evidence:
                    removed_files.append(str(answer.evidence.name))
                    answer.evidence = ""
                    answer.evidence_name, answer.evidence_type, answer.evidence_size = "", "", 0
                if given.upload is not None:
                    try:
                        content_type = evidence_rules.check_upload(given.upload)
                    except ValidationError as exc:
                        problems.append(f"{answer.item.code}：{exc.messages[0]}")
                        continue
                    if answer.evidence:
                        removed_files.append(str(answer.evidence.name))
                    answer.evidence.save(given.upload.name, given.upload, save=False)
                    stored_files.append(str(answer.evidence.name))
                    answer.evidence_name = (given.upload.name or "evidence")[-200:]
                    answer.evidence_type = content_type
                    answer.evidence_size = given.upload.size
                answer.full_clean(exclude=["sheet", "item", "previous_finding", "evidence"])
                answer.save()
            # A submit with items left unanswered keeps what was given as a draft (and
            # the evidence with it); the caller says which items are missing.
            missing = sorted(a.item.code for a in answers.values() if not a.value)
            submit = submit and not missing
            if problems:
                raise ValidationError(problems)
            before = locked.status
            if submit:
                locked.status = SheetStatus.SUBMITTED
            elif locked.status == SheetStatus.NOT_STARTED:
                locked.status = SheetStatus.DRAFT
            if submit:
                locked.submitted_at = timezone.now()
            locked.save(update_fields=["status", "submitted_at"])
            _recount(locked)
            record(
                AuditAction.UPDATE,
                actor=actor,
                obj=locked,
                changes={
                    "status": [before, locked.status],
                    "answers": {
                        answers[i].item.code: v.value for i, v in inputs.items() if i in answers
                    },
                    "evidence_added": len(stored_files),
                },
            )
            if submit:
                from yakuba.inspections.notices import tell_sheet_submitted

                tell_sheet_submitted(locked)
    except Exception:
        _delete_files(stored_files)
        raise
    transaction.on_commit(lambda: _delete_files(removed_files))
    return Saved(locked, submit, missing)


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        if name:
            default_storage.delete(name)


# --- review and findings ---------------------------------------------------------------


def _default_owner(unit: Unit, reviewer: Any) -> Staff | None:
    from yakuba.notifications.selectors import unit_heads

    heads = unit_heads(unit)
    if heads:
        return heads[0].staff
    return getattr(reviewer, "staff", None)


def review_sheet(actor: Any, sheet: Sheet, *, confirm: bool, comment: str) -> Sheet:
    """Confirm the sheet (its 「していない」 — and 「一部」 if the round says so — become
    findings) or send it back with a comment."""
    with transaction.atomic():
        locked = (
            Sheet.objects.select_for_update(of=("self",))
            .select_related("round", "unit", "staff__user", "staff__unit")
            .get(pk=sheet.pk)
        )
        if not selectors.reviewable_sheets(actor).filter(pk=locked.pk).exists():
            raise PermissionDenied("sheet outside the reviewer's scope")
        # Separation of duties (core.duties): nobody confirms their own sheet, and a unit
        # head's sheet is confirmed from above — the next unit up, or infosec, who runs
        # the check system office-wide (a fellow head of the same unit may not).
        subject_is_head = getattr(locked.staff.user, "role", None) == Role.UNIT_HEAD
        if duties.concerns(actor, locked.staff) or (
            subject_is_head
            and not selectors.can_manage(actor)
            and not duties.is_above(actor, locked.staff)
        ):
            raise ValidationError(
                _(
                    "自分や同じ所属の所属長の回答票は確認できません。"
                    "上位の所属長か情報セキュリティ管理者が確認します。"
                )
            )
        if locked.status != SheetStatus.SUBMITTED:
            raise ValidationError(_("提出済みの回答票だけを確認・差し戻しできます。"))
        if not confirm and not comment.strip():
            raise ValidationError(_("差し戻すときは、理由をコメントに書いてください。"))
        locked.status = SheetStatus.CONFIRMED if confirm else SheetStatus.RETURNED
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        locked.review_comment = comment
        locked.full_clean(exclude=["round", "staff", "unit", "checklist"])
        locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
        made = _make_findings(actor, locked) if confirm else 0
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=locked,
            changes={"status": ["submitted", locked.status], "findings": made, "comment": comment},
        )
        from yakuba.inspections.notices import tell_sheet_reviewed

        tell_sheet_reviewed(locked)
    return locked


def _make_findings(actor: Any, sheet: Sheet) -> int:
    kinds = [AnswerValue.NOT_DONE]
    if sheet.round.partial_is_finding:
        kinds.append(AnswerValue.PARTIAL)
    answers = list(
        sheet.answers.filter(value__in=kinds, finding__isnull=True).select_related("item")
    )
    if not answers:
        return 0
    owner = _default_owner(sheet.unit, actor)
    due = timezone.localdate() + dt.timedelta(days=sheet.round.finding_days)
    made = Finding.objects.bulk_create(
        Finding(
            answer=a,
            round=sheet.round,
            unit=sheet.unit,
            item=a.item,
            owner=owner,
            corrective_action=a.comment,
            due_on=due,
            previous=a.previous_finding,
        )
        for a in answers
    )
    record_many(
        (
            Entry(
                AuditAction.CREATE,
                "inspections.finding",
                str(f.pk),
                str(f)[:200],
                {
                    "item": f.item.code,
                    "owner": str(owner) if owner else None,
                    "due_on": due.isoformat(),
                },
            )
            for f in made
        ),
        actor=actor,
    )
    return len(made)


# Who may move a finding where: the owner and reviewers in scope work on it; only infosec
# verifies it (the check that it really was fixed) or reopens it.
WORK_STEPS = {
    FindingStatus.OPEN: {FindingStatus.IN_PROGRESS, FindingStatus.DONE},
    FindingStatus.IN_PROGRESS: {FindingStatus.OPEN, FindingStatus.DONE},
    FindingStatus.DONE: {FindingStatus.IN_PROGRESS},
    FindingStatus.VERIFIED: set(),
}
VERIFY_STEPS = {
    FindingStatus.DONE: {FindingStatus.VERIFIED, FindingStatus.IN_PROGRESS},
    FindingStatus.VERIFIED: {FindingStatus.IN_PROGRESS},
}


def can_work_on(user: Any, finding: Finding) -> bool:
    staff = getattr(user, "staff", None)
    if staff is not None and finding.owner_id == staff.pk:
        return True
    return selectors.can_manage(user) or (
        selectors.can(user, Capability.REVIEW_INSPECTIONS)
        and selectors.reviewable_sheets(user).filter(pk=finding.answer.sheet_id).exists()
    )


def allowed_statuses(user: Any, finding: Finding) -> set[str]:
    allowed: set[str] = set()
    if can_work_on(user, finding):
        allowed |= WORK_STEPS[FindingStatus(finding.status)]
    if selectors.can_manage(user):
        allowed |= VERIFY_STEPS.get(FindingStatus(finding.status), set())
    return allowed


def update_finding(actor: Any, finding: Finding, values: Mapping[str, Any]) -> Finding:
    """Change status, corrective action, progress note, and (reviewers, infosec) owner and
    due date. Status moves only along the allowed steps for this person."""
    with transaction.atomic():
        locked = Finding.objects.select_for_update().select_related("answer").get(pk=finding.pk)
        if not can_work_on(actor, locked) and not selectors.can_manage(actor):
            raise PermissionDenied("not the finding's owner, reviewer or infosec")
        changes: dict[str, Any] = {}
        status = values.get("status") or locked.status
        if status != locked.status:
            if status not in allowed_statuses(actor, locked):
                raise ValidationError(
                    _("「%(from)s」から「%(to)s」には変更できません。")
                    % {
                        "from": FindingStatus(locked.status).label,
                        "to": FindingStatus(status).label,
                    }
                )
            if status == FindingStatus.DONE and not (
                values.get("progress_note") or locked.progress_note
            ):
                raise ValidationError(_("対応済みにするときは、行った対応を記録してください。"))
            changes["status"] = [locked.status, status]
            locked.status = status
            now = timezone.now()
            if status == FindingStatus.DONE:
                locked.done_at = now
            if status == FindingStatus.VERIFIED:
                locked.verified_at, locked.verified_by = now, actor
            else:
                locked.verified_at, locked.verified_by = None, None
        for key in ("corrective_action", "progress_note"):
            if key in values and values[key] != getattr(locked, key):
                changes[key] = [getattr(locked, key), values[key]]
                setattr(locked, key, values[key])
        manager = selectors.can_manage(actor) or (
            selectors.can(actor, Capability.REVIEW_INSPECTIONS) and can_work_on(actor, locked)
        )
        for key in ("owner", "due_on"):
            if key in values and values[key] is not None and values[key] != getattr(locked, key):
                if not manager:
                    raise PermissionDenied("only reviewers and infosec reassign findings")
                changes[key] = [str(getattr(locked, key)), str(values[key])]
                setattr(locked, key, values[key])
        if not changes:
            return locked
        locked.full_clean(exclude=["answer", "round", "unit", "item", "previous"])
        locked.save()
        record(AuditAction.UPDATE, actor=actor, obj=locked, changes=changes)
    return locked
