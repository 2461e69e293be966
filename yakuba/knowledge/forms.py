from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yakuba.knowledge.models import BODY_MAX, TITLE_MAX, QuestionStatus, SkillTag
from yakuba.org.models import Staff, Unit, UnitKind

MARKUP_HELP = _(
    "書式：**太字**、`コード`、行頭の「- 」で箇条書き、「1. 」で番号付き、"
    "[文字](https://…) でリンク。HTML は使えません。"
)


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiFileField(forms.FileField):
    widget = MultiFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultiFileField, self).clean(d, initial) for d in items]


def _tags_field(required: bool = True) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=_("タグ"),
        queryset=SkillTag.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=required,
        error_messages={"required": _("タグを一つ以上選んでください。")},
    )


class QuestionForm(forms.Form):
    title = forms.CharField(label=_("件名"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("本文"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=BODY_MAX,
        help_text=MARKUP_HELP,
    )
    tags = _tags_field()
    anonymous = forms.BooleanField(
        label=_("名前を出さずに質問する"),
        required=False,
        help_text=_(
            "ほかの職員には名前が表示されません。情報政策課の管理者は確認できます（記録が残ります）。"
        ),
    )
    attachments = MultiFileField(
        label=_("スクリーンショット・ファイル"),
        help_text=_(
            "PNG・JPEG・PDF・テキスト、1ファイル5MBまで、5個まで。画像は保存前に変換されます。"
        ),
    )


class AnswerForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "answer_%s")
        super().__init__(*args, **kwargs)

    body = forms.CharField(
        label=_("回答"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=BODY_MAX,
        help_text=MARKUP_HELP,
    )
    attachments = MultiFileField(label=_("スクリーンショット・ファイル"))


class CommentForm(forms.Form):
    """On the question's page next to the answer form: ids of its own."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "comment_%s")
        super().__init__(*args, **kwargs)

    body = forms.CharField(
        label=_("コメント"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class DuplicateForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "duplicate_%s")
        super().__init__(*args, **kwargs)

    original = forms.IntegerField(label=_("重複元の質問の番号"), min_value=1)


class QuestionFilterForm(forms.Form):
    tag = forms.ChoiceField(label=_("タグ"), required=False)
    status = forms.ChoiceField(
        label=_("状態"), required=False, choices=[("", _("すべて")), *QuestionStatus.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["tag"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("すべて"))] + [
            (t.slug, t.name) for t in SkillTag.objects.filter(active=True)
        ]

    def values(self) -> dict[str, str]:
        if not self.is_valid():
            return {"tag": "", "status": ""}
        return {"tag": self.cleaned_data["tag"], "status": self.cleaned_data["status"]}


class TagFilterForm(forms.Form):
    tag = forms.ChoiceField(label=_("得意なこと"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["tag"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("すべて"))] + [
            (t.slug, t.name) for t in SkillTag.objects.filter(active=True)
        ]

    def selected_tag(self) -> str:
        return self.cleaned_data["tag"] if self.is_valid() else ""


class HelperProfileForm(forms.Form):
    active = forms.BooleanField(label=_("ICTサポーターとして名前を載せる"), required=False)
    tags = _tags_field(required=False)
    tags.label = _("得意なこと")
    availability = forms.CharField(
        label=_("相談しやすい時間"),
        max_length=300,
        required=False,
        help_text=_("例：平日の午後、昼休みを除く"),
    )
    extension = forms.CharField(label=_("内線番号"), max_length=20, required=False)


class AppointForm(forms.Form):
    staff_number = forms.CharField(label=_("職員番号"), max_length=20)
    department = forms.ModelChoiceField(
        label=_("担当する部"),
        queryset=Unit.objects.filter(kind=UnitKind.DEPARTMENT, active=True),
        required=False,
    )
    tags = _tags_field()
    tags.label = _("得意なこと")
    availability = forms.CharField(label=_("相談しやすい時間"), max_length=300, required=False)

    def clean_staff_number(self) -> Staff:
        number = self.cleaned_data["staff_number"].strip()
        staff = Staff.objects.filter(staff_number=number, active=True).first()
        if staff is None:
            raise forms.ValidationError(
                _("職員番号「%(n)s」の在職中の職員が見つかりません。") % {"n": number}
            )
        return staff


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("題名"), max_length=TITLE_MAX)
    slug = forms.CharField(
        label=_("URL名"),
        max_length=80,
        required=False,
        help_text=_(
            "半角英小文字・数字・ハイフン（例：vpn-connect）。空なら自動で付けます。あとから変わりません。"
        ),
    )
    body = forms.CharField(
        label=_("本文"),
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=BODY_MAX * 2,
        help_text=MARKUP_HELP,
    )
    tags = _tags_field(required=False)
    review_by = forms.DateField(
        label=_("見直し期限"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("変更内容"), max_length=200, required=False)
    attachments = MultiFileField(label=_("添付ファイル"))


# --- 「ナレッジの広がり」 (knowledge.crossing_views) -------------------------------------------

CROSSING_MAX_DAYS = 3 * 366


class DateInput(forms.DateInput):
    input_type = "date"


class CrossingForm(forms.Form):
    """The period (default: the last 12 months, this month included), the measure and the
    grouping of the matrix. Bad input falls back to the defaults with a message."""

    start = forms.DateField(label=_("期間の始め"), required=False, widget=DateInput)
    end = forms.DateField(label=_("期間の終わり"), required=False, widget=DateInput)
    measure = forms.ChoiceField(
        label=_("数えるもの"),
        required=False,
        choices=[
            ("first", _("最初の回答（回答者 → 質問者）")),
            ("accepted", _("解決した回答（回答者 → 質問者）")),
            ("training", _("研修会（講師 → 出席者）")),
        ],
    )
    by = forms.ChoiceField(
        label=_("分け方"),
        required=False,
        choices=[("department", _("部ごと")), ("level", _("職位ごと"))],
    )

    @staticmethod
    def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
        first = today.replace(day=1)
        for _i in range(11):
            first = (first - dt.timedelta(days=1)).replace(day=1)
        return first, today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError(_("期間の始めは終わりより前の日付にしてください。"))
            if (end - start).days > CROSSING_MAX_DAYS:
                raise forms.ValidationError(_("期間は3年以内にしてください。"))
        return data
