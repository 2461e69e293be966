from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DailyReportsConfig(AppConfig):
    name = "yakuba.dailyreports"
    verbose_name = _("朝の業務報告")

    def ready(self) -> None:
        from yakuba.dailyreports import (
            jobs,  # noqa: F401  (registers its periodic jobs)
            panels,  # noqa: F401  (registers its home-page panels)
        )
