"""Staff surveys (アンケート, issue 15 item 1): what HR or the planning unit asks, to whom,
and what comes back.

A `Survey` is built from ordered `Section`s of ordered `Question`s (with their `Choice`s),
then launched: its audience (`rosters.audience.Audience`, stored as JSON) is resolved once
into one `Invitation` per person, with the number of telework days each had in the survey's
period fixed at that moment (conditional questions and the telework band of a response read
it, so a later roster change alters nothing). A person's unfinished answers are a `Draft`,
deleted when they submit.

**What a response keeps.** A submitted `Response` holds its `Answer`s and, copied at
submission, the attributes the results are broken down by: the department and division
(課) of the person, their account role, employment type and telework band. For a *named*
survey it also links to the person (`staff`) and keeps the day it was submitted. For an
*anonymous* survey nothing links it back: no person, no time at all (not even the day),
and a random UUID primary key (responses and answers cannot be ordered like the
invitations were answered). The `Invitation` says only *that* the person answered
(`answered`, for reminders) — for an anonymous survey without any date either. The
submit service enforces this; `tests/test_anonymity.py` checks it at the data level.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yakuba.accounts.roles import Role
from yakuba.org.models import EmploymentType

# The 5 labels of a scale question, from 1 to 5 (a question may override them).
DEFAULT_SCALE_LABELS = (
    _("そう思わない"),
    _("あまりそう思わない"),
    _("どちらともいえない"),
    _("ややそう思う"),
    _("そう思う"),
)


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("作成中")
    OPEN = "open", _("回答受付中")
    CLOSED = "closed", _("終了")


class Survey(models.Model):
    title = models.CharField(_("アンケート名"), max_length=200)
    description = models.TextField(_("回答者への説明"), max_length=4000, blank=True)
    status = models.CharField(
        _("状態"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    opens_at = models.DateTimeField(_("回答開始日時"), null=True, blank=True)
    closes_at = models.DateTimeField(_("回答締切日時"), null=True, blank=True)
    anonymous = models.BooleanField(
        _("匿名"),
        default=True,
        help_text=_(
            "匿名のアンケートでは、回答と回答者を結び付ける情報を一切残しません"
            "（回答したかどうかだけを催促のために残します）。"
        ),
    )
    # `rosters.audience.Audience.to_json()`; resolved once at launch into invitations.
    audience = models.JSONField(default=dict, blank=True)
    audience_text = models.CharField(_("対象"), max_length=500, blank=True)
    # The period whose published rosters give each invitee's telework days (conditional
    # questions, the telework band of responses). Usually the month the survey is about.
    period_start = models.DateField(_("対象期間（開始）"), null=True, blank=True)
    period_end = models.DateField(_("対象期間（終了）"), null=True, blank=True)
    # Who runs it: the role (hr / planning) and the unit shown to respondents.
    owner_role = models.CharField(_("実施する役割"), max_length=20, choices=Role.choices)
    owner_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("実施所属"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A template is never launched; "create from template" copies it into a new draft.
    is_template = models.BooleanField(_("ひな形"), default=False)
    # Set on the shipped default template (e.g. "telework"), so it is created once.
    template_key = models.CharField(max_length=50, blank=True, db_index=True)
    source = models.ForeignKey(
        "self",
        verbose_name=_("元にしたひな形"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    launched_at = models.DateTimeField(_("開始した日時"), null=True, blank=True)
    closed_at = models.DateTimeField(_("終了した日時"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("アンケート")
        verbose_name_plural = _("アンケート")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True)
                | Q(opens_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="survey_closes_after_opening",
                violation_error_message=_("締切は開始より後にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="survey_period_ordered",
                violation_error_message=_("対象期間の終了は開始以降にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(is_template=False) | Q(status="draft"),
                name="survey_template_never_launched",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Section(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(_("順"))
    title = models.CharField(_("セクション名"), max_length=200)
    description = models.TextField(_("説明"), max_length=2000, blank=True)

    class Meta:
        ordering = ["survey", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("5段階評価")
    SINGLE = "single", _("単一選択")
    MULTIPLE = "multiple", _("複数選択")
    TEXT = "text", _("自由記述")
    NUMBER = "number", _("数値")
    DATE = "date", _("日付")


CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE})


class Question(models.Model):
    """One question. `order` runs within its section; sections give the page order.

    Conditional display (both may be set; then both must hold):
    - `show_if_choice`: shown only when that choice (of an earlier single/multiple-choice
      question of the same survey) was chosen;
    - `show_if_telework_days_min` / `_max`: shown only to invitees whose telework days in the
      survey's period (fixed at launch on the invitation) lie in that range — e.g. min 1
      "people who teleworked", max 0 "people who never teleworked".
    A hidden question is never required and its answers are ignored.
    """

    # Denormalised from the section, so a survey's questions are one query.
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("順"))
    kind = models.CharField(_("種類"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("質問"), max_length=500)
    help_text = models.CharField(_("補足説明"), max_length=500, blank=True)
    required = models.BooleanField(_("必須"), default=True)
    # Scale: the 5 labels from 1 to 5; empty = DEFAULT_SCALE_LABELS.
    scale_labels = models.JSONField(default=list, blank=True)
    # Number: the accepted range (inclusive) and whether decimals are accepted.
    min_value = models.DecimalField(
        _("最小値"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("最大値"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    integer_only = models.BooleanField(_("整数のみ"), default=True)
    unit_label = models.CharField(_("単位"), max_length=20, blank=True)
    # Multiple choice: at most this many (None = no limit).
    max_choices = models.PositiveSmallIntegerField(
        _("選べる数の上限"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    show_if_choice = models.ForeignKey(
        "Choice",
        verbose_name=_("表示する条件（前の質問の回答）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    show_if_telework_days_min = models.PositiveSmallIntegerField(
        _("表示する条件（在宅勤務日数の下限）"), null=True, blank=True
    )
    show_if_telework_days_max = models.PositiveSmallIntegerField(
        _("表示する条件（在宅勤務日数の上限）"), null=True, blank=True
    )

    class Meta:
        ordering = ["survey", "section__order", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(max_value__gte=models.F("min_value")),
                name="question_range_ordered",
                violation_error_message=_("最大値は最小値以上にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(show_if_telework_days_min__isnull=True)
                | Q(show_if_telework_days_max__isnull=True)
                | Q(show_if_telework_days_max__gte=models.F("show_if_telework_days_min")),
                name="question_telework_condition_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def has_choices(self) -> bool:
        return self.kind in CHOICE_KINDS

    @property
    def is_conditional(self) -> bool:
        return (
            self.show_if_choice_id is not None
            or self.show_if_telework_days_min is not None
            or self.show_if_telework_days_max is not None
        )

    def labels(self) -> list[str]:
        """The 5 scale labels, from 1 to 5."""
        if isinstance(self.scale_labels, list) and len(self.scale_labels) == 5:
            return [str(label) for label in self.scale_labels]
        return [str(label) for label in DEFAULT_SCALE_LABELS]


class Choice(models.Model):
    """A choice of a single/multiple-choice question. `is_other` marks 「その他（自由記述）」:
    choosing it asks for a free text, kept on the answer. At most one per question, last."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveSmallIntegerField(_("順"))
    label = models.CharField(_("選択肢"), max_length=200)
    is_other = models.BooleanField(_("その他（自由記述）"), default=False)

    class Meta:
        ordering = ["question", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question"], condition=Q(is_other=True), name="one_other_per_question"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Invitation(models.Model):
    """One person asked to answer, fixed at launch. The only record of *who* answered."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    staff = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="+")
    invited_at = models.DateTimeField(_("依頼日時"))
    # Telework days in the survey's period in the published rosters, at launch.
    telework_days = models.PositiveSmallIntegerField(default=0)
    answered = models.BooleanField(_("回答済み"), default=False)
    # Named surveys only; None for anonymous ones (no date that could match a response).
    answered_on = models.DateField(_("回答日"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("催促した回数"), default=0)
    last_reminded_on = models.DateField(_("最後に催促した日"), null=True, blank=True)

    class Meta:
        ordering = ["survey", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "staff"], name="one_invitation_per_person"),
            models.CheckConstraint(
                condition=Q(answered=True) | Q(answered_on__isnull=True),
                name="invitation_answered_on_only_when_answered",
            ),
        ]
        indexes = [models.Index(fields=["staff", "answered"], name="invitation_staff_answered")]

    def __str__(self) -> str:
        # No name: the audit trail records that an invitation changed, not whose.
        return f"Invitation #{self.pk}"


class Draft(models.Model):
    """A person's unfinished answers ({question id: raw value}); deleted on submit."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="drafts")
    staff = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="+")
    answers = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "staff"], name="one_draft_per_person")
        ]

    def __str__(self) -> str:
        return f"Draft #{self.pk}"


class TeleworkBand(models.TextChoices):
    """Telework days in the survey's period, in bands (a response never keeps the count)."""

    NONE = "0", _("なし")
    FEW = "1-4", _("1〜4日")
    SOME = "5-9", _("5〜9日")
    MANY = "10+", _("10日以上")


def telework_band(days: int) -> str:
    if days <= 0:
        return TeleworkBand.NONE
    if days < 5:
        return TeleworkBand.FEW
    if days < 10:
        return TeleworkBand.SOME
    return TeleworkBand.MANY


class Response(models.Model):
    """One submitted questionnaire. See the module docstring for what it may keep."""

    # Random: responses cannot be ordered like the invitations were answered.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    # Named surveys only (None for anonymous surveys, always).
    staff = models.ForeignKey(
        "org.Staff", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_on = models.DateField(_("回答日"), null=True, blank=True)  # named only
    # Copied at submission for the breakdowns (never shown for groups under 5).
    department = models.ForeignKey(
        "org.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    division = models.ForeignKey(
        "org.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    role = models.CharField(_("役割"), max_length=20, choices=Role.choices, blank=True)
    employment_type = models.CharField(
        _("雇用区分"), max_length=20, choices=EmploymentType.choices, blank=True
    )
    telework_band = models.CharField(
        _("在宅勤務日数"), max_length=5, choices=TeleworkBand.choices, blank=True
    )

    class Meta:
        ordering = ["survey", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "staff"],
                condition=Q(staff__isnull=False),
                name="one_named_response_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"Response {self.pk}"


class Answer(models.Model):
    """One answer value. A multiple-choice answer is one row per chosen choice (so counting
    is one GROUP BY); 「その他」 keeps its free text in `text` on the row of that choice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    # Denormalised from the response/question, so a survey's answers are one query.
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choice = models.ForeignKey(
        Choice, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    scale = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    number = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    text = models.TextField(blank=True, max_length=4000)

    class Meta:
        ordering = ["response", "question", "choice"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"],
                condition=Q(choice__isnull=True),
                name="one_plain_answer_per_question",
            ),
            models.UniqueConstraint(
                fields=["response", "question", "choice"],
                condition=Q(choice__isnull=False),
                name="one_answer_per_choice",
            ),
            models.CheckConstraint(
                condition=Q(scale__isnull=True) | Q(scale__gte=1, scale__lte=5),
                name="answer_scale_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["survey", "question"], name="answer_survey_question")]

    def __str__(self) -> str:
        return f"Answer {self.pk}"
