"""Connection self-check: stored results, and the runs that meter the test's traffic."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yakuba.netcheck.judging import Link, Verdict


class Place(models.TextChoices):
    HOME = "home", _("自宅")
    OFFICE = "office", _("庁舎")
    OTHER = "other", _("その他")


class NetcheckRun(models.Model):
    """One test run: the token the page sends, and what it has used so far (rate limits)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="netcheck_runs"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    download_bytes = models.PositiveBigIntegerField(default=0)
    upload_bytes = models.PositiveBigIntegerField(default=0)
    finished = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("接続チェックの実行")
        verbose_name_plural = _("接続チェックの実行")

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class NetcheckResult(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員"),
        on_delete=models.CASCADE,
        related_name="netcheck_results",
    )
    # The run measured: one result per run, so a repeated save cannot store it twice.
    run = models.OneToOneField(
        NetcheckRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="result",
        editable=False,
    )
    measured_at = models.DateTimeField(_("測定日時"), default=timezone.now, db_index=True)
    place = models.CharField(_("場所"), max_length=10, choices=Place.choices)
    link = models.CharField(_("接続方法"), max_length=10, choices=Link.choices)
    download_mbps = models.FloatField(_("下り (Mbps)"))
    upload_mbps = models.FloatField(_("上り (Mbps)"))
    ping_ms = models.FloatField(_("遅延 (ms)"))
    jitter_ms = models.FloatField(_("ジッター (ms)"))
    loss_pct = models.FloatField(_("パケットロス (%)"))
    ping_series = models.JSONField(_("安定性測定の遅延"), default=list, blank=True)
    verdict = models.CharField(_("判定"), max_length=10, choices=Verdict.choices)
    advice = models.JSONField(_("助言"), default=list, blank=True)

    class Meta:
        ordering = ("-measured_at", "-pk")
        verbose_name = _("接続チェックの結果")
        verbose_name_plural = _("接続チェックの結果")
        indexes = [models.Index(fields=("person", "place", "-measured_at"))]

    def __str__(self) -> str:
        return f"{self.person} {self.measured_at:%Y-%m-%d %H:%M} {self.verdict}"
