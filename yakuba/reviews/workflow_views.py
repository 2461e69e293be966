"""Pages of the review workflow: the worklist of each unit, rounds (the planning unit), one
item's answers, approval and change list, the dashboard, the list of what law blocks, the
assumptions, and the publication."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.core import charts
from yakuba.core.downloads import download, table_download
from yakuba.core.permissions import capability_required, get_for_user_or_404
from yakuba.core.tabular import XLSX_CONTENT_TYPE, write_xlsx
from yakuba.reviews import criteria_access, decisions, progress, publication, scoping, workflow
from yakuba.reviews.models import (
    ChangeTask,
    OutcomeAssumption,
    Review,
    ReviewRound,
    ReviewStatus,
    ReviewTrack,
)
from yakuba.reviews.workflow_forms import (
    CommentForm,
    ImplementedForm,
    OverrideForm,
    RoundForm,
    TaskForm,
    TaskUpdateForm,
    assumption_rows,
    read_answers,
    read_assumptions,
)

answer_cap = capability_required(Capability.ANSWER_REVIEWS, Capability.VIEW_REVIEW_PROGRESS)
manage = capability_required(Capability.MANAGE_REVIEWS)
approve_cap = capability_required(Capability.APPROVE_REVIEWS)
progress_cap = capability_required(Capability.VIEW_REVIEW_PROGRESS)
export_cap = capability_required(Capability.EXPORT_REVIEW_PUBLICATION)
PAGE_SIZE = 50


def _error(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _overdue(review_round: ReviewRound, status: str, today: dt.date) -> bool:
    return status not in workflow.DONE and review_round.due_on < today


# --- the worklist ----------------------------------------------------------------------------


@answer_cap
def worklist(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Our items: to answer (未着手・回答中), to approve (heads), or all of our units'."""
    user = request.user
    show = request.GET.get("show", "answer")
    if show == "approve" and scoping.can_approve(user):
        qs = scoping.approval_queue(user).order_by("submitted_at", "pk")
    elif show == "all":
        qs = scoping.visible_reviews(user).order_by("round__due_on", "unit__path", "pk")
    else:
        show = "answer"
        qs = scoping.to_answer(user).order_by("round__due_on", "unit__path", "pk")
    status = request.GET.get("status", "")
    if status in ReviewStatus.values and show == "all":
        qs = qs.filter(status=status)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        qs = qs.filter(
            Q(procedure__name__icontains=query) | Q(meeting_series__title__icontains=query)
        )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for review in page:
        review.overdue = _overdue(review.round, review.status, today)  # type: ignore[attr-defined]
    counts = {
        "answer": scoping.to_answer(user).count(),
        "approve": scoping.approval_queue(user).count() if scoping.can_approve(user) else None,
    }
    return render(
        request,
        "reviews/workflow/worklist.html",
        {
            "page": page,
            "show": show,
            "status": status,
            "query": query,
            "statuses": ReviewStatus.choices,
            "counts": counts,
            "can_manage": scoping.can_manage(user),
            "can_view_progress": scoping.can_view_progress(user),
        },
    )


# --- rounds (the planning unit) --------------------------------------------------------------


@progress_cap
def round_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rounds = list(
        scoping.rounds(request.user).annotate(
            items=Count("reviews"),
            done=Count("reviews", filter=Q(reviews__status__in=workflow.DONE)),
        )
    )
    return render(
        request,
        "reviews/workflow/round_list.html",
        {
            "rounds": rounds,
            "can_manage": scoping.can_manage(request.user),
            "today": timezone.localdate(),
        },
    )


@manage
def round_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review_round = workflow.open_round(
                actor=request.user,
                data=workflow.RoundInput(
                    name=data["name"],
                    due_on=data["due_on"],
                    criteria_versions=list(data["criteria_versions"]),
                    include_procedures=data["include_procedures"],
                    include_meetings=data["include_meetings"],
                    departments=list(data["departments"]),
                    description=data["description"],
                ),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("「%(name)s」を開始し、%(n)s 件の見直しを各担当課に割り当てました。")
                % {"name": review_round.name, "n": review_round.reviews.count()},
            )
            return redirect(reverse("reviews:dashboard") + f"?round={review_round.pk}")
    return render(
        request,
        "reviews/workflow/round_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- one item ------------------------------------------------------------------------------


@dataclass
class QuestionView:
    track: str
    question: criteria_access.Question
    chosen: str = ""
    note: str = ""
    article: str = ""
    needs_article: bool = False
    needs_note: bool = False

    @property
    def name(self) -> str:
        return f"{self.track}__{self.question.key}"

    @property
    def asks_article(self) -> bool:
        return any(o.requires_article for o in self.question.options)


@dataclass
class TrackView:
    track: criteria_access.Track
    questions: list[QuestionView] = field(default_factory=list)
    proposed: criteria_access.Outcome | None = None
    final: criteria_access.Outcome | None = None
    row: ReviewTrack | None = None


def _track_views(review: Review, answers: dict[str, Any]) -> list[TrackView]:
    definition = criteria_access.Definition(review.criteria_version.definition)
    raw = {t.get("key"): t for t in decisions.tracks_of(review.criteria_version.definition)}
    rows = {t.track: t for t in ReviewTrack.objects.filter(review=review)}
    views = []
    for track in criteria_access.applicable_tracks(review, definition):
        view = _track_view_raw(
            track, raw.get(track.key) or {}, answers.get(track.key) or {}, rows.get(track.key)
        )
        views.append(view)
    return views


def _track_view_raw(
    track: criteria_access.Track, raw: Any, given: dict[str, Any], row: ReviewTrack | None
) -> TrackView:
    result = decisions.evaluate_track(raw, given, facts=None)
    view = TrackView(track=track, row=row)
    keys = list(result.path) + ([result.next_question] if result.next_question else [])
    for key in keys:
        question = track.question(key)
        if question is None:
            continue
        answer = given.get(key) or {}
        chosen = question.option(answer.get("option", "")) if answer else None
        view.questions.append(
            QuestionView(
                track=track.key,
                question=question,
                chosen=chosen.key if chosen else "",
                note=answer.get("note", ""),
                article=answer.get("article", ""),
                needs_article=bool(chosen and chosen.requires_article),
                needs_note=bool(chosen and chosen.requires_note),
            )
        )
    view.proposed = track.outcome(result.outcome) if result.outcome else None
    if row is not None and row.outcome:
        view.final = track.outcome(row.outcome)
    return view


def _posted_answers(
    request: AuthenticatedHttpRequest, review: Review, tracks: list[str] | None = None
) -> dict[str, Any]:
    definition = criteria_access.Definition(review.criteria_version.definition)
    source = request.POST if request.method == "POST" else request.GET
    parsed = read_answers(source, definition, tracks)
    return {
        t: {q: {"option": a.option, "note": a.note, "article": a.article} for q, a in qs.items()}
        for t, qs in parsed.items()
    }


def _detail(
    request: AuthenticatedHttpRequest,
    review: Review,
    *,
    answers: dict[str, Any] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    answerable = scoping.answerable_reviews(user).filter(pk=review.pk).exists()
    approvable = scoping.approvable_reviews(user).filter(pk=review.pk).exists()
    editable = answerable and review.status in workflow.EDITABLE
    tracks = _track_views(review, answers if answers is not None else review.answers)
    tasks = list(review.change_tasks.select_related("owner", "done_by").order_by("pk"))
    return render(
        request,
        "reviews/workflow/review_detail.html",
        {
            "review": review,
            "item": review.item,
            "tracks": tracks,
            "editable": editable,
            "answerable": answerable,
            "approvable": approvable and review.status == ReviewStatus.SUBMITTED,
            "can_return": scoping.can_manage(user) and review.status == ReviewStatus.DECIDED,
            "can_implement": review.status == ReviewStatus.DECIDED
            and workflow.may_mark_implemented(user, review),
            "can_tasks": review.status in workflow.DONE
            and workflow.may_mark_implemented(user, review),
            "tasks": tasks,
            "task_form": TaskForm(unit=review.unit),
            "comment_form": CommentForm(),
            "implemented_form": ImplementedForm(initial={"on": timezone.localdate()}),
            "error": error,
            "overdue": _overdue(review.round, review.status, timezone.localdate()),
            "missing": workflow.missing_tracks(review) if editable else [],
            "overridable": [t for t in tracks if t.row is not None and t.row.proposed],
        },
        status=status,
    )


@answer_cap
def review_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_for_user_or_404(scoping.visible_reviews, request.user, pk)
    return _detail(request, review)


@answer_cap
def review_track(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One track of the answer form for the answers chosen so far (htmx): the questions on
    the path they take and the next one — nothing is saved."""
    review = get_for_user_or_404(scoping.answerable_reviews, request.user, pk)
    key = request.GET.get("track", "")
    definition = criteria_access.Definition(review.criteria_version.definition)
    track = definition.track(key)
    raw = next(
        (t for t in decisions.tracks_of(review.criteria_version.definition) if t.get("key") == key),
        None,
    )
    if track is None or raw is None:
        return HttpResponse(status=404)
    answers = _posted_answers(request, review, [key])
    row = ReviewTrack.objects.filter(review=review, track=key).first()
    view = _track_view_raw(track, raw, answers.get(key) or {}, row)
    return render(
        request,
        "reviews/workflow/partials/track.html",
        {"t": view, "review": review, "editable": True},
    )


@require_POST
@answer_cap
def review_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_for_user_or_404(scoping.answerable_reviews, request.user, pk)
    definition = criteria_access.Definition(review.criteria_version.definition)
    answers = read_answers(request.POST, definition)
    try:
        workflow.save_answers(
            actor=request.user, review=review, answers=answers, note=request.POST.get("note", "")
        )
        if request.POST.get("submit") == "1":
            workflow.submit(actor=request.user, review=review)
    except ValidationError as exc:
        review.refresh_from_db()
        return _detail(
            request, review, answers=_posted_answers(request, review), error=_error(exc), status=400
        )
    if review.status == ReviewStatus.SUBMITTED:
        messages.success(request, _("回答を保存し、所属長に承認を依頼しました。"))
    else:
        missing = workflow.missing_tracks(review)
        if missing:
            messages.success(
                request,
                _("回答を保存しました。まだ結果の出ていない観点：%(tracks)s")
                % {"tracks": "、".join(missing)},
            )
        else:
            messages.success(request, _("回答を保存しました。すべての観点の結果が出ています。"))
    return redirect("reviews:review_detail", review.pk)


@require_POST
@answer_cap
def review_override(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_for_user_or_404(scoping.answerable_reviews, request.user, pk)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return _detail(request, review, error=_("結果の変更の入力を確認してください。"), status=400)
    try:
        workflow.override_outcome(
            actor=request.user,
            review=review,
            track_key=form.cleaned_data["track"],
            outcome_key=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        return _detail(request, review, error=_error(exc), status=400)
    messages.success(request, _("結果を変更しました（理由を記録しました）。"))
    return redirect("reviews:review_detail", review.pk)


@require_POST
@answer_cap
def review_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_for_user_or_404(scoping.answerable_reviews, request.user, pk)
    try:
        workflow.submit(actor=request.user, review=review)
    except ValidationError as exc:
        messages.error(request, _error(exc))
    else:
        messages.success(request, _("所属長に承認を依頼しました。"))
    return redirect("reviews:review_detail", review.pk)


@require_POST
@approve_cap
def review_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_for_user_or_404(scoping.approvable_reviews, request.user, pk)
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        if request.POST.get("decision") == "approve":
            workflow.approve(actor=request.user, review=review)
            messages.success(request, _("承認しました（決定）。"))
        else:
            if not form.is_valid():
                raise ValidationError(_("差し戻しの理由を確認してください。"))
            workflow.send_back(actor=request.user, review=review, comment=comment)
            messages.success(request, _("担当課に差し戻しました。"))
    except ValidationError as exc:
        return _detail(request, review, error=_error(exc), status=400)
    nxt = scoping.approval_queue(request.user).order_by("submitted_at", "pk").first()
    if nxt is not None and request.POST.get("next") == "1":
        return redirect("reviews:review_detail", nxt.pk)
    return redirect(reverse("reviews:worklist") + "?show=approve")


@require_POST
@manage
def review_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The planning unit sends a decided item back to the owning unit."""
    review = get_for_user_or_404(scoping.visible_reviews, request.user, pk)
    form = CommentForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("差し戻しの理由を確認してください。"))
        workflow.send_back(actor=request.user, review=review, comment=form.cleaned_data["comment"])
    except ValidationError as exc:
        return _detail(request, review, error=_error(exc), status=400)
    messages.success(request, _("担当課に差し戻しました。"))
    return redirect("reviews:review_detail", review.pk)


def _require_implementer(request: AuthenticatedHttpRequest, review: Review) -> None:
    """Marking a change done and keeping its change list: the owning unit, its head or
    the planning unit (one denial for the three views that do it)."""
    if not workflow.may_mark_implemented(request.user, review):
        raise PermissionDenied("only the owning unit, its head or the planning unit")


@require_POST
@answer_cap
def review_implemented(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_for_user_or_404(scoping.visible_reviews, request.user, pk)
    _require_implementer(request, review)
    form = ImplementedForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("実施日を正しく入力してください（例：2026-04-01）。"))
        workflow.mark_implemented(actor=request.user, review=review, on=form.cleaned_data["on"])
    except ValidationError as exc:
        return _detail(request, review, error=_error(exc), status=400)
    messages.success(request, _("実施済にしました。"))
    return redirect("reviews:review_detail", review.pk)


# --- the change list -------------------------------------------------------------------------


@require_POST
@answer_cap
def task_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_for_user_or_404(scoping.visible_reviews, request.user, pk)
    _require_implementer(request, review)
    form = TaskForm(request.POST, unit=review.unit)
    try:
        if not form.is_valid():
            raise ValidationError(_("変更作業の入力を確認してください。"))
        data = form.cleaned_data
        workflow.add_task(
            actor=request.user,
            review=review,
            kind=data["kind"],
            description=data["description"],
            owner=data["owner"],
            due_on=data["due_on"],
        )
    except ValidationError as exc:
        return _detail(request, review, error=_error(exc), status=400)
    messages.success(request, _("変更作業を追加しました。"))
    return redirect(reverse("reviews:review_detail", args=[review.pk]) + "#tasks")


@require_POST
@answer_cap
def task_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    task = get_for_user_or_404(scoping.visible_tasks, request.user, pk)
    review = task.review
    _require_implementer(request, review)
    form = TaskUpdateForm(request.POST, unit=review.unit)
    if not form.is_valid():
        return _detail(request, review, error=_("変更作業の入力を確認してください。"), status=400)
    data = form.cleaned_data
    workflow.update_task(
        actor=request.user, task=task, owner=data["owner"], due_on=data["due_on"], done=data["done"]
    )
    messages.success(request, _("変更作業を更新しました。"))
    back = request.POST.get("back", "")
    if back == "list":
        return redirect("reviews:change_list")
    return redirect(reverse("reviews:review_detail", args=[review.pk]) + "#tasks")


def _tasks_for(user: Any) -> Any:
    tasks = scoping.visible_tasks(user)
    if not scoping.reads_everything(user):
        depts = scoping.progress_departments(user)
        if depts:  # a unit head: their department's list
            tasks = ChangeTask.objects.filter(review__department__in=[d.pk for d in depts])
    return tasks


@answer_cap
def change_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The internal change list (forms to update, notices to rewrite), by department."""
    tasks = publication.change_tasks(_tasks_for(request.user))
    pending = request.GET.get("pending") == "1"
    if pending:
        tasks = tasks.filter(done_at__isnull=True)
    page = Paginator(tasks, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/workflow/change_list.html",
        {"page": page, "pending": pending},
    )


@answer_cap
def change_list_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    sheets = publication.change_sheets(_tasks_for(request.user))
    return download(
        lambda: write_xlsx(sheets),
        filename="変更作業一覧.xlsx",
        content_type=XLSX_CONTENT_TYPE,
        actor=request.user,
        object_type="reviews.changetask",
        changes={"rows": sum(len(s[2]) for s in sheets)},
    )


# --- progress and effect -------------------------------------------------------------------


def _round_param(request: AuthenticatedHttpRequest) -> ReviewRound | None:
    rounds = scoping.rounds(request.user)
    raw = request.GET.get("round", "")
    if raw.isdigit():
        found = rounds.filter(pk=int(raw)).first()
        if found is not None:
            return found
    return rounds.order_by("-created_at", "-pk").first()


def _count_top(peak: float) -> float:
    """A y-axis top with whole-number ticks (four steps) for a chart of counts."""
    return float(max(4, math.ceil(peak / 4) * 4))


def _charts(board: progress.Dashboard) -> tuple[SafeString, SafeString]:
    names = [r.name for r in board.rows]
    status_chart = charts.bar_chart(
        charts.Chart(
            title=_("部ごとの見直しの状況（件）"),
            description=_("部ごとの件数を状況別に積み上げたもの。数値は下の表にあります。"),
            categories=names,
            series=[
                charts.Series(str(label), [r.statuses.get(value, 0) for r in board.rows])
                for value, label in ReviewStatus.choices
            ],
            y_max=_count_top(max((r.items for r in board.rows), default=0)),
            chart_id="chart-status",
            label_every=1,
        ),
        stacked=True,
    )
    hours_chart = charts.bar_chart(
        charts.Chart(
            title=_("部ごとの削減時間（時間・年間・推計）"),
            description=_("手続と会議の見直しによる年間の削減時間。数値は下の表にあります。"),
            categories=names,
            series=[
                charts.Series(_("手続"), [r.procedure_hours for r in board.rows], charts.BLUE),
                charts.Series(_("会議"), [r.meeting_hours for r in board.rows], charts.ORANGE),
            ],
            chart_id="chart-hours",
            label_every=1,
        ),
        stacked=True,
    )
    return status_chart, hours_chart


@progress_cap
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Progress and effect by department (a constant number of queries, any size)."""
    user = request.user
    review_round = _round_param(request)
    departments = scoping.progress_departments(user)
    board = (
        progress.round_dashboard(review_round, departments=departments, today=timezone.localdate())
        if review_round is not None
        else None
    )
    status_chart = hours_chart = SafeString("")
    if board is not None and board.rows:
        status_chart, hours_chart = _charts(board)
        for row in [*board.rows, board.total]:
            row.procedure_counts = [row.effects.get(k, 0) for k, _l in progress.PROCEDURE_EFFECTS]  # type: ignore[attr-defined]
            row.meeting_counts = [row.effects.get(k, 0) for k, _l in progress.MEETING_EFFECTS]  # type: ignore[attr-defined]
    return render(
        request,
        "reviews/workflow/dashboard.html",
        {
            "round": review_round,
            "rounds": list(
                scoping.rounds(user).order_by("-created_at", "-pk").values("pk", "name")
            ),
            "board": board,
            "statuses": ReviewStatus.choices,
            "procedure_effects": progress.PROCEDURE_EFFECTS,
            "meeting_effects": progress.MEETING_EFFECTS,
            "status_chart": status_chart,
            "hours_chart": hours_chart,
            "scoped": departments is not None,
            "can_manage": scoping.can_manage(user),
            "can_export": user.can(Capability.EXPORT_REVIEW_PUBLICATION),
        },
    )


BLOCKED_HEADER = (
    "部",
    "担当課",
    "手続・会議",
    "様式名",
    "観点",
    "結果",
    "根拠法令等",
    "根拠条項",
    "見直しの回",
)


def _blocked(request: AuthenticatedHttpRequest) -> list[progress.BlockedLine]:
    return progress.blocked_lines(
        Review.objects.all(), departments=scoping.progress_departments(request.user)
    )


@progress_cap
def blocked(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What remains because a law or ordinance requires it (for requests to the prefecture
    and the national government)."""
    return render(request, "reviews/workflow/blocked.html", {"lines": _blocked(request)})


@progress_cap
def blocked_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    fmt = "csv" if request.GET.get("fmt") == "csv" else "xlsx"
    lines = _blocked(request)
    return table_download(
        BLOCKED_HEADER,
        [
            [
                b.department,
                b.unit,
                b.item,
                b.form,
                b.track,
                b.outcome,
                b.legal_basis,
                b.legal_article,
                b.round,
            ]
            for b in lines
        ],
        fmt=fmt,
        stem="法令等により存続する手続",
        actor=request.user,
        object_type="reviews.blocked",
        sheet="法令等により存続",
        changes={"rows": len(lines)},
    )


@progress_cap
def assumptions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Minutes saved per case for each outcome (the planning unit edits; others read)."""
    can_edit = scoping.can_manage(request.user)
    problems: list[str] = []
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("only the planning unit changes the assumptions")
        values, problems = read_assumptions(request.POST)
        if not problems:
            try:
                changed = workflow.save_assumptions(actor=request.user, values=values)
            except ValidationError as exc:
                problems = list(exc.messages)
            else:
                messages.success(
                    request, _("前提を保存しました（%(n)s 件を変更）。") % {"n": changed}
                )
                return redirect("reviews:assumptions")
    current = {a.effect: a for a in OutcomeAssumption.objects.all()}
    rows = assumption_rows(current)
    if request.method == "POST":
        for row in rows:
            row["minutes"] = request.POST.get(f"minutes_{row['effect']}", row["minutes"])
            row["basis"] = request.POST.get(f"basis_{row['effect']}", row["basis"])
    return render(
        request,
        "reviews/workflow/assumptions.html",
        {"rows": rows, "can_edit": can_edit, "problems": problems},
        status=400 if problems else 200,
    )


# --- publication -----------------------------------------------------------------------------

PUBLICATION_TITLE = "押印・書面・対面の見直し結果"


@export_cap
def publication_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    lines = publication.lines(Review.objects.all())
    body = publication.render_body(lines, title=PUBLICATION_TITLE, page_date=timezone.localdate())
    return render(
        request,
        "reviews/workflow/publication.html",
        {"body": SafeString(body), "count": len(lines)},
    )


@export_cap
def publication_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    fmt = request.GET.get("fmt", "xlsx")
    lines = publication.lines(Review.objects.all())
    if fmt == "html":
        body = publication.render_body(
            lines, title=PUBLICATION_TITLE, page_date=timezone.localdate()
        )
        document = publication.render_document(body, title=PUBLICATION_TITLE)
        return download(
            document.encode("utf-8"),
            filename="見直し結果.html",
            content_type="text/html; charset=utf-8",
            actor=request.user,
            object_type="reviews.publication",
            changes={"format": "html", "rows": len(lines)},
        )
    return table_download(
        publication.HEADER,
        publication.rows(lines),
        fmt="csv" if fmt == "csv" else "xlsx",
        stem="見直し結果",
        actor=request.user,
        object_type="reviews.publication",
        sheet="見直し結果",
        changes={"rows": len(lines)},
    )
