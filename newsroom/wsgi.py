"""WSGI entry point, used by gunicorn in production."""

import os

from django.core.wsgi import get_wsgi_application

from newsroom.checks import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

application = get_wsgi_application()
require_secret_key()
