from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "yakuba.evaluation"
    verbose_name = _("テレワークの点検・評価")

    def ready(self) -> None:
        from yakuba.evaluation.builtin import register_builtin

        register_builtin()
