"""Forms of the self-inspection pages (validation only; services write)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yakuba.core.forms import DateField, field_of, model_choice
from yakuba.core.text import TextValidator
from yakuba.inspections.models import (
    AnswerValue,
    Checklist,
    ChecklistItem,
    ChecklistSection,
    Finding,
    FindingStatus,
    Round,
)
from yakuba.org.models import Staff

DATE = forms.DateInput(attrs={"type": "date"})


class ChecklistForm(forms.ModelForm):
    class Meta:
        model = Checklist
        fields = ["code", "title", "role", "description", "active"]


class CopyChecklistForm(forms.Form):
    code = forms.SlugField(label=_("新しいコード"), max_length=40)
    title = forms.CharField(label=_("新しい名称"), max_length=100, validators=[TextValidator(100)])


class SectionForm(forms.ModelForm):
    class Meta:
        model = ChecklistSection
        fields = ["code", "title", "order"]


class ItemForm(forms.ModelForm):
    class Meta:
        model = ChecklistItem
        fields = ["section", "code", "text", "guidance", "basis", "order"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, checklist: Checklist, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "section").queryset = checklist.sections.all()

    def validate_unique(self) -> None:
        """Code uniqueness per checklist is the service's check (the form has no checklist)."""


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("チェックリストのファイル（.xlsx）"),
        help_text=_("「Excelに書き出す」で保存した形のファイルを選んでください。"),
    )

    def clean_file(self) -> Any:
        from django.conf import settings

        upload = self.cleaned_data["file"]
        if upload.size > settings.YAKUBA_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("ファイルが大きすぎます（上限 %(mb)s MB）。")
                % {"mb": settings.YAKUBA_IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload


class RoundForm(forms.ModelForm):
    opens_on = DateField(label=_("開始日"), widget=DATE)
    due_on = DateField(label=_("回答期限"), widget=DATE)
    review_due_on = DateField(label=_("確認期限"), widget=DATE, required=False)

    class Meta:
        model = Round
        fields = [
            "title",
            "period_label",
            "opens_on",
            "due_on",
            "review_due_on",
            "checklists",
            "partial_is_finding",
            "finding_days",
        ]
        widgets = {"checklists": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "checklists").queryset = Checklist.objects.filter(active=True)
        self.fields["checklists"].required = True
        self.fields["checklists"].help_text = _(
            "役割ごとに1つ（職員向けは必須）。所属長・システム管理者向けを選ばなければ、その人たちも職員向けに回答します。"
        )


class AnswerForm(forms.Form):
    """One item of a sheet; prefixed with the item id."""

    value = forms.ChoiceField(
        label=_("回答"),
        choices=AnswerValue.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("コメント"),
        required=False,
        max_length=1000,
        validators=[TextValidator(1000, multiline=True)],
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence = forms.FileField(label=_("証跡ファイル（任意）"), required=False)
    remove_evidence = forms.BooleanField(label=_("登録した証跡を削除する"), required=False)


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("コメント（差し戻すときは必須）"),
        required=False,
        max_length=1000,
        validators=[TextValidator(1000, multiline=True)],
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FindingForm(forms.Form):
    status = forms.ChoiceField(label=_("状態"), choices=FindingStatus.choices)
    corrective_action = forms.CharField(
        label=_("是正措置"),
        required=False,
        max_length=2000,
        validators=[TextValidator(2000, multiline=True)],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    progress_note = forms.CharField(
        label=_("対応の記録"),
        required=False,
        max_length=2000,
        validators=[TextValidator(2000, multiline=True)],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    owner = forms.ModelChoiceField(label=_("担当者"), queryset=Staff.objects.none(), required=False)
    due_on = DateField(label=_("対応期限"), widget=DATE, required=False)

    def __init__(
        self,
        *args: Any,
        finding: Finding,
        statuses: set[str],
        can_assign: bool,
        owners: Any = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault(
            "initial",
            {
                "status": finding.status,
                "corrective_action": finding.corrective_action,
                "progress_note": finding.progress_note,
                "owner": finding.owner_id,
                "due_on": finding.due_on,
            },
        )
        super().__init__(*args, **kwargs)
        allowed = statuses | {finding.status}
        field_of(self, "status", forms.ChoiceField).choices = [
            c for c in FindingStatus.choices if c[0] in allowed
        ]
        if can_assign and owners is not None:
            model_choice(self, "owner").queryset = owners
        else:
            del self.fields["owner"]
            del self.fields["due_on"]
