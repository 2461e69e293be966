from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    """Incidents and near misses (issue 14 item 6): anyone reports, infosec triages."""

    name = "yakuba.incidents"
    label = "incidents"

    def ready(self) -> None:
        from yakuba.incidents import personal
        from yakuba.security import hub

        hub.register(personal.SECTION)
