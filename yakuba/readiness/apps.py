from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    """The telework readiness gate (issue 14 item 5): the home/device checklist, its
    requirements in `security.gate` and the telework eligibility condition built on them."""

    name = "yakuba.readiness"
    label = "readiness"

    def ready(self) -> None:
        from yakuba.core import panels, scheduling
        from yakuba.readiness import personal, reminders, requirements
        from yakuba.rosters import eligibility
        from yakuba.security import gate, hub, score

        gate.register(requirements.CHECKLIST_REQUIREMENT)
        gate.register(requirements.NETCHECK_REQUIREMENT)
        eligibility.register_condition(requirements.CONDITION)
        hub.register(personal.SECTION)
        panels.register(personal.PANEL)
        score.register(personal.SCORE)
        scheduling.register(reminders.JOB)
