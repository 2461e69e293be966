"""Start-up check of the outbound webhook settings: a typo must not silently allow nothing
(or something else) — `manage.py check` and every start name the bad entry."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Tags, register

from yakuba.notifications.outbound import settings_problems


@register(Tags.security)
def outbound_webhook_settings_check(app_configs: Any, **kwargs: Any) -> list[Error]:
    return [Error(problem, id="notifications.E001") for problem in settings_problems()]
