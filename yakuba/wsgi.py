"""WSGI entry point (gunicorn yakuba.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yakuba.settings")
application = get_wsgi_application()

from yakuba.core.checks import validate_production_settings  # noqa: E402

validate_production_settings()

from yakuba.accounts.checks import validate_directory_settings  # noqa: E402

validate_directory_settings()
