"""The question bank: short lessons and the questions that check them.

`code` is the stable key of a lesson or question in the .xlsx bank (import updates the
row with the same code, export writes it), so infosec can edit the bank in Excel and
bring it back without duplicating anything.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from yakuba.security.topics import Topic


class Lesson(models.Model):
    code = models.CharField(_("コード"), max_length=40, unique=True)
    topic = models.CharField(_("分野"), max_length=30, choices=Topic.choices)
    title = models.CharField(_("題名"), max_length=100)
    body = models.TextField(_("本文"), max_length=4000)
    source = models.CharField(
        _("出典"),
        max_length=200,
        blank=True,
        help_text=_(
            "例：総務省「地方公共団体における情報セキュリティポリシーに関するガイドライン」、本市の情報セキュリティ対策基準"
        ),
    )
    active = models.BooleanField(_("使用中"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["topic", "code"]
        verbose_name = _("レッスン")

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("択一")
    MULTIPLE = "multiple", _("複数選択")
    TRUE_FALSE = "true_false", _("○×")


class Question(models.Model):
    code = models.CharField(_("コード"), max_length=40, unique=True)
    lesson = models.ForeignKey(
        Lesson,
        verbose_name=_("レッスン"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
    )
    topic = models.CharField(_("分野"), max_length=30, choices=Topic.choices)
    kind = models.CharField(_("形式"), max_length=20, choices=QuestionKind.choices)
    text = models.TextField(_("問題文"), max_length=1000)
    explanation = models.TextField(_("解説"), max_length=2000)
    source = models.CharField(_("出典"), max_length=200, blank=True)
    active = models.BooleanField(_("使用中"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["topic", "code"]
        verbose_name = _("問題")

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveSmallIntegerField(_("順"))
    text = models.CharField(_("選択肢"), max_length=300)
    correct = models.BooleanField(_("正解"), default=False)

    class Meta:
        ordering = ["question", "order"]
        constraints = [
            models.UniqueConstraint(fields=["question", "order"], name="one_choice_per_position"),
        ]

    def __str__(self) -> str:
        return self.text
