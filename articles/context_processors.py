from django.conf import settings

from .models import Section


def site(request):
    """Site name, absolute base URL and the section menu, for every template."""
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "menu_sections": Section.objects.all(),
    }
