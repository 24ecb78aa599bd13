"""Reader, media and static file URLs, worked out once per process.

A listing page links to dozens of stories, sections and authors and lists
hundreds of image renditions; ``reverse()`` and ``Storage.url()`` redo the
pattern matching and quoting for every one. The answers only change with
the URLconf, the script prefix or the storage settings, so they are kept in
bounded caches (worker memory stays flat) that are emptied whenever a
setting changes. Media URLs are deterministic: object storage is configured
without signed query strings (see settings).
"""

from functools import lru_cache

from django.core.files.storage import default_storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse

URLS_KEPT = 4096


@lru_cache(maxsize=URLS_KEPT)
def _reverse(viewname, urlconf, script_prefix, kwargs_items):
    return reverse(viewname, urlconf=urlconf, kwargs=dict(kwargs_items))


def reader_url(viewname: str, **kwargs) -> str:
    """``reverse(viewname, kwargs=kwargs)``, remembered."""
    items = tuple(sorted(kwargs.items()))
    return _reverse(viewname, get_urlconf(), get_script_prefix(), items)


@lru_cache(maxsize=URLS_KEPT)
def media_url(name: str) -> str:
    """``default_storage.url(name)``, remembered."""
    return default_storage.url(name)


@lru_cache(maxsize=URLS_KEPT)
def static_url(path: str) -> str:
    """``static(path)`` (the hashed name from the manifest), remembered."""
    return static(path)


@receiver(setting_changed)
def forget_urls(**kwargs) -> None:
    _reverse.cache_clear()
    media_url.cache_clear()
    static_url.cache_clear()
