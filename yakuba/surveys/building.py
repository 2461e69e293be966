"""Writes of the builders (HR, the planning unit): surveys, sections, questions, choices,
copying a template, launching and closing.

Every write runs in one transaction and lands in the audit trail. While a survey is a
draft everything may change. **Once it is open, answers depend on its questions**: only
wording may still be corrected (titles, descriptions, question text and help, the labels
of choices), never what an answer means — no question or choice added, removed or
reordered, no change of kind, required, range or condition (`LOCKED`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.accounts.models import User
from yakuba.accounts.roles import Capability
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record, save_audited
from yakuba.notifications.services import EMAIL, IN_APP, notify
from yakuba.rosters.audience import Audience, describe, resolve, telework_days
from yakuba.surveys.models import (
    CHOICE_KINDS,
    Choice,
    Invitation,
    Question,
    QuestionKind,
    Section,
    Survey,
    SurveyStatus,
)

SURVEY_FIELDS = (
    "title",
    "description",
    "anonymous",
    "opens_at",
    "closes_at",
    "period_start",
    "period_end",
)
# What may still change once the survey is open.
OPEN_SURVEY_FIELDS = ("title", "description", "closes_at")
SECTION_FIELDS = ("title", "description")
QUESTION_FIELDS = (
    "section",
    "kind",
    "text",
    "help_text",
    "required",
    "scale_labels",
    "min_value",
    "max_value",
    "integer_only",
    "unit_label",
    "max_choices",
    "show_if_choice",
    "show_if_telework_days_min",
    "show_if_telework_days_max",
)
WORDING_FIELDS = ("text", "help_text")
MAX_CHOICES = 50


def locked_message() -> str:
    return _(
        "回答の受付を始めたアンケートは、回答の意味が変わる変更（質問・選択肢の追加・削除・"
        "並べ替え、種類・必須・範囲・表示条件の変更）ができません。誤字などの文言の修正だけが"
        "できます。"
    )


def _require_manage(actor: User | None) -> None:
    if actor is not None and not actor.can(Capability.MANAGE_SURVEYS):
        raise PermissionDenied(f"missing capability {Capability.MANAGE_SURVEYS}")


def _locked(survey: Survey) -> Survey:
    return Survey.objects.select_for_update().get(pk=survey.pk)


def _require_draft(survey: Survey) -> None:
    if survey.is_template:
        return
    if survey.status != SurveyStatus.DRAFT:
        raise ValidationError(locked_message())


# --- surveys ---------------------------------------------------------------------------


def save_survey(
    *,
    actor: User | None,
    survey: Survey | None,
    values: Mapping[str, Any],
    audience: Audience | None,
) -> Survey:
    """Create or edit a survey's settings (and, while a draft, its audience)."""
    _require_manage(actor)
    creating = survey is None
    with transaction.atomic():
        if survey is not None:
            survey = _locked(survey)
            if survey.status == SurveyStatus.CLOSED:
                raise ValidationError(_("終了したアンケートは変更できません。"))
        obj = survey or Survey(
            created_by=actor,
            owner_role=actor.role if actor is not None else "planning",
            owner_unit=getattr(getattr(actor, "staff", None), "unit", None),
        )
        fields = (
            SURVEY_FIELDS if creating or obj.status == SurveyStatus.DRAFT else OPEN_SURVEY_FIELDS
        )
        changed = {k: v for k, v in values.items() if k in fields}
        if not creating and obj.status == SurveyStatus.OPEN:
            refused = [
                k for k, v in values.items() if k not in fields and getattr(obj, k, None) != v
            ]
            if refused:
                raise ValidationError(_("回答受付中は、名称・説明・締切のほかは変更できません。"))
            closes = changed.get("closes_at")
            if closes is not None and closes <= timezone.now():
                raise ValidationError(_("締切は現在より後にしてください。"))
        audit_fields: tuple[str, ...] = fields
        if audience is not None and obj.status == SurveyStatus.DRAFT:
            changed["audience"] = audience.to_json()
            changed["audience_text"] = describe(audience)
            audit_fields = (*fields, "audience")
        saved: Survey = save_audited(
            actor=actor, obj=obj, creating=creating, fields=audit_fields, values=changed
        )
    return saved


def copy_survey(*, actor: User | None, source: Survey, title: str = "") -> Survey:
    """A new draft with the source's settings, sections, questions, choices and conditions."""
    _require_manage(actor)
    with transaction.atomic():
        copy = Survey.objects.create(
            title=(title or source.title)[:200],
            description=source.description,
            anonymous=source.anonymous,
            audience=source.audience if not source.is_template else {},
            audience_text=source.audience_text if not source.is_template else "",
            owner_role=actor.role if actor is not None else source.owner_role,
            owner_unit=getattr(getattr(actor, "staff", None), "unit", None),
            source=source,
            created_by=actor,
        )
        sections = {
            s.pk: Section.objects.create(
                survey=copy, order=s.order, title=s.title, description=s.description
            )
            for s in Section.objects.filter(survey=source).order_by("order", "pk")
        }
        new_choice: dict[int, Choice] = {}
        originals = Question.objects.filter(survey=source).order_by("section__order", "order")
        conditions: list[tuple[Question, int]] = []
        for q in originals:
            clone = Question.objects.create(
                survey=copy,
                section=sections[q.section_id],
                **{
                    f: getattr(q, f)
                    for f in QUESTION_FIELDS
                    if f not in ("section", "show_if_choice")
                },
                order=q.order,
            )
            if q.show_if_choice_id is not None:
                conditions.append((clone, q.show_if_choice_id))
            for c in q.choices.order_by("order", "pk"):
                new_choice[c.pk] = Choice.objects.create(
                    question=clone, order=c.order, label=c.label, is_other=c.is_other
                )
        for clone, old_choice in conditions:
            clone.show_if_choice = new_choice.get(old_choice)
            clone.save(update_fields=["show_if_choice"])
        record(
            AuditAction.CREATE,
            actor=actor,
            obj=copy,
            changes={"copied_from": [None, f"{source.pk} {source.title}"]},
        )
    return copy


def create_from_template(*, actor: User | None, now: dt.datetime | None = None) -> Survey:
    """A draft copied from the shipped 「テレワーク実施状況調査」, set up for last month:
    its period, the audience 「先月在宅勤務した人」 and an end two weeks from now."""
    from yakuba.rosters.audience import previous_month
    from yakuba.surveys.defaults import ensure_default_template

    _require_manage(actor)
    now = now or timezone.now()
    start, end = previous_month(timezone.localdate(now))
    with transaction.atomic():
        copy = copy_survey(actor=actor, source=ensure_default_template())
        return save_survey(
            actor=actor,
            survey=copy,
            values={
                "period_start": start,
                "period_end": end,
                "closes_at": now.replace(second=0, microsecond=0) + dt.timedelta(days=14),
            },
            audience=Audience(teleworked_from=start, teleworked_to=end),
        )


def delete_survey(*, actor: User | None, survey: Survey) -> None:
    _require_manage(actor)
    with transaction.atomic():
        survey = _locked(survey)
        if survey.status != SurveyStatus.DRAFT or (survey.is_template and survey.template_key):
            raise ValidationError(_("削除できるのは作成中のアンケートだけです。"))
        record(AuditAction.DELETE, actor=actor, obj=survey)
        Question.objects.filter(survey=survey).update(show_if_choice=None)
        survey.delete()


# --- sections --------------------------------------------------------------------------


def save_section(
    *, actor: User | None, survey: Survey, section: Section | None, values: Mapping[str, Any]
) -> Section:
    _require_manage(actor)
    with transaction.atomic():
        survey = _locked(survey)
        if section is None:
            _require_draft(survey)
            last = Section.objects.filter(survey=survey).aggregate(m=Max("order"))["m"] or 0
            obj = Section(survey=survey, order=last + 1)
        else:
            if survey.status == SurveyStatus.CLOSED:
                raise ValidationError(_("終了したアンケートは変更できません。"))
            obj = section
        saved: Section = save_audited(
            actor=actor,
            obj=obj,
            creating=section is None,
            fields=SECTION_FIELDS,
            values={k: values[k] for k in SECTION_FIELDS if k in values},
        )
    return saved


def delete_section(*, actor: User | None, section: Section) -> None:
    _require_manage(actor)
    with transaction.atomic():
        _require_draft(_locked(section.survey))
        if Question.objects.filter(show_if_choice__question__section=section).exclude(
            section=section
        ):
            raise ValidationError(
                _("このセクションの選択肢を表示条件にしている質問があるため、削除できません。")
            )
        record(AuditAction.DELETE, actor=actor, obj=section)
        Question.objects.filter(section=section).update(show_if_choice=None)
        section.delete()


def _swap(items: Sequence[Any], index: int, delta: int) -> list[Any]:
    target = index + delta
    if not 0 <= target < len(items):
        return []
    a, b = items[index], items[target]
    a.order, b.order = b.order, a.order
    if a.order == b.order:  # legacy equal orders: make them distinct
        b.order = a.order + (1 if delta < 0 else -1)
    return [a, b]


def move_section(*, actor: User | None, section: Section, delta: int) -> None:
    _require_manage(actor)
    with transaction.atomic():
        _require_draft(_locked(section.survey))
        sections = list(Section.objects.filter(survey_id=section.survey_id).order_by("order", "pk"))
        index = next(i for i, s in enumerate(sections) if s.pk == section.pk)
        changed = _swap(sections, index, delta)
        if changed and _breaks_conditions(section.survey_id, moved_sections=changed):
            raise ValidationError(
                _("表示条件は前にある質問の回答しか使えないため、この順には並べ替えられません。")
            )
        for s in changed:
            Section.objects.filter(pk=s.pk).update(order=s.order)
        if changed:
            record(
                AuditAction.UPDATE,
                actor=actor,
                obj=section,
                changes={"order": [f"{s.pk}→{s.order}" for s in changed]},
            )


# --- questions -------------------------------------------------------------------------


def _position(question: Question, section_order: Mapping[int, int]) -> tuple[int, int, int]:
    return (section_order.get(question.section_id, 0), question.order, question.pk or 0)


def _breaks_conditions(
    survey_id: int,
    *,
    moved_sections: Sequence[Section] = (),
    moved_questions: Sequence[Question] = (),
) -> bool:
    """Would a condition then point at a question that is not before its question?"""
    section_order = {
        s.pk: s.order for s in Section.objects.filter(survey_id=survey_id).only("order")
    }
    section_order.update({s.pk: s.order for s in moved_sections})
    questions = {q.pk: q for q in Question.objects.filter(survey_id=survey_id)}
    for moved in moved_questions:
        questions[moved.pk] = moved
    owners = dict(
        Choice.objects.filter(question__survey_id=survey_id).values_list("pk", "question_id")
    )
    for q in questions.values():
        if q.show_if_choice_id is None:
            continue
        target = questions.get(owners.get(q.show_if_choice_id, -1))
        if target is None or _position(target, section_order) >= _position(q, section_order):
            return True
    return False


def _clean_labels(labels: Sequence[str]) -> list[str]:
    cleaned = [label.strip()[:200] for label in labels if label.strip()]
    if len(set(cleaned)) != len(cleaned):
        raise ValidationError(_("同じ選択肢が2回以上あります。"))
    if len(cleaned) > MAX_CHOICES:
        raise ValidationError(_("選択肢は%(n)s個までです。") % {"n": MAX_CHOICES})
    return cleaned


def _check_condition(survey: Survey, question: Question) -> None:
    choice = question.show_if_choice
    if choice is None:
        return
    target = choice.question
    if target.survey_id != survey.pk or target.kind not in CHOICE_KINDS:
        raise ValidationError(_("表示条件には、このアンケートの選択式の質問を選んでください。"))
    section_order = dict(Section.objects.filter(survey=survey).values_list("pk", "order"))
    if question.pk == target.pk or _position(target, section_order) >= _position(
        question, section_order
    ):
        raise ValidationError(_("表示条件には、この質問より前の質問を選んでください。"))


def save_question(
    *,
    actor: User | None,
    survey: Survey,
    question: Question | None,
    values: Mapping[str, Any],
    choice_labels: Sequence[str] = (),
    with_other: bool = False,
) -> Question:
    """Create or edit a question and its choices (kept by label, so their ids and the
    conditions pointing at them survive an edit)."""
    _require_manage(actor)
    creating = question is None
    with transaction.atomic():
        survey = _locked(survey)
        if survey.status == SurveyStatus.CLOSED:
            raise ValidationError(_("終了したアンケートは変更できません。"))
        labels = _clean_labels(choice_labels)
        kind = values.get("kind", question.kind if question else "")
        if survey.status != SurveyStatus.DRAFT and not survey.is_template:
            if question is None:
                raise ValidationError(locked_message())
            # From the database: a bound form has already changed `question` in memory.
            original = Question.objects.get(pk=question.pk)
            _wording_only(original, values, labels, with_other)
            saved: Question = save_audited(
                actor=actor,
                obj=original,
                creating=False,
                fields=WORDING_FIELDS,
                values={k: values[k] for k in WORDING_FIELDS if k in values},
            )
            return saved
        section = values.get("section") or (question.section if question else None)
        if section is None or section.survey_id != survey.pk:
            raise ValidationError(_("セクションを選んでください。"))
        if kind in CHOICE_KINDS and len(labels) + bool(with_other) < 2:
            raise ValidationError(_("選択肢を2つ以上入力してください（1行に1つ）。"))
        obj = question or Question(survey=survey)
        if creating or obj.section_id != section.pk:
            last = Question.objects.filter(section=section).aggregate(m=Max("order"))["m"] or 0
            obj.order = last + 1
        fields = {k: values[k] for k in QUESTION_FIELDS if k in values}
        if kind not in CHOICE_KINDS:
            fields["max_choices"] = None
        if kind != QuestionKind.NUMBER:
            fields.update(min_value=None, max_value=None, unit_label="")
        if kind != QuestionKind.SCALE:
            fields["scale_labels"] = []
        for key, value in fields.items():
            setattr(obj, key, value)
        _check_condition(survey, obj)
        saved = save_audited(
            actor=actor, obj=obj, creating=creating, fields=QUESTION_FIELDS, values=fields
        )
        if _breaks_conditions(survey.pk):
            raise ValidationError(
                _("他の質問がこの質問の回答を表示条件にしているため、この位置には移せません。")
            )
        _replace_choices(
            actor,
            saved,
            labels if kind in CHOICE_KINDS else [],
            with_other and kind in CHOICE_KINDS,
        )
    return saved


def _wording_only(
    question: Question, values: Mapping[str, Any], labels: Sequence[str], with_other: bool
) -> None:
    irrelevant = set()
    if question.kind != QuestionKind.NUMBER:
        irrelevant |= {"min_value", "max_value", "integer_only", "unit_label"}
    if question.kind not in CHOICE_KINDS:
        irrelevant.add("max_choices")
    if question.kind != QuestionKind.SCALE:
        irrelevant.add("scale_labels")
    for key in QUESTION_FIELDS:
        if key in WORDING_FIELDS or key in irrelevant or key not in values:
            continue
        current = getattr(question, key)
        new = values[key]
        if key in ("section", "show_if_choice"):
            current = getattr(question, f"{key}_id")
            new = getattr(new, "pk", new)
        if key == "scale_labels" and not new:
            continue
        if current != new and not (current in (None, "") and new in (None, "")):
            raise ValidationError(locked_message())
    if question.has_choices:
        existing = list(question.choices.order_by("order", "pk"))
        plain = [c.label for c in existing if not c.is_other]
        if list(labels) != plain or with_other != any(c.is_other for c in existing):
            raise ValidationError(locked_message())


def _replace_choices(
    actor: User | None, question: Question, labels: Sequence[str], with_other: bool
) -> None:
    existing = {c.label: c for c in question.choices.filter(is_other=False)}
    other = question.choices.filter(is_other=True).first()
    wanted = list(labels)
    removed = [c for label, c in existing.items() if label not in wanted]
    if other is not None and not with_other:
        removed.append(other)
    if removed and Question.objects.filter(show_if_choice__in=removed).exists():
        raise ValidationError(
            _("表示条件に使われている選択肢は削除できません。先に条件を外してください。")
        )
    for c in removed:
        c.delete()
    for order, label in enumerate(wanted, start=1):
        choice = existing.get(label)
        if choice is None:
            Choice.objects.create(question=question, order=order, label=label)
        elif choice.order != order:
            Choice.objects.filter(pk=choice.pk).update(order=order)
    if with_other:
        last = len(wanted) + 1
        if other is None:
            Choice.objects.create(
                question=question, order=last, label=_("その他（自由記述）"), is_other=True
            )
        elif other.order != last:
            Choice.objects.filter(pk=other.pk).update(order=last)
    before = sorted(existing) + ([other.label] if other else [])
    after = sorted(wanted) + ([_("その他（自由記述）")] if with_other else [])
    if before != after:
        record(AuditAction.UPDATE, actor=actor, obj=question, changes={"choices": [before, after]})


def delete_question(*, actor: User | None, question: Question) -> None:
    _require_manage(actor)
    with transaction.atomic():
        _require_draft(_locked(question.survey))
        if Question.objects.filter(show_if_choice__question=question).exists():
            raise ValidationError(
                _("他の質問がこの質問の回答を表示条件にしているため、削除できません。")
            )
        record(AuditAction.DELETE, actor=actor, obj=question)
        question.delete()


def move_question(*, actor: User | None, question: Question, delta: int) -> None:
    _require_manage(actor)
    with transaction.atomic():
        _require_draft(_locked(question.survey))
        siblings = list(
            Question.objects.filter(section_id=question.section_id).order_by("order", "pk")
        )
        index = next(i for i, q in enumerate(siblings) if q.pk == question.pk)
        changed = _swap(siblings, index, delta)
        if changed and _breaks_conditions(question.survey_id, moved_questions=changed):
            raise ValidationError(
                _("表示条件は前にある質問の回答しか使えないため、この順には並べ替えられません。")
            )
        for q in changed:
            Question.objects.filter(pk=q.pk).update(order=q.order)
        if changed:
            record(
                AuditAction.UPDATE,
                actor=actor,
                obj=question,
                changes={"order": [f"{q.pk}→{q.order}" for q in changed]},
            )


# --- launch and close ------------------------------------------------------------------


def launch_problems(survey: Survey, now: dt.datetime) -> list[str]:
    problems: list[str] = []
    if survey.is_template:
        problems.append(_("ひな形は開始できません。コピーしてから開始してください。"))
    if survey.status != SurveyStatus.DRAFT:
        problems.append(_("このアンケートは既に開始しています。"))
    if survey.closes_at is None:
        problems.append(_("締切日時を設定してください。"))
    elif survey.closes_at <= now:
        problems.append(_("締切日時が過ぎています。締切を見直してください。"))
    questions = list(Question.objects.filter(survey=survey))
    if not questions:
        problems.append(_("質問がありません。"))
    needs_period = any(
        q.show_if_telework_days_min is not None or q.show_if_telework_days_max is not None
        for q in questions
    )
    if needs_period and not (survey.period_start and survey.period_end):
        problems.append(
            _(
                "在宅勤務の日数を表示条件にした質問があります。"
                "対象期間（在宅勤務の日数を数える期間）を設定してください。"
            )
        )
    few = [
        q.text
        for q in Question.objects.filter(survey=survey, kind__in=CHOICE_KINDS).annotate(
            n=Count("choices")
        )
        if q.n < 2
    ]
    for text in few:
        problems.append(_("「%(q)s」の選択肢が2つ未満です。") % {"q": text[:40]})
    return problems


def launch(*, actor: User | None, survey: Survey, now: dt.datetime | None = None) -> int:
    """Fix the people (one invitation each, with their telework days in the survey's
    period), open the survey and tell them. Returns how many were invited."""
    _require_manage(actor)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(survey)
        problems = launch_problems(locked, now)
        if problems:
            raise ValidationError(problems)
        audience = Audience.from_json(locked.audience)
        people = list(resolve(audience).select_related("user"))
        if not people:
            raise ValidationError(_("対象者がいないため、開始できません。対象を見直してください。"))
        days: dict[int, int] = {}
        if locked.period_start and locked.period_end:
            days = telework_days(locked.period_start, locked.period_end)
        Invitation.objects.bulk_create(
            [
                Invitation(
                    survey=locked,
                    staff=s,
                    invited_at=now,
                    telework_days=min(days.get(s.pk, 0), 366),
                )
                for s in people
            ],
            ignore_conflicts=True,
            batch_size=500,
        )
        locked.status = SurveyStatus.OPEN
        locked.launched_at = now
        if locked.opens_at is None or locked.opens_at < now:
            locked.opens_at = now
        locked.audience_text = describe(audience)
        locked.save(
            update_fields=["status", "launched_at", "opens_at", "audience_text", "updated_at"]
        )
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=locked,
            changes={"status": ["draft", "open"], "invited": len(people)},
        )
        users = [s.user for s in people if s.user is not None and s.user.is_active]
        from django.urls import reverse

        notify(
            users,
            subject=_("【アンケート】「%(title)s」へのご回答のお願い（締切 %(due)s）")
            % {
                "title": locked.title,
                "due": timezone.localtime(locked.closes_at).strftime("%Y-%m-%d %H:%M"),
            },
            body=_("「わたしのアンケート」から回答できます。スマートフォンでも回答できます。"),
            url=reverse("surveys:answer", args=[locked.pk]),
            channels=(IN_APP, EMAIL),
            purpose=f"survey:{locked.pk}:launch",
        )
    return len(people)


def close(*, actor: User | None, survey: Survey, now: dt.datetime | None = None) -> Survey:
    """Stop accepting answers now (a submit waiting on the lock is then refused)."""
    _require_manage(actor)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(survey)
        if locked.status != SurveyStatus.OPEN:
            raise ValidationError(_("回答受付中のアンケートではありません。"))
        _close_locked(locked, now)
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=locked,
            changes={"status": ["open", "closed"]},
        )
    return locked


def _close_locked(survey: Survey, now: dt.datetime) -> None:
    survey.status = SurveyStatus.CLOSED
    survey.closed_at = now
    if survey.closes_at is None or survey.closes_at > now:
        survey.closes_at = now
    survey.save(update_fields=["status", "closed_at", "closes_at", "updated_at"])


def close_expired(now: dt.datetime | None = None) -> int:
    """Mark surveys whose end time has passed as closed (the scheduler; answers were
    refused from the end time on anyway)."""
    now = now or timezone.now()
    closed = 0
    for pk in Survey.objects.filter(status=SurveyStatus.OPEN, closes_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            locked = Survey.objects.select_for_update().get(pk=pk)
            if locked.status != SurveyStatus.OPEN:
                continue
            _close_locked(locked, now)
            record(
                AuditAction.UPDATE,
                actor=None,
                obj=locked,
                changes={"status": ["open", "closed"], "reason": "closes_at"},
            )
            closed += 1
    return closed
