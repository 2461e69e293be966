from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "yakuba.core"
    label = "core"

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from yakuba.core import (
            checks,  # noqa: F401  (registers start-up checks)
            tasks,  # noqa: F401  (registers the core's periodic jobs)
            workers,
        )
        from yakuba.core.storedtext import guard

        # Text that cannot be stored never is, whichever door it came by (see storedtext).
        pre_save.connect(guard, dispatch_uid="yakuba.core.storedtext")

        workers.connect_signals()
