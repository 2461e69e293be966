from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "yakuba.demo"
    label = "demo"
