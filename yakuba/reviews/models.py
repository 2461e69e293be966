"""Reviews of documents, procedures and recurring meetings (見直し, issue 17).

* Criteria (見直しの基準) are data: a `CriteriaSet` (for procedures or for meetings) has
  numbered `CriteriaVersion` rows whose ``definition`` (JSON, shape in
  `yakuba.reviews.decisions`) holds tracks (観点: 押印・書面・対面・添付 …), questions,
  options and outcomes. A published version is never changed: editing makes a new draft,
  publishing it retires the previous one, and every review keeps the version it used.
* The inventory (棚卸し): `Procedure` rows (one per procedure or form, stable
  ``procedure_id``) and `MeetingSeries` (recurring meetings of the meetings app grouped by
  title and organiser, with their cost).
* `HourlyRate` (staff cost per position level) and `OutcomeAssumption` (minutes saved per
  case for each outcome category) are the editable assumptions behind the effect figures.
* A `ReviewRound` reviews items against given criteria versions by a due date; each item
  has one `Review` (answers, derived outcomes per track, overrides with a reason,
  approval) and `ChangeTask` rows (forms to update, notices to rewrite …).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yakuba.core.text import TextValidator
from yakuba.org.models import Unit, UnitKind

# --- criteria ------------------------------------------------------------------------------


class AppliesTo(models.TextChoices):
    PROCEDURE = "procedure", _("手続・書類")
    MEETING = "meeting", _("会議")


class OutcomeEffect(models.TextChoices):
    """What an outcome means for the dashboards (``effect`` of an outcome in the criteria
    definition; the outcome's own label is free text). ``kept_by_law`` is the outcome
    blocked by law or ordinance (法令等により存続): listed apart for requests to the
    prefecture and the national government.

    The values are repeated in `yakuba.reviews.decisions.EFFECTS` (no Django there); a
    test keeps both lists equal."""

    # Procedures and forms.
    SEAL_ABOLISHED = "seal_abolished", _("押印廃止")
    SEAL_SUBSTITUTED = "seal_substituted", _("署名等に代替")
    ONLINE = "online", _("オンライン化")
    PAPER_SIMPLIFIED = "paper_simplified", _("書面の簡素化（メール・郵送等）")
    NO_VISIT = "no_visit", _("来庁不要")
    BY_APPOINTMENT = "by_appointment", _("予約制")
    ATTACHMENT_OMITTED = "attachment_omitted", _("添付省略")
    # Meetings.
    MEETING_ABOLISHED = "meeting_abolished", _("会議の廃止")
    MEETING_REPORT_INSTEAD = "meeting_report_instead", _("報告に代替")
    MEETING_MERGED = "meeting_merged", _("会議の統合")
    MEETING_FEWER_PARTICIPANTS = "meeting_fewer_participants", _("参加者の削減")
    MEETING_SHORTENED = "meeting_shortened", _("時間短縮")
    MEETING_ONLINE = "meeting_online", _("オンライン開催")
    # Both.
    KEPT_BY_LAW = "kept_by_law", _("存続（法令等による）")
    KEPT = "kept", _("現状維持")


class CriteriaSet(models.Model):
    """A named set of criteria (e.g. 「手続の見直し基準（押印・書面・対面・添付）」)."""

    slug = models.SlugField(_("識別子"), max_length=50, unique=True)
    name = models.CharField(_("基準名"), max_length=200, validators=[TextValidator(200)])
    applies_to = models.CharField(_("対象"), max_length=20, choices=AppliesTo.choices)
    description = models.TextField(
        _("説明"), max_length=4000, blank=True, validators=[TextValidator(4000, multiline=True)]
    )
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)

    class Meta:
        verbose_name = _("見直しの基準")
        verbose_name_plural = _("見直しの基準")
        ordering = ["applies_to", "name"]

    def __str__(self) -> str:
        return self.name


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("下書き")
    PUBLISHED = "published", _("公開中")
    RETIRED = "retired", _("旧版")


class FrozenVersionError(Exception):
    """A published or retired criteria version was about to be changed."""


class CriteriaVersion(models.Model):
    """One numbered version of a criteria set. Only a draft may change; at most one draft
    and one published version per set (the published one is what new reviews use)."""

    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("基準"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版"))
    status = models.CharField(
        _("状態"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    definition = models.JSONField(_("定義"), default=dict)
    change_note = models.CharField(
        _("変更内容"), max_length=500, blank=True, validators=[TextValidator(500)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作成者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新日時"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公開者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("公開日時"), null=True, blank=True)
    retired_at = models.DateTimeField(_("旧版となった日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("見直しの基準の版")
        verbose_name_plural = _("見直しの基準の版")
        ordering = ["criteria_set", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "number"], name="reviews_criteria_version_number"
            ),
            models.UniqueConstraint(
                fields=["criteria_set"],
                condition=Q(status="published"),
                name="reviews_criteria_one_published",
            ),
            models.UniqueConstraint(
                fields=["criteria_set"],
                condition=Q(status="draft"),
                name="reviews_criteria_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criteria_set.name} 第{self.number}版"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The definition and number of a version that left the draft state never change
        # (its status and retirement date still may: publishing retires the previous one).
        if not self._state.adding and self.pk is not None:
            stored = (
                CriteriaVersion.objects.filter(pk=self.pk)
                .values("status", "definition", "number")
                .first()
            )
            if (
                stored is not None
                and stored["status"] != VersionStatus.DRAFT
                and (stored["definition"] != self.definition or stored["number"] != self.number)
            ):
                raise FrozenVersionError(
                    "a published criteria version is never changed: make a new version"
                )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.status != VersionStatus.DRAFT:
            raise FrozenVersionError("published criteria versions are kept")
        return super().delete(*args, **kwargs)


# --- inventory -----------------------------------------------------------------------------


def department_of(unit: Unit | None) -> Unit | None:
    """The department (部) a unit belongs to: the nearest ancestor-or-self of kind 部,
    else the top unit of its branch. One query at most."""
    if unit is None:
        return None
    if unit.kind == UnitKind.DEPARTMENT:
        return unit
    codes = unit.path.strip("/").split("/")
    found = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    for code in reversed(codes):
        candidate = found.get(code)
        if candidate is not None and candidate.kind == UnitKind.DEPARTMENT:
            return candidate
    return found.get(codes[0], unit)


class SealKind(models.TextChoices):
    NONE = "none", _("不要")
    SEAL = "seal", _("押印")
    SIGNATURE = "signature", _("署名")
    SEAL_OR_SIGNATURE = "seal_or_signature", _("記名押印又は署名")


class LegalBasisKind(models.TextChoices):
    """Where the requirement comes from (the manual's classification, DOMAIN.md §6)."""

    NATIONAL = "national", _("法律・政令・省令")
    PREFECTURAL = "prefectural", _("県の条例・規則")
    OWN_ORDINANCE = "own_ordinance", _("市の条例")
    OWN_RULE = "own_rule", _("市の規則")
    GUIDELINE = "guideline", _("要綱・要領")
    FORM_ONLY = "form_only", _("様式のみ")
    NONE = "none", _("根拠なし")
    UNKNOWN = "unknown", _("未確認")


class OnlineAvailability(models.TextChoices):
    NONE = "none", _("なし")
    PARTIAL = "partial", _("一部可")
    FULL = "full", _("可")


def _user_fk(label: Any) -> Any:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )


class Procedure(models.Model):
    """One procedure or form of the inventory (手続・様式の棚卸し)."""

    procedure_id = models.CharField(
        _("手続ID"), max_length=50, unique=True, validators=[TextValidator(50)]
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("所管課"), on_delete=models.PROTECT, related_name="+"
    )
    # Derived from the unit (`department_of`) when the row is written; kept for grouping.
    department = models.ForeignKey(
        Unit,
        verbose_name=_("部"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("手続名"), max_length=200, validators=[TextValidator(200)])
    form_name = models.CharField(
        _("様式名"), max_length=200, blank=True, validators=[TextValidator(200)]
    )
    legal_basis = models.CharField(
        _("根拠法令等"),
        max_length=500,
        blank=True,
        validators=[TextValidator(500)],
        help_text=_("例：住民基本台帳法第12条、〇〇市補助金交付規則第5条"),
    )
    legal_basis_kind = models.CharField(
        _("根拠の種別"),
        max_length=20,
        choices=LegalBasisKind.choices,
        default=LegalBasisKind.UNKNOWN,
    )
    annual_count = models.PositiveIntegerField(_("年間件数"), null=True, blank=True)
    seal = models.CharField(
        _("押印・署名"), max_length=20, choices=SealKind.choices, default=SealKind.NONE
    )
    paper = models.BooleanField(_("書面"), default=True)
    in_person = models.BooleanField(_("対面（来庁）"), default=False)
    attachments = models.CharField(
        _("添付書類"), max_length=500, blank=True, validators=[TextValidator(500)]
    )
    fee_yen = models.PositiveIntegerField(
        _("手数料（円）"), null=True, blank=True, help_text=_("無料は0、不明は空欄。")
    )
    online = models.CharField(
        _("オンライン対応状況"),
        max_length=10,
        choices=OnlineAvailability.choices,
        default=OnlineAvailability.NONE,
    )
    active = models.BooleanField(_("有効"), default=True)
    created_at = models.DateTimeField(_("登録日時"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新日時"), default=timezone.now)

    class Meta:
        verbose_name = _("手続")
        verbose_name_plural = _("手続")
        ordering = ["procedure_id"]
        indexes = [
            models.Index(fields=["department", "unit"], name="reviews_proc_dept_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id} {self.name}"

    @property
    def has_seal(self) -> bool:
        return self.seal != SealKind.NONE

    @property
    def has_attachments(self) -> bool:
        return bool(self.attachments.strip())

    def facts(self) -> dict[str, bool]:
        """What the criteria's tracks may depend on (``applies_if`` in the definition)."""
        return {
            "seal": self.has_seal,
            "paper": self.paper and self.online != OnlineAvailability.FULL,
            "in_person": self.in_person,
            "attachments": self.has_attachments,
        }


class MeetingSeries(models.Model):
    """A recurring meeting: meetings of the meetings app grouped by normalised title and
    organiser (``key``), with its measured cost (cached; recomputed by the inventory)."""

    key = models.CharField(_("識別キー"), max_length=200, unique=True)
    title = models.CharField(_("会議名"), max_length=200)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("主催者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("所属"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Unit,
        verbose_name=_("部"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    meetings = models.ManyToManyField(
        "meetings.Meeting", verbose_name=_("会議"), blank=True, related_name="review_series"
    )
    active = models.BooleanField(_("有効"), default=True)
    # Measured figures (empty until computed).
    occurrences = models.PositiveIntegerField(_("開催回数"), default=0)
    meetings_per_year = models.DecimalField(
        _("年間開催回数（推計）"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    avg_minutes = models.DecimalField(
        _("平均時間（分）"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    avg_participants = models.DecimalField(
        _("平均参加者数"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    cost_per_meeting_yen = models.PositiveIntegerField(
        _("1回あたりの人件費（円）"), null=True, blank=True
    )
    cost_per_year_yen = models.PositiveIntegerField(_("年間人件費（円）"), null=True, blank=True)
    attendance_rate = models.DecimalField(
        _("出席率"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    drop_rate = models.DecimalField(
        _("中断率"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    decisions_recorded_share = models.DecimalField(
        _("決定・対応事項の記録率"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    last_meeting_at = models.DateTimeField(_("最終開催日時"), null=True, blank=True)
    refreshed_at = models.DateTimeField(_("集計日時"), null=True, blank=True)
    created_at = models.DateTimeField(_("登録日時"), default=timezone.now)

    class Meta:
        verbose_name = _("定例会議")
        verbose_name_plural = _("定例会議")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    def facts(self) -> dict[str, bool]:
        return {}


class HourlyRate(models.Model):
    """Staff cost per hour for a position level (級: the level keys of
    `level_of`: yakuba.knowledge.crossing, or yakuba.org.positions where it has moved)."""

    level = models.CharField(_("職位の級"), max_length=10, unique=True)
    yen_per_hour = models.PositiveIntegerField(
        _("時間単価（円）"), validators=[MinValueValidator(1), MaxValueValidator(1_000_000)]
    )
    note = models.CharField(_("備考"), max_length=200, blank=True, validators=[TextValidator(200)])
    updated_by = _user_fk(_("更新者"))
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("時間単価")
        verbose_name_plural = _("時間単価")
        ordering = ["level"]

    def __str__(self) -> str:
        return f"{self.level}: {self.yen_per_hour}"


class OutcomeAssumption(models.Model):
    """Minutes saved per case for an outcome effect (the assumption shown next to the
    hours-saved figure). For procedures a case is one application of the annual count."""

    effect = models.CharField(
        _("結果の区分"), max_length=30, choices=OutcomeEffect.choices, unique=True
    )
    minutes_saved_per_case = models.PositiveIntegerField(
        _("1件あたりの削減時間（分）"), validators=[MaxValueValidator(10000)]
    )
    basis = models.CharField(
        _("出典・考え方"), max_length=200, blank=True, validators=[TextValidator(200)]
    )
    updated_by = _user_fk(_("更新者"))
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("削減時間の前提")
        verbose_name_plural = _("削減時間の前提")
        ordering = ["effect"]

    def __str__(self) -> str:
        return f"{self.get_effect_display()}: {self.minutes_saved_per_case}"


# --- rounds and reviews --------------------------------------------------------------------


class ReviewRound(models.Model):
    """A review round (e.g. 「令和3年度 押印・書面・対面の見直し」) with its due date and the
    published criteria versions it applies; open until ``closed_at``."""

    name = models.CharField(_("名称"), max_length=200, validators=[TextValidator(200)])
    description = models.TextField(
        _("説明"), max_length=4000, blank=True, validators=[TextValidator(4000, multiline=True)]
    )
    due_on = models.DateField(_("回答期限"))
    criteria_versions = models.ManyToManyField(
        CriteriaVersion, verbose_name=_("適用する基準（版）"), related_name="rounds"
    )
    include_procedures = models.BooleanField(_("手続・書類を対象とする"), default=True)
    include_meetings = models.BooleanField(_("定例会議を対象とする"), default=False)
    departments = models.ManyToManyField(
        Unit,
        verbose_name=_("対象の部"),
        blank=True,
        related_name="+",
        help_text=_("空欄なら全庁。"),
    )
    created_by = _user_fk(_("作成者"))
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)
    closed_at = models.DateTimeField(_("終了日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("見直しの回")
        verbose_name_plural = _("見直しの回")
        ordering = ["-due_on", "-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class ReviewStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未着手")
    ANSWERING = "answering", _("回答中")
    SUBMITTED = "submitted", _("承認待ち")
    DECIDED = "decided", _("決定")
    IMPLEMENTED = "implemented", _("実施済")


class Review(models.Model):
    """The review of one item (a procedure or a meeting series) in one round.

    ``answers``: {track_key: {question_key: {"option": key, "note": str, "article": str}}}
    (``article``: the legal article, 根拠条項, where the option demands it). The result of
    each track (proposed by the rules, final after an override with its reason) is a
    `ReviewTrack` row."""

    round = models.ForeignKey(
        ReviewRound, verbose_name=_("見直しの回"), on_delete=models.PROTECT, related_name="reviews"
    )
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("手続"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
    )
    meeting_series = models.ForeignKey(
        MeetingSeries,
        verbose_name=_("定例会議"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("担当課"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Unit,
        verbose_name=_("部"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    criteria_version = models.ForeignKey(
        CriteriaVersion,
        verbose_name=_("適用した基準（版）"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    status = models.CharField(
        _("状況"),
        max_length=20,
        choices=ReviewStatus.choices,
        default=ReviewStatus.NOT_STARTED,
        db_index=True,
    )
    answers = models.JSONField(_("回答"), default=dict, blank=True)
    note = models.TextField(
        _("補足"), max_length=4000, blank=True, validators=[TextValidator(4000, multiline=True)]
    )
    return_note = models.TextField(
        _("差し戻しの理由"),
        max_length=2000,
        blank=True,
        validators=[TextValidator(2000, multiline=True)],
    )
    answered_by = _user_fk(_("回答者"))
    submitted_by = _user_fk(_("承認依頼者"))
    submitted_at = models.DateTimeField(_("承認依頼日時"), null=True, blank=True)
    decided_by = _user_fk(_("承認者"))
    decided_at = models.DateTimeField(_("承認日時"), null=True, blank=True)
    sent_back_by = _user_fk(_("差し戻した人"))
    sent_back_at = models.DateTimeField(_("差し戻し日時"), null=True, blank=True)
    implemented_on = models.DateField(_("実施日"), null=True, blank=True)
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新日時"), default=timezone.now)

    class Meta:
        verbose_name = _("見直し")
        verbose_name_plural = _("見直し")
        ordering = ["round", "unit__path", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(procedure__isnull=False, meeting_series__isnull=True)
                    | Q(procedure__isnull=True, meeting_series__isnull=False)
                ),
                name="reviews_review_exactly_one_item",
            ),
            models.UniqueConstraint(
                fields=["round", "procedure"], name="reviews_review_round_procedure"
            ),
            models.UniqueConstraint(
                fields=["round", "meeting_series"], name="reviews_review_round_meeting"
            ),
        ]
        indexes = [
            models.Index(fields=["round", "status"], name="reviews_review_round_status"),
            models.Index(fields=["unit", "status"], name="reviews_review_unit_status"),
            models.Index(fields=["round", "department"], name="reviews_review_round_dept"),
        ]

    def __str__(self) -> str:
        return f"{self.round} / {self.item}"

    @property
    def item(self) -> Procedure | MeetingSeries | None:
        return self.procedure if self.procedure_id else self.meeting_series


class ReviewTrack(models.Model):
    """The result of one track (観点) of a review: the outcome the rules propose and the
    final one (the same unless overridden, with a written reason). ``effect`` is copied
    from the outcome when derived, so dashboards count in SQL without the definitions."""

    review = models.ForeignKey(
        Review, verbose_name=_("見直し"), on_delete=models.CASCADE, related_name="tracks"
    )
    track = models.CharField(_("観点"), max_length=50)
    proposed = models.CharField(_("基準による結果"), max_length=50, blank=True)
    outcome = models.CharField(_("結果"), max_length=50, blank=True)
    override_reason = models.TextField(
        _("変更の理由"),
        max_length=2000,
        blank=True,
        validators=[TextValidator(2000, multiline=True)],
    )
    overridden_by = _user_fk(_("変更した人"))
    overridden_at = models.DateTimeField(_("変更日時"), null=True, blank=True)
    effect = models.CharField(
        _("結果の区分"), max_length=30, choices=OutcomeEffect.choices, blank=True, db_index=True
    )
    article = models.CharField(
        _("根拠条項"), max_length=500, blank=True, validators=[TextValidator(500)]
    )
    path = models.JSONField(_("たどった質問"), default=list, blank=True)

    class Meta:
        verbose_name = _("見直しの観点別結果")
        verbose_name_plural = _("見直しの観点別結果")
        ordering = ["review", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "track"], name="reviews_track_one_per_review")
        ]

    def __str__(self) -> str:
        return f"{self.track}: {self.outcome or '-'}"

    @property
    def overridden(self) -> bool:
        return bool(self.outcome) and self.outcome != self.proposed


class ChangeKind(models.TextChoices):
    FORM = "form", _("様式の改正")
    NOTICE = "notice", _("案内・通知文の書き換え")
    RULE = "rule", _("規則・要綱の改正")
    SYSTEM = "system", _("システム・電子申請の設定")
    WEBSITE = "website", _("ホームページ")
    OTHER = "other", _("その他")


class ChangeTask(models.Model):
    """A change that a decided review calls for (the internal change list per department)."""

    review = models.ForeignKey(
        Review, verbose_name=_("見直し"), on_delete=models.CASCADE, related_name="change_tasks"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("担当課"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("種類"), max_length=20, choices=ChangeKind.choices)
    description = models.CharField(_("内容"), max_length=500, validators=[TextValidator(500)])
    owner = models.ForeignKey(
        "org.Staff",
        verbose_name=_("担当者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    due_on = models.DateField(_("期限"), null=True, blank=True)
    done_at = models.DateTimeField(_("完了日時"), null=True, blank=True)
    done_by = _user_fk(_("完了を記録した人"))
    created_by = _user_fk(_("作成者"))
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)

    class Meta:
        verbose_name = _("変更作業")
        verbose_name_plural = _("変更作業")
        ordering = ["review", "due_on", "pk"]

    def __str__(self) -> str:
        return self.description[:40]


# The stored preview of an inventory import (its own module; registered here).
from yakuba.reviews.import_models import ProcedureImport  # noqa: E402, F401
