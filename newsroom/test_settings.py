"""Test overrides: fast hashing, uncollected static files, a throwaway media root."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-deployment")
# The test client and live server speak plain HTTP; tests/test_security.py and
# tests/test_deploy.py check the HTTPS settings production gets.
os.environ.setdefault("NEWSROOM_HTTPS", "0")

from .settings import *  # noqa: E402, F403
from .settings import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = tempfile.mkdtemp(prefix="newsroom-test-media-")
STATIC_ROOT = None  # static files come from the finders in tests
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Off by default in tests so pages reflect each test's data; the page_cache
# fixture (tests/conftest.py) turns both on.
NEWSROOM_PAGE_CACHE_SECONDS = 0
NEWSROOM_FRAGMENT_CACHE_SECONDS = 0
