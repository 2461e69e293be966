from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    """Reviewing documents, procedures and recurring meetings against written criteria
    (見直しの基準, issue 17): criteria sets as versioned data, the inventory (棚卸し), the
    review workflow, progress and effect, and the published results."""

    name = "yakuba.reviews"
    label = "reviews"
    verbose_name = _("書類・手続・会議の見直し")

    def ready(self) -> None:
        from yakuba.evaluation import sections
        from yakuba.reviews import (
            inventory_jobs,  # noqa: F401  (registers the inventory's periodic jobs)
            panel,  # noqa: F401  (registers the home panel)
        )
        from yakuba.reviews.report_section import SECTION

        sections.register(SECTION)
