from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "yakuba.audit"
    label = "audit"
