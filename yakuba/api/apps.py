from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "yakuba.api"
    label = "api"
