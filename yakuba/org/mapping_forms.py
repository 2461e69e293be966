"""Forms of the mapping step of an HR export: columns, employment labels, preset names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yakuba.core.text import normalise_name, text_problem
from yakuba.org import presets
from yakuba.org.mapping import (
    IGNORE,
    NAME_JOINS,
    SKIP,
    TARGETS,
    ColumnMapping,
    header_keys,
    mapping_problems,
)
from yakuba.org.models import EmploymentType, ImportPreset

SAVE_CHOICES = (
    ("no", _("保存しない")),
    ("new", _("新しい対応付けとして保存する")),
    ("update", _("選んだ対応付けを上書きする")),
)


def clean_preset_name(value: str, *, other_than: ImportPreset | None = None) -> str:
    name = normalise_name(value or "")
    problem = text_problem(name, max_length=100)
    if problem:
        raise forms.ValidationError(problem)
    if not name:
        raise forms.ValidationError(_("名前を入力してください。"))
    if presets.name_taken(name, other_than=other_than):
        raise forms.ValidationError(
            _("「%(name)s」という名前の対応付けがすでにあります。別の名前にしてください。")
            % {"name": name}
        )
    return name


def column_label(text: str, index: int) -> str:
    return text or str(_("（見出しなし）%(n)s列目") % {"n": index + 1})


class ColumnMappingForm(forms.Form):
    """One choice of field per source column, plus how names are joined and whether the
    mapping is kept as a preset."""

    name_join = forms.ChoiceField(
        label=_("姓と名のつなぎ方"),
        choices=[("space", _("空白1つ（例：山田 太郎）")), ("none", _("つなげる（例：山田太郎）"))],
        widget=forms.RadioSelect,
        initial="space",
    )
    save = forms.ChoiceField(
        label=_("この対応付けを保存"),
        choices=SAVE_CHOICES,
        widget=forms.RadioSelect,
        initial="new",
        help_text=_("保存すると、次に同じ形のファイルを取り込むときに使えます。"),
    )
    preset_name = forms.CharField(label=_("保存する名前"), max_length=100, required=False)

    def __init__(
        self,
        *args: Any,
        header: Sequence[str],
        initial_mapping: ColumnMapping,
        preset: ImportPreset | None,
        default_name: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.header = list(header)
        self.keys = header_keys(header)
        self.preset = preset
        self.column_fields: list[str] = []
        for index, (key, text) in enumerate(zip(self.keys, self.header, strict=True)):
            name = f"col_{index}"
            self.fields[name] = forms.ChoiceField(
                label=column_label(text, index),
                choices=TARGETS,
                initial=initial_mapping.columns.get(key, IGNORE),
                required=False,  # not sent: not imported
            )
            self.column_fields.append(name)
        self.fields["name_join"].initial = initial_mapping.name_join
        if preset is None:
            save_field = self.fields["save"]
            assert isinstance(save_field, forms.ChoiceField)
            save_field.choices = SAVE_CHOICES[:2]
            self.fields["preset_name"].initial = default_name
        else:
            self.fields["save"].initial = "update"
            self.fields["preset_name"].initial = preset.name
        self.employment = dict(initial_mapping.employment)

    def column_rows(self) -> list[tuple[Any, int]]:
        """(bound field, column index) for the template's table."""
        return [(self[name], i) for i, name in enumerate(self.column_fields)]

    def mapping(self) -> ColumnMapping:
        columns = {
            key: self.cleaned_data[name]
            for key, name in zip(self.keys, self.column_fields, strict=True)
            if self.cleaned_data.get(name) not in ("", None, IGNORE)
        }
        join = self.cleaned_data.get("name_join") or "space"
        return ColumnMapping(
            columns=columns,
            name_join=join if join in NAME_JOINS else "space",
            employment=self.employment,
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if any(name not in data for name in self.column_fields):
            return data
        problems = mapping_problems(self.mapping(), self.header)
        if problems:
            raise forms.ValidationError(problems)
        save = data.get("save")
        if save == "new":
            try:
                data["preset_name"] = clean_preset_name(data.get("preset_name") or "")
            except forms.ValidationError as exc:
                self.add_error("preset_name", exc)
        elif save == "update" and self.preset is not None:
            try:
                data["preset_name"] = clean_preset_name(
                    data.get("preset_name") or self.preset.name, other_than=self.preset
                )
            except forms.ValidationError as exc:
                self.add_error("preset_name", exc)
        return data


def employment_choices() -> list[tuple[str, Any]]:
    return [
        ("", _("選んでください")),
        *EmploymentType.choices,
        (SKIP, _("取り込まない（この区分の行を除く）")),
    ]


class EmploymentLabelsForm(forms.Form):
    """Each distinct label of the employment column → one of our employment types."""

    update_preset = forms.BooleanField(label="", required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        labels: Sequence[tuple[str, int]],
        initial_map: dict[str, str],
        preset: ImportPreset | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.labels = [label for label, _count in labels]
        self.counts = dict(labels)
        self.label_fields: list[str] = []
        for index, label in enumerate(self.labels):
            name = f"label_{index}"
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=employment_choices(),
                initial=initial_map.get(label, ""),
                error_messages={
                    "required": _("「%(label)s」に当たる雇用区分を選んでください。")
                    % {"label": label}
                },
            )
            self.label_fields.append(name)
        if preset is None:
            del self.fields["update_preset"]
        else:
            self.fields["update_preset"].label = _(
                "対応付け「%(name)s」にも保存する（次の取り込みで使います）"
            ) % {"name": preset.name}

    def label_rows(self) -> list[tuple[Any, str, int]]:
        return [
            (self[name], label, self.counts[label])
            for name, label in zip(self.label_fields, self.labels, strict=True)
        ]

    def employment(self) -> dict[str, str]:
        return {
            label: self.cleaned_data[name]
            for name, label in zip(self.label_fields, self.labels, strict=True)
        }


class PresetRenameForm(forms.Form):
    name = forms.CharField(label=_("名前"), max_length=100)

    def __init__(self, *args: Any, preset: ImportPreset, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.preset = preset
        self.fields["name"].initial = preset.name

    def clean_name(self) -> str:
        return clean_preset_name(self.cleaned_data["name"], other_than=self.preset)
