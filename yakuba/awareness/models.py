"""The question bank, and each person's memory of it.

The bank: short lessons and the questions that check them. `code` is the stable key of a
lesson or question in the .xlsx bank (import updates the row with the same code, export
writes it), so infosec can edit the bank in Excel and bring it back without duplicating
anything.

Per person: a `Card` per question met (its FSRS state and when it is due again), a
`Review` per answer, the day someone said "not today" to the question offered after the
morning report (`OfferSkip`) and the follow-ups other apps asked for (`FollowUp`).
"""

from __future__ import annotations

from django.conf import settings
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


class AwarenessSettings(models.Model):
    """The office's awareness settings (one row, pk=1; until infosec saves it, the defaults)."""

    weekly_questions = models.PositiveSmallIntegerField(
        _("1週間に出題する問題数"),
        default=3,
        help_text=_("一人あたり。新しい問題と、復習の時期が来た問題を合わせた数です。"),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("問題の出題設定")
        verbose_name_plural = _("問題の出題設定")

    def __str__(self) -> str:
        return str(_("問題の出題設定"))


class Card(models.Model):
    """One person's memory of one question, as FSRS models it (see `spacing`).

    A card is made when a question is first put to the person (the weekly job, a
    follow-up, an answer given in a campaign) and only ever updated afterwards: one per
    person and question. ``state``/``step``/``stability``/``difficulty``/``last_review``
    are the FSRS card; ``due`` says when the question comes back.
    """

    staff = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="cards")
    due = models.DateTimeField()
    state = models.PositiveSmallIntegerField(default=1)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    last_review = models.DateTimeField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)
    # Why the question was brought forward (a follow-up: shown to the person, cleared by
    # the next answer); such questions come before the other due ones.
    follow_up = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "question"], name="one_card_per_question"),
        ]
        indexes = [models.Index(fields=["staff", "due"], name="card_staff_due")]

    def __str__(self) -> str:
        return f"Card #{self.pk}"


class AnswerVia(models.TextChoices):
    WEEKLY = "weekly", _("今週の問題")
    MORNING = "morning", _("朝の業務報告のあと")
    CAMPAIGN = "campaign", _("キャンペーン・研修")


class Review(models.Model):
    """One answer (the FSRS review log): what was chosen, whether it was right, and when.

    ``chosen`` holds the positions (`Choice.order`) picked, so an edited question keeps
    its history readable; answers given elsewhere (a campaign) have none.
    """

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="reviews")
    staff = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField()
    correct = models.BooleanField()
    chosen = models.JSONField(default=list, blank=True)
    via = models.CharField(max_length=20, choices=AnswerVia.choices, default=AnswerVia.WEEKLY)
    answered_at = models.DateTimeField()
    # The card's due time this answer set (shown on the result page: "next in N days").
    next_due = models.DateTimeField()

    class Meta:
        ordering = ["-answered_at", "-pk"]
        indexes = [models.Index(fields=["staff", "answered_at"], name="review_staff_answered")]

    def __str__(self) -> str:
        return f"Review #{self.pk}"


class OfferSkip(models.Model):
    """The person said "not today" to the question offered after the morning report."""

    staff = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "date"], name="one_offer_skip_per_day"),
        ]

    def __str__(self) -> str:
        return f"OfferSkip #{self.pk}"


class FollowUp(models.Model):
    """A topic brought forward for a person by another app (`security.signals.
    follow_up_needed`): once per person and ``source``, so a re-sent signal does nothing."""

    staff = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=100)
    topic = models.CharField(max_length=30, choices=Topic.choices)
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "source"], name="one_follow_up_per_source"),
        ]

    def __str__(self) -> str:
        return f"FollowUp #{self.pk}"
