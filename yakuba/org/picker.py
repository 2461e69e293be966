"""A searchable people picker for forms (invitees, hosts…), with and without JavaScript.

Without JavaScript the picker is part of its form: a search box, a unit filter and a
"検索" submit button (``name="picker_search"``) that posts the whole form back; the view
answers with :func:`search_again` — the same form with everything typed kept, nothing
validated or saved — and the matches listed as check boxes next to the people already
chosen. With JavaScript (htmx, from the app's own static files) the same box searches as
you type through the ``org:staff_picker`` view and chosen people become removable chips.

Whom a picker offers is decided in :func:`yakuba.org.selectors.pickable_staff`; the field
accepts nothing else, so an id outside the user's scope that is posted anyway is refused
with a message and the form is not saved.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from yakuba.accounts.roles import Capability
from yakuba.core.conf import setting
from yakuba.core.permissions import parse_pk
from yakuba.org import selectors
from yakuba.org.models import Staff, Unit

SEARCH_BUTTON = "picker_search"
MAX_QUERY = 100
# Names of pickers and their element ids travel in the htmx requests: only plain names.
_SAFE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,59}$")


def max_results() -> int:
    """At most this many matches are listed; more ask the user to refine the search."""
    return max(1, int(setting("ORG_PICKER_MAX_RESULTS", 20)))


def safe_name(value: object, default: str) -> str:
    return value if isinstance(value, str) and _SAFE_NAME.match(value) else default


@dataclass(frozen=True)
class Person:
    pk: int
    name: str
    unit: str
    number: str  # "" where the staff directory would not show it to the user

    @property
    def label(self) -> str:
        extra = f"{self.unit}・{self.number}" if self.number else self.unit
        return f"{self.name}（{extra}）"


def person(staff: Staff) -> Person:
    shows_number = bool(getattr(staff, "number_visible", False))
    return Person(
        pk=staff.pk,
        name=staff.name,
        unit=staff.unit.name,
        number=staff.staff_number if shows_number else "",
    )


@dataclass(frozen=True)
class Result:
    people: list[Person]
    more: bool
    limit: int


def search(
    user: Any, *, query: str = "", unit: object = None, exclude: Iterable[object] = ()
) -> Result:
    """Up to :func:`max_results` people the user may pick, matching `query` within `unit`
    (an id of a unit the user may pick from), minus `exclude` (ids)."""
    limit = max_results()
    unit_obj: Unit | None = None
    unit_pk = parse_pk(unit)
    if unit_pk is not None:
        unit_obj = selectors.pickable_units(user).filter(pk=unit_pk).first()
        if unit_obj is None:  # a unit the user may not pick from holds nobody for them
            return Result(people=[], more=False, limit=limit)
    rows = selectors.search_pickable(
        user,
        query=(query or "")[:MAX_QUERY],
        unit=unit_obj,
        exclude=[pk for pk in (parse_pk(v) for v in exclude) if pk is not None],
    )
    found = list(rows[: limit + 1])
    return Result(people=[person(s) for s in found[:limit]], more=len(found) > limit, limit=limit)


def is_search(data: Mapping[str, Any]) -> bool:
    """Was the form posted with a picker's "検索" button (no JavaScript)?"""
    return SEARCH_BUTTON in data


FormT = TypeVar("FormT", bound=forms.BaseForm)


def search_again(form_class: Callable[..., FormT], data: Any, **kwargs: Any) -> FormT:
    """The form as posted — every value kept as typed — unbound, so nothing is validated,
    no error is shown and nothing can be saved; its pickers list the matches for the
    search boxes in `data`."""
    posted = form_class(data, **kwargs)
    initial = {bf.name: bf.data for bf in posted}
    return form_class(initial=initial, picker_data=data, **kwargs)


class StaffPickerWidget(forms.Widget):
    template_name = "org/picker/widget.html"
    use_fieldset = True

    class Media:
        css = {"all": ["org/picker.css"]}
        js = ["org/picker.js"]

    def __init__(self, *, multiple: bool = True, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.multiple = multiple
        self.user: Any = None
        self.data: Mapping[str, Any] = {}
        self.queryset: Any = Staff.objects.none()

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if self.multiple:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        # An empty multiple choice sends nothing at all (like SelectMultiple).
        return False if self.multiple else name not in data

    def format_value(self, value: Any) -> list[str]:
        if value is None or value == "":
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(v.pk if isinstance(v, Staff) else v) for v in values]

    def _selected(self, values: list[str]) -> list[Person]:
        pks: list[int] = []
        for v in values:
            pk = parse_pk(v)
            if pk is not None and pk not in pks:
                pks.append(pk)
        if not self.multiple:
            pks = pks[-1:]
        # Only people the field accepts are shown, so a forged id never reveals a name.
        found = {s.pk: s for s in self.queryset.filter(pk__in=pks).select_related("unit")}
        return [person(found[pk]) for pk in pks if pk in found]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        selected = self._selected(context["widget"]["value"])
        query = str(self.data.get(f"{name}__q", "") or "")[:MAX_QUERY]
        unit = str(self.data.get(f"{name}__unit", "") or "")
        result = None
        if query.strip() or parse_pk(unit):
            result = search(self.user, query=query, unit=unit, exclude=[p.pk for p in selected])
        # After a search without JavaScript the page reloads: put the keyboard (and the
        # view) back in the search box whose button was pressed, or else that has a query.
        pressed = str(self.data.get(SEARCH_BUTTON, "") or "")
        autofocus = result is not None and (
            pressed == name or not str(self.data.get(f"{pressed}__q", "") or "").strip()
        )
        can_view_numbers = bool(self.user is not None and self.user.can(Capability.VIEW_ORG))
        context["picker"] = {
            "id": context["widget"]["attrs"].get("id") or f"id_{name}",
            "name": name,
            "multiple": self.multiple,
            "input_type": "checkbox" if self.multiple else "radio",
            "selected": selected,
            "query": query,
            "unit": parse_pk(unit),
            "units": selectors.pickable_units(self.user) if self.user is not None else [],
            "result": result,
            "autofocus": autofocus,
            "numbers": can_view_numbers,
        }
        return context


class PickerMixin:
    widget: StaffPickerWidget

    def limit_to(self, user: Any, *, keep: Iterable[int] = (), data: Any = None) -> None:
        """Offer and accept only people `user` may pick, plus `keep` (already chosen ones,
        so that editing does not drop people chosen by someone with a wider scope)."""
        field = cast(forms.ModelChoiceField, self)  # the classes below are model-choice fields
        field.queryset = selectors.pickable_staff(user, keep=keep)
        self.widget.queryset = field.queryset
        self.widget.user = user
        self.widget.data = data if data is not None else {}


class StaffPickerField(PickerMixin, forms.ModelMultipleChoiceField):
    default_error_messages = {
        "invalid_choice": _(
            "選べない職員が含まれています（選べるのは検索に表示される職員だけです）。"
            "保存していません。"
        ),
        "invalid_pk_value": _("職員の指定が正しくありません。保存していません。"),
        "invalid_list": _("職員の指定が正しくありません。保存していません。"),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Staff.objects.none())
        kwargs.setdefault("widget", StaffPickerWidget(multiple=True))
        super().__init__(**kwargs)


class StaffPickerChoiceField(PickerMixin, forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": _(
            "この職員は選べません（選べるのは検索に表示される職員だけです）。保存していません。"
        ),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Staff.objects.none())
        kwargs.setdefault("widget", StaffPickerWidget(multiple=False))
        super().__init__(**kwargs)
