from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "yakuba.meetings"
    verbose_name = "会議"

    def ready(self) -> None:
        from yakuba.meetings import (
            jobs,  # noqa: F401  (registers its periodic jobs)
            panels,  # noqa: F401  (registers its home-page panel)
        )
