from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "yakuba.notifications"
    verbose_name = _("通知")

    def ready(self) -> None:
        from yakuba.notifications import (  # noqa: F401  (registration side effects)
            checks,  # the outbound webhook settings
            jobs,  # periodic jobs
            panels,  # home-page panel
        )
