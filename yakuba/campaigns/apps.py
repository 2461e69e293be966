from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    """Courses and campaigns assigned by infosec, their reminders and progress, and the
    awareness-score pages (issue 14 items 2 and 7)."""

    name = "yakuba.campaigns"
    label = "campaigns"
    verbose_name = _("研修・キャンペーン")

    def ready(self) -> None:
        from yakuba.campaigns import (
            hooks,
            panels,
            reminders,  # noqa: F401  (registers its scheduler job)
        )

        hooks.register()
        panels.register()
