"""``/healthz`` for monitoring, ``/readyz`` for load balancers.

``/healthz``: 200 when the database answers (and the shared cache, when Redis
is configured); 503 naming the part that failed. ``/readyz``: 200 while this
server can serve readers, which only the database decides: without Redis the
site serves uncached pages, and a load balancer that took every server out
of rotation because the shared cache is down would turn a slower site into
no site. Both are exempt from the HTTPS redirect and never cached, so a probe
always sees the live state.

``/healthz`` also reports how far this server's clock is from the time
authority's (``clock_offset_seconds``; ``articles.clock``), and logs a warning
past ``NEWSROOM_CLOCK_WARN_SECONDS``. A wrong clock changes nothing readers
see, so it never makes the server unhealthy; it is reported so that the
machine's time synchronisation gets fixed.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from articles import clock

logger = logging.getLogger(__name__)


def check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception as error:  # any failure means "down", whatever the driver raises
        logger.error("health check: database unavailable: %s", error)
        return False


def check_cache() -> bool:
    """A round trip through the shared cache with a key no one else uses."""
    key = f"newsroom:healthz:{uuid.uuid4().hex}"
    cache = caches[settings.NEWSROOM_PAGE_CACHE]
    try:
        cache.set(key, "ok", timeout=10)
        answered = cache.get(key) == "ok"
        cache.delete(key)
        return answered
    except Exception as error:  # any failure means "down", whatever the client raises
        logger.warning("health check: cache unavailable: %s", error)
        return False


def clock_report() -> dict:
    """The time authority and this server's offset from it, in seconds."""
    measured = clock.check_offset()
    return {
        "clock_authority": clock.authority(),
        "clock_offset_seconds": round(measured.total_seconds(), 3),
    }


def report(checks: dict[str, bool], **details) -> JsonResponse:
    """200 if every part is up, else 503; the body names each part's state."""
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable"}
    body.update({part: "ok" if up else "unavailable" for part, up in checks.items()})
    body.update(details)
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
@require_safe
def healthz(request):
    checks = {"database": check_database()}
    if settings.REDIS_URL:
        checks["cache"] = check_cache()
    return report(checks, **(clock_report() if checks["database"] else {}))


@never_cache
@require_safe
def readyz(request):
    return report({"database": check_database()})
