from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    """The policy evaluation cycle (issue 15 item 4): policies, internal evaluation,
    external comments, the responsible unit's replies, approval and the published page."""

    name = "yakuba.policies"
    label = "policies"
    verbose_name = _("施策評価")
