"""The request type of views behind sign-in, for the type checker.

Django's ``HttpRequest.user`` is ``User | AnonymousUser``. A view wrapped in
`core.permissions.login_required` or `capability_required` only ever runs for a signed-in
user, so it annotates its request as `AuthenticatedHttpRequest` and uses ``request.user``
as the `User` it is. ``htmx`` is set on every request by django-htmx's middleware.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from yakuba.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    htmx: HtmxDetails
