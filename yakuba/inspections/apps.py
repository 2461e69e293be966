from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    """Self-inspection (自己点検) and the check system (issue 14 item 4)."""

    name = "yakuba.inspections"
    label = "inspections"

    def ready(self) -> None:
        from yakuba.inspections import (  # noqa: F401  (register the job, section, panel, score)
            hub,
            notices,
            score,
        )
