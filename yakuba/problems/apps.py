from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemsConfig(AppConfig):
    """The register of problems and countermeasures (課題と対応策, issue 15 item 3)."""

    name = "yakuba.problems"
    label = "problems"
    verbose_name = _("課題と対応策")

    def ready(self) -> None:
        from yakuba.evaluation import sections
        from yakuba.problems import notices  # noqa: F401  (registers the reminder job)
        from yakuba.problems.report_section import SECTION

        sections.register(SECTION)
