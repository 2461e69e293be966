"""The site's URLs plus one view that fails, for the 500-page tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from yakuba.urls import handler400, handler403, handler404, handler500  # noqa: F401
from yakuba.urls import urlpatterns as site_urlpatterns


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret detail that must not reach the browser")


urlpatterns = [path("test-failure/", fail), *site_urlpatterns]
