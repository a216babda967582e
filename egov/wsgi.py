"""WSGI entry point for granian or gunicorn."""

import os
import sys

from django.core.wsgi import get_wsgi_application

from egov.settings.env import ConfigError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings.base")

try:
    application = get_wsgi_application()
except ConfigError as error:
    sys.stderr.write(f"egov: lỗi cấu hình: {error}\n")
    raise SystemExit(2) from error
