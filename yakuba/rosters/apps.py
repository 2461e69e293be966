from django.apps import AppConfig


class RostersConfig(AppConfig):
    name = "yakuba.rosters"
    label = "rosters"

    def ready(self) -> None:
        from yakuba.rosters import panels  # noqa: F401  (registers its home-page panel)
