"""Reader page cache: served before sessions, auth and views are touched."""

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import http_date

from . import cache

BYPASS_PREFIXES = ("/admin/", "/preview/", "/healthz")
STORED_HEADERS = ("Content-Type", "Content-Language", "Vary", "Link", "X-Robots-Tag")


def is_cacheable_request(request) -> bool:
    """Anonymous GET/HEAD of a reader page; a session or login always bypasses."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(BYPASS_PREFIXES)
    )


def is_cacheable_response(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code in (200, 301, 404)
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-cache" not in cache_control
        and "no-store" not in cache_control
    )


class ReaderPageCacheMiddleware:
    """Full-page cache for anonymous readers, keyed by the content generation.

    A hit is answered from one cache round trip for the generation and one for
    the page; a miss renders normally and stores the response for at most
    the time until the next scheduled change.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.NEWSROOM_PAGE_CACHE_SECONDS or not is_cacheable_request(
            request
        ):
            return self.get_response(request)
        try:
            generation = cache.current_generation()
            key = cache.page_key(generation, request)
            stored = cache.page_cache().get(key)
        except Exception as error:  # cache server down: serve uncached
            cache.warn_cache_down(error)
            return self.get_response(request)
        if stored is not None:
            return self.rebuild(stored)
        response = self.get_response(request)
        if is_cacheable_response(response):
            self.store(key, generation, response)
        return response

    @staticmethod
    def rebuild(stored) -> HttpResponse:
        status, headers, content = stored
        response = HttpResponse(content, status=status)
        for name, value in headers.items():
            response[name] = value
        response["X-Cache"] = "hit"
        return response

    @staticmethod
    def store(key, generation, response) -> None:
        try:
            lifetime = cache.page_lifetime(generation)
            if lifetime <= 0:
                return
            response["Last-Modified"] = response.get("Last-Modified") or http_date()
            patch_cache_control(
                response,
                public=True,
                max_age=min(lifetime, settings.NEWSROOM_BROWSER_CACHE_SECONDS),
                s_maxage=lifetime,
                stale_while_revalidate=30,
            )
            headers = {
                name: response[name] for name in STORED_HEADERS if name in response
            }
            headers.update(
                {
                    name: response[name]
                    for name in ("Cache-Control", "Last-Modified", "ETag")
                    if name in response
                }  # fmt: skip
            )
            if "Location" in response:
                headers["Location"] = response["Location"]
            cache.page_cache().set(
                key, (response.status_code, headers, response.content), timeout=lifetime
            )
            response["X-Cache"] = "miss"
        except Exception as error:
            cache.warn_cache_down(error)
