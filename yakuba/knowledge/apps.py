from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    """ICT helpers, questions and answers, how-tos (issue 16 items 1–3)."""

    name = "yakuba.knowledge"
    label = "knowledge"
    verbose_name = _("ナレッジ（質問と手順書）")

    def ready(self) -> None:
        from yakuba.knowledge import (
            jobs,  # noqa: F401  (registers escalation and reminders)
            search_documents,
        )

        search_documents.register()  # questions with their answers, how-tos (search seam)
