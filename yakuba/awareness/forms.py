"""Forms: answering a question, and infosec's bank (lessons, questions with choices,
import, the weekly number)."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yakuba.awareness import bank
from yakuba.awareness.models import Choice, Lesson, Question, QuestionKind
from yakuba.awareness.services import MAX_WEEKLY_QUESTIONS
from yakuba.core.forms import model_choice
from yakuba.core.text import TextValidator
from yakuba.security.topics import Topic


def shown_order(question: Question, salt: int) -> list[Choice]:
    """The choices in the order this person sees them: shuffled per card (the bank lists
    the right answer first more often than not), but stable across page loads; ○× keep
    「正しい」「誤り」 in their order."""
    choices = sorted(question.choices.all(), key=lambda c: c.order)
    if question.kind == QuestionKind.TRUE_FALSE:
        return choices

    def key(c: Choice) -> bytes:
        return hashlib.blake2b(f"{salt}:{c.order}".encode(), digest_size=8).digest()

    return sorted(choices, key=key)


class AnswerForm(forms.Form):
    """The choices of one question: radio buttons, or check boxes for multiple choice."""

    def __init__(self, *args: Any, question: Question, salt: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.question = question
        options = [(str(c.order), c.text) for c in shown_order(question, salt)]
        if question.kind == QuestionKind.MULTIPLE:
            self.fields["choice"] = forms.TypedMultipleChoiceField(
                label=_("当てはまるものをすべて選んでください"),
                choices=options,
                coerce=int,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": _("選択肢を1つ以上選んでください。")},
            )
        else:
            self.fields["choice"] = forms.TypedChoiceField(
                label=_("1つ選んでください"),
                choices=options,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("選択肢を選んでください。")},
            )

    def chosen(self) -> list[int]:
        value = self.cleaned_data["choice"]
        return list(value) if isinstance(value, list) else [value]


class LessonForm(forms.ModelForm):
    class Meta:
        model = Lesson
        fields = ["code", "topic", "title", "body", "source"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _("Excelでの取り込み・書き出しの目印（例：L-PH）")
        self.fields["code"].validators.append(TextValidator(40))
        self.fields["title"].validators.append(TextValidator(100))
        self.fields["body"].validators.append(TextValidator(4000, multiline=True))
        self.fields["source"].validators.append(TextValidator(200))

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip()
        if not bank.CODE_RE.match(code):
            raise forms.ValidationError(
                _("コードは英数字と「-」「_」「.」で40文字以内にしてください。")
            )
        return code


class QuestionForm(forms.ModelForm):
    """A question and its choices (up to `bank.MAX_CHOICES` rows; empty rows are ignored)."""

    class Meta:
        model = Question
        fields = ["code", "topic", "kind", "text", "explanation", "source", "lesson"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "explanation": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _("Excelでの取り込み・書き出しの目印（例：Q-PH-01）")
        self.fields["code"].validators.append(TextValidator(40))
        self.fields["text"].validators.append(TextValidator(1000, multiline=True))
        self.fields["explanation"].validators.append(TextValidator(2000, multiline=True))
        self.fields["source"].validators.append(TextValidator(200))
        self.fields["source"].help_text = _(
            "例：総務省「地方公共団体における情報セキュリティポリシーに関するガイドライン」、本市の情報セキュリティ対策基準"
        )
        model_choice(self, "lesson").queryset = Lesson.objects.order_by("topic", "code")
        self.fields["lesson"].required = False
        existing = (
            sorted(self.instance.choices.all(), key=lambda c: c.order) if self.instance.pk else []
        )
        for i in range(1, bank.MAX_CHOICES + 1):
            current = existing[i - 1] if i <= len(existing) else None
            self.fields[f"choice_{i}"] = forms.CharField(
                label=_("選択肢%(n)s") % {"n": i},
                required=False,
                max_length=300,
                validators=[TextValidator(300)],
                initial=current.text if current else "",
            )
            self.fields[f"correct_{i}"] = forms.BooleanField(
                label=_("選択肢%(n)sが正解") % {"n": i},
                required=False,
                initial=current.correct if current else False,
            )

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.Meta.fields]

    def choice_pairs(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"choice_{i}"], self[f"correct_{i}"]) for i in range(1, bank.MAX_CHOICES + 1)]

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip()
        if not bank.CODE_RE.match(code):
            raise forms.ValidationError(
                _("コードは英数字と「-」「_」「.」で40文字以内にしてください。")
            )
        return code

    def choices(self) -> list[bank.ChoiceInput]:
        data = self.cleaned_data
        return [
            bank.ChoiceInput(
                str(data.get(f"choice_{i}") or "").strip(), bool(data.get(f"correct_{i}"))
            )
            for i in range(1, bank.MAX_CHOICES + 1)
            if str(data.get(f"choice_{i}") or "").strip()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(1, bank.MAX_CHOICES + 1):
            if data.get(f"correct_{i}") and not str(data.get(f"choice_{i}") or "").strip():
                self.add_error(f"choice_{i}", _("正解にした選択肢の文を入力してください。"))
        kind = data.get("kind")
        if kind and not self.errors:
            for message in bank.choice_problems(kind, self.choices()):
                self.add_error(None, message)
        return data


class BankFilterForm(forms.Form):
    topic = forms.ChoiceField(
        label=gettext_lazy("分野"),
        choices=[("", gettext_lazy("すべて")), *Topic.choices],
        required=False,
    )
    q = forms.CharField(label=gettext_lazy("文字で探す"), required=False, max_length=100)
    active = forms.ChoiceField(
        label=gettext_lazy("状態"),
        choices=[
            ("", gettext_lazy("すべて")),
            ("1", gettext_lazy("使用中")),
            ("0", gettext_lazy("使用していない")),
        ],
        required=False,
    )

    def values(self) -> dict[str, str]:
        if not self.is_valid():
            return {"topic": "", "text": "", "active": ""}
        data = self.cleaned_data
        return {"topic": data["topic"], "text": data["q"].strip(), "active": data["active"]}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("問題集のExcelファイル（.xlsx）"),
        help_text=gettext_lazy("「書き出し」で作ったファイルを編集して取り込めます。"),
    )

    def clean_file(self) -> Any:
        from django.conf import settings

        upload = self.cleaned_data["file"]
        if upload.size > settings.YAKUBA_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("ファイルが大きすぎます（上限 %(mb)s MB）。")
                % {"mb": settings.YAKUBA_IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_(".xlsx のファイルを選んでください。"))
        return upload


class SettingsForm(forms.Form):
    weekly_questions = forms.IntegerField(
        label=gettext_lazy("1週間に出題する問題数（一人あたり）"),
        min_value=1,
        max_value=MAX_WEEKLY_QUESTIONS,
        help_text=gettext_lazy("新しい問題と、復習の時期が来た問題を合わせた数です。"),
    )
