from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "yakuba.surveys"
    verbose_name = _("職員アンケート")

    def ready(self) -> None:
        pass
