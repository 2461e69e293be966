from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """Search that works in Japanese (issue 16 item 4): an index kept by the application,
    fed by providers that content apps register from their ready() (see `providers`)."""

    name = "yakuba.search"
    label = "search"
    verbose_name = _("検索")
