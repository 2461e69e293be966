"""All validation of meeting input."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yakuba.core import forms as core_forms
from yakuba.core.forms import field_of, model_choice
from yakuba.meetings.models import AgendaItem, EntryKind, Meeting, MeetingStatus, Platform
from yakuba.meetings.zoom import normalise_meeting_id
from yakuba.org.models import Staff, Unit
from yakuba.org.picker import PickerMixin, StaffPickerChoiceField, StaffPickerField

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TIME_INPUT = forms.TimeInput(attrs={"type": "time", "step": "1"}, format="%H:%M:%S")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_REPORT_BYTES = 5 * 1024 * 1024


def meeting_people(meeting: Meeting) -> Any:
    """The meeting's invitees and host: whom its presenters and action owners are chosen from."""
    return (
        Staff.objects.filter(Q(meeting_invitations=meeting) | Q(hosted_meetings=meeting))
        .distinct()
        .select_related("unit")
        .order_by("unit__path", "name_kana")
    )


class MeetingForm(forms.ModelForm):
    join_url = forms.URLField(
        label=_("参加URL"), required=False, max_length=500, assume_scheme="https"
    )
    # Pickers offer and accept only the people the user may pick (org.selectors).
    host = StaffPickerChoiceField(label=_("ホスト"), required=False)
    invited_staff = StaffPickerField(label=_("招待する職員"), required=False)
    invited_units = forms.ModelMultipleChoiceField(
        label=_("招待する所属"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("所属を選ぶと、その所属と下位所属の職員全員が出席予定者になります。"),
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )

    field_order = [
        "title",
        "start",
        "end",
        "platform",
        "join_url",
        "platform_meeting_id",
        "drop_threshold_s",
        "invited_staff",
        "invited_units",
        "host",
    ]

    class Meta:
        model = Meeting
        fields = [
            "title",
            "start",
            "end",
            "platform",
            "join_url",
            "platform_meeting_id",
            "host",
            "drop_threshold_s",
        ]
        widgets = {"start": DATETIME_INPUT, "end": DATETIME_INPUT}
        field_classes = {"start": core_forms.DateTimeField, "end": core_forms.DateTimeField}

    def __init__(self, *args: Any, user: Any, picker_data: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "invited_units").queryset = Unit.objects.filter(active=True)
        field_of(self, "drop_threshold_s", forms.IntegerField).min_value = 10
        # People already on the meeting stay choosable for whoever edits it.
        keep: list[int] = []
        if self.instance.pk:
            invited = list(self.instance.invited_staff.all())
            keep = [s.pk for s in invited] + [self.instance.host_id or 0]
            self.fields["invited_staff"].initial = invited
            self.fields["invited_units"].initial = list(self.instance.invited_units.all())
        data = picker_data if picker_data is not None else self.data
        for name in ("invited_staff", "host"):
            field = self.fields[name]
            assert isinstance(field, PickerMixin)  # the two picker fields above
            field.limit_to(user, keep=keep, data=data)

    def clean_platform_meeting_id(self) -> str:
        value = normalise_meeting_id(self.cleaned_data.get("platform_meeting_id"))
        zoom_id = self.cleaned_data.get("platform") == Platform.ZOOM and value
        # Zoom IDs have 9 to 11 digits; a mistyped one would never receive attendance.
        if zoom_id and not (value.isascii() and value.isdigit() and 9 <= len(value) <= 11):
            raise forms.ValidationError(
                _("Zoom の会議IDは9〜11桁の数字です（例: 850 1234 5678）。")
            )
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end <= start:
                self.add_error("end", _("終了は開始より後にしてください。"))
            elif end - start > dt.timedelta(hours=12):
                self.add_error("end", _("会議は12時間以内にしてください。"))
        return data


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("議題"), max_length=200)
    planned_minutes = forms.IntegerField(
        label=_("予定時間（分）"), min_value=1, max_value=600, initial=10
    )
    presenter = forms.ModelChoiceField(
        label=_("説明者"),
        queryset=Staff.objects.none(),
        required=False,
        help_text=_("会議に招待した人から選びます。"),
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The people chosen for the meeting through the picker: nobody outside its list.
        model_choice(self, "presenter").queryset = meeting_people(meeting)


class EntryForm(forms.Form):
    """A minutes entry. `at_time` is only given when minutes are written afterwards."""

    kind = forms.ChoiceField(label=_("種類"), choices=EntryKind.choices, initial=EntryKind.NOTE)
    text = forms.CharField(
        label=_("内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    at_time = forms.TimeField(
        label=_("時刻（後から記入する場合）"), required=False, widget=TIME_INPUT
    )
    owner = forms.ModelChoiceField(label=_("担当者"), queryset=Staff.objects.none(), required=False)
    due = core_forms.DateField(label=_("期限"), required=False, widget=DATE_INPUT)

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        model_choice(self, "owner").queryset = meeting_people(meeting)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("kind") == EntryKind.ACTION and not data.get("owner"):
            self.add_error("owner", _("対応事項には担当者を指定してください。"))
        at_time = data.get("at_time")
        if at_time is not None:
            day = timezone.localtime(self.meeting.start).date()
            at = timezone.make_aware(dt.datetime.combine(day, at_time))
            if not (
                self.meeting.start - dt.timedelta(minutes=30)
                <= at
                <= self.meeting.end + dt.timedelta(hours=2)
            ):
                self.add_error("at_time", _("会議の時間内の時刻を入力してください。"))
            data["at"] = at
        else:
            data["at"] = None
        return data


class AgendaTimesForm(forms.Form):
    """The actual start of each agenda item, typed afterwards as a time of the meeting's
    day (one field per item, `item_<id>`; empty: the planned minutes count)."""

    def __init__(
        self,
        *args: Any,
        meeting: Meeting,
        items: list[AgendaItem],
        starts: dict[int, dt.datetime] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.items = items
        finalised = meeting.status == MeetingStatus.FINALISED
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.TimeField(
                label=f"{item.order}. {item.title}",
                required=False,
                widget=TIME_INPUT,
                initial=timezone.localtime(item.started_at).time() if item.started_at else None,
                help_text=_("予定: %(n)s分 ・ いまの扱い: %(at)s 開始")
                % {
                    "n": item.planned_minutes,
                    "at": timezone.localtime(starts[item.pk]).strftime("%H:%M:%S")
                    if starts and item.pk in starts
                    else "—",
                },
                disabled=finalised,
            )

    def _moment(self, at: dt.time) -> dt.datetime:
        """`at` on the meeting's day; on the next day for a meeting that runs past midnight
        and a time before its start."""
        start = timezone.localtime(self.meeting.start)
        moment = timezone.make_aware(dt.datetime.combine(start.date(), at))
        end_day = timezone.localtime(self.meeting.end).date()
        if moment < start.replace(second=0, microsecond=0) and end_day > start.date():
            moment = timezone.make_aware(
                dt.datetime.combine(start.date() + dt.timedelta(days=1), at)
            )
        return moment

    def times(self) -> dict[int, dt.datetime | None]:
        """Item id → the start entered (None when left empty); after `is_valid()`."""
        out: dict[int, dt.datetime | None] = {}
        for item in self.items:
            at = self.cleaned_data.get(f"item_{item.pk}")
            moment = self._moment(at) if at is not None else None
            # A time stamped live has fractions of a second the field does not show: the
            # same second typed back is no change.
            stamped = item.started_at
            if moment is not None and stamped and stamped.replace(microsecond=0) == moment:
                moment = stamped
            out[item.pk] = moment
        return out


class ManualMarkForm(forms.Form):
    staff = forms.ModelChoiceField(label=_("職員"), queryset=Staff.objects.none())
    join = forms.TimeField(label=_("入室"), widget=TIME_INPUT)
    leave = forms.TimeField(label=_("退出"), widget=TIME_INPUT)

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        model_choice(self, "staff").queryset = meeting.invitees.order_by("staff_number")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        day = timezone.localtime(self.meeting.start).date()
        for key in ("join", "leave"):
            if data.get(key) is not None:
                data[key + "_at"] = timezone.make_aware(dt.datetime.combine(day, data[key]))
        if data.get("join_at") and data.get("leave_at") and data["leave_at"] <= data["join_at"]:
            self.add_error("leave", _("退出は入室より後にしてください。"))
        return data


class TeamsReportForm(forms.Form):
    report = forms.FileField(
        label=_("Teams の出席レポート（.csv）"),
        help_text=_("会議から「出席者リストをダウンロード」したファイルをそのまま選んでください。"),
    )

    def clean_report(self) -> Any:
        report = self.cleaned_data["report"]
        if report.size > MAX_REPORT_BYTES:
            raise forms.ValidationError(_("ファイルが大きすぎます（5 MB まで）。"))
        return report


class ZoomAccountForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    key = forms.SlugField(
        label=_("識別子（URL用）"), max_length=40, help_text=_("英数字とハイフン（例：main）")
    )
    secret = forms.CharField(
        label=_("Secret Token"),
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Zoom アプリの「Secret Token」。保存後は表示されません。"),
    )

    def clean_key(self) -> str:
        from yakuba.meetings.models import ZoomAccount

        key = self.cleaned_data["key"]
        if ZoomAccount.objects.filter(key=key).exists():
            raise forms.ValidationError(_("この識別子は使われています。"))
        return key


class JitsiEndpointForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
