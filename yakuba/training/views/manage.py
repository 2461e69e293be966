"""Management of training (HR and the information division: MANAGE_TRAINING): courses,
sessions, required courses, feedback summaries; attendance (also the session's
instructor); the coverage of units (VIEW_TRAINING_COVERAGE: HR, unit heads their units)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.audit.services import save_audited
from yakuba.core.downloads import table_download
from yakuba.core.permissions import capability_required, get_for_user_or_404, login_required
from yakuba.core.tabular import safe_cell
from yakuba.training import selectors, services
from yakuba.training.forms import CourseForm, RequirementForm, SessionForm
from yakuba.training.models import RegistrationStatus, Requirement, TrainingCourse, TrainingSession

MANAGE = Capability.MANAGE_TRAINING
COVERAGE = Capability.VIEW_TRAINING_COVERAGE


@capability_required(MANAGE)
def manage(request: AuthenticatedHttpRequest) -> HttpResponse:
    now = timezone.now()
    sessions = selectors.with_counts(selectors.managed_sessions(request.user))
    return render(
        request,
        "training/manage.html",
        {
            "courses": selectors.courses(request.user),
            "upcoming": sessions.filter(starts_at__gte=now).order_by("starts_at"),
            "past": sessions.filter(starts_at__lt=now).order_by("-starts_at")[:30],
        },
    )


def _save_course(request: AuthenticatedHttpRequest, course: TrainingCourse, creating: bool):
    form = CourseForm(request.POST or None, request.FILES or None, instance=course)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "materials"}
        upload = request.FILES.get("materials")
        with transaction.atomic():
            if upload is not None:
                name = upload.name or "materials"
                values["materials_name"] = name[:200]
                course.materials.save(name, upload, save=False)
            save_audited(
                actor=request.user,
                obj=course,
                creating=creating,
                fields=("title", "description", "duration_minutes", "active", "materials_name"),
                values=values,
            )
        messages.success(request, _("研修を保存しました。"))
        return redirect("training:manage")
    title = _("研修を追加") if creating else _("研修を編集")
    return render(request, "training/form.html", {"form": form, "title": title, "files": True})


@capability_required(MANAGE)
def course_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _save_course(request, TrainingCourse(), True)


@capability_required(MANAGE)
def course_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _save_course(request, get_for_user_or_404(selectors.courses, request.user, pk), False)


def _save_session(request: AuthenticatedHttpRequest, session: TrainingSession, creating: bool):
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_session(
                actor=request.user, session=session, values=form.cleaned_data, creating=creating
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("研修会を保存しました。"))
            return redirect("training:session_detail", session.pk)
    title = _("研修会を追加") if creating else _("研修会を編集")
    return render(request, "training/form.html", {"form": form, "title": title})


@capability_required(MANAGE)
def session_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _save_session(request, TrainingSession(), True)


@capability_required(MANAGE)
def session_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _save_session(
        request, get_for_user_or_404(selectors.managed_sessions, request.user, pk), False
    )


@require_POST
@capability_required(MANAGE)
def session_cancel_all(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_for_user_or_404(selectors.managed_sessions, request.user, pk)
    services.cancel_session(actor=request.user, session=session)
    messages.success(request, _("研修会を中止し、申込者にお知らせしました。"))
    return redirect("training:session_detail", session.pk)


@login_required
def attendance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The roster of a session; attendance marked by hand (organisers and the instructor)."""
    session = get_for_user_or_404(selectors.managed_sessions, request.user, pk)
    rows = selectors.roster(session)
    if request.method == "POST":
        marks = {
            r.pk: request.POST.get(f"reg-{r.pk}", "")
            for r in rows
            if r.status in ("registered", "attended", "absent") and request.POST.get(f"reg-{r.pk}")
        }
        try:
            counts = services.mark_attendance(actor=request.user, session=session, marks=marks)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("出欠を記録しました（出席 %(attended)d 人・欠席 %(absent)d 人）。") % counts,
            )
            return redirect("training:attendance", session.pk)
    return render(
        request,
        "training/attendance.html",
        {
            "session": session,
            "rows": rows,
            "share": round(services.attended_share() * 100),
            "started": session.starts_at <= timezone.now(),
            "R": RegistrationStatus,
        },
    )


@require_POST
@login_required
def registration_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An organiser cancels someone's registration (the first waiting moves up)."""
    reg = get_for_user_or_404(selectors.managed_registrations, request.user, pk)
    try:
        services.cancel(actor=request.user, registration=reg)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s さんの申し込みを取り消しました。キャンセル待ちの人がいれば繰り上がります。")
            % {"name": reg.staff.name},
        )
    return redirect("training:attendance", reg.session_id)


@require_POST
@login_required
def attendance_from_meeting(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_for_user_or_404(selectors.managed_sessions, request.user, pk)
    try:
        counts = services.attendance_from_meeting(actor=request.user, session=session)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("会議の出席記録から出欠を取りました（出席 %(attended)d 人・欠席 %(absent)d 人）。")
            % counts,
        )
    return redirect("training:attendance", session.pk)


@capability_required(MANAGE)
def course_feedback(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    course = get_for_user_or_404(selectors.courses, request.user, pk)
    return render(
        request,
        "training/course_feedback.html",
        {"course": course, "summary": selectors.feedback_summary(course)},
    )


@capability_required(MANAGE)
def requirements(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = RequirementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            save_audited(
                actor=request.user,
                obj=Requirement(),
                creating=True,
                fields=tuple(form.cleaned_data),
                values=form.cleaned_data,
            )
        messages.success(request, _("必修研修を登録しました。"))
        return redirect("training:requirements")
    return render(
        request,
        "training/requirements.html",
        {"form": form, "requirements": Requirement.objects.select_related("course")},
    )


@capability_required(COVERAGE)
def coverage_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    root = selectors.coverage_root(request.user)
    if root is None:
        return render(request, "training/coverage.html", {"unit": None})
    return redirect("training:coverage", root.pk)


@capability_required(COVERAGE)
def coverage(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    unit = get_for_user_or_404(selectors.units_for_coverage, request.user, pk)
    return render(
        request,
        "training/coverage.html",
        {
            "unit": unit,
            "children": selectors.units_for_coverage(request.user).filter(parent=unit),
            "data": selectors.coverage(unit),
        },
    )


@capability_required(COVERAGE)
def coverage_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    unit = get_for_user_or_404(selectors.units_for_coverage, request.user, pk)
    data = selectors.coverage(unit)
    labels = {
        "done": _("受講済み"),
        "due": _("未受講"),
        "overdue": _("期限超過"),
        "open": _("未受講"),
    }
    header = [_("職員番号"), _("氏名"), _("所属"), _("研修"), _("期限"), _("状況"), _("受講日")]
    rows = [
        [
            safe_cell(row.staff.staff_number),
            safe_cell(row.staff.name),
            safe_cell(row.staff.unit.name),
            safe_cell(n.requirement.course.title),
            n.due.isoformat() if n.due else "",
            labels[n.state],
            n.attended_on.isoformat() if n.attended_on else "",
        ]
        for row in data["rows"]
        for n in row.needs
    ]
    return table_download(
        header,
        rows,
        fmt="xlsx",
        stem=f"研修受講状況_{unit.name}_{timezone.localdate():%Y%m%d}",
        sheet=_("受講状況"),
        actor=request.user,
        object_type="training.coverage",
        object_repr=unit.name,
        changes={"unit": unit.pk, "rows": len(rows)},
    )
