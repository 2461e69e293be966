"""Work-mode rosters: activities, counter cover, remote-access pools, eligibility rules,
teams, periods, roster versions and their assignments, requests and leave.

The optimizer (`yakuba.planner`) never sees these models; `solver_io` maps them.

`rosters` owns the remote-access pools (`RemoteResource`): they are an input of the roster.
`remoteseats` (ad-hoc seat bookings, loaned terminals) builds on `rosters`, never the other
way round: the seats it books reach the solver through `seat_providers`, where it registers
from its `AppConfig.ready()` (a test parses the imports and holds the direction).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from yakuba.org.models import Counter, Skill, Staff, Unit

# Japanese local-government standard working day: 7 h 45 min.
STANDARD_DAY_MINUTES = 465


class ActivityKind(models.TextChoices):
    COUNTER = "counter", _("窓口")
    OFFICE = "office", _("庁内勤務")
    TELEWORK = "telework", _("在宅勤務")
    SATELLITE = "satellite", _("サテライト勤務")


class AccessMethod(models.TextChoices):
    NONE = "none", _("なし")
    VPN = "vpn", _("VPN")
    LGWAN = "lgwan", _("LGWANテレワーク")
    STANDALONE = "standalone", _("スタンドアロン（貸出端末のみ）")


class Colour(models.TextChoices):
    # Light backgrounds: dark text on each meets WCAG AA contrast.
    BLUE = "blue", _("青")
    GREEN = "green", _("緑")
    ORANGE = "orange", _("橙")
    PURPLE = "purple", _("紫")
    TEAL = "teal", _("青緑")
    PINK = "pink", _("桃")
    YELLOW = "yellow", _("黄")
    GREY = "grey", _("灰")


class WorkActivity(models.Model):
    """What a person does on a day (besides being off): a counter, the office, home…"""

    # What the unit's set-up page edits (form and service).
    EDITABLE_FIELDS = (
        "code",
        "name",
        "kind",
        "counter",
        "access_method",
        "minutes",
        "colour",
        "symbol",
        "sort_order",
        "active",
    )

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("所属"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="work_activities",
        help_text=_("空欄なら全庁共通"),
    )
    code = models.CharField(_("コード"), max_length=30)
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("種類"), max_length=20, choices=ActivityKind.choices)
    counter = models.ForeignKey(
        Counter, verbose_name=_("窓口"), on_delete=models.CASCADE, null=True, blank=True
    )
    access_method = models.CharField(
        _("接続方法"), max_length=20, choices=AccessMethod.choices, default=AccessMethod.NONE
    )
    minutes = models.PositiveIntegerField(
        _("勤務時間（分）"),
        default=STANDARD_DAY_MINUTES,
        validators=[MinValueValidator(30), MaxValueValidator(24 * 60)],
    )
    colour = models.CharField(_("色"), max_length=10, choices=Colour.choices, default=Colour.BLUE)
    symbol = models.CharField(
        _("略号"), max_length=2, help_text=_("勤務表のセルに表示する1〜2文字")
    )
    sort_order = models.PositiveIntegerField(_("表示順"), default=0)
    active = models.BooleanField(_("有効"), default=True)

    class Meta:
        verbose_name = _("勤務形態")
        verbose_name_plural = _("勤務形態")
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="activity_code_per_unit"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def in_office(self) -> bool:
        """Counts as presence in the building (split teams, emergency office cap)."""
        return self.kind in {ActivityKind.COUNTER, ActivityKind.OFFICE}


class DayType(models.TextChoices):
    WEEKDAY = "weekday", _("平日")
    SATURDAY = "saturday", _("土曜")
    SUNDAY = "sunday", _("日曜")
    HOLIDAY = "holiday", _("祝日")


def day_type_of(day: dt.date) -> str:
    from yakuba.core.calendar import is_public_holiday

    if is_public_holiday(day):
        return DayType.HOLIDAY
    return {5: DayType.SATURDAY, 6: DayType.SUNDAY}.get(day.weekday(), DayType.WEEKDAY)


class CoverRule(models.Model):
    """How many people a counter needs on a type of day, and with which skills."""

    counter = models.ForeignKey(
        Counter, verbose_name=_("窓口"), on_delete=models.CASCADE, related_name="cover_rules"
    )
    day_type = models.CharField(_("曜日区分"), max_length=10, choices=DayType.choices)
    min_staff = models.PositiveIntegerField(_("最低人数"), default=1)
    target_staff = models.PositiveIntegerField(_("目標人数"), default=2)

    class Meta:
        verbose_name = _("窓口の配置基準")
        verbose_name_plural = _("窓口の配置基準")
        constraints = [
            models.UniqueConstraint(
                fields=["counter", "day_type"], name="one_cover_rule_per_day_type"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.counter} {self.get_day_type_display()}"


class CoverSkill(models.Model):
    rule = models.ForeignKey(CoverRule, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, verbose_name=_("スキル"), on_delete=models.CASCADE)
    min_count = models.PositiveIntegerField(_("うち必要人数"), default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "skill"], name="one_skill_row_per_rule"),
        ]

    def __str__(self) -> str:
        return f"{self.skill} ≥ {self.min_count}"


class RemoteResource(models.Model):
    """A scarce remote-access pool, e.g. "VPN端末 5台" or "LGWANテレワークID 20".

    A seat is used on a day by a published roster cell whose activity consumes the pool, or
    by a use registered in `seat_providers` (a booking in `remoteseats`).
    """

    name = models.CharField(_("名称"), max_length=50, unique=True)
    capacity = models.PositiveIntegerField(_("1日あたりの上限"))
    activities = models.ManyToManyField(
        WorkActivity,
        verbose_name=_("この枠を使う勤務形態"),
        blank=True,
        related_name="resources",
    )
    active = models.BooleanField(_("有効"), default=True)

    class Meta:
        verbose_name = _("リモート接続枠")
        verbose_name_plural = _("リモート接続枠")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.capacity}）"


class TeleworkPolicy(models.Model):
    """Telework eligibility rules (実施要領). unit=None is the office-wide default."""

    # What the policy page edits (form and service).
    EDITABLE_FIELDS = (
        "allowed_employment_types",
        "exclude_personal_data_work",
        "requires_head_approval",
        "weekly_cap",
        "min_office_days",
    )

    unit = models.OneToOneField(
        Unit,
        verbose_name=_("所属"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="telework_policy",
    )
    allowed_employment_types = models.JSONField(
        _("対象の雇用区分"),
        default=list,
        blank=True,
        help_text=_("空なら全ての雇用区分が対象"),
    )
    exclude_personal_data_work = models.BooleanField(
        _("個人情報を扱う業務の職員は対象外"), default=True
    )
    excluded_units = models.ManyToManyField(
        Unit, verbose_name=_("対象外の所属"), blank=True, related_name="+"
    )
    requires_head_approval = models.BooleanField(_("所属長の承認が必要"), default=True)
    weekly_cap = models.PositiveIntegerField(
        _("在宅勤務の上限（日/週）"), default=3, validators=[MaxValueValidator(7)]
    )
    min_office_days = models.PositiveIntegerField(
        _("出勤の下限（日/週）"), default=1, validators=[MaxValueValidator(7)]
    )

    class Meta:
        verbose_name = _("在宅勤務の実施要件")
        verbose_name_plural = _("在宅勤務の実施要件")

    def __str__(self) -> str:
        return str(self.unit or _("全庁"))


class LifeEvent(models.TextChoices):
    NONE = "", _("なし")
    CHILDCARE = "childcare", _("育児")
    PREGNANCY = "pregnancy", _("妊娠")
    FAMILY_CARE = "family_care", _("介護")


class Team(models.TextChoices):
    NONE = "", _("なし")
    A = "A", _("A班")
    B = "B", _("B班")


class StaffWorkProfile(models.Model):
    """Per-person facts the rules need and HR/the unit head maintain."""

    staff = models.OneToOneField(Staff, on_delete=models.CASCADE, related_name="work_profile")
    handles_personal_data = models.BooleanField(
        _("個人情報（マイナンバー等）を扱う業務"), default=False
    )
    telework_approved = models.BooleanField(_("所属長の在宅勤務承認"), default=False)
    life_event = models.CharField(_("事情"), max_length=20, choices=LifeEvent.choices, blank=True)
    team = models.CharField(_("班"), max_length=1, choices=Team.choices, blank=True)

    class Meta:
        verbose_name = _("勤務条件")
        verbose_name_plural = _("勤務条件")

    def __str__(self) -> str:
        return str(self.staff)


class SplitMode(models.TextChoices):
    NEVER_BOTH = "never_both", _("A班とB班が同じ日に出勤しない")
    ALTERNATE_DAY = "alternate_day", _("日ごとに交代")
    ALTERNATE_WEEK = "alternate_week", _("週ごとに交代")


class WorkRules(models.Model):
    """Labour and fairness settings per unit (unit=None: office-wide default)."""

    unit = models.OneToOneField(
        Unit,
        verbose_name=_("所属"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="work_rules",
    )
    max_consecutive_days = models.PositiveIntegerField(
        _("連続勤務の上限（日）"), default=6, validators=[MinValueValidator(1)]
    )
    max_weekends = models.PositiveIntegerField(_("休日勤務の上限（週末/期間）"), default=2)
    substitute_window_before = models.PositiveIntegerField(_("振替休日：前（日）"), default=3)
    substitute_window_after = models.PositiveIntegerField(_("振替休日：後（日）"), default=6)
    split_mode = models.CharField(_("班分け"), max_length=20, choices=SplitMode.choices, blank=True)
    fairness_weight = models.PositiveIntegerField(_("公平性の重み"), default=5)

    class Meta:
        verbose_name = _("勤務ルール")
        verbose_name_plural = _("勤務ルール")

    def __str__(self) -> str:
        return str(self.unit or _("全庁"))


class OperatingMode(models.TextChoices):
    NORMAL = "normal", _("通常")
    EMERGENCY = "emergency", _("緊急事態")
    BCP1 = "bcp1", _("業務継続計画 第1段階")
    BCP2 = "bcp2", _("業務継続計画 第2段階")


class RosterPeriod(models.Model):
    """A planning period for a unit (and its sub-units)."""

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("所属"),
        on_delete=models.PROTECT,
        related_name="roster_periods",
        null=True,
        blank=True,
        help_text=_("空欄なら全庁（総務・人事とシステム管理者のみ）"),
    )
    name = models.CharField(_("名称"), max_length=100)
    start_date = models.DateField(_("開始日"))
    end_date = models.DateField(_("終了日"))
    mode = models.CharField(
        _("運用モード"), max_length=20, choices=OperatingMode.choices, default=OperatingMode.NORMAL
    )
    office_presence_cap_pct = models.PositiveIntegerField(
        _("出勤者の上限（%）"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("緊急事態などで庁内にいる人数を抑える場合（例：50）"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("勤務表の期間")
        verbose_name_plural = _("勤務表の期間")
        ordering = ["-start_date", "unit__path"]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_path(self) -> str:
        """Materialised path of the planned subtree ("/" = the whole office)."""
        return self.unit.path if self.unit is not None else "/"

    @property
    def scope_name(self) -> str:
        return self.unit.name if self.unit is not None else str(_("全庁"))

    @property
    def days(self) -> list[dt.date]:
        n = (self.end_date - self.start_date).days + 1
        return [self.start_date + dt.timedelta(days=i) for i in range(n)]


class VersionStatus(models.TextChoices):
    QUEUED = "queued", _("待機中")
    RUNNING = "running", _("作成中")
    SOLVED = "solved", _("下書き")
    INFEASIBLE = "infeasible", _("条件が矛盾")
    FAILED = "failed", _("失敗")
    CANCELLED = "cancelled", _("中止")
    PUBLISHED = "published", _("公開中")
    SUPERSEDED = "superseded", _("旧版")


#: The planner's strategies (`yakuba.planner.solver.choose_strategy`) as the roster page
#: names them. The municipal model runs "full+lns" (the whole office in one CP-SAT model
#: beside neighbourhood search) or, when that model is too large to build in time,
#: "decomposition+lns" (neighbourhood search; the bound from the decomposition).
SEARCH_LABELS = {
    "full+lns": _("全体モデル＋近傍探索"),
    "full": _("全体モデル"),
    "decomposition+lns": _("近傍探索＋分解による下限"),
    "portfolio": _("全体モデル（並列探索）"),
    "portfolio+lpbound": _("全体モデル（並列探索）＋列生成による下限"),
    "portfolio+dive": _("列生成とダイビング＋全体モデル（並列探索）"),
    "+lns": _("近傍探索"),
    "+lns+weekends": _("近傍探索＋週末の再計画"),
    "colgen+lns+weekends": _("列生成＋近傍探索＋週末の再計画"),
    "colgen+dive+lns+weekends": _("列生成とダイビング＋近傍探索＋週末の再計画"),
    "+lns+weekends+lpbound": _("近傍探索＋週末の再計画＋列生成による下限"),
    "+lns+weekends+blockbound": _("近傍探索＋週末の再計画＋期間分割の列生成による下限"),
}


class RosterVersion(models.Model):
    """One optimizer run (or manual edit) of a period. Published versions are read-only."""

    period = models.ForeignKey(RosterPeriod, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版"))
    status = models.CharField(
        _("状態"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.QUEUED
    )
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_repair = models.BooleanField(_("最小変更で再作成"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # The task run (django-tasks result id) solving it: the same run delivered again after
    # its worker was killed takes the version up again (`rosters.tasks.claim_version`).
    run_id = models.CharField(max_length=64, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    time_limit = models.PositiveIntegerField(_("計算時間の上限（秒）"), default=30)
    cancel_requested = models.BooleanField(default=False)
    # Live progress: [[elapsed_s, objective, bound], ...] written by the solving task.
    progress = models.JSONField(default=list, blank=True)
    # The planner's search for this run (`planner.solve`'s strategy name, e.g. "full+lns"),
    # known once the start roster is built and kept after the run; see `search_label`.
    strategy = models.CharField(max_length=40, blank=True, editable=False)
    solver_status = models.CharField(max_length=20, blank=True)
    objective = models.BigIntegerField(null=True, blank=True)
    bound = models.FloatField(null=True, blank=True)
    breakdown = models.JSONField(default=dict, blank=True)
    violations = models.JSONField(default=list, blank=True)
    diagnosis = models.JSONField(default=list, blank=True)
    failure = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("勤務表の版")
        verbose_name_plural = _("勤務表の版")
        ordering = ["period", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["period", "number"], name="version_number_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.period} 第{self.number}版"

    @property
    def search_label(self) -> str:
        """The run's search in words (the strategy's own name if it has none)."""
        return str(SEARCH_LABELS.get(self.strategy, self.strategy))

    @property
    def is_editable(self) -> bool:
        return self.status in {VersionStatus.SOLVED, VersionStatus.INFEASIBLE}

    @property
    def is_running(self) -> bool:
        return self.status in {VersionStatus.QUEUED, VersionStatus.RUNNING}


class Assignment(models.Model):
    """One person's activity on one day of a version (activity None = day off)."""

    version = models.ForeignKey(RosterVersion, on_delete=models.CASCADE, related_name="assignments")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="assignments")
    date = models.DateField()
    activity = models.ForeignKey(WorkActivity, on_delete=models.PROTECT, null=True, blank=True)
    pinned = models.BooleanField(default=False)
    # Why the person is off, for display: leave kinds from approved requests.
    off_reason = models.CharField(max_length=20, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "staff", "date"], name="one_cell_per_day"),
        ]
        indexes = [models.Index(fields=["staff", "date"])]

    def __str__(self) -> str:
        return f"{self.staff} {self.date} {self.activity or '-'}"


class RequestKind(models.TextChoices):
    TELEWORK = "telework", _("在宅勤務の希望")
    OFFICE = "office", _("出勤の希望")
    DAY_OFF = "day_off", _("休みの希望")
    ANNUAL_LEAVE = "annual_leave", _("年次休暇")
    SPECIAL_LEAVE = "special_leave", _("特別休暇")
    SICK = "sick", _("病気休暇")


LEAVE_KINDS = frozenset({RequestKind.ANNUAL_LEAVE, RequestKind.SPECIAL_LEAVE, RequestKind.SICK})


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("申請中")
    APPROVED = "approved", _("承認")
    REJECTED = "rejected", _("却下")
    CANCELLED = "cancelled", _("取消")


class StaffRequest(models.Model):
    """A wish (weighted, soft) or leave (hard once approved) for one day."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="roster_requests")
    date = models.DateField(_("日付"))
    kind = models.CharField(_("種類"), max_length=20, choices=RequestKind.choices)
    weight = models.PositiveIntegerField(
        _("希望の強さ"), default=2, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    note = models.CharField(_("備考"), max_length=200, blank=True)
    status = models.CharField(
        _("状態"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    # Not a column: whether the published roster granted the wish, set for the request list.
    outcome: str

    class Meta:
        verbose_name = _("勤務の希望・休暇")
        verbose_name_plural = _("勤務の希望・休暇")
        ordering = ["date", "staff__staff_number"]
        indexes = [models.Index(fields=["date", "status"])]

    def __str__(self) -> str:
        return f"{self.staff} {self.date} {self.get_kind_display()}"

    @property
    def is_leave(self) -> bool:
        return self.kind in LEAVE_KINDS


class CalendarFeed(models.Model):
    """A person's secret iCalendar URL; only the hash is stored, and it can be revoked."""

    staff = models.OneToOneField(Staff, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"calendar feed of {self.staff}"
