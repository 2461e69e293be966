from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "yakuba.core"
    label = "core"

    def ready(self) -> None:
        from yakuba.core import (
            checks,  # noqa: F401  (registers start-up checks)
            tasks,  # noqa: F401  (registers the core's periodic jobs)
            workers,
        )

        workers.connect_signals()
