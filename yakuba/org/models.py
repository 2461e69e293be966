"""Organisation: units (部 → 課 → 係), staff, skills and counters (窓口)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yakuba.core.text import TextValidator, search_key


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("部")
    DIVISION = "division", _("課")
    SECTION = "section", _("係")


class EmploymentType(models.TextChoices):
    REGULAR = "regular", _("正規")
    FISCAL_YEAR = "fiscal_year", _("会計年度任用")
    CONDITIONAL = "conditional", _("条件付採用")
    REAPPOINTED = "reappointed", _("再任用")
    FIXED_TERM = "fixed_term", _("任期付")
    TEMPORARY = "temporary", _("臨時的任用")


class Unit(models.Model):
    """A node of the organisation tree. `path` (materialised) makes subtree queries one LIKE."""

    code = models.CharField(_("所属コード"), max_length=20, unique=True)
    name = models.CharField(_("所属名"), max_length=100)
    name_kana = models.CharField(_("所属名カナ"), max_length=200, blank=True)
    kind = models.CharField(_("種別"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上位所属"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField(max_length=500, db_index=True, editable=False)
    sort_order = models.PositiveIntegerField(_("表示順"), default=0)
    active = models.BooleanField(_("有効"), default=True)
    search_text = models.CharField(max_length=400, editable=False, default="")

    class Meta:
        verbose_name = _("所属")
        verbose_name_plural = _("所属")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent is not None else "/"
        return f"{prefix}{self.code}/"

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def save(self, *args: Any, **kwargs: Any) -> None:
        old_path = self.path
        self.path = self.compute_path()
        self.search_text = search_key(f"{self.code} {self.name} {self.name_kana}")
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # Moving a unit moves its subtree: rewrite descendants' paths.
            for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                child.path = self.path + child.path[len(old_path) :]
                Unit.objects.filter(pk=child.pk).update(path=child.path)

    def subtree(self) -> models.QuerySet[Unit]:
        return Unit.objects.filter(path__startswith=self.path)

    def ancestors(self) -> list[Unit]:
        codes = [c for c in self.path.strip("/").split("/")][:-1]
        units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        return [units[c] for c in codes if c in units]

    def is_within(self, other: Unit) -> bool:
        return self.path.startswith(other.path)


class Skill(models.Model):
    code = models.CharField(_("スキルコード"), max_length=30, unique=True)
    name = models.CharField(_("スキル名"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("スキル")
        verbose_name_plural = _("スキル")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Staff(models.Model):
    staff_number = models.CharField(_("職員番号"), max_length=20, unique=True)
    name = models.CharField(_("氏名"), max_length=100)
    name_kana = models.CharField(_("氏名カナ"), max_length=200)
    employment_type = models.CharField(
        _("雇用区分"), max_length=20, choices=EmploymentType.choices, default=EmploymentType.REGULAR
    )
    position = models.CharField(_("職名"), max_length=50, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所属"), on_delete=models.PROTECT, related_name="staff"
    )
    skills = models.ManyToManyField(Skill, verbose_name=_("スキル"), blank=True)
    email = models.EmailField(_("メール"), blank=True)
    active = models.BooleanField(_("在職"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("アカウント"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
    )
    search_text = models.CharField(max_length=400, editable=False, default="")

    class Meta:
        verbose_name = _("職員")
        verbose_name_plural = _("職員")
        ordering = ["staff_number"]

    def __str__(self) -> str:
        return f"{self.name}（{self.staff_number}）"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = search_key(f"{self.staff_number} {self.name} {self.name_kana}")
        super().save(*args, **kwargs)


class Counter(models.Model):
    """A public counter (窓口) run by a unit, with the skills it needs and its opening days."""

    code = models.CharField(_("窓口コード"), max_length=20, unique=True)
    name = models.CharField(_("窓口名"), max_length=100)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所属"), on_delete=models.PROTECT, related_name="counters"
    )
    required_skills = models.ManyToManyField(Skill, verbose_name=_("必要スキル"), blank=True)
    opens_weekdays = models.BooleanField(_("平日開設"), default=True)
    opens_saturday = models.BooleanField(_("土曜開設"), default=False)
    opens_sunday = models.BooleanField(_("日曜開設"), default=False)
    opens_holidays = models.BooleanField(_("祝日開設"), default=False)
    active = models.BooleanField(_("有効"), default=True)

    class Meta:
        verbose_name = _("窓口")
        verbose_name_plural = _("窓口")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def is_open_on(self, day: Any) -> bool:
        """Open on `day` (a date)? Holidays follow the holiday flag whatever the weekday."""
        from yakuba.core.calendar import is_public_holiday

        if is_public_holiday(day):
            return self.opens_holidays
        weekday = day.weekday()
        if weekday == 5:
            return self.opens_saturday
        if weekday == 6:
            return self.opens_sunday
        return self.opens_weekdays


class ImportStatus(models.TextChoices):
    VALIDATING = "validating", _("検査中")
    INVALID = "invalid", _("エラーあり")
    READY = "ready", _("取り込み待ち")
    APPLYING = "applying", _("取り込み中")
    DONE = "done", _("完了")
    FAILED = "failed", _("失敗")
    # Never applied, and its file deleted after IMPORT_KEEP_DAYS (org.jobs).
    EXPIRED = "expired", _("期限切れ（ファイル削除済み）")
    # Not in Yakuba's layout (an HR system's export): the user maps its columns (org.mapping),
    # then the office's employment labels found in it.
    MAPPING = "mapping", _("列の対応付け待ち")
    LABELS = "labels", _("雇用区分の対応付け待ち")


def import_upload_path(instance: ImportBatch, filename: str) -> str:
    """Where an upload is kept until applied: a random name (the file's own name may hold a
    person's name), under the private default storage, which is never served."""
    return f"imports/{uuid.uuid4().hex}"


class ImportBatch(models.Model):
    """An uploaded file on its way in: checked by a task, shown as a preview, then applied."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("受付日時"), auto_now_add=True)
    filename = models.CharField(_("ファイル名"), max_length=200)
    # The uploaded file, in the default storage until it is applied or expires.
    upload = models.FileField(upload_to=import_upload_path, max_length=200, blank=True)
    status = models.CharField(
        _("状態"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.VALIDATING
    )
    # Set by API callers that want a clean file applied without a second request.
    auto_apply = models.BooleanField(default=False)
    errors = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    failure = models.TextField(blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    # 発令日: the day the file's moves, joiners and leavers take effect (the check task
    # fills in today when the upload did not say).
    effective_date = models.DateField(_("発令日"), null=True, blank=True)
    # "This file is the whole staff list": people missing from it become leavers.
    complete_list = models.BooleanField(_("全職員の名簿"), default=False)
    # How an HR export's columns feed ours (org.mapping.ColumnMapping plus "sheet" and
    # "header_row"); empty when the file is in Yakuba's own layout.
    mapping = models.JSONField(default=dict, blank=True)
    # A sample of the file for the mapping step: the first rows of each sheet (and the
    # employment labels found). Personal data, so forgotten with the file.
    sample = models.JSONField(default=dict, blank=True)
    preset = models.ForeignKey(
        "ImportPreset", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("取り込み")
        verbose_name_plural = _("取り込み")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {
            ImportStatus.INVALID,
            ImportStatus.READY,
            ImportStatus.DONE,
            ImportStatus.FAILED,
            ImportStatus.EXPIRED,
            ImportStatus.MAPPING,
            ImportStatus.LABELS,
        }

    def read_upload(self) -> bytes:
        """The uploaded file's bytes (empty once it was deleted)."""
        if not self.upload:
            return b""
        with self.upload.open("rb") as handle:
            return handle.read()

    def delete_upload(self) -> None:
        """Forget the file: the row first, so it never points at a missing file, then the
        file itself through the storage API."""
        name = self.upload.name
        if not name:
            return
        storage = self.upload.storage
        ImportBatch.objects.filter(pk=self.pk).update(upload="", sample={})
        self.upload.name = ""
        self.sample = {}
        storage.delete(name)


class StaffChangeKind(models.TextChoices):
    """What an import does to a person at the effective date (発令日)."""

    JOIN = "join", _("採用")
    MOVE = "move", _("異動")
    LEAVE = "leave", _("退職")
    RETURN = "return", _("復職")


class StaffChange(models.Model):
    """A personnel change with its effective date: pending until that day begins
    (`org.apply_staff_changes` applies it), then kept as the history of who was in which
    unit when (`org.membership`). Changes dated today or earlier are applied by the import
    itself and stored already applied."""

    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_changes",
    )
    staff = models.ForeignKey(
        Staff, verbose_name=_("職員"), on_delete=models.CASCADE, related_name="changes"
    )
    kind = models.CharField(_("種類"), max_length=10, choices=StaffChangeKind.choices)
    from_unit = models.ForeignKey(
        Unit, verbose_name=_("異動前"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    to_unit = models.ForeignKey(
        Unit, verbose_name=_("異動後"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    effective_date = models.DateField(_("発令日"), db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(_("反映日時"), null=True, blank=True)
    # A later import dated on or after this change's date replaced it before it applied.
    cancelled_at = models.DateTimeField(_("取消日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("人事異動")
        verbose_name_plural = _("人事異動")
        ordering = ["effective_date", "pk"]
        indexes = [models.Index(fields=["applied_at", "cancelled_at", "effective_date"])]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.kind} {self.effective_date}"

    @property
    def is_pending(self) -> bool:
        return self.applied_at is None and self.cancelled_at is None


class PlannedChangeKind(models.TextChoices):
    JOINER = "joiner", _("新規採用")
    MOVER = "mover", _("異動")
    CHANGED = "changed", _("その他の変更")
    LEAVER = "leaver", _("退職（在職でない）")
    MISSING = "missing", _("名簿にない（退職扱い）")
    RETURNING = "returning", _("復職")
    SUPERSEDED = "superseded", _("取り消す予定の異動")


class PlannedChange(models.Model):
    """One line of an import's preview: what applying the batch would do to one person.
    Written by the check task so that the preview pages, filters and downloads read rows
    (a fixed number of queries per page) instead of the whole plan. Unchanged people are
    only counted."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="planned")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=PlannedChangeKind.choices)
    row = models.PositiveIntegerField(default=0)
    staff_number = models.CharField(max_length=20)
    name = models.CharField(max_length=100)
    from_code = models.CharField(max_length=20, blank=True)
    from_name = models.CharField(max_length=100, blank=True)
    to_code = models.CharField(max_length=20, blank=True)
    to_name = models.CharField(max_length=100, blank=True)
    # Other fields that change: {field: [old, new]} (e-mail: only that it changes).
    fields = models.JSONField(default=dict, blank=True)
    has_account = models.BooleanField(default=False)

    class Meta:
        ordering = ["batch", "position"]
        indexes = [
            models.Index(fields=["batch", "kind", "position"]),
            models.Index(fields=["batch", "to_code"]),
            models.Index(fields=["batch", "from_code"]),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id} {self.kind} {self.staff_number}"


class ImportPreset(models.Model):
    """A saved column mapping for one HR system's staff export, proposed again when a new
    upload's header matches (org.presets). Written only through org.presets (audited)."""

    name = models.CharField(
        _("名前"), max_length=100, unique=True, validators=[TextValidator(max_length=100)]
    )
    # org.mapping.ColumnMapping.as_json(): columns by header key, name join, employment labels.
    mapping = models.JSONField(default=dict)
    # The export's header texts as they were (shown in the list) and their signature.
    headers = models.JSONField(default=list)
    signature = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("取り込みの対応付け")
        verbose_name_plural = _("取り込みの対応付け")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
