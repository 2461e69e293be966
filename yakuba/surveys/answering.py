"""Writes of respondents: keeping a draft and submitting once.

`submit` decides everything inside one transaction, after locking the survey row: the
survey must be accepting answers *at the moment the lock is held* (so a survey closes at
its end time even when many people submit at once, and a submit racing the 「締め切る」
button is refused), the person must be invited and not have answered, and every answer
must validate. Otherwise it raises and nothing is written.

What it writes depends on the survey (see `models`): a named response links to the person
and keeps the day; an anonymous one links to nobody and keeps no time, and the invitation
records only that the person answered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.accounts.models import User
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.org.models import Staff, Unit, UnitKind
from yakuba.surveys import selectors
from yakuba.surveys.models import (
    Answer,
    Draft,
    Invitation,
    Response,
    Survey,
    SurveyStatus,
    telework_band,
)
from yakuba.surveys.validation import Outcome, draft_values, validate


class NotAccepting(Exception):
    """The survey does not accept answers (not yet open, closed, or past its end time)."""

    def __init__(self, survey: Survey, now: dt.datetime) -> None:
        self.survey = survey
        if survey.status == SurveyStatus.OPEN and survey.opens_at and now < survey.opens_at:
            message = _("このアンケートはまだ回答を受け付けていません（%(at)s から）。") % {
                "at": timezone.localtime(survey.opens_at).strftime("%Y-%m-%d %H:%M")
            }
        else:
            message = _(
                "このアンケートは締め切られました（締切 %(at)s）。回答は保存されていません。"
            ) % {
                "at": timezone.localtime(survey.closes_at).strftime("%Y-%m-%d %H:%M")
                if survey.closes_at
                else "-"
            }
        super().__init__(message)
        self.message = message


class AlreadyAnswered(Exception):
    def __init__(self) -> None:
        self.message = _("このアンケートには回答済みです。回答は1回だけです。")
        super().__init__(self.message)


class Invalid(Exception):
    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome
        super().__init__(_("回答に確認が必要な箇所があります。"))


def _staff(actor: User) -> Staff:
    staff = getattr(actor, "staff", None)
    if staff is None:
        raise PermissionDenied("no staff record")
    return staff


def _invitation(survey: Survey, staff: Staff, *, lock: bool) -> Invitation:
    rows = Invitation.objects.filter(survey=survey, staff=staff)
    invitation = (rows.select_for_update() if lock else rows).first()
    if invitation is None:
        raise Http404
    return invitation


def _check_accepting(survey: Survey, now: dt.datetime) -> None:
    if not selectors.accepting(survey, now):
        raise NotAccepting(survey, now)


def save_draft(
    *, actor: User, survey: Survey, raw: Mapping[str, Any], now: dt.datetime | None = None
) -> Draft:
    """Keep the person's unfinished answers (merged over what was kept before)."""
    staff = _staff(actor)
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        _check_accepting(locked, now or timezone.now())
        invitation = _invitation(locked, staff, lock=False)
        if invitation.answered:
            raise AlreadyAnswered
        structure = selectors.structure(locked)
        posted = draft_values(structure.questions, raw)
        draft = Draft.objects.select_for_update().filter(survey=locked, staff=staff).first()
        creating = draft is None
        draft = draft or Draft(survey=locked, staff=staff)
        merged = dict(draft.answers or {})
        # A posted page replaces the fields of its own questions (an unticked box too).
        for name in _page_fields(raw):
            merged.pop(name, None)
        merged.update(posted)
        draft.answers = merged
        draft.save()
        record(
            AuditAction.CREATE if creating else AuditAction.UPDATE,
            actor=actor,
            obj=draft,
            changes={"fields": len(merged)},
        )
    return draft


def _page_fields(raw: Mapping[str, Any]) -> list[str]:
    """The fields the posted page showed (`shown` lists its question ids)."""
    getlist = getattr(raw, "getlist", None)
    shown = getlist("shown") if getlist is not None else raw.get("shown", [])
    names: list[str] = []
    for value in shown or ():
        if str(value).isdigit():
            names += [f"q{value}", f"q{value}_other"]
    return names


def division_and_department(unit: Unit | None) -> tuple[int | None, int | None]:
    """(department id, division id) above or at `unit` (one query)."""
    if unit is None:
        return None, None
    codes = [c for c in unit.path.strip("/").split("/") if c]
    found = dict(Unit.objects.filter(code__in=codes).values_list("kind", "pk"))
    return found.get(UnitKind.DEPARTMENT), found.get(UnitKind.DIVISION)


def submit(
    *,
    actor: User,
    survey: Survey,
    raw: Mapping[str, Any],
    now: dt.datetime | None = None,
) -> Response:
    """Validate and store the person's answers once. Raises `NotAccepting`,
    `AlreadyAnswered` or `Invalid` (nothing written), or Http404 if not invited."""
    staff = _staff(actor)
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        # The time is read with the lock held: whoever waited for it is judged by when
        # their answer would be written, not by when they pressed the button.
        _check_accepting(locked, now or timezone.now())
        invitation = _invitation(locked, staff, lock=True)
        if invitation.answered:
            raise AlreadyAnswered
        structure = selectors.structure(locked)
        outcome = validate(structure.questions, structure.choices, raw, invitation.telework_days)
        if not outcome.ok:
            raise Invalid(outcome)
        named = not locked.anonymous
        today = timezone.localdate(now or timezone.now())
        response = store(locked, invitation, staff, actor.role, outcome, today)
        invitation.answered = True
        invitation.answered_on = today if named else None
        invitation.save(update_fields=["answered", "answered_on"])
        Draft.objects.filter(survey=locked, staff=staff).delete()
        # The trail says *that* the person answered (as the invitation does), never which
        # response is theirs for an anonymous survey.
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=invitation,
            changes={
                "answered": [False, True],
                **({"response": str(response.pk)} if named else {}),
            },
        )
    return response


def store(
    survey: Survey,
    invitation: Invitation,
    staff: Staff,
    role: str,
    outcome: Outcome,
    today: dt.date,
) -> Response:
    """Write one validated response and its answers (inside the caller's transaction):
    for a named survey linked to the person and the day, for an anonymous one to nobody
    and no time; the breakdown attributes copied either way. Used by `submit` and the
    demo loader."""
    department, division = division_and_department(staff.unit)
    named = not survey.anonymous
    response = Response.objects.create(
        survey=survey,
        staff=staff if named else None,
        submitted_on=today if named else None,
        department_id=department,
        division_id=division,
        role=role,
        employment_type=staff.employment_type,
        telework_band=telework_band(invitation.telework_days),
    )
    rows: list[Answer] = []
    for cleaned in outcome.answers.values():
        if cleaned.empty:
            continue
        common = {"response": response, "survey": survey, "question": cleaned.question}
        if cleaned.choices:
            rows += [
                Answer(**common, choice=c, text=cleaned.other_text if c.is_other else "")
                for c in cleaned.choices
            ]
        else:
            rows.append(
                Answer(
                    **common,
                    scale=cleaned.scale,
                    number=cleaned.number,
                    date=cleaned.date,
                    text=cleaned.text,
                )
            )
    Answer.objects.bulk_create(rows)
    return response
