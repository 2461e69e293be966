from django.apps import AppConfig


class RemoteseatsConfig(AppConfig):
    name = "yakuba.remoteseats"
    label = "remoteseats"
