"""Builder forms. The audience is `rosters.audience.AudienceForm` (prefixed) beside them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yakuba.surveys.models import (
    CHOICE_KINDS,
    DEFAULT_SCALE_LABELS,
    Choice,
    Question,
    QuestionKind,
    Section,
    Survey,
    SurveyStatus,
)

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = [
            "title",
            "description",
            "anonymous",
            "closes_at",
            "period_start",
            "period_end",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "closes_at": DATETIME,
            "period_start": DATE,
            "period_end": DATE,
        }
        help_texts = {
            "period_start": gettext_lazy(
                "この期間の公開済み勤務表から、一人ひとりの在宅勤務の日数を開始時に数えます"
                "（在宅勤務の日数で表示する質問と、集計の「在宅勤務日数」に使います）。"
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["closes_at"].required = True
        closes = self.fields["closes_at"]
        assert isinstance(closes, forms.DateTimeField)
        closes.input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        instance: Survey | None = kwargs.get("instance")
        if instance is not None and instance.status != SurveyStatus.DRAFT:
            for name in ("anonymous", "period_start", "period_end"):
                self.fields[name].disabled = True


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class QuestionForm(forms.ModelForm):
    choices_text = forms.CharField(
        label=gettext_lazy("選択肢（1行に1つ）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("単一選択・複数選択のときに使います。"),
    )
    with_other = forms.BooleanField(
        label=gettext_lazy("最後に「その他（自由記述）」を付ける"), required=False
    )
    scale_labels_text = forms.CharField(
        label=gettext_lazy("5段階のラベル（1から5の順に5行、空欄なら標準）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    class Meta:
        model = Question
        fields = [
            "section",
            "kind",
            "text",
            "help_text",
            "required",
            "min_value",
            "max_value",
            "integer_only",
            "unit_label",
            "max_choices",
            "show_if_choice",
            "show_if_telework_days_min",
            "show_if_telework_days_max",
        ]

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.survey = survey
        section = self.fields["section"]
        assert isinstance(section, forms.ModelChoiceField)
        section.queryset = Section.objects.filter(survey=survey).order_by("order")
        section.empty_label = None
        condition = self.fields["show_if_choice"]
        assert isinstance(condition, forms.ModelChoiceField)
        condition.queryset = (
            Choice.objects.filter(question__survey=survey, question__kind__in=CHOICE_KINDS)
            .exclude(question=self.instance.pk)
            .select_related("question")
            .order_by("question__section__order", "question__order", "order")
        )
        condition.label_from_instance = lambda c: f"「{c.question.text[:30]}」→ {c.label}"  # type: ignore[method-assign,assignment]
        condition.required = False
        condition.help_text = _("選ぶと、前の質問でこの選択肢を選んだ人にだけ表示します。")
        self.fields["show_if_telework_days_min"].help_text = _(
            "例：1 にすると、対象期間に在宅勤務した人にだけ表示します。"
        )
        self.fields["show_if_telework_days_max"].help_text = _(
            "例：0 にすると、対象期間に在宅勤務しなかった人にだけ表示します。"
        )
        if self.instance.pk:
            choices = list(self.instance.choices.order_by("order", "pk"))
            self.initial.setdefault(
                "choices_text", "\n".join(c.label for c in choices if not c.is_other)
            )
            self.initial.setdefault("with_other", any(c.is_other for c in choices))
            if self.instance.scale_labels:
                self.initial.setdefault("scale_labels_text", "\n".join(self.instance.labels()))
        else:
            self.fields["scale_labels_text"].widget.attrs["placeholder"] = "\n".join(
                str(label) for label in DEFAULT_SCALE_LABELS
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        labels = [line.strip() for line in (data.get("choices_text") or "").splitlines()]
        data["choice_labels"] = [label for label in labels if label]
        scale = [line.strip() for line in (data.get("scale_labels_text") or "").splitlines()]
        scale = [label for label in scale if label]
        if kind == QuestionKind.SCALE and scale and len(scale) != 5:
            self.add_error("scale_labels_text", _("ラベルは5行で入力してください。"))
        data["scale_labels"] = scale if kind == QuestionKind.SCALE and len(scale) == 5 else []
        if kind in CHOICE_KINDS and len(data["choice_labels"]) + bool(data.get("with_other")) < 2:
            self.add_error("choices_text", _("選択肢を2つ以上入力してください（1行に1つ）。"))
        return data

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        keys = [f for f in self.Meta.fields]
        return {**{k: data.get(k) for k in keys}, "scale_labels": data["scale_labels"]}
