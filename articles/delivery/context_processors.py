from functools import partial

from django.conf import settings

from articles.delivery import reader
from articles.models import Section


def menu_sections(request) -> list[Section]:
    """Every section in menu order, read once per request: the menu and the
    home page's section blocks share it."""
    if not hasattr(request, "_menu_sections"):
        request._menu_sections = reader.sections()
    return request._menu_sections


def site(request):
    """Site name, absolute base URL and the section menu, for every template.

    The menu is a callable, so templates without one (feeds, sitemaps) never
    query for it.
    """
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "menu_sections": partial(menu_sections, request),
    }
