from django.apps import AppConfig


class LicencesConfig(AppConfig):
    name = "yakuba.licences"
    label = "licences"
