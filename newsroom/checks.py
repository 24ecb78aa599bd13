"""Start-up guards of the project: no server runs in production without a secret key.

The settings module itself does not raise, so management commands that need
no key (``makemigrations``, ``migrate``, ``showmigrations``) work in a bare
checkout; every server (``wsgi.py``, ``asgi.py``, and ``runserver``, which
loads ``WSGI_APPLICATION``) and ``check --deploy`` (the first step of
``make serve``) refuse to go on.
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

MISSING_KEY_MESSAGE = (
    "SECRET_KEY must be set when DEBUG is off. "
    "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
)


def secret_key_is_missing() -> bool:
    try:
        return not settings.SECRET_KEY
    except ImproperlyConfigured:  # Django's own guard against an empty key
        return True


def require_secret_key() -> None:
    """Refuse to serve without a secret key."""
    if secret_key_is_missing():
        raise ImproperlyConfigured(MISSING_KEY_MESSAGE)


@checks.register(checks.Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs):
    if secret_key_is_missing():
        return [checks.Error(MISSING_KEY_MESSAGE, id="newsroom.E001")]
    return []
