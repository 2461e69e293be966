from django.apps import AppConfig


class NetcheckConfig(AppConfig):
    name = "yakuba.netcheck"
    label = "netcheck"
