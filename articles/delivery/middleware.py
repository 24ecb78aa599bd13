"""Request middleware: the reader page cache (served before everything but
request validation), refusal of malformed requests, the Content-Security-Policy,
the site's language and time zone, and the database-outage page."""

import logging
from urllib.parse import unquote_to_bytes

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.template import loader
from django.utils import timezone, translation
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    set_response_etag,
)
from django.utils.http import http_date, parse_http_date_safe

from articles.delivery import cache, dependencies

logger = logging.getLogger(__name__)

BYPASS_PREFIXES = ("/admin/", "/preview/", "/healthz", "/readyz")
# Headers a hit must not replay: they belong to the response that was stored.
UNSTORED_HEADERS = frozenset({"set-cookie", "x-cache", "content-length"})


def bypass_prefixes() -> tuple[str, ...]:
    """Paths never cached: staff pages, previews, health, static and media files."""
    files = tuple(
        url for url in (settings.STATIC_URL, settings.MEDIA_URL) if url.startswith("/")
    )
    return BYPASS_PREFIXES + files


def is_cacheable_request(request) -> bool:
    """Anonymous GET/HEAD of a reader page; a session or login always bypasses."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(bypass_prefixes())
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
    """Full-page cache for anonymous readers, stale only where a change
    touched what a page shows (``articles.delivery.cache``).

    It sits outside every other middleware but request validation, so a hit
    costs one cache round trip and nothing else: the security headers, the
    Content-Security-Policy and the ETag were added to the response when it
    was rendered and are replayed with it. A miss renders normally, recording
    what the page shows, and stores the response with those keys (sent to a
    CDN as ``Surrogate-Key`` and ``Cache-Tag`` where one is configured,
    ``NEWSROOM_CDN_PURGE``) for at most the time until
    the next scheduled change.
    Tracking parameters (``utm_*``, ``fbclid``…) are dropped from a reader's
    address first, so visitors from shared links get the cached copy too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (settings.NEWSROOM_PAGE_CACHE_SECONDS and is_cacheable_request(request)):
            return self.get_response(request)
        # Dropped whether or not the cache answers, so a page is the same
        # either way (the API's page links repeat the query string).
        cache.drop_tracking_parameters(request)
        if not cache.outage.cache_usable():
            return self.get_response(request)
        try:
            state, stored = cache.lookup_page(request)
        except Exception as error:  # cache server down: serve uncached
            cache.outage.begin(error)
            return self.get_response(request)
        if stored is not None:
            return self.answer_hit(request, stored)
        with dependencies.recording(state) as shown:
            response = self.get_response(request)
        if is_cacheable_response(response):
            self.store(request, state, shown.final_keys(response.status_code), response)
        return response

    @staticmethod
    def answer_hit(request, stored) -> HttpResponse:
        status, headers, content = stored
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response["X-Cache"] = "hit"
        if not (
            "HTTP_IF_NONE_MATCH" in request.META
            or "HTTP_IF_MODIFIED_SINCE" in request.META
        ):
            return response  # nothing to compare: no dates to parse
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
            response=response,
        )

    @staticmethod
    def store(request, state, keys, response) -> None:
        try:
            lifetime = cache.page_lifetime(state)
            if lifetime <= 0:
                return
            response["Last-Modified"] = response.get("Last-Modified") or http_date()
            # Stored with the page, so a hit is never hashed again for its ETag.
            set_response_etag(response)
            patch_cache_control(
                response,
                public=True,
                max_age=min(lifetime, settings.NEWSROOM_BROWSER_CACHE_SECONDS),
                s_maxage=lifetime,
                stale_while_revalidate=30,
            )
            if settings.NEWSROOM_CDN_PURGE:
                for name, value in cache.key_headers(keys).items():
                    response[name] = value
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in UNSTORED_HEADERS
            ]
            page = (response.status_code, headers, response.content)
            cache.store_page(request, state, keys, page, lifetime)
            response["X-Cache"] = "miss"
        except Exception as error:
            cache.outage.begin(error)


# --- Malformed requests ---------------------------------------------------------


def has_utf8_query_string(request) -> bool:
    """WSGI hands the query string over as bytes decoded as ISO-8859-1 (PEP
    3333), so encoding it back gives the bytes the client sent."""
    raw = request.environ.get("QUERY_STRING", "").encode("iso-8859-1")
    try:
        unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class RequestValidationMiddleware:
    """Refuse, before anything answers, requests no page should serve: a Host
    outside ALLOWED_HOSTS (the page cache runs before CommonMiddleware would
    check it) and a query string that is not UTF-8 (Django would silently
    replace the bytes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.get_host()  # raises DisallowedHost, which Django answers with 400
        if not has_utf8_query_string(request):
            return HttpResponseBadRequest(
                "The address contains characters that are not valid UTF-8.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


# --- Content-Security-Policy ---------------------------------------------------

# The story editor (django-prose-editor) loads its modules through an inline
# import map, which gets a per-request nonce, and its editing library injects
# <style> elements and style attributes. Only staff reach the admin, and its
# scripts still need the nonce or to come from this origin.
ADMIN_POLICY_UPDATE = {"script-src": [SELF, NONCE], "style-src": [SELF, UNSAFE_INLINE]}
# Uploaded files are data, never documents: nothing in one may run or load.
MEDIA_POLICY = {"default-src": [NONE], "frame-ancestors": [NONE], "sandbox": True}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp with two scoped variants of ``CONTENT_SECURITY_POLICY``: a
    relaxed one for the admin and a closed one for media files Django serves."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        path = request.path_info
        if settings.MEDIA_URL.startswith("/") and path.startswith(settings.MEDIA_URL):
            parts.config = MEDIA_POLICY
        elif path.startswith("/admin/"):
            parts.update = {**ADMIN_POLICY_UPDATE, **(parts.update or {})}
        return parts


# --- Language and time zone ---------------------------------------------------


class SiteLocaleMiddleware:
    """Each request runs in the site's language and time zone, activated.

    Django falls back to the settings' ones when none is active, but only
    after looking for an active one on every translation and date: a story
    page makes some fifty such lookups, and each costs twice as much when it
    finds nothing. Activating them also means nothing a previous request left
    active in this thread can leak into the next one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        translation.activate(settings.LANGUAGE_CODE)
        timezone.activate(timezone.get_default_timezone())
        return self.get_response(request)


# --- Database outage ------------------------------------------------------------

RETRY_AFTER_SECONDS = 30


def database_unavailable_response() -> HttpResponse:
    """The plain 503 page, rendered without context processors (they query)."""
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """A view or template that loses the database answers 503, never a traceback.

    ``CONN_HEALTH_CHECKS`` makes the next request open a fresh connection, so
    workers recover on their own once the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable, answering 503: %s", exception)
        return database_unavailable_response()
