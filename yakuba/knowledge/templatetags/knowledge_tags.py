from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from yakuba.knowledge.markup import render

register = template.Library()


@register.filter
def knowledge_markup(text: str) -> SafeString:
    """A post's markup as sanitised HTML."""
    return render(text)
