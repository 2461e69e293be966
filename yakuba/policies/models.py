"""The policy evaluation cycle (施策評価): policies, their yearly internal evaluation, the
external evaluators' comments, the responsible unit's replies, and the published pages.

A fiscal year (年度) is stored as the calendar year it starts in (April 2020 – March 2021
is 2020, 令和2年度). A published page (`Publication`) is a frozen snapshot: it is never
updated; a change is published as a new version, and every version stays readable.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yakuba.core.text import TextValidator, nfkc
from yakuba.org.models import Unit

FIRST_FISCAL_YEAR = 1989
LAST_FISCAL_YEAR = 2100


def fiscal_year_label(year: int) -> str:
    """令和2年度 (2020) / 平成30年度 (2018) in Japanese; FY2020 in English."""
    if year >= 2019:
        era = gettext("令和%(n)s年度") % {"n": "元" if year == 2019 else year - 2018}
    else:
        era = gettext("平成%(n)s年度") % {"n": "元" if year == 1989 else year - 1988}
    return era


def text_key(text: str) -> str:
    """The identity of a comment's text for de-duplication: NFKC, whitespace collapsed."""
    return hashlib.sha256(" ".join(nfkc(text).split()).encode()).hexdigest()


_YEAR_VALIDATORS = [MinValueValidator(FIRST_FISCAL_YEAR), MaxValueValidator(LAST_FISCAL_YEAR)]


class Policy(models.Model):
    """A policy (施策) of the city's plan, e.g. "S27 ICTの活用"."""

    code = models.CharField(
        _("施策コード"), max_length=20, unique=True, validators=[TextValidator(20)]
    )
    title = models.CharField(_("施策名"), max_length=200, validators=[TextValidator(200)])
    responsible_unit = models.ForeignKey(
        Unit, verbose_name=_("担当課"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(
        _("施策の概要"),
        max_length=4000,
        blank=True,
        validators=[TextValidator(4000, multiline=True)],
    )
    first_year = models.PositiveSmallIntegerField(_("開始年度"), validators=_YEAR_VALIDATORS)
    last_year = models.PositiveSmallIntegerField(
        _("終了年度"),
        null=True,
        blank=True,
        validators=_YEAR_VALIDATORS,
        help_text=_("継続中の施策は空欄にします。"),
    )
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)

    class Meta:
        verbose_name = _("施策")
        verbose_name_plural = _("施策")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class YearStatus(models.TextChoices):
    EVALUATING = "evaluating", _("内部評価中")
    EVALUATED = "evaluated", _("内部評価済（外部評価・返答）")
    PUBLISHED = "published", _("公開済")


class PolicyYear(models.Model):
    """One fiscal year of a policy: the internal evaluation and the external comments."""

    policy = models.ForeignKey(
        Policy, verbose_name=_("施策"), on_delete=models.PROTECT, related_name="years"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"), validators=_YEAR_VALIDATORS)
    rating = models.CharField(
        _("評価区分"),
        max_length=20,
        blank=True,
        validators=[TextValidator(20)],
        help_text=_("例：A（順調）、B（概ね順調）"),
    )
    self_assessment = models.TextField(
        _("内部評価（自己評価）"),
        max_length=8000,
        blank=True,
        validators=[TextValidator(8000, multiline=True)],
    )
    issues = models.TextField(
        _("課題"),
        max_length=4000,
        blank=True,
        validators=[TextValidator(4000, multiline=True)],
    )
    status = models.CharField(
        _("状況"), max_length=20, choices=YearStatus.choices, default=YearStatus.EVALUATING
    )

    class Meta:
        verbose_name = _("施策の年度")
        verbose_name_plural = _("施策の年度")
        ordering = ["policy__code", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "fiscal_year"], name="policy_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.policy.code} {fiscal_year_label(self.fiscal_year)}"

    @property
    def year_label(self) -> str:
        return fiscal_year_label(self.fiscal_year)


class Indicator(models.Model):
    """A performance indicator of the internal evaluation, with its target and actual."""

    year = models.ForeignKey(
        PolicyYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="indicators"
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    name = models.CharField(_("指標名"), max_length=200, validators=[TextValidator(200)])
    unit_label = models.CharField(
        _("単位"), max_length=20, blank=True, validators=[TextValidator(20)]
    )
    target = models.DecimalField(
        _("目標値"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    actual = models.DecimalField(
        _("実績値"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("指標")
        verbose_name_plural = _("指標")
        ordering = ["year", "order", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def achievement(self) -> int | None:
        """Actual as a percentage of the target (None without both, or a zero target)."""
        if self.target is None or self.actual is None or self.target == 0:
            return None
        return round(self.actual / self.target * 100)


class CommentHeading(models.Model):
    """A heading the comments are grouped under (全体に対する意見・提案等 …), in order."""

    name = models.CharField(
        _("見出し"), max_length=100, unique=True, validators=[TextValidator(100)]
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("意見の見出し")
        verbose_name_plural = _("意見の見出し")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class CommentSource(models.TextChoices):
    MANUAL = "manual", _("手入力")
    IMPORT = "import", _("取り込み")


class Comment(models.Model):
    """An external evaluator's comment (外部評価委員の意見・提案) on one policy year."""

    year = models.ForeignKey(
        PolicyYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="comments"
    )
    heading = models.ForeignKey(
        CommentHeading, verbose_name=_("見出し"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveIntegerField(_("表示順"), default=0)
    text = models.TextField(
        _("意見"), max_length=4000, validators=[TextValidator(4000, multiline=True)]
    )
    evaluator = models.CharField(
        _("評価者"),
        max_length=100,
        blank=True,
        validators=[TextValidator(100)],
        help_text=_("任意。例：外部評価委員A（公開ページには表示しません）"),
    )
    text_key = models.CharField(max_length=64, editable=False)
    source = models.CharField(
        _("登録方法"), max_length=10, choices=CommentSource.choices, default=CommentSource.MANUAL
    )
    created_at = models.DateTimeField(_("登録日時"), default=timezone.now)

    class Meta:
        verbose_name = _("外部評価の意見")
        verbose_name_plural = _("外部評価の意見")
        ordering = ["year", "heading__order", "heading", "order", "pk"]
        constraints = [
            # The same comment under the same heading once: a re-import adds nothing.
            models.UniqueConstraint(
                fields=["year", "heading", "text_key"], name="policy_comment_unique_text"
            )
        ]

    def __str__(self) -> str:
        return self.text[:40]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.text_key = text_key(self.text)
        super().save(*args, **kwargs)


class ReplyStatus(models.TextChoices):
    DRAFT = "draft", _("下書き")
    SUBMITTED = "submitted", _("承認待ち")
    APPROVED = "approved", _("承認済")
    SENT_BACK = "sent_back", _("差し戻し")


class Reply(models.Model):
    """The responsible unit's reply (担当課返答); one reply may answer several comments."""

    year = models.ForeignKey(
        PolicyYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="replies"
    )
    comments = models.ManyToManyField(Comment, verbose_name=_("答える意見"), related_name="replies")
    text = models.TextField(
        _("返答"), max_length=8000, validators=[TextValidator(8000, multiline=True)]
    )
    # The evidence behind the reply: countermeasures of the register (課題と対応策) and an
    # evidence report (テレワーク点検・評価報告); shown as links in the application only.
    countermeasures = models.ManyToManyField(
        "problems.Countermeasure",
        verbose_name=_("関連する対応策"),
        blank=True,
        related_name="policy_replies",
    )
    evidence_report = models.ForeignKey(
        "evaluation.EvidenceReport",
        verbose_name=_("根拠となる点検・評価報告"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="policy_replies",
    )
    status = models.CharField(
        _("状況"), max_length=20, choices=ReplyStatus.choices, default=ReplyStatus.DRAFT
    )
    return_note = models.TextField(
        _("差し戻しの理由"),
        max_length=2000,
        blank=True,
        validators=[TextValidator(2000, multiline=True)],
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作成者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新日時"), default=timezone.now)
    submitted_at = models.DateTimeField(_("承認依頼日時"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承認者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("承認・差し戻し日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("担当課返答")
        verbose_name_plural = _("担当課返答")
        ordering = ["year", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class UnitContact(models.Model):
    """The contact block a published page ends with (この記事に関するお問い合わせ先).

    Kept per unit here (the organisation records hold no addresses); fields left empty
    fall back to the office-wide settings ``POLICY_CONTACT_*`` (README)."""

    unit = models.OneToOneField(
        Unit, verbose_name=_("所属"), on_delete=models.CASCADE, related_name="policy_contact"
    )
    section_name = models.CharField(
        _("係名"),
        max_length=100,
        blank=True,
        validators=[TextValidator(100)],
        help_text=_("例：庶務係（空欄なら課名まで表示）"),
    )
    postal_code = models.CharField(
        _("郵便番号"), max_length=10, blank=True, validators=[TextValidator(10)]
    )
    address = models.CharField(
        _("住所"), max_length=200, blank=True, validators=[TextValidator(200)]
    )
    phone = models.CharField(
        _("電話番号"), max_length=30, blank=True, validators=[TextValidator(30)]
    )
    fax = models.CharField(
        _("ファックス"), max_length=30, blank=True, validators=[TextValidator(30)]
    )
    email = models.EmailField(_("メールアドレス"), blank=True)

    class Meta:
        verbose_name = _("問い合わせ先")
        verbose_name_plural = _("問い合わせ先")

    def __str__(self) -> str:
        return str(self.unit)


class PublicationError(Exception):
    """A published page was about to be changed in place."""


class Publication(models.Model):
    """A published version of a year's page: the exact HTML handed to the web team.

    ``html`` is the self-contained document (its stylesheet inline), ``body_html`` the same
    content without the document shell, shown in the application under its stylesheet.
    Rows are written once: saving an existing row raises `PublicationError`."""

    year = models.ForeignKey(
        PolicyYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="publications"
    )
    version = models.PositiveIntegerField(_("版"))
    page_date = models.DateField(_("更新日"))
    note = models.CharField(
        _("変更内容"), max_length=200, blank=True, validators=[TextValidator(200)]
    )
    html = models.TextField(_("公開ページ（HTML）"))
    body_html = models.TextField(_("本文（HTML）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    published_at = models.DateTimeField(_("公開日時"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公開者"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("公開ページ")
        verbose_name_plural = _("公開ページ")
        ordering = ["year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="policy_publication_version")
        ]

    def __str__(self) -> str:
        return f"{self.year} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PublicationError("a published page is never changed: publish a new version")
        self.sha256 = hashlib.sha256(self.html.encode()).hexdigest()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PublicationError("published versions are kept")
