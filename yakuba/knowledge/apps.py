from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    """ICT helpers, questions and answers, how-tos (issue 16 items 1–3)."""

    name = "yakuba.knowledge"
    label = "knowledge"
    verbose_name = _("ナレッジ（質問と手順書）")
