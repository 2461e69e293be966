"""Pages of the knowledge capability. Thin: forms validate, services write, selectors read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.core.downloads import download
from yakuba.core.permissions import capability_required, get_for_user_or_404, login_required
from yakuba.knowledge import selectors, services
from yakuba.knowledge.crossing_selectors import my_thanks
from yakuba.knowledge.forms import (
    AnswerForm,
    AppointForm,
    ArticleForm,
    CommentForm,
    DuplicateForm,
    HelperProfileForm,
    QuestionFilterForm,
    QuestionForm,
    TagFilterForm,
)
from yakuba.knowledge.models import Answer, Article, Attachment, Helper, Question

PAGE_SIZE = 30


def _require_staff(request: AuthenticatedHttpRequest) -> None:
    if selectors.staff_of(request.user) is None:
        raise PermissionDenied("knowledge: the account has no staff record")


def _form_errors(form: Any, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


# --- Questions ---------------------------------------------------------------------------


@login_required
def question_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = QuestionFilterForm(request.GET or None)
    values = form.values()
    qs = selectors.questions(request.user, tag=values["tag"], status=values["status"])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "knowledge/question_list.html",
        {
            "form": form,
            "page": page,
            "rows": [
                (q, selectors.asker_label(request.user, q, reveal=False)) for q in page.object_list
            ],
            "query": query.urlencode(),
            "can_ask": selectors.staff_of(request.user) is not None,
        },
    )


@login_required
def ask(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_staff(request)
    form = QuestionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            question = services.ask_question(
                actor=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                tags=form.cleaned_data["tags"],
                anonymous=form.cleaned_data["anonymous"],
                files=request.FILES.getlist("attachments"),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("質問を投稿しました。得意なICTサポーターに知らせました。"))
            return redirect("knowledge:question", pk=question.pk)
    return render(request, "knowledge/ask.html", {"form": form})


def _question_page(
    request: AuthenticatedHttpRequest,
    question: Question,
    *,
    answer_form: AnswerForm | None = None,
    comment_form: CommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    staff = selectors.staff_of(user)
    if (
        question.anonymous
        and selectors.is_moderator(user)
        and (staff is None or staff.pk != question.asker_id)
    ):
        services.record_asker_viewed(actor=user, question=question)
    answers = selectors.answers_of(question, staff)
    return render(
        request,
        "knowledge/question.html",
        {
            "question": question,
            "asker_label": selectors.asker_label(user, question),
            # The anonymous asker's own comments and answers do not name them either.
            "hidden_author": (
                question.asker_id if not selectors.may_see_asker(user, question) else None
            ),
            "answers": answers,
            "answer_form": answer_form or AnswerForm(),
            "comment_form": comment_form or CommentForm(),
            "duplicate_form": DuplicateForm(),
            "staff": staff,
            "may_accept": selectors.may_accept(user, question),
            "may_close": selectors.may_close(user, question),
            "can_help": selectors.can_help(user),
            "is_open": question.status != "closed",
        },
        status=status,
    )


@login_required
def question_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    question = get_for_user_or_404(selectors.question_detail(request.user), request.user, pk)
    return _question_page(request, question)


@require_POST
@login_required
def answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    question = get_for_user_or_404(selectors.question_detail(request.user), request.user, pk)
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            posted = services.post_answer(
                actor=request.user,
                question=question,
                body=form.cleaned_data["body"],
                files=request.FILES.getlist("attachments"),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("回答を投稿しました。"))
            return redirect(f"{_q_url(question)}#answer-{posted.pk}")
    return _question_page(request, question, answer_form=form)


def _q_url(question: Question) -> str:
    from django.urls import reverse

    return reverse("knowledge:question", args=[question.pk])


@require_POST
@login_required
def comment_question(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    question = get_for_user_or_404(selectors.question_detail(request.user), request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(
                actor=request.user, question=question, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return redirect(_q_url(question))
    return _question_page(request, question, comment_form=form)


@require_POST
@login_required
def comment_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    target = get_for_user_or_404(Answer.objects.select_related("question"), request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(actor=request.user, answer=target, body=form.cleaned_data["body"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return redirect(f"{_q_url(target.question)}#answer-{target.pk}")
    question = selectors.question_detail(request.user).get(pk=target.question_id)
    return _question_page(request, question, comment_form=form)


def _answer_action(request: AuthenticatedHttpRequest, pk: int) -> Answer:
    _require_staff(request)
    return get_for_user_or_404(
        Answer.objects.select_related("question__asker", "author__user"), request.user, pk
    )


@require_POST
@login_required
def helpful(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = _answer_action(request, pk)
    try:
        if services.mark_helpful(actor=request.user, answer=target):
            messages.success(request, _("「役に立った」を伝えました。"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{_q_url(target.question)}#answer-{target.pk}")


@require_POST
@login_required
def accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = _answer_action(request, pk)
    try:
        services.accept_answer(actor=request.user, answer=target)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("解決した回答に選びました。"))
    return redirect(f"{_q_url(target.question)}#answer-{target.pk}")


@require_POST
@login_required
def to_howto(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = _answer_action(request, pk)
    try:
        article = services.article_from_answer(actor=request.user, answer=target)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_q_url(target.question))
    messages.success(request, _("手順書にしました。内容を見直し、必要なら編集してください。"))
    return redirect(article.get_absolute_url())


@require_POST
@login_required
def mark_duplicate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    question = get_for_user_or_404(selectors.question_detail(request.user), request.user, pk)
    if not selectors.can_help(request.user):
        raise PermissionDenied("knowledge: only helpers and moderators mark duplicates")
    form = DuplicateForm(request.POST)
    if form.is_valid():
        original = Question.objects.filter(pk=form.cleaned_data["original"]).first()
        if original is None:
            messages.error(request, _("その番号の質問はありません。"))
        else:
            try:
                services.mark_duplicate(actor=request.user, question=question, original=original)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("重複した質問として元の質問につなぎました。"))
    else:
        messages.error(request, _("重複元の質問の番号を入力してください。"))
    return redirect(_q_url(question))


@require_POST
@login_required
def close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    question = get_for_user_or_404(selectors.question_detail(request.user), request.user, pk)
    services.close_question(actor=request.user, question=question)
    messages.success(request, _("質問を終了しました。"))
    return redirect(_q_url(question))


@login_required
def attachment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Serve an attachment to a signed-in member of staff, with the type decided at upload
    (re-encoded images, PDF, text), sandboxed and never sniffed: nothing in it runs."""
    item = get_object_or_404(Attachment, pk=pk)
    try:
        with item.file.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = download(
        data,
        filename=item.name,
        content_type=item.content_type,
        actor=request.user,
        object_type="knowledge.attachment",
        inline=item.is_image or item.content_type == "application/pdf",
        audit=False,  # shared reading of the office's Q&A, not an export of records
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


# --- Helpers -----------------------------------------------------------------------------


@login_required
def helpers(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TagFilterForm(request.GET or None)
    rows = selectors.directory(tag=form.selected_tag())
    return render(
        request,
        "knowledge/helpers.html",
        {
            "form": form,
            "rows": rows,
            "is_moderator": selectors.is_moderator(request.user),
            "me": selectors.staff_of(request.user),
        },
    )


@login_required
def my_helper(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_staff(request)
    staff = selectors.staff_of(request.user)
    current = Helper.objects.filter(staff=staff).prefetch_related("tags").first()
    initial: dict[str, Any] = {"active": True}
    if current is not None:
        initial = {
            "active": current.active,
            "tags": list(current.tags.all()),
            "availability": current.availability,
            "extension": current.extension,
        }
    form = HelperProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_own_helper_profile(
                actor=request.user,
                tags=form.cleaned_data["tags"],
                availability=form.cleaned_data["availability"],
                extension=form.cleaned_data["extension"],
                active=form.cleaned_data["active"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("ICTサポーターの登録内容を保存しました。"))
            return redirect("knowledge:helpers")
    # The person's own thanks: shown to them only, never on a list (no leaderboard).
    thanks = my_thanks(staff) if staff is not None else None
    return render(
        request, "knowledge/my_helper.html", {"form": form, "helper": current, "thanks": thanks}
    )


@capability_required(Capability.MODERATE_KNOWLEDGE)
def appoint(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AppointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            helper = services.appoint_helper(
                actor=request.user,
                staff=form.cleaned_data["staff_number"],
                department=form.cleaned_data["department"],
                tags=form.cleaned_data["tags"],
                availability=form.cleaned_data["availability"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)sさんをICTサポーターに任命しました。") % {"name": helper.staff.name},
            )
            return redirect("knowledge:appoint")
    appointed = (
        Helper.objects.filter(appointed_by__isnull=False, active=True)
        .select_related("staff__unit", "department")
        .prefetch_related("tags")
    )
    return render(request, "knowledge/appoint.html", {"form": form, "appointed": appointed})


@require_POST
@capability_required(Capability.MODERATE_KNOWLEDGE)
def end_appointment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    helper = get_for_user_or_404(Helper.objects.select_related("staff"), request.user, pk)
    services.end_appointment(actor=request.user, helper=helper)
    messages.success(request, _("%(name)sさんの任命を終えました。") % {"name": helper.staff.name})
    return redirect("knowledge:appoint")


# --- How-tos -----------------------------------------------------------------------------


@login_required
def howto_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TagFilterForm(request.GET or None)
    form.fields["tag"].label = _("タグ")
    qs = selectors.articles(request.user, tag=form.selected_tag())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "knowledge/howto_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_write": selectors.can_help(request.user)
            and selectors.staff_of(request.user) is not None,
        },
    )


@login_required
def howto_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_staff(request)
    if not selectors.can_help(request.user):
        raise PermissionDenied("knowledge: helpers and moderators write how-tos")
    form = ArticleForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.create_article(
                actor=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                tags=form.cleaned_data["tags"],
                review_by=form.cleaned_data["review_by"],
                slug=form.cleaned_data["slug"],
                note=form.cleaned_data["note"],
                files=request.FILES.getlist("attachments"),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("手順書を作成しました。"))
            return redirect(article.get_absolute_url())
    return render(request, "knowledge/howto_form.html", {"form": form, "article": None})


def _article(request: AuthenticatedHttpRequest, slug: str) -> Article:
    article = (
        selectors.articles(request.user)
        .prefetch_related("attachments")
        .select_related("from_answer__question")
        .filter(slug=slug)
        .first()
    )
    if article is None:
        raise Http404
    return article


@login_required
def howto(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    article = _article(request, slug)
    return render(
        request,
        "knowledge/howto.html",
        {
            "article": article,
            "version": article.current,
            "may_edit": selectors.may_edit_article(request.user, article),
            "version_count": article.versions.count(),
        },
    )


@login_required
def howto_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    _require_staff(request)
    article = _article(request, slug)
    if not selectors.may_edit_article(request.user, article):
        raise PermissionDenied("knowledge: the owner, helpers and moderators edit how-tos")
    current = article.current
    initial = {
        "title": article.title,
        "slug": article.slug,
        "body": current.body if current else "",
        "tags": list(article.tags.all()),
        "review_by": article.review_by,
    }
    form = ArticleForm(request.POST or None, request.FILES or None, initial=initial)
    form.fields["slug"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_article(
                actor=request.user,
                article=article,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                tags=form.cleaned_data["tags"],
                review_by=form.cleaned_data["review_by"],
                note=form.cleaned_data["note"],
                files=request.FILES.getlist("attachments"),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("手順書を更新しました（新しい版として保存）。"))
            return redirect(article.get_absolute_url())
    return render(request, "knowledge/howto_form.html", {"form": form, "article": article})


@login_required
def howto_history(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    article = _article(request, slug)
    return render(
        request,
        "knowledge/howto_history.html",
        {"article": article, "versions": selectors.versions_of(article)},
    )


@login_required
def howto_version(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    article = _article(request, slug)
    version = selectors.versions_of(article).filter(number=number).first()
    if version is None:
        raise Http404
    return render(
        request,
        "knowledge/howto.html",
        {"article": article, "version": version, "old": version.pk != article.current_id},
    )
