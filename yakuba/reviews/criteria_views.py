"""The criteria pages: the planning unit lists, edits, versions and publishes the review
criteria (MANAGE_REVIEW_CRITERIA); whoever answers or follows reviews reads the published
and retired versions as a flow (drafts are the planning unit's only)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.core.permissions import capability_required, get_for_user_or_404
from yakuba.reviews import criteria, decisions, flow
from yakuba.reviews.criteria_forms import (
    NewSetForm,
    NewTrackForm,
    PublishForm,
    SetForm,
    TrackEditor,
    definition_keys,
)
from yakuba.reviews.defaults import DEFAULT_SETS
from yakuba.reviews.models import AppliesTo, CriteriaVersion, VersionStatus

manage = capability_required(Capability.MANAGE_REVIEW_CRITERIA)
read = capability_required(
    Capability.MANAGE_REVIEW_CRITERIA, Capability.ANSWER_REVIEWS, Capability.VIEW_REVIEW_PROGRESS
)


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _draft_or_redirect(
    request: AuthenticatedHttpRequest, version: CriteriaVersion
) -> HttpResponse | None:
    if version.status != VersionStatus.DRAFT:
        messages.warning(
            request,
            _("公開済み・旧版の基準は変更できません。新しい版を作ってから編集してください。"),
        )
        return redirect("reviews:criteria_version", version.pk)
    return None


@manage
def criteria_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    sets = criteria.managed_sets(request.user).prefetch_related("versions")
    rows: list[dict[str, Any]] = []
    for criteria_set in sets:
        versions = sorted(criteria_set.versions.all(), key=lambda v: -v.number)
        rows.append(
            {
                "set": criteria_set,
                "versions": versions,
                "published": next(
                    (v for v in versions if v.status == VersionStatus.PUBLISHED), None
                ),
                "draft": next((v for v in versions if v.status == VersionStatus.DRAFT), None),
            }
        )
    missing_defaults = [
        spec["name"]
        for spec in DEFAULT_SETS
        if not any(r["set"].slug == spec["slug"] for r in rows)
    ]
    return render(
        request,
        "reviews/criteria/list.html",
        {"rows": rows, "missing_defaults": missing_defaults},
    )


@manage
@require_POST
def install_defaults(request: AuthenticatedHttpRequest) -> HttpResponse:
    created = criteria.install_default_criteria(actor=request.user)
    if created:
        messages.success(
            request,
            _("既定の基準を下書きとして登録しました：%(names)s。内容を確認して公開してください。")
            % {"names": "、".join(v.criteria_set.name for v in created)},
        )
    else:
        messages.info(request, _("既定の基準は既に登録されています。"))
    return redirect("reviews:criteria_list")


@manage
def set_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    applies_to = request.POST.get("applies_to") or request.GET.get("applies_to", "")
    if applies_to not in AppliesTo.values:
        applies_to = AppliesTo.PROCEDURE
    form = NewSetForm(request.POST or None, applies_to=applies_to, taken=set())
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            version = criteria.create_set(
                actor=request.user,
                slug=form.cleaned_data["slug"],
                name=form.cleaned_data["set_name"],
                applies_to=applies_to,
                description=form.cleaned_data["description"],
                definition={"tracks": [form.track()]},
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(
                request,
                _("基準「%(name)s」を作成しました（第1版・下書き）。")
                % {"name": version.criteria_set.name},
            )
            return redirect("reviews:criteria_version", version.pk)
    return render(
        request,
        "reviews/criteria/set_new.html",
        {
            "form": form,
            "applies_to": applies_to,
            "applies_to_choices": AppliesTo.choices,
            "errors": errors,
        },
        status=400 if request.method == "POST" else 200,
    )


@manage
def set_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criteria_set = get_for_user_or_404(criteria.managed_sets, request.user, pk)
    form = SetForm(
        request.POST or None,
        initial={"name": criteria_set.name, "description": criteria_set.description},
    )
    if request.method == "POST" and form.is_valid():
        try:
            criteria.update_set(
                actor=request.user, criteria_set=criteria_set, values=form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("基準の名前と説明を保存しました。"))
            return redirect("reviews:criteria_list")
    return render(
        request,
        "reviews/criteria/set_form.html",
        {"form": form, "criteria_set": criteria_set},
        status=400 if request.method == "POST" else 200,
    )


@manage
@require_POST
def new_version(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criteria_set = get_for_user_or_404(criteria.managed_sets, request.user, pk)
    try:
        version = criteria.new_version(actor=request.user, criteria_set=criteria_set)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
        return redirect("reviews:criteria_list")
    messages.success(
        request,
        _("第%(n)s版を下書きとして作りました。編集して公開すると、以後の見直しに使われます。")
        % {"n": version.number},
    )
    return redirect("reviews:criteria_version", version.pk)


@read
def version_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = get_for_user_or_404(criteria.visible_versions, request.user, pk)
    can_manage = request.user.can(Capability.MANAGE_REVIEW_CRITERIA)
    siblings = (
        CriteriaVersion.objects.filter(criteria_set_id=version.criteria_set_id)
        .annotate(review_count=Count("reviews"))
        .order_by("-number")
    )
    if not can_manage:
        siblings = siblings.exclude(status=VersionStatus.DRAFT)
    return render(
        request,
        "reviews/criteria/version_detail.html",
        {
            "version": version,
            "criteria_set": version.criteria_set,
            "tracks": flow.describe(version.definition),
            "problems": decisions.validate_definition(version.definition),
            "siblings": siblings,
            "can_manage": can_manage,
            "editable": can_manage and version.status == VersionStatus.DRAFT,
            "publish_form": PublishForm(initial={"change_note": version.change_note}),
        },
    )


@read
def version_try(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Try the flow: choose answers and see the path and the outcome each track reaches
    (a GET form: nothing is stored). Answers come as ``<track>.<question>=<option>``."""
    version = get_for_user_or_404(criteria.visible_versions, request.user, pk)
    answers: dict[str, dict[str, str]] = {}
    for name in request.GET:
        value = str(request.GET.get(name, ""))
        track_key, _sep, question_key = name.partition(".")
        if track_key and question_key and value:
            answers.setdefault(track_key[:50], {})[question_key[:50]] = value[:50]
    results = decisions.evaluate(version.definition, answers)
    tracks: list[dict[str, Any]] = []
    for track in decisions.tracks_of(version.definition):
        key = str(track.get("key"))
        result = results[key]
        questions = {q.get("key"): q for q in track.get("questions") or []}
        outcomes = {o.get("key"): o for o in track.get("outcomes") or []}
        shown = [*result.path, *([result.next_question] if result.next_question else [])]
        tracks.append(
            {
                "key": key,
                "label": track.get("label", ""),
                "steps": [
                    {
                        "name": f"{key}.{q}",
                        "question": questions[q],
                        "chosen": answers.get(key, {}).get(q, ""),
                    }
                    for q in shown
                    if q in questions
                ],
                "result": result,
                "outcome": outcomes.get(result.outcome) if result.outcome else None,
                "effect_label": flow.effect_label(result.effect or ""),
            }
        )
    return render(
        request,
        "reviews/criteria/try.html",
        {"version": version, "criteria_set": version.criteria_set, "tracks": tracks},
    )


@manage
@require_POST
def publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = get_for_user_or_404(criteria.visible_versions, request.user, pk)
    form = PublishForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errs in form.errors.values() for e in errs])
        criteria.publish(
            actor=request.user, version=version, change_note=form.cleaned_data["change_note"]
        )
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("「%(name)s」第%(n)s版を公開しました。以後の見直しはこの版を使います。")
            % {"name": version.criteria_set.name, "n": version.number},
        )
    return redirect("reviews:criteria_version", version.pk)


@manage
@require_POST
def discard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = get_for_user_or_404(criteria.visible_versions, request.user, pk)
    try:
        criteria.discard_draft(actor=request.user, version=version)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
        return redirect("reviews:criteria_version", version.pk)
    messages.success(request, _("第%(n)s版の下書きを削除しました。") % {"n": version.number})
    return redirect("reviews:criteria_list")


# --- tracks ----------------------------------------------------------------------------------


def _track_action(data: Any) -> tuple[str, int | None]:
    """What the editor's submit button asked for: save, add a question / outcome, or add an
    option to question n."""
    action = str(data.get("action", "save"))
    if action.startswith("add_option:"):
        try:
            return "add_option", int(action.split(":", 1)[1])
        except ValueError:
            return "save", None
    if action in ("add_question", "add_outcome"):
        return action, None
    return "save", None


@manage
def track_edit(request: AuthenticatedHttpRequest, pk: int, track: str) -> HttpResponse:
    version = get_for_user_or_404(criteria.visible_versions, request.user, pk)
    if (refused := _draft_or_redirect(request, version)) is not None:
        return refused
    applies_to = version.criteria_set.applies_to
    if not any(t.get("key") == track for t in decisions.tracks_of(version.definition)):
        raise Http404
    status = 200
    if request.method == "POST":
        editor = TrackEditor.from_post(version.definition, track, applies_to, request.POST)
        action, index = _track_action(request.POST)
        if action == "add_question":
            editor.add_question()
        elif action == "add_outcome":
            editor.add_outcome()
        elif action == "add_option" and index is not None:
            editor.add_option(index)
        else:
            definition = editor.new_definition()
            problems = decisions.validate_definition(definition)
            if not problems:
                try:
                    criteria.save_draft(actor=request.user, version=version, definition=definition)
                except ValidationError as exc:
                    editor.problems.extend(_errors(exc))
                else:
                    messages.success(
                        request,
                        _("観点「%(track)s」を保存しました。") % {"track": editor.label},
                    )
                    return redirect("reviews:criteria_version", version.pk)
            editor.attach(problems)
            status = 400
    else:
        editor = TrackEditor.from_definition(version.definition, track, applies_to)
    return render(
        request,
        "reviews/criteria/track_form.html",
        {"version": version, "editor": editor, "is_procedure": applies_to == AppliesTo.PROCEDURE},
        status=status,
    )


@manage
def track_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = get_for_user_or_404(criteria.visible_versions, request.user, pk)
    if (refused := _draft_or_redirect(request, version)) is not None:
        return refused
    form = NewTrackForm(
        request.POST or None,
        applies_to=version.criteria_set.applies_to,
        taken=definition_keys(version.definition),
    )
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            criteria.add_track(actor=request.user, version=version, track=form.track())
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(
                request,
                _("観点「%(track)s」を追加しました。質問と結果を続けて編集できます。")
                % {"track": form.cleaned_data["label"]},
            )
            return redirect("reviews:criteria_track", version.pk, form.cleaned_data["key"])
    return render(
        request,
        "reviews/criteria/track_new.html",
        {"version": version, "form": form, "errors": errors},
        status=400 if request.method == "POST" else 200,
    )


def _track_write(request: AuthenticatedHttpRequest, pk: int, track: str, what: str) -> Any:
    version = get_for_user_or_404(criteria.visible_versions, request.user, pk)
    if (refused := _draft_or_redirect(request, version)) is not None:
        return refused
    try:
        if what == "delete":
            criteria.delete_track(actor=request.user, version=version, track_key=track)
            messages.success(request, _("観点を削除しました。"))
        else:
            step = -1 if request.POST.get("direction") == "up" else 1
            criteria.move_track(actor=request.user, version=version, track_key=track, step=step)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    return redirect("reviews:criteria_version", version.pk)


@manage
@require_POST
def track_delete(request: AuthenticatedHttpRequest, pk: int, track: str) -> HttpResponse:
    response: HttpResponse = _track_write(request, pk, track, "delete")
    return response


@manage
@require_POST
def track_move(request: AuthenticatedHttpRequest, pk: int, track: str) -> HttpResponse:
    response: HttpResponse = _track_write(request, pk, track, "move")
    return response
