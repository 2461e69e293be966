"""Permission-scoped reads of questions, helpers and how-tos.

Questions, answers and how-tos are shared across the whole office (knowledge crossing
departments is the point), so every signed-in member of staff reads them all. What is
scoped is the *asker of an anonymous question*: only the asker and moderators see it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yakuba.accounts.roles import Capability
from yakuba.knowledge.models import (
    Answer,
    Article,
    ArticleVersion,
    Helper,
    Helpful,
    Question,
    SkillTag,
)
from yakuba.org.models import Staff, Unit


def staff_of(user: Any) -> Staff | None:
    return getattr(user, "staff", None) if getattr(user, "is_authenticated", False) else None


def is_moderator(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.can(Capability.MODERATE_KNOWLEDGE)
    )


def active_helper(staff: Staff | None) -> Helper | None:
    if staff is None:
        return None
    return Helper.objects.filter(staff=staff, active=True).first()


def can_help(user: Any) -> bool:
    """Helpers and moderators may accept an answer for the asker and mark duplicates."""
    return is_moderator(user) or active_helper(staff_of(user)) is not None


def tags() -> QuerySet[SkillTag]:
    return SkillTag.objects.filter(active=True)


def questions(user: Any, *, tag: str = "", status: str = "") -> QuerySet[Question]:
    qs = (
        Question.objects.all()
        .select_related("asker__unit")
        .prefetch_related("tags")
        .annotate(
            answer_count=Count("answers", distinct=True),
            has_accepted=Exists(Answer.objects.filter(question=OuterRef("pk"), accepted=True)),
        )
    )
    if tag:
        qs = qs.filter(tags__slug=tag)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def question_detail(user: Any) -> QuerySet[Question]:
    return Question.objects.select_related("asker__unit", "duplicate_of").prefetch_related(
        "tags", "attachments", "comments__author__unit", "duplicates"
    )


def answers_of(question: Question, viewer_staff: Staff | None) -> list[Answer]:
    mine = Helpful.objects.filter(answer=OuterRef("pk"), staff=viewer_staff)
    qs = (
        Answer.objects.filter(question=question)
        .select_related("author__unit")
        .prefetch_related("attachments", "comments__author__unit", "articles")
        .annotate(
            helpful_count=Count("helpful_marks", distinct=True),
            marked_helpful=Exists(mine) if viewer_staff is not None else Q(pk__in=[]),
        )
    )
    return list(qs)


def may_see_asker(user: Any, question: Question) -> bool:
    """Whether the viewer sees who asked (always, unless the question is anonymous)."""
    if not question.anonymous:
        return True
    staff = staff_of(user)
    return (staff is not None and staff.pk == question.asker_id) or is_moderator(user)


def asker_label(user: Any, question: Question, *, reveal: bool = True) -> str:
    """Who asked, as the viewer may see it. Moderators see an anonymous asker only where
    the page records it (`reveal`, the question's own page); lists never name them."""
    if not question.anonymous:
        return f"{question.asker.name}（{question.asker.unit.name}）"
    staff = staff_of(user)
    if staff is not None and staff.pk == question.asker_id:
        return _("あなた（ほかの職員には匿名）")
    if reveal and is_moderator(user):
        return _("%(name)s（%(unit)s・匿名の質問）") % {
            "name": question.asker.name,
            "unit": question.asker.unit.name,
        }
    return _("匿名の職員")


def may_accept(user: Any, question: Question) -> bool:
    staff = staff_of(user)
    return (staff is not None and staff.pk == question.asker_id) or can_help(user)


def may_close(user: Any, question: Question) -> bool:
    staff = staff_of(user)
    return (staff is not None and staff.pk == question.asker_id) or is_moderator(user)


# --- Helpers directory ----------------------------------------------------------------


class WorkMode:
    OFFICE = "office"
    TELEWORK = "telework"
    SATELLITE = "satellite"
    OFF = "off"
    UNKNOWN = ""


MODE_LABELS = {
    WorkMode.OFFICE: gettext_lazy("庁舎で勤務"),
    WorkMode.TELEWORK: gettext_lazy("在宅勤務"),
    WorkMode.SATELLITE: gettext_lazy("サテライト勤務"),
    WorkMode.OFF: gettext_lazy("休み"),
    WorkMode.UNKNOWN: gettext_lazy("勤務表なし"),
}


def modes_today(staff_ids: list[int], day: dt.date) -> dict[int, str]:
    """Each person's work mode on `day` from published rosters (one query)."""
    from yakuba.rosters.models import ActivityKind, Assignment, VersionStatus

    cells = (
        Assignment.objects.filter(
            staff_id__in=staff_ids, date=day, version__status=VersionStatus.PUBLISHED
        )
        .select_related("activity")
        .order_by("version__published_at")
    )
    modes: dict[int, str] = {}
    for cell in cells:  # the latest publication wins
        if cell.activity is None:
            modes[cell.staff_id] = WorkMode.OFF
        elif cell.activity.kind == ActivityKind.TELEWORK:
            modes[cell.staff_id] = WorkMode.TELEWORK
        elif cell.activity.kind == ActivityKind.SATELLITE:
            modes[cell.staff_id] = WorkMode.SATELLITE
        else:
            modes[cell.staff_id] = WorkMode.OFFICE
    return modes


@dataclass(frozen=True)
class DirectoryRow:
    helper: Helper
    mode: str
    chat: list[tuple[str, str]]

    @property
    def mode_label(self) -> str:
        return str(MODE_LABELS[self.mode])


def directory(
    *, tag: str = "", unit: Unit | None = None, day: dt.date | None = None
) -> list[DirectoryRow]:
    """Active helpers with their skills, contact and today's work mode (4 queries)."""
    from yakuba.notifications.models import ChatIdentity

    day = day or timezone.localdate()
    qs = (
        Helper.objects.filter(active=True, staff__active=True)
        .select_related("staff__unit", "department")
        .prefetch_related(
            Prefetch("tags", queryset=SkillTag.objects.all()),
            Prefetch("staff__chat_identities", queryset=ChatIdentity.objects.order_by("kind")),
        )
    )
    if tag:
        qs = qs.filter(tags__slug=tag).distinct()
    if unit is not None:
        qs = qs.filter(staff__unit__path__startswith=unit.path)
    helpers = list(qs)
    modes = modes_today([h.staff_id for h in helpers], day)
    return [
        DirectoryRow(
            helper=h,
            mode=modes.get(h.staff_id, WorkMode.UNKNOWN),
            chat=[(c.get_kind_display(), c.handle) for c in h.staff.chat_identities.all()],
        )
        for h in helpers
    ]


# --- How-tos ----------------------------------------------------------------------------


def articles(user: Any, *, tag: str = "") -> QuerySet[Article]:
    qs = Article.objects.select_related("owner", "owner_unit", "current").prefetch_related("tags")
    if tag:
        qs = qs.filter(tags__slug=tag)
    return qs.order_by("-updated_at", "pk")


def may_edit_article(user: Any, article: Article) -> bool:
    staff = staff_of(user)
    return (staff is not None and staff.pk == article.owner_id) or can_help(user)


def versions_of(article: Article) -> QuerySet[ArticleVersion]:
    return article.versions.select_related("author").order_by("-number")
