from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "yakuba.org"
    label = "org"

    def ready(self) -> None:
        from yakuba.org import jobs  # noqa: F401  (registers its periodic job)
