from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "yakuba.accounts"
    label = "accounts"

    def ready(self) -> None:
        from yakuba.accounts import signals  # noqa: F401  (sign-in audit receivers)
