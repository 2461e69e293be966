from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwarenessConfig(AppConfig):
    """Micro-lessons and questions, spaced over the year per person (issue 14 item 1)."""

    name = "yakuba.awareness"
    label = "awareness"
    verbose_name = _("情報セキュリティの問題")

    def ready(self) -> None:
        from yakuba.awareness import (  # noqa: F401  (each registers itself)
            jobs,
            panels,
            receivers,
            scoring,
        )
