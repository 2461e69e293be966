"""Writes of the knowledge capability: each in one transaction, audited.

Services take the acting user; who may do what is decided by `selectors` and refused here
with PermissionDenied (403) — bad input with a ValidationError in Japanese, nothing stored.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from yakuba.accounts.models import User
from yakuba.accounts.roles import Role
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.core.conf import setting
from yakuba.knowledge import selectors
from yakuba.knowledge.markup import plain_text
from yakuba.knowledge.models import (
    BODY_MAX,
    TITLE_MAX,
    Answer,
    Article,
    ArticleVersion,
    Attachment,
    Comment,
    Helper,
    HelperNotification,
    Helpful,
    Question,
    QuestionStatus,
    SkillTag,
)
from yakuba.knowledge.uploads import CleanFile, clean_upload, max_files
from yakuba.knowledge.workdays import working_days_between
from yakuba.notifications.services import EMAIL, IN_APP, notify
from yakuba.org.models import Staff, Unit
from yakuba.search import services as search

COMMENT_MAX = 2000


def helpers_per_question() -> int:
    return int(setting("KNOWLEDGE_HELPERS_PER_QUESTION", 3))


def helper_notices_per_day() -> int:
    return int(setting("KNOWLEDGE_HELPER_NOTICES_PER_DAY", 5))


def escalate_after_working_days() -> int:
    return int(setting("KNOWLEDGE_ESCALATE_AFTER_WORKING_DAYS", 3))


def _staff(actor: User) -> Staff:
    staff = selectors.staff_of(actor)
    if staff is None:
        raise PermissionDenied("knowledge: the account has no staff record")
    return staff


def _text(value: str, *, label: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(_("%(label)sを入力してください。") % {"label": label})
    if len(value) > limit:
        raise ValidationError(
            _("%(label)sが長すぎます（%(n)s文字）。%(limit)s文字以内にしてください。")
            % {"label": label, "n": len(value), "limit": limit}
        )
    return value


def clean_files(files: Sequence[UploadedFile]) -> list[CleanFile]:
    """Check every upload first and report every problem at once; write nothing."""
    if len(files) > max_files():
        raise ValidationError(_("添付できるファイルは%(n)s個までです。") % {"n": max_files()})
    problems: list[str] = []
    cleaned: list[CleanFile] = []
    for upload in files:
        try:
            cleaned.append(clean_upload(upload))
        except ValidationError as exc:
            problems.extend(exc.messages)
    if problems:
        raise ValidationError(problems)
    return cleaned


def _attach(files: Iterable[CleanFile], staff: Staff, **target: Any) -> list[Attachment]:
    made = []
    for f in files:
        attachment = Attachment(
            name=f.name,
            content_type=f.content_type,
            size=len(f.data),
            is_image=f.is_image,
            uploaded_by=staff,
            **target,
        )
        attachment.file.save(f.name, f.as_file(), save=False)
        attachment.save()
        made.append(attachment)
    return made


# --- Helpers ----------------------------------------------------------------------------


@transaction.atomic
def save_own_helper_profile(
    *, actor: User, tags: Iterable[SkillTag], availability: str, extension: str, active: bool
) -> Helper:
    staff = _staff(actor)
    tags = list(tags)
    if active and not tags:
        raise ValidationError(_("得意なことを一つ以上選んでください。"))
    helper, created = Helper.objects.get_or_create(staff=staff)
    before = (
        helper.active,
        helper.availability,
        helper.extension,
        sorted(t.pk for t in helper.tags.all()),
    )
    helper.availability = _text(
        availability, label=_("相談しやすい時間"), limit=300, required=False
    )
    helper.extension = _text(extension, label=_("内線番号"), limit=20, required=False)
    helper.active = active
    helper.updated_at = timezone.now()
    helper.save()
    helper.tags.set(tags)
    after = (helper.active, helper.availability, helper.extension, sorted(t.pk for t in tags))
    if created or before != after:
        record(
            AuditAction.CREATE if created else AuditAction.UPDATE,
            actor=actor,
            obj=helper,
            changes={
                "active": active,
                "tags": [t.name for t in tags],
                "availability": helper.availability,
            },
        )
    return helper


@transaction.atomic
def appoint_helper(
    *,
    actor: User,
    staff: Staff,
    department: Unit | None,
    tags: Iterable[SkillTag],
    availability: str,
) -> Helper:
    if not selectors.is_moderator(actor):
        raise PermissionDenied("knowledge: only the information division appoints helpers")
    tags = list(tags)
    if not tags:
        raise ValidationError(_("得意なことを一つ以上選んでください。"))
    if not staff.active:
        raise ValidationError(_("在職していない職員は任命できません。"))
    helper, created = Helper.objects.get_or_create(staff=staff)
    helper.appointed_by = actor
    helper.department = department
    helper.active = True
    if availability.strip():
        helper.availability = _text(
            availability, label=_("相談しやすい時間"), limit=300, required=False
        )
    helper.updated_at = timezone.now()
    helper.save()
    helper.tags.add(*tags)
    record(
        AuditAction.CREATE if created else AuditAction.UPDATE,
        actor=actor,
        obj=helper,
        changes={
            "appointed": True,
            "department": department.name if department else "",
            "tags": [t.name for t in tags],
        },
    )
    return helper


@transaction.atomic
def end_appointment(*, actor: User, helper: Helper) -> Helper:
    if not selectors.is_moderator(actor):
        raise PermissionDenied("knowledge: only the information division appoints helpers")
    helper.active = False
    helper.updated_at = timezone.now()
    helper.save(update_fields=["active", "updated_at"])
    record(AuditAction.UPDATE, actor=actor, obj=helper, changes={"active": False})
    return helper


# --- Helper matching and notification -----------------------------------------------------


def _same_line(a: Unit, b: Unit) -> bool:
    """The same unit, or one above or below the other (e.g. 市民課 and its 窓口係)."""
    return a.path.startswith(b.path) or b.path.startswith(a.path)


def matching_helpers(question: Question) -> list[Helper]:
    """Helpers whose skills match the question's tags, best first: outside the asker's
    unit before inside it, then more matching tags, then fewer notices lately."""
    return rank_helpers(list(question.tags.values_list("pk", flat=True)), question.asker)


def rank_helpers(tag_ids: list[int], asker: Staff) -> list[Helper]:
    """The order `matching_helpers` tells helpers about a question of ``asker``'s with
    these tags (the asker never helps themself)."""
    if not tag_ids:
        return []
    since = timezone.now() - dt.timedelta(days=1)
    candidates: list[Helper] = list(
        Helper.objects.filter(active=True, staff__active=True, tags__in=tag_ids)
        .exclude(staff_id=asker.pk)
        .select_related("staff__unit", "staff__user")
        .annotate(
            matched=Count("tags", filter=Q(tags__in=tag_ids), distinct=True),
            recent=Count(
                "notifications", filter=Q(notifications__created_at__gte=since), distinct=True
            ),
        )
        .distinct()
    )
    asker_unit = asker.unit
    candidates.sort(
        key=lambda h: (
            _same_line(h.staff.unit, asker_unit),
            -h.matched,  # type: ignore[attr-defined]
            h.recent,  # type: ignore[attr-defined]
            h.staff.staff_number,
        )
    )
    return candidates


def notify_helpers(question: Question) -> list[Helper]:
    """Tell up to KNOWLEDGE_HELPERS_PER_QUESTION matching helpers, once per (question,
    helper), skipping helpers already told KNOWLEDGE_HELPER_NOTICES_PER_DAY times in the
    last 24 hours. Safe to call again: nobody is told twice."""
    limit = helper_notices_per_day()
    told: list[Helper] = []
    already = set(
        HelperNotification.objects.filter(question=question).values_list("helper_id", flat=True)
    )
    wanted = helpers_per_question() - len(already)
    for helper in matching_helpers(question):
        if wanted <= 0:
            break
        if helper.pk in already or helper.recent >= limit:  # type: ignore[attr-defined]
            continue
        try:
            with transaction.atomic():
                HelperNotification.objects.create(question=question, helper=helper)
        except IntegrityError:  # told by a concurrent call
            continue
        told.append(helper)
        wanted -= 1
    if told:
        _send_helper_notices(question, told)
    return told


def _send_helper_notices(question: Question, helpers: list[Helper]) -> None:
    from yakuba.notifications.models import Channel
    from yakuba.notifications.payloads import Message, Person, Section
    from yakuba.notifications.services import post_to_channel

    url = reverse("knowledge:question", args=[question.pk])
    tags = "、".join(t.name for t in question.tags.all())
    subject = _("【ICTサポーター】質問が届いています：%(title)s") % {"title": question.title[:80]}
    body = _(
        "得意なこと（%(tags)s）に合う質問です。分かる範囲で回答をお願いします。\n\n%(excerpt)s"
    ) % {
        "tags": tags,
        "excerpt": plain_text(question.body, 200),
    }
    users = [h.staff.user for h in helpers if h.staff.user is not None]
    notify(
        users,
        subject=subject,
        body=body,
        url=url,
        channels=(IN_APP, EMAIL),
        purpose=f"knowledge:q{question.pk}",
    )
    # Chat: one post per unit channel, mentioning the helpers of that unit.
    channels = list(Channel.objects.filter(active=True).select_related("unit"))
    by_channel: dict[int, tuple[Any, list[Helper]]] = {}
    for helper in helpers:
        nearest = max(
            (c for c in channels if helper.staff.unit.path.startswith(c.unit.path)),
            key=lambda c: len(c.unit.path),
            default=None,
        )
        if nearest is not None:
            by_channel.setdefault(nearest.pk, (nearest, []))[1].append(helper)
    if not by_channel:
        return
    from yakuba.notifications.models import ChatIdentity

    handles: dict[int, dict[str, str]] = {}
    for ident in ChatIdentity.objects.filter(staff_id__in=[h.staff_id for h in helpers]):
        handles.setdefault(ident.staff_id, {})[ident.kind] = ident.handle
    for channel, members in by_channel.values():
        message = Message(
            title=subject,
            text=body,
            sections=(
                Section(
                    heading=_("ICTサポーター"),
                    people=tuple(Person.of(h.staff.name, handles.get(h.staff_id)) for h in members),
                ),
            ),
            url=url,
        )
        post_to_channel(channel, message, purpose=f"knowledge:q{question.pk}:c{channel.pk}")


# --- Questions, answers, comments ------------------------------------------------------


def _clean_tags(tags: Iterable[SkillTag]) -> list[SkillTag]:
    tags = list(tags)
    if not tags:
        raise ValidationError(
            _("タグを一つ以上選んでください。合う回答者に知らせるために使います。")
        )
    return tags


def ask_question(
    *,
    actor: User,
    title: str,
    body: str,
    tags: Iterable[SkillTag],
    anonymous: bool = False,
    files: Sequence[UploadedFile] = (),
) -> Question:
    staff = _staff(actor)
    title = _text(title, label=_("件名"), limit=TITLE_MAX)
    body = _text(body, label=_("本文"), limit=BODY_MAX)
    tag_list = _clean_tags(tags)
    cleaned = clean_files(files)
    with transaction.atomic():
        question = Question.objects.create(title=title, body=body, asker=staff, anonymous=anonymous)
        question.tags.set(tag_list)
        _attach(cleaned, staff, question=question)
        record(
            AuditAction.CREATE,
            actor=actor,
            obj=question,
            changes={
                "tags": [t.name for t in tag_list],
                "anonymous": anonymous,
                "files": len(cleaned),
            },
        )
        notify_helpers(question)
        search.index(question)
    return question


def _open_for_posts(question: Question) -> None:
    if question.status == QuestionStatus.CLOSED:
        raise ValidationError(_("この質問は終了しているため、書き込めません。"))


def post_answer(
    *, actor: User, question: Question, body: str, files: Sequence[UploadedFile] = ()
) -> Answer:
    staff = _staff(actor)
    _open_for_posts(question)
    body = _text(body, label=_("回答"), limit=BODY_MAX)
    cleaned = clean_files(files)
    with transaction.atomic():
        answer = Answer.objects.create(question=question, author=staff, body=body)
        _attach(cleaned, staff, answer=answer)
        Question.objects.filter(pk=question.pk).update(updated_at=timezone.now())
        record(AuditAction.CREATE, actor=actor, obj=answer, changes={"question": question.pk})
        search.index(question)  # the question's documents carry its answers
        asker_user = question.asker.user
        if asker_user is not None and question.asker_id != staff.pk:
            notify(
                [asker_user],
                subject=_("質問に回答がありました：%(title)s") % {"title": question.title[:80]},
                body=plain_text(body, 200),
                url=reverse("knowledge:question", args=[question.pk]),
                channels=(IN_APP, EMAIL),
                purpose=f"knowledge:a{answer.pk}",
            )
    return answer


@transaction.atomic
def add_comment(
    *, actor: User, body: str, question: Question | None = None, answer: Answer | None = None
) -> Comment:
    staff = _staff(actor)
    target = question if question is not None else answer.question  # type: ignore[union-attr]
    _open_for_posts(target)
    body = _text(body, label=_("コメント"), limit=COMMENT_MAX)
    comment = Comment.objects.create(question=question, answer=answer, author=staff, body=body)
    record(AuditAction.CREATE, actor=actor, obj=comment, changes={"question": target.pk})
    return comment


@transaction.atomic
def mark_helpful(*, actor: User, answer: Answer) -> bool:
    """「役に立った」 (once per person; not on one's own answer). True if newly marked."""
    staff = _staff(actor)
    if answer.author_id == staff.pk:
        raise ValidationError(_("自分の回答には「役に立った」を付けられません。"))
    _mark, created = Helpful.objects.get_or_create(answer=answer, staff=staff)
    if created:
        record(
            AuditAction.CREATE,
            actor=actor,
            object_type="knowledge.helpful",
            object_id=str(answer.pk),
            object_repr=str(answer)[:200],
        )
    return created


@transaction.atomic
def accept_answer(*, actor: User, answer: Answer) -> Answer:
    question = Question.objects.select_for_update().get(pk=answer.question_id)
    if not selectors.may_accept(actor, question):
        raise PermissionDenied("knowledge: only the asker, a helper or a moderator accepts")
    _open_for_posts(question)
    Answer.objects.filter(question=question, accepted=True).exclude(pk=answer.pk).update(
        accepted=False, accepted_at=None
    )
    answer.accepted = True
    answer.accepted_at = timezone.now()
    answer.save(update_fields=["accepted", "accepted_at"])
    question.status = QuestionStatus.ANSWERED
    question.updated_at = timezone.now()
    question.save(update_fields=["status", "updated_at"])
    record(AuditAction.UPDATE, actor=actor, obj=answer, changes={"accepted": True})
    search.index(question)  # an accepted answer ranks higher
    author_user = answer.author.user
    if author_user is not None and author_user.pk != actor.pk:
        notify(
            [author_user],
            subject=_("あなたの回答が解決した回答に選ばれました：%(title)s")
            % {"title": question.title[:80]},
            url=reverse("knowledge:question", args=[question.pk]),
            purpose=f"knowledge:accepted{answer.pk}",
        )
    return answer


@transaction.atomic
def mark_duplicate(*, actor: User, question: Question, original: Question) -> Question:
    if not selectors.can_help(actor):
        raise PermissionDenied("knowledge: only helpers and moderators mark duplicates")
    root = original
    seen = {question.pk}
    while root.duplicate_of_id is not None and root.pk not in seen:
        seen.add(root.pk)
        root = root.duplicate_of  # type: ignore[assignment]
    if root.pk in seen:
        raise ValidationError(_("同じ質問を重複元にはできません。"))
    question.duplicate_of = root
    question.status = QuestionStatus.CLOSED
    question.updated_at = timezone.now()
    question.save(update_fields=["duplicate_of", "status", "updated_at"])
    record(AuditAction.UPDATE, actor=actor, obj=question, changes={"duplicate_of": root.pk})
    return question


@transaction.atomic
def close_question(*, actor: User, question: Question) -> Question:
    if not selectors.may_close(actor, question):
        raise PermissionDenied("knowledge: only the asker or a moderator closes")
    question.status = QuestionStatus.CLOSED
    question.updated_at = timezone.now()
    question.save(update_fields=["status", "updated_at"])
    record(AuditAction.UPDATE, actor=actor, obj=question, changes={"status": "closed"})
    return question


def record_asker_viewed(*, actor: User, question: Question) -> None:
    """A moderator saw who asked an anonymous question: recorded in the audit trail."""
    record(
        AuditAction.VIEW_SENSITIVE,
        actor=actor,
        obj=question,
        changes={"anonymous_asker": True},
    )


# --- Escalation --------------------------------------------------------------------------


def division_users() -> list[User]:
    return list(
        User.objects.filter(is_active=True, role__in=[Role.INFOSEC, Role.SYSADMIN]).order_by("pk")
    )


def escalate_unanswered(now: dt.datetime | None = None) -> list[Question]:
    """Questions still without an answer after N working days go to the information
    division, once each (escalated_at)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    n = escalate_after_working_days()
    candidates = Question.objects.filter(
        status=QuestionStatus.OPEN, escalated_at__isnull=True, answers__isnull=True
    ).order_by("created_at")
    escalated: list[Question] = []
    for question in candidates:
        asked = timezone.localdate(question.created_at)
        if working_days_between(asked, today) < n:
            continue
        with transaction.atomic():
            if not Question.objects.filter(pk=question.pk, escalated_at__isnull=True).update(
                escalated_at=now
            ):
                continue
            notify(
                division_users(),
                subject=_("【未回答の質問】%(n)s勤務日回答がありません：%(title)s")
                % {"n": n, "title": question.title[:80]},
                body=_(
                    "ICTサポーターから回答のない質問です。回答するか、合うサポーターに声をかけてください。"
                ),
                url=reverse("knowledge:question", args=[question.pk]),
                channels=(IN_APP, EMAIL),
                purpose=f"knowledge:escalate{question.pk}",
            )
            record(AuditAction.UPDATE, obj=question, changes={"escalated": True})
        escalated.append(question)
    return escalated


# --- How-tos -----------------------------------------------------------------------------

SLUG_MAX = 80
RESERVED_SLUGS = frozenset({"new"})  # /knowledge/howto/new/ is the form


def _clean_slug(slug: str, title: str) -> str:
    slug = (slug or "").strip().lower()
    if not slug:
        base = slugify(title)[:40] or "howto"
        slug = f"{base}-{secrets.token_hex(3)}"
    if slug != slugify(slug) or len(slug) > SLUG_MAX:
        raise ValidationError(
            _(
                "URL名は半角の英小文字・数字・ハイフンで%(n)s文字以内にしてください（例：vpn-connect）。"
            )
            % {"n": SLUG_MAX}
        )
    if slug in RESERVED_SLUGS or Article.objects.filter(slug=slug).exists():
        raise ValidationError(
            _("URL名「%(slug)s」はほかの手順書で使われています。") % {"slug": slug}
        )
    return slug


def may_write_articles(actor: User) -> bool:
    return selectors.can_help(actor)


def create_article(
    *,
    actor: User,
    title: str,
    body: str,
    tags: Iterable[SkillTag],
    review_by: dt.date | None,
    slug: str = "",
    note: str = "",
    from_answer: Answer | None = None,
    files: Sequence[UploadedFile] = (),
) -> Article:
    staff = _staff(actor)
    if from_answer is None and not may_write_articles(actor):
        raise PermissionDenied("knowledge: helpers and moderators write how-tos")
    title = _text(title, label=_("題名"), limit=TITLE_MAX)
    body = _text(body, label=_("本文"), limit=BODY_MAX * 2)
    tag_list = list(tags)
    cleaned = clean_files(files)
    with transaction.atomic():
        slug = _clean_slug(slug, title)
        article = Article.objects.create(
            slug=slug,
            title=title,
            owner=staff,
            owner_unit=staff.unit,
            review_by=review_by,
            from_answer=from_answer,
        )
        article.tags.set(tag_list)
        version = ArticleVersion.objects.create(
            article=article,
            number=1,
            title=title,
            body=body,
            author=staff,
            note=note[:200] or _("作成"),
        )
        article.current = version
        article.save(update_fields=["current"])
        _attach(cleaned, staff, article=article)
        record(
            AuditAction.CREATE,
            actor=actor,
            obj=article,
            changes={"slug": slug, "from_answer": from_answer.pk if from_answer else None},
        )
        search.index(article)
    return article


def edit_article(
    *,
    actor: User,
    article: Article,
    title: str,
    body: str,
    tags: Iterable[SkillTag],
    review_by: dt.date | None,
    note: str = "",
    files: Sequence[UploadedFile] = (),
) -> ArticleVersion:
    """Every edit is a new version; the history keeps the earlier ones."""
    staff = _staff(actor)
    if not selectors.may_edit_article(actor, article):
        raise PermissionDenied("knowledge: the owner, helpers and moderators edit how-tos")
    title = _text(title, label=_("題名"), limit=TITLE_MAX)
    body = _text(body, label=_("本文"), limit=BODY_MAX * 2)
    note = _text(note, label=_("変更内容"), limit=200, required=False)
    tag_list = list(tags)
    cleaned = clean_files(files)
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        last = locked.versions.order_by("-number").first()
        number = (last.number if last else 0) + 1
        version = ArticleVersion.objects.create(
            article=locked, number=number, title=title, body=body, author=staff, note=note
        )
        locked.title = title
        locked.current = version
        locked.review_by = review_by
        if review_by != article.review_by:
            locked.reminded_for = None
        locked.updated_at = timezone.now()
        locked.save()
        locked.tags.set(tag_list)
        _attach(cleaned, staff, article=locked)
        record(
            AuditAction.UPDATE, actor=actor, obj=locked, changes={"version": number, "note": note}
        )
        search.index(locked)  # the current version is what search finds
    return version


def article_from_answer(*, actor: User, answer: Answer) -> Article:
    """Turn an accepted answer into a how-to in one step (again: the same article)."""
    question = answer.question
    staff = _staff(actor)
    if not (selectors.can_help(actor) or staff.pk in (answer.author_id, question.asker_id)):
        raise PermissionDenied("knowledge: helpers, moderators, the asker or the author")
    if not answer.accepted:
        raise ValidationError(_("解決した回答に選ばれた回答だけを手順書にできます。"))
    existing = Article.objects.filter(from_answer=answer).first()
    if existing is not None:
        return existing
    body = _("%(answer)s\n\n---\n\n元の質問：[%(title)s](%(url)s)") % {
        "answer": answer.body,
        "title": question.title.replace("[", "").replace("]", ""),
        "url": reverse("knowledge:question", args=[question.pk]),
    }
    review = timezone.localdate() + dt.timedelta(
        days=int(setting("KNOWLEDGE_REVIEW_AFTER_DAYS", 365))
    )
    return create_article(
        actor=actor,
        title=question.title,
        body=body,
        tags=question.tags.all(),
        review_by=review,
        note=_("解決した回答から作成"),
        from_answer=answer,
    )


def remind_reviews(day: dt.date) -> list[Article]:
    """Tell owners whose how-to is due for review; once per review date."""
    due = (
        Article.objects.filter(review_by__lte=day)
        .exclude(reminded_for=F("review_by"))
        .select_related("owner__user")
    )
    reminded: list[Article] = []
    for article in due:
        with transaction.atomic():
            if (
                not Article.objects.filter(pk=article.pk)
                .exclude(reminded_for=article.review_by)
                .update(reminded_for=article.review_by)
            ):
                continue
            owner_user = article.owner.user
            if owner_user is not None:
                notify(
                    [owner_user],
                    subject=_("手順書の見直し期限です：%(title)s") % {"title": article.title[:80]},
                    body=_(
                        "見直し期限（%(date)s）になりました。内容が今も正しいか確かめ、必要なら更新してください。"
                    )
                    % {"date": article.review_by},
                    url=article.get_absolute_url(),
                    channels=(IN_APP, EMAIL),
                    purpose=f"knowledge:review{article.pk}:{article.review_by}",
                )
        reminded.append(article)
    return reminded
