"""All validation of roster input."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yakuba.core import forms as core_forms
from yakuba.core.forms import model_choice
from yakuba.org.models import EmploymentType, Staff, Unit
from yakuba.rosters.models import (
    DayType,
    OperatingMode,
    RequestKind,
    StaffWorkProfile,
    TeleworkPolicy,
    WorkActivity,
    WorkRules,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("所属"),
        queryset=None,
        required=False,
        empty_label=_("全庁（総務・人事とシステム管理者のみ）"),
    )
    name = forms.CharField(label=_("名称"), max_length=100)
    start_date = core_forms.DateField(label=_("開始日"), widget=DATE_INPUT)
    end_date = core_forms.DateField(label=_("終了日"), widget=DATE_INPUT)
    mode = forms.ChoiceField(
        label=_("運用モード"), choices=OperatingMode.choices, initial=OperatingMode.NORMAL
    )
    office_presence_cap_pct = forms.IntegerField(
        label=_("出勤者の上限（%）"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_("緊急事態などで庁内にいる人数を抑える場合（例：50）"),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "unit").queryset = units

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start_date"), data.get("end_date")
        if start and end:
            if end < start:
                self.add_error("end_date", _("終了日は開始日以降にしてください。"))
            elif (end - start).days > 61:
                self.add_error("end_date", _("期間は62日以内にしてください。"))
        return data


class SolveForm(forms.Form):
    time_limit = forms.IntegerField(
        label=_("計算時間の上限（秒）"), min_value=5, max_value=300, initial=30
    )


class CellForm(forms.Form):
    activity = forms.ModelChoiceField(
        label=_("勤務形態"),
        queryset=WorkActivity.objects.none(),
        required=False,
        empty_label=_("休み"),
    )
    pin = forms.BooleanField(
        label=_("固定する（再作成しても変えない）"), required=False, initial=True
    )

    def __init__(self, *args: Any, activities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "activity").queryset = activities


class RequestForm(forms.Form):
    date = core_forms.DateField(label=_("日付"), widget=DATE_INPUT)
    kind = forms.ChoiceField(label=_("種類"), choices=RequestKind.choices)
    weight = forms.TypedChoiceField(
        label=_("希望の強さ"),
        coerce=int,
        initial=2,
        choices=[(1, _("できれば")), (2, _("希望")), (3, _("強く希望"))],
    )
    note = forms.CharField(label=_("備考"), max_length=200, required=False)

    def clean_date(self) -> dt.date:
        from django.utils import timezone

        day = self.cleaned_data["date"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("過去の日付には申請できません。"))
        return day


class ActivityForm(forms.ModelForm):
    class Meta:
        model = WorkActivity
        fields = WorkActivity.EDITABLE_FIELDS

    def __init__(self, *args: Any, counters: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "counter").queryset = counters

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("kind") == "counter" and not data.get("counter"):
            self.add_error("counter", _("窓口の勤務形態には窓口を選んでください。"))
        if data.get("kind") != "counter" and data.get("counter"):
            self.add_error("counter", _("窓口を選べるのは種類が「窓口」のときだけです。"))
        if data.get("kind") == "telework" and data.get("access_method") == "none":
            self.add_error("access_method", _("在宅勤務の接続方法を選んでください。"))
        return data


class CoverDayForm(forms.Form):
    """A counter's cover on one day type: minimum, target and, per required skill, how many
    of the people on duty need it."""

    day_type = forms.ChoiceField(choices=DayType.choices, widget=forms.HiddenInput)
    min_staff = forms.IntegerField(label=_("最低人数"), min_value=0, max_value=99)
    target_staff = forms.IntegerField(label=_("目標人数"), min_value=0, max_value=99)

    def __init__(self, *args: Any, skills: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.skills = list(skills)
        for skill in self.skills:
            self.fields[f"skill_{skill.pk}"] = forms.IntegerField(
                label=_("うち%(name)s") % {"name": skill.name},
                min_value=0,
                max_value=99,
                required=False,
                initial=0,
            )

    @property
    def day_label(self) -> str:
        return str(dict(DayType.choices).get(self["day_type"].value(), ""))

    @property
    def skill_fields(self) -> list[Any]:
        return [self[f"skill_{skill.pk}"] for skill in self.skills]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        low, target = data.get("min_staff"), data.get("target_staff")
        if low is not None and target is not None and target < low:
            self.add_error("target_staff", _("目標人数は最低人数以上にしてください。"))
        counts = {}
        for skill in self.skills:
            name = f"skill_{skill.pk}"
            count = data.get(name) or 0
            if low is not None and count > low:
                self.add_error(name, _("うち必要人数は最低人数以下にしてください。"))
            counts[skill.pk] = count
        data["skills"] = counts
        return data


class BaseCoverFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        day_types = [form.cleaned_data["day_type"] for form in self.forms]
        if len(day_types) != len(set(day_types)):
            raise forms.ValidationError(_("曜日区分が重複しています。"))


CoverFormSet = forms.formset_factory(
    CoverDayForm,
    formset=BaseCoverFormSet,
    extra=0,
    max_num=len(DayType.values),
    absolute_max=len(DayType.values),
    validate_max=True,
)


class PolicyForm(forms.ModelForm):
    allowed_employment_types = forms.MultipleChoiceField(
        label=_("対象の雇用区分"),
        choices=EmploymentType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("何も選ばなければ全ての雇用区分が対象"),
    )

    class Meta:
        model = TeleworkPolicy
        fields = TeleworkPolicy.EDITABLE_FIELDS

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        cap, office = data.get("weekly_cap"), data.get("min_office_days")
        if cap is not None and office is not None and cap + office > 7:
            self.add_error(
                "min_office_days", _("在宅の上限と出勤の下限の合計は7日以内にしてください。")
            )
        return data


class WorkRulesForm(forms.ModelForm):
    class Meta:
        model = WorkRules
        fields = [
            "max_consecutive_days",
            "max_weekends",
            "substitute_window_before",
            "substitute_window_after",
            "split_mode",
            "fairness_weight",
        ]


class ProfileForm(forms.ModelForm):
    class Meta:
        model = StaffWorkProfile
        fields = ["team", "telework_approved", "handles_personal_data", "life_event"]


class AbsenceForm(forms.Form):
    staff: forms.ModelChoiceField[Staff] = forms.ModelChoiceField(label=_("職員"), queryset=None)
    start = core_forms.DateField(label=_("開始日"), widget=DATE_INPUT)
    end = core_forms.DateField(label=_("終了日"), widget=DATE_INPUT, required=False)

    def __init__(self, *args: Any, staff: Any, period: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "staff").queryset = staff
        self.period = period

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end") or data.get("start")
        if start and end:
            if end < start:
                self.add_error("end", _("終了日は開始日以降にしてください。"))
            elif start < self.period.start_date or end > self.period.end_date:
                self.add_error("start", _("勤務表の期間内の日付を入れてください。"))
            else:
                data["dates"] = [
                    start + dt.timedelta(days=i) for i in range((end - start).days + 1)
                ]
        return data
