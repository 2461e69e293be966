from django.apps import AppConfig


class AwarenessConfig(AppConfig):
    """Micro-lessons and questions, spaced over the year per person (issue 14 item 1)."""

    name = "yakuba.awareness"
    label = "awareness"
