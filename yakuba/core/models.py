"""Models of the platform's seams (not of any capability)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobClaim(models.Model):
    """One step of a registered periodic job, claimed by the scheduler before it is
    enqueued (`yakuba.core.scheduling`). The unique (job, key) row is what makes each step
    happen once, across restarts and parallel schedulers; ``finished_at`` is set by the
    task when the step is done, so a step whose worker died is enqueued again."""

    job = models.CharField(_("処理"), max_length=100)
    key = models.CharField(_("キー"), max_length=200)
    args = models.JSONField(default=list, blank=True)
    claimed_at = models.DateTimeField(_("受付日時"), default=timezone.now, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("実行回数"), default=0)
    finished_at = models.DateTimeField(_("完了日時"), null=True, blank=True)
    last_error = models.CharField(_("エラー"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("定期処理の実行")
        verbose_name_plural = _("定期処理の実行")
        constraints = [models.UniqueConstraint(fields=["job", "key"], name="job_claim_once")]
        indexes = [models.Index(fields=["job", "claimed_at"])]

    def __str__(self) -> str:
        return f"{self.job} {self.key}"


class WorkerBeat(models.Model):
    """A running task worker (`manage.py db_worker`) and its last heartbeat; a task
    RUNNING under a worker whose beat is gone is put back in the queue
    (`yakuba.core.workers`)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=100)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("タスク実行プロセス")
        verbose_name_plural = _("タスク実行プロセス")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"
