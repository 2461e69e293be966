from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "yakuba.meetings"
    verbose_name = "会議"
