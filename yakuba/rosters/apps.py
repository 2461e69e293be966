from django.apps import AppConfig


class RostersConfig(AppConfig):
    name = "yakuba.rosters"
    label = "rosters"
