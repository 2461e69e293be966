from django.apps import AppConfig


class DrillsConfig(AppConfig):
    """Drill mails (標的型攻撃メール訓練, issue 14 item 3): templates, drills sent through the
    office SMTP, tracked links, the landing page that teaches, results and follow-up."""

    name = "yakuba.drills"
    label = "drills"
    verbose_name = "訓練メール"

    def ready(self) -> None:
        from yakuba.drills import (
            jobs,  # noqa: F401  (registers the release and end-of-drill jobs)
            scoring,  # noqa: F401  (registers the awareness-score component)
        )
        from yakuba.drills.receivers import credit_reported_mail
        from yakuba.security.signals import suspicious_mail_reported

        suspicious_mail_reported.connect(
            credit_reported_mail, dispatch_uid="drills.credit_reported_mail"
        )
