from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "yakuba.accounts"
    label = "accounts"

    def ready(self) -> None:
        from yakuba.accounts import (  # noqa: F401  (directory settings check)
            checks,
            jobs,  # the daily directory sync, the sign-in history purge
            panels,  # the account hygiene panel
            signals,  # sign-in audit receivers
        )
