from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    """Training sessions (研修会, issue 16 item 5): catalogue, registration with a waiting
    list, reminders, attendance (from the online meeting or by hand), feedback, required
    courses, each person's record and unit coverage."""

    name = "yakuba.training"
    label = "training"
    verbose_name = _("研修会")

    def ready(self) -> None:
        from yakuba.training import panels, reminders  # noqa: F401  (register the panel, the job)
