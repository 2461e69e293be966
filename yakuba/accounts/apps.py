from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "yakuba.accounts"
    label = "accounts"

    def ready(self) -> None:
        from yakuba.accounts import (  # noqa: F401  (directory settings check)
            checks,
            signals,  # sign-in audit receivers
        )
