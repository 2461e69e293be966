"""The last door: no model instance is saved with text the database or an export cannot hold.

Each entry point (web form, chat command, import, API, webhook) checks its own fields with
`core.text.check_text` and answers with the field's message. This guard runs on every
``Model.save()`` of the product's models and refuses, with the same rule, what slipped past a door:
a character no stored text may hold (`core.text.has_unstorable`) in a text field or
anywhere inside a JSON field, or a text longer than its field (SQLite would store it,
PostgreSQL would fail with a 500). The refusal is a `ValidationError` raised inside the
writing service's transaction, so nothing of the write is kept; a view that does not catch
it gets a 400 from `RejectControlCharactersMiddleware.process_exception`.

Bulk writes (``QuerySet.update``, ``bulk_create``, raw SQL) do not pass here: the doors that
use them check their values themselves.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from yakuba.core.text import has_unstorable, unstorable_in

_TEXT_FIELDS = (models.CharField, models.TextField)


class UnstorableText(ValidationError):
    """Text a model field cannot store; the message names the field."""


def _text_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    cached = model.__dict__.get("_yakuba_text_fields")
    if cached is None:
        cached = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, (*_TEXT_FIELDS, models.JSONField))
        ]
        model._yakuba_text_fields = cached  # type: ignore[attr-defined]
    return cached


def check_instance(instance: models.Model) -> None:
    """Raise `UnstorableText` for the first field of ``instance`` that cannot be stored."""
    for field in _text_fields(type(instance)):
        value = getattr(instance, field.attname, None)
        if value is None:
            continue
        label = str(field.verbose_name)
        if isinstance(field, models.JSONField):
            bad = unstorable_in(value)
        elif isinstance(value, str):
            bad = has_unstorable(value)
            if not bad and field.max_length is not None and len(value) > field.max_length:
                raise UnstorableText(
                    _("%(field)sは%(n)s文字以内で入力してください。")
                    % {"field": label, "n": field.max_length},
                    code="text",
                )
        else:
            continue
        if bad:
            raise UnstorableText(
                _("%(field)sに使えない制御文字が含まれています。") % {"field": label},
                code="text",
            )


def guard(sender: type[models.Model], instance: models.Model, raw: bool = False, **_: Any) -> None:
    # raw: loaddata of a fixture, which is the project's own data. Only the product's models:
    # Django's own (sessions, the task queue's results) hold no text a person typed.
    if not raw and sender.__module__.startswith("yakuba."):
        check_instance(instance)
