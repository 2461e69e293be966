"""Forms of training sessions (validation messages in Japanese)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yakuba.meetings.models import Meeting
from yakuba.org.models import Staff
from yakuba.training.models import Requirement, TrainingCourse, TrainingSession

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MAX_MATERIAL_BYTES = 20 * 1024 * 1024
MATERIAL_TYPES = (".pdf", ".pptx", ".docx", ".xlsx", ".txt")


class CourseForm(forms.ModelForm):
    class Meta:
        model = TrainingCourse
        fields = ["title", "description", "duration_minutes", "materials", "active"]

    def clean_materials(self) -> Any:
        f = self.cleaned_data.get("materials")
        if f and hasattr(f, "size") and getattr(f, "name", ""):
            if not f.name.lower().endswith(MATERIAL_TYPES):
                raise forms.ValidationError(
                    _("資料は PDF・PowerPoint・Word・Excel・テキストのファイルにしてください。")
                )
            if f.size > MAX_MATERIAL_BYTES:
                raise forms.ValidationError(_("資料は20MBまでです。"))
            if not _content_matches(f):
                raise forms.ValidationError(
                    _(
                        "ファイルの中身が拡張子（%(ext)s）と合いません。"
                        "元のアプリで保存し直したファイルを選んでください。"
                    )
                    % {"ext": f.name.rsplit(".", 1)[-1].upper()}
                )
        return f


def _content_matches(f: Any) -> bool:
    """The first bytes agree with the extension: a PDF starts with %PDF, the Office files
    are ZIP containers, a text file decodes as UTF-8 or CP932 (a renamed program does not)."""
    f.seek(0)
    head = f.read(8192)
    f.seek(0)
    name = f.name.lower()
    if name.endswith(".pdf"):
        return bool(head.startswith(b"%PDF-"))
    if name.endswith((".pptx", ".docx", ".xlsx")):
        return bool(head.startswith(b"PK\x03\x04"))
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "cp932"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 3:  # a character cut at the end of the sample
                return True
            continue
        return True
    return False


class SessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["course", "starts_at", "ends_at", "place", "meeting", "capacity", "instructor"]
        widgets = {"starts_at": DATETIME_INPUT, "ends_at": DATETIME_INPUT}
        help_texts = {
            "meeting": _(
                "オンラインで開く場合は「会議」で作った会議を選びます（出席は会議の記録から取れます）。"
            ),
            "instructor": _("ICTサポーターなど、講師を務める職員"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = TrainingCourse.objects.filter(active=True)  # type: ignore[attr-defined]
        self.fields["meeting"].queryset = Meeting.objects.order_by("-start")[:200]  # type: ignore[attr-defined]
        self.fields["instructor"].queryset = Staff.objects.filter(active=True)  # type: ignore[attr-defined]
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M"]  # type: ignore[attr-defined]


class RequirementForm(forms.ModelForm):
    class Meta:
        model = Requirement
        fields = [
            "course",
            "role",
            "employment_type",
            "new_hires_within_days",
            "due_date",
            "due_within_days",
        ]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "role": _("空欄なら全員"),
            "new_hires_within_days": _("例：90（採用から90日以内の職員が対象）"),
            "due_within_days": _("期限日がない場合：採用日（新規採用者）または登録日からの日数"),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("due_date") and data.get("due_within_days"):
            raise forms.ValidationError(_("期限は日付か日数のどちらか一方を指定してください。"))
        return data


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("満足度"),
        coerce=int,
        choices=[
            (5, _("5 とても良かった")),
            (4, _("4 良かった")),
            (3, _("3 ふつう")),
            (2, _("2 あまり良くなかった")),
            (1, _("1 良くなかった")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("満足度を選んでください。")},
    )
    comment = forms.CharField(
        label=_("ご意見・ご感想（任意）"), required=False, max_length=2000, widget=forms.Textarea
    )
