from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """Staff surveys (issue 15 item 1): building, targeting, answering, reminders. The
    results pages and exports build on these models (see `models`)."""

    name = "yakuba.surveys"
    label = "surveys"
    verbose_name = _("職員アンケート")

    def ready(self) -> None:
        from yakuba.surveys import (
            panels,
            reminders,  # noqa: F401  (registers its scheduler job)
        )

        panels.register()
        from yakuba.surveys import report_section

        report_section.register_section()  # 「アンケートから見た効果と課題」 (evidence report)
