from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "yakuba.meetings"
    verbose_name = "会議"

    def ready(self) -> None:
        from yakuba.meetings import (
            jobs,  # noqa: F401  (registers its periodic jobs)
            panels,  # noqa: F401  (registers its home-page panel)
        )
        from yakuba.meetings.services import on_staff_placed
        from yakuba.org.signals import staff_placed

        # Future meetings follow moves, joins, returns and leaves (in their transaction).
        staff_placed.connect(on_staff_placed, dispatch_uid="meetings.follow_placements")
