"""WSGI entry point for gunicorn (`hatrack serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hatrack.settings")
application = get_wsgi_application()
