"""Writes of the review criteria (見直しの基準): each one transaction, audited.

Only the planning unit (MANAGE_REVIEW_CRITERIA) writes criteria. A draft is the only
version that changes, and it is saved only when `decisions.validate_definition` finds
nothing wrong (a `ValidationError` lists every problem, each naming its question, and
nothing is written). Publishing retires the previously published version of the set;
reviews keep pointing at the version they used.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.accounts.roles import Capability
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.core.text import text_problem
from yakuba.reviews import decisions, defaults
from yakuba.reviews.models import AppliesTo, CriteriaSet, CriteriaVersion, VersionStatus


def require_criteria_manager(actor: Any) -> None:
    if not (
        getattr(actor, "is_authenticated", False) and actor.can(Capability.MANAGE_REVIEW_CRITERIA)
    ):
        raise PermissionDenied("missing capability manage_review_criteria")


def _refuse_invalid(definition: Any) -> None:
    problems = decisions.validate_definition(definition)
    if problems:
        raise ValidationError([p.message for p in problems])


def _summary(definition: Mapping[str, Any]) -> dict[str, Any]:
    """What the audit entry says about a definition besides the whole of it."""
    tracks = decisions.tracks_of(definition)
    return {
        "tracks": [t.get("key") for t in tracks],
        "questions": sum(len(t.get("questions") or []) for t in tracks),
        "outcomes": sum(len(t.get("outcomes") or []) for t in tracks),
    }


def _locked_version(version: CriteriaVersion) -> CriteriaVersion:
    return (
        CriteriaVersion.objects.select_for_update()
        .select_related("criteria_set")
        .get(pk=version.pk)
    )


# --- sets ----------------------------------------------------------------------------------


def _clean_set_values(values: Mapping[str, Any]) -> dict[str, str]:
    name = str(values.get("name", "")).strip()
    description = str(values.get("description", "")).strip()
    errors: dict[str, str] = {}
    problem = text_problem(name, max_length=200, label=_("基準名"))
    if not name:
        errors["name"] = _("基準名を入力してください。")
    elif problem:
        errors["name"] = problem
    problem = text_problem(description, max_length=4000, multiline=True, label=_("説明"))
    if problem:
        errors["description"] = problem
    if errors:
        raise ValidationError(errors)
    return {"name": name, "description": description}


def create_set(
    *,
    actor: Any,
    slug: str,
    name: str,
    applies_to: str,
    description: str,
    definition: Mapping[str, Any],
) -> CriteriaVersion:
    """A new criteria set with its first draft version (``definition``, validated)."""
    require_criteria_manager(actor)
    values = _clean_set_values({"name": name, "description": description})
    if applies_to not in AppliesTo.values:
        raise ValidationError({"applies_to": _("対象を選んでください。")})
    if not decisions.KEY_RE.match(slug.replace("-", "_")):
        raise ValidationError(
            {
                "slug": _(
                    "識別子は英小文字で始まる英小文字・数字・-・_（50文字まで）にしてください。"
                )
            }
        )
    _refuse_invalid(definition)
    with transaction.atomic():
        if CriteriaSet.objects.filter(slug=slug).exists():
            raise ValidationError({"slug": _("この識別子の基準は既にあります。")})
        criteria_set = CriteriaSet.objects.create(slug=slug, applies_to=applies_to, **values)
        version = CriteriaVersion.objects.create(
            criteria_set=criteria_set,
            number=1,
            definition=copy.deepcopy(dict(definition)),
            created_by=actor,
            change_note=_("新規作成"),
        )
        record(
            AuditAction.CREATE,
            actor=actor,
            obj=criteria_set,
            changes={"slug": slug, "applies_to": applies_to, **values},
        )
        record(
            AuditAction.CREATE,
            actor=actor,
            obj=version,
            changes={"number": 1, **_summary(version.definition)},
        )
    return version


def update_set(*, actor: Any, criteria_set: CriteriaSet, values: Mapping[str, Any]) -> CriteriaSet:
    """Change the name and description of a set (not versioned: they describe the set)."""
    require_criteria_manager(actor)
    clean = _clean_set_values(values)
    with transaction.atomic():
        locked = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
        changes = {k: [getattr(locked, k), v] for k, v in clean.items() if getattr(locked, k) != v}
        if changes:
            for k, v in clean.items():
                setattr(locked, k, v)
            locked.save(update_fields=list(clean))
            record(AuditAction.UPDATE, actor=actor, obj=locked, changes=changes)
    return locked


def install_default_criteria(*, actor: Any) -> list[CriteriaVersion]:
    """Create the default sets (手続・会議) as draft version 1, once: a set that exists
    already (whatever its versions) is left alone. Returns the versions created."""
    require_criteria_manager(actor)
    created: list[CriteriaVersion] = []
    with transaction.atomic():
        for spec in defaults.DEFAULT_SETS:
            if CriteriaSet.objects.filter(slug=spec["slug"]).exists():
                continue
            created.append(
                create_set(
                    actor=actor,
                    slug=spec["slug"],
                    name=spec["name"],
                    applies_to=spec["applies_to"],
                    description=spec["description"],
                    definition=spec["definition"],
                )
            )
    return created


# --- versions ------------------------------------------------------------------------------


def save_draft(
    *,
    actor: Any,
    version: CriteriaVersion,
    definition: Mapping[str, Any],
    change_note: str | None = None,
) -> CriteriaVersion:
    """Replace the definition of a draft. Refused (nothing written) when the version is
    not a draft or the definition has any problem."""
    require_criteria_manager(actor)
    if change_note is not None:
        problem = text_problem(change_note.strip(), max_length=500, label=_("変更内容"))
        if problem:
            raise ValidationError({"change_note": problem})
    _refuse_invalid(definition)
    with transaction.atomic():
        locked = _locked_version(version)
        if locked.status != VersionStatus.DRAFT:
            raise ValidationError(
                _("公開済み・旧版の基準は変更できません。新しい版を作ってから編集してください。")
            )
        new = copy.deepcopy(dict(definition))
        note_changed = change_note is not None and change_note.strip() != locked.change_note
        if new == locked.definition and not note_changed:
            return locked
        before = _summary(locked.definition)
        locked.definition = new
        if change_note is not None:
            locked.change_note = change_note.strip()
        locked.updated_at = timezone.now()
        locked.save(update_fields=["definition", "change_note", "updated_at"])
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=locked,
            changes={
                "summary": [before, _summary(new)],
                "change_note": locked.change_note,
                "definition": new,
            },
        )
    return locked


def new_version(*, actor: Any, criteria_set: CriteriaSet) -> CriteriaVersion:
    """A new draft copied from the published version (else the latest one). A set has at
    most one draft: asking again while one exists is refused."""
    require_criteria_manager(actor)
    with transaction.atomic():
        locked_set = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
        versions = CriteriaVersion.objects.filter(criteria_set=locked_set)
        if versions.filter(status=VersionStatus.DRAFT).exists():
            raise ValidationError(_("この基準には編集中の下書きが既にあります。"))
        source = (
            versions.filter(status=VersionStatus.PUBLISHED).first()
            or versions.order_by("-number").first()
        )
        if source is None:
            raise ValidationError(_("元にする版がありません。"))
        number = (versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = CriteriaVersion.objects.create(
            criteria_set=locked_set,
            number=number,
            definition=copy.deepcopy(source.definition),
            created_by=actor,
            change_note="",
        )
        record(
            AuditAction.CREATE,
            actor=actor,
            obj=version,
            changes={"number": number, "copied_from": source.number},
        )
    return version


def publish(
    *, actor: Any, version: CriteriaVersion, change_note: str | None = None
) -> CriteriaVersion:
    """Publish a draft: new reviews use it from now on; the previously published version
    of the set becomes 旧版 (its reviews keep it). ``change_note``, when given, replaces the
    draft's note (what this version changed)."""
    require_criteria_manager(actor)
    if change_note is not None:
        change_note = change_note.strip()
        problem = text_problem(change_note, max_length=500, label=_("変更内容"))
        if problem:
            raise ValidationError({"change_note": problem})
    with transaction.atomic():
        CriteriaSet.objects.select_for_update().get(pk=version.criteria_set_id)
        locked = _locked_version(version)
        if locked.status != VersionStatus.DRAFT:
            raise ValidationError(_("公開できるのは下書きの版だけです。"))
        _refuse_invalid(locked.definition)
        now = timezone.now()
        retired = list(
            CriteriaVersion.objects.filter(
                criteria_set_id=locked.criteria_set_id, status=VersionStatus.PUBLISHED
            )
        )
        for old in retired:
            old.status = VersionStatus.RETIRED
            old.retired_at = now
            old.save(update_fields=["status", "retired_at"])
            record(
                AuditAction.UPDATE,
                actor=actor,
                obj=old,
                changes={"status": [VersionStatus.PUBLISHED, VersionStatus.RETIRED]},
            )
        locked.status = VersionStatus.PUBLISHED
        locked.published_by = actor
        locked.published_at = now
        if change_note is not None:
            locked.change_note = change_note
        locked.save(update_fields=["status", "published_by", "published_at", "change_note"])
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=locked,
            changes={
                "status": [VersionStatus.DRAFT, VersionStatus.PUBLISHED],
                "retired": [o.number for o in retired],
                "change_note": locked.change_note,
            },
        )
    return locked


def discard_draft(*, actor: Any, version: CriteriaVersion) -> None:
    """Delete a draft nobody has used (reviews only ever use published versions)."""
    require_criteria_manager(actor)
    with transaction.atomic():
        locked = _locked_version(version)
        if locked.status != VersionStatus.DRAFT:
            raise ValidationError(_("削除できるのは下書きの版だけです。"))
        if locked.reviews.exists() or locked.rounds.exists():
            raise ValidationError(_("この版は見直しに使われているため削除できません。"))
        if (
            not CriteriaVersion.objects.filter(criteria_set_id=locked.criteria_set_id)
            .exclude(pk=locked.pk)
            .exists()
        ):
            # Nothing would be left to make a new version from.
            raise ValidationError(
                _("最初の版の下書きは削除できません。内容を編集してから公開してください。")
            )
        record(
            AuditAction.DELETE,
            actor=actor,
            obj=locked,
            changes={"number": locked.number, "definition": locked.definition},
        )
        locked.delete()


def delete_track(*, actor: Any, version: CriteriaVersion, track_key: str) -> CriteriaVersion:
    """Remove one track of a draft (refused like any save when the rest is invalid, e.g.
    when it is the only track)."""
    tracks = decisions.tracks_of(version.definition)
    if not any(t.get("key") == track_key for t in tracks):
        raise ValidationError(_("その観点はこの版にありません。"))
    definition = {
        **version.definition,
        "tracks": [t for t in tracks if t.get("key") != track_key],
    }
    return save_draft(actor=actor, version=version, definition=definition)


def move_track(
    *, actor: Any, version: CriteriaVersion, track_key: str, step: int
) -> CriteriaVersion:
    """Move a track of a draft one place up (step -1) or down (+1)."""
    tracks = list(decisions.tracks_of(version.definition))
    index = next((i for i, t in enumerate(tracks) if t.get("key") == track_key), None)
    if index is None:
        raise ValidationError(_("その観点はこの版にありません。"))
    target = index + (1 if step > 0 else -1)
    if not 0 <= target < len(tracks):
        return version
    tracks[index], tracks[target] = tracks[target], tracks[index]
    return save_draft(
        actor=actor, version=version, definition={**version.definition, "tracks": tracks}
    )


def add_track(*, actor: Any, version: CriteriaVersion, track: Mapping[str, Any]) -> CriteriaVersion:
    """Append a track to a draft (validated with the rest)."""
    definition = {
        **version.definition,
        "tracks": [*decisions.tracks_of(version.definition), dict(track)],
    }
    return save_draft(actor=actor, version=version, definition=definition)


# --- reads ---------------------------------------------------------------------------------


def published_version(criteria_set: CriteriaSet) -> CriteriaVersion | None:
    return criteria_set.versions.filter(status=VersionStatus.PUBLISHED).first()


def managed_sets(user: Any) -> QuerySet[CriteriaSet]:
    if not (
        getattr(user, "is_authenticated", False) and user.can(Capability.MANAGE_REVIEW_CRITERIA)
    ):
        return CriteriaSet.objects.none()
    # Procedures (the bulk of a review) first, then meetings; by name within each.
    return CriteriaSet.objects.order_by("-applies_to", "name")


def visible_versions(user: Any) -> QuerySet[CriteriaVersion]:
    """Versions a user may read: the planning unit every one (drafts included); whoever
    answers or follows reviews the published and retired ones (what reviews are held to)."""
    if not getattr(user, "is_authenticated", False):
        return CriteriaVersion.objects.none()
    versions = CriteriaVersion.objects.select_related("criteria_set")
    if user.can(Capability.MANAGE_REVIEW_CRITERIA):
        return versions
    if user.can(Capability.ANSWER_REVIEWS) or user.can(Capability.VIEW_REVIEW_PROGRESS):
        return versions.exclude(status=VersionStatus.DRAFT)
    return CriteriaVersion.objects.none()
