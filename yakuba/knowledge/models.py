"""Knowledge sharing (issue 16): ICT helpers, questions and answers, how-tos.

Bodies are stored as the markup the author wrote (a small Markdown subset) and rendered
through `knowledge.markup.render` (sanitised by nh3) every time they are shown.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TITLE_MAX = 150
BODY_MAX = 20_000


class SkillTag(models.Model):
    """A skill / topic from the managed list (Zoom の操作, VPN 接続 …)."""

    slug = models.SlugField(_("コード"), max_length=40, unique=True)
    name = models.CharField(_("名前"), max_length=50, unique=True)
    sort_order = models.PositiveIntegerField(_("表示順"), default=0)
    active = models.BooleanField(_("有効"), default=True)

    class Meta:
        verbose_name = _("スキル・タグ")
        verbose_name_plural = _("スキル・タグ")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Helper(models.Model):
    """An ICT helper (ICTサポーター): a volunteer, or appointed by the information division."""

    staff = models.OneToOneField(
        "org.Staff", verbose_name=_("職員"), on_delete=models.CASCADE, related_name="ict_helper"
    )
    tags = models.ManyToManyField(SkillTag, verbose_name=_("得意なこと"), related_name="helpers")
    availability = models.CharField(
        _("相談しやすい時間"),
        max_length=300,
        blank=True,
        help_text=_("例：平日の午後、内線でどうぞ"),
    )
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("任命した人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The department (部) the helper was appointed for, when appointed.
    department = models.ForeignKey(
        "org.Unit",
        verbose_name=_("担当する部"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    active = models.BooleanField(_("有効"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ICTサポーター")
        verbose_name_plural = _("ICTサポーター")
        ordering = ["staff__unit__path", "staff__staff_number"]

    def __str__(self) -> str:
        return str(self.staff)

    @property
    def appointed(self) -> bool:
        return self.appointed_by_id is not None


class QuestionStatus(models.TextChoices):
    OPEN = "open", _("回答待ち")
    ANSWERED = "answered", _("解決済み")
    CLOSED = "closed", _("終了")


class Question(models.Model):
    title = models.CharField(_("件名"), max_length=TITLE_MAX)
    body = models.TextField(_("本文"), max_length=BODY_MAX)
    tags = models.ManyToManyField(SkillTag, verbose_name=_("タグ"), related_name="questions")
    asker = models.ForeignKey(
        "org.Staff", verbose_name=_("質問者"), on_delete=models.PROTECT, related_name="+"
    )
    anonymous = models.BooleanField(_("名前を出さずに質問する"), default=False)
    status = models.CharField(
        _("状態"), max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.OPEN
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("重複元の質問"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    escalated_at = models.DateTimeField(_("情報政策課への連絡日時"), null=True, blank=True)
    created_at = models.DateTimeField(_("質問日時"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("更新日時"), default=timezone.now)

    class Meta:
        verbose_name = _("質問")
        verbose_name_plural = _("質問")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return self.title


class Answer(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("質問"), on_delete=models.CASCADE, related_name="answers"
    )
    author = models.ForeignKey(
        "org.Staff", verbose_name=_("回答者"), on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("回答"), max_length=BODY_MAX)
    accepted = models.BooleanField(_("解決した回答"), default=False)
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("回答日時"), default=timezone.now)

    class Meta:
        verbose_name = _("回答")
        verbose_name_plural = _("回答")
        ordering = ["-accepted", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question"],
                condition=Q(accepted=True),
                name="knowledge_one_accepted_answer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.question} — {self.author}"


class Comment(models.Model):
    """A short comment on a question or on an answer (exactly one of them)."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    author = models.ForeignKey(
        "org.Staff", verbose_name=_("投稿者"), on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("コメント"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("コメント")
        verbose_name_plural = _("コメント")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(question__isnull=False) & Q(answer__isnull=True))
                | (Q(question__isnull=True) & Q(answer__isnull=False)),
                name="knowledge_comment_on_one",
            )
        ]

    def __str__(self) -> str:
        return self.body[:40]


class Helpful(models.Model):
    """「役に立った」: one per person and answer."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="helpful_marks")
    staff = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "staff"], name="knowledge_helpful_once")
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} → {self.answer_id}"


class Article(models.Model):
    """A how-to (手順書・FAQ) at a stable URL /knowledge/howto/<slug>/."""

    slug = models.SlugField(_("URL名"), max_length=80, unique=True)
    title = models.CharField(_("題名"), max_length=TITLE_MAX)
    current = models.ForeignKey(
        "ArticleVersion",
        verbose_name=_("現在の版"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    owner = models.ForeignKey(
        "org.Staff", verbose_name=_("担当者"), on_delete=models.PROTECT, related_name="+"
    )
    owner_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("担当所属"), on_delete=models.PROTECT, related_name="+"
    )
    review_by = models.DateField(_("見直し期限"), null=True, blank=True)
    reminded_for = models.DateField(null=True, blank=True, editable=False)
    tags = models.ManyToManyField(SkillTag, verbose_name=_("タグ"), related_name="articles")
    from_answer = models.ForeignKey(
        Answer,
        verbose_name=_("元になった回答"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(_("更新日時"), default=timezone.now)

    class Meta:
        verbose_name = _("手順書")
        verbose_name_plural = _("手順書")
        ordering = ["-updated_at", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("knowledge:howto", args=[self.slug])


class ArticleVersion(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版"))
    title = models.CharField(_("題名"), max_length=TITLE_MAX)
    body = models.TextField(_("本文"), max_length=BODY_MAX * 2)
    author = models.ForeignKey(
        "org.Staff", verbose_name=_("編集者"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("変更内容"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("日時"), default=timezone.now)

    class Meta:
        verbose_name = _("手順書の版")
        verbose_name_plural = _("手順書の版")
        ordering = ["article_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="knowledge_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.number}版）"


def attachment_path(instance: Attachment, filename: str) -> str:
    # Never the uploaded name: a random name with the extension we decided on.
    return f"knowledge/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{instance.extension}"


class Attachment(models.Model):
    """A screenshot or file on a question, answer or article; served only by a view."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)
    name = models.CharField(_("ファイル名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    is_image = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("添付ファイル")
        verbose_name_plural = _("添付ファイル")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def extension(self) -> str:
        from yakuba.knowledge.uploads import EXTENSIONS

        return EXTENSIONS.get(self.content_type, ".bin")


class HelperNotification(models.Model):
    """A helper told about a question: once per (question, helper)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    helper = models.ForeignKey(Helper, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question", "helper"], name="knowledge_helper_notified_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id} → {self.helper_id}"
