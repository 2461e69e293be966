"""All validation of organisation input lives here (views stay thin)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yakuba.core.forms import field_of, model_choice
from yakuba.core.text import is_kana, nfkc, normalise_kana, normalise_name
from yakuba.org.models import Counter, EmploymentType, Skill, Staff, Unit


class StaffChoiceField(forms.ModelChoiceField):
    """A choice of staff member, each shown as number, name and unit."""

    def label_from_instance(self, obj: Staff) -> str:
        return f"{obj.staff_number} {obj.name}（{obj.unit.name}）"


class StaffForm(forms.ModelForm):
    class Meta:
        model = Staff
        fields = [
            "staff_number",
            "name",
            "name_kana",
            "employment_type",
            "position",
            "unit",
            "skills",
            "email",
            "active",
        ]
        widgets = {"skills": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "unit").queryset = units
        self.fields["name_kana"].help_text = _("カタカナ（ひらがな・半角カナも自動で変換します）")

    def clean_staff_number(self) -> str:
        value = nfkc(self.cleaned_data["staff_number"]).strip()
        if not value.replace("-", "").isalnum() or not value.isascii():
            raise forms.ValidationError(_("職員番号は半角英数字で入力してください。"))
        return value

    def clean_name(self) -> str:
        return normalise_name(self.cleaned_data["name"])

    def clean_name_kana(self) -> str:
        value = normalise_kana(self.cleaned_data["name_kana"])
        if not is_kana(value):
            raise forms.ValidationError(_("氏名カナはカタカナで入力してください。"))
        return value

    def clean_position(self) -> str:
        return normalise_name(self.cleaned_data.get("position") or "")


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "name_kana", "kind", "parent", "sort_order", "active"]

    def __init__(self, *args: Any, parents: Any, can_restructure: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = parents
        if self.instance.pk:
            qs = qs.exclude(path__startswith=self.instance.path)
        model_choice(self, "parent").queryset = qs
        if not can_restructure:
            for name in ("code", "parent", "kind"):
                self.fields[name].disabled = True

    def clean_code(self) -> str:
        value = nfkc(self.cleaned_data["code"]).strip()
        if not value.replace("-", "").replace("_", "").isalnum() or not value.isascii():
            raise forms.ValidationError(_("所属コードは半角英数字で入力してください。"))
        return value

    def clean_name(self) -> str:
        return normalise_name(self.cleaned_data["name"])

    def clean_name_kana(self) -> str:
        value = normalise_kana(self.cleaned_data.get("name_kana") or "")
        if value and not is_kana(value):
            raise forms.ValidationError(_("所属名カナはカタカナで入力してください。"))
        return value


class CounterForm(forms.ModelForm):
    class Meta:
        model = Counter
        fields = [
            "code",
            "name",
            "unit",
            "required_skills",
            "opens_weekdays",
            "opens_saturday",
            "opens_sunday",
            "opens_holidays",
            "active",
        ]
        widgets = {"required_skills": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "unit").queryset = units

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        days = ("opens_weekdays", "opens_saturday", "opens_sunday", "opens_holidays")
        if data.get("active") and not any(data.get(d) for d in days):
            raise forms.ValidationError(_("開設日を少なくとも1つ選んでください。"))
        return data


class StaffSearchForm(forms.Form):
    q = forms.CharField(
        label=_("検索"),
        required=False,
        max_length=100,
        help_text=_("職員番号・氏名・よみ（ひらがな可）"),
    )
    unit = forms.ModelChoiceField(
        label=_("所属"), queryset=Unit.objects.none(), required=False, empty_label=_("すべて")
    )
    employment_type = forms.ChoiceField(
        label=_("雇用区分"), required=False, choices=[("", _("すべて")), *EmploymentType.choices]
    )
    skill = forms.ModelChoiceField(
        label=_("スキル"), queryset=Skill.objects.all(), required=False, empty_label=_("すべて")
    )
    inactive = forms.BooleanField(label=_("退職者も含める"), required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "unit").queryset = units


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("ファイル"),
        help_text=_("Excel（.xlsx）または CSV（UTF-8 / Shift_JIS）。見出し行が必要です。"),
    )
    effective_date = forms.DateField(
        label=_("発令日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "異動・採用・退職が効力を持つ日（空欄なら今日）。先の日付なら、その日の始めに反映します"
            "（例：3月に取り込む4月1日の人事異動）。"
        ),
    )
    complete_list = forms.BooleanField(
        label=_("このファイルは全職員の名簿です"),
        required=False,
        help_text=_(
            "チェックすると、ファイルにない在職中の職員を退職として扱います（確定の前に一覧で確認します）。"
            "チェックしなければ、ファイルにない職員はそのままです。"
        ),
    )

    def clean_effective_date(self) -> Any:
        from yakuba.org.imports import effective_date_problem

        day = self.cleaned_data.get("effective_date")
        problem = effective_date_problem(day)
        if problem:
            raise forms.ValidationError(problem)
        return day

    def clean_file(self) -> Any:
        from django.conf import settings

        upload = self.cleaned_data["file"]
        if upload.size > settings.YAKUBA_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("ファイルが大きすぎます（上限 %(mb)s MB）。")
                % {"mb": settings.YAKUBA_IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        name = upload.name.lower()
        if not name.endswith((".xlsx", ".csv", ".txt")):
            raise forms.ValidationError(_(".xlsx または .csv のファイルを選んでください。"))
        return upload


class ExportForm(forms.Form):
    FORMAT_CHOICES = [
        ("xlsx", _("Excel（所属・職員の2シート）")),
        ("staff_csv", _("CSV：職員")),
        ("units_csv", _("CSV：所属")),
    ]
    ENCODING_CHOICES = [("utf-8", _("UTF-8（BOM付き）")), ("cp932", _("Shift_JIS（CP932）"))]
    format = forms.ChoiceField(
        label=_("形式"), choices=FORMAT_CHOICES, widget=forms.RadioSelect, initial="xlsx"
    )
    encoding = forms.ChoiceField(
        label=_("CSVの文字コード"),
        choices=ENCODING_CHOICES,
        widget=forms.RadioSelect,
        initial="utf-8",
    )


class SkillForm(forms.ModelForm):
    class Meta:
        model = Skill
        fields = ["code", "name"]

    def clean_code(self) -> str:
        value = nfkc(self.cleaned_data["code"]).strip().lower()
        if not value.replace("-", "").replace("_", "").isalnum() or not value.isascii():
            raise forms.ValidationError(_("スキルコードは半角英数字で入力してください。"))
        return value

    def clean_name(self) -> str:
        return normalise_name(self.cleaned_data["name"])


class PreviewFilterForm(forms.Form):
    """Narrows an import's preview to one kind of change and/or one unit."""

    kind = forms.ChoiceField(label=_("区分"), required=False)
    unit = forms.ChoiceField(label=_("所属"), required=False)
    side = forms.ChoiceField(
        label=_("所属の見方"),
        required=False,
        choices=[("", _("異動前・異動後")), ("from", _("異動前")), ("to", _("異動後"))],
    )

    def __init__(self, *args: Any, units: list[tuple[str, str]], **kwargs: Any) -> None:
        from yakuba.org.models import PlannedChangeKind

        super().__init__(*args, **kwargs)
        field_of(self, "kind", forms.ChoiceField).choices = [
            ("", _("すべて")),
            *PlannedChangeKind.choices,
        ]
        field_of(self, "unit", forms.ChoiceField).choices = [("", _("すべて"))] + [
            (code, f"{name}（{code}）") for code, name in units
        ]
