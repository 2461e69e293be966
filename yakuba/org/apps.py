from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "yakuba.org"
    label = "org"
