"""Full-page caching of what anonymous readers see, never stale.

Every cached page is stored with the *content generation* it was rendered
in, a number kept in the shared cache and bumped (after commit) by any change
readers could see: an approval, a withdrawal, an edit of a section, byline,
photo or tag. A page is served only while its generation is the current one
(both are read in one round trip), so one bump makes every cached page stale
at once on every app server sharing the cache. Scheduled changes need no
bump: a page's lifetime is capped at the next publish, expiry or embargo
time, so it cannot outlive the moment the site should change.

Each app server also keeps the pages it served most recently in memory
(``LocalPages``): a hit on one of those asks the shared cache for the
generation number alone, not for the page, so Redis sends a few bytes per
request instead of the whole page. With Redis, not even that: each process
subscribes to a channel on which every bump is announced (``GenerationWatch``)
and reads the generation again only once a message has come; a bump returns
only when Redis has written its message to every subscriber, so invalidation
stays instant on every server.

Each change is also counted in the database (``record_change``), and pages
are stored under that *content version* as well as the generation. A bump
goes over the network to Redis and can be lost: the server that made the
change may be cut off from Redis, or its worker recycled before it could try
again. The version is raised first, on the database connection that has just
committed the change, so it is lost only if the process dies between the
two statements; every process reads it again whenever the generation moves
and at least once a second (``ContentVersions``), so a change whose bump was
lost still makes the pages stored before it stale, on every server, within
a second.

When the cache server is down the site serves uncached pages and logs one
warning a minute, not one per request. A process that saw a cache call fail
leaves the cache alone for a few seconds (``CacheOutage``), so a server that
does not answer costs one timeout per rest, not one per request.
"""

import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from typing import NamedTuple
from urllib.parse import unquote_plus

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection, transaction
from django.db.models import F

from articles import clock
from articles.models import Article, ContentVersion

logger = logging.getLogger(__name__)

GENERATION_KEY = "newsroom:generation"
GENERATION_CHANNEL = "newsroom:generation-bumped"
# The layout of a stored page is part of its key, so servers running a new
# release never read a page stored in an older layout.
PAGE_KEY = "newsroom:page:2:%s"
WARNING_INTERVAL = 60.0
# Seconds a process leaves the cache alone after a failed call.
OUTAGE_REST_SECONDS = 5.0
# The longest a watched generation is trusted without reading it again: a
# subscription cut off without its connection closing (a network partition)
# brings no announcement, so it must not be trusted for long.
WATCH_TRUST_SECONDS = 1.0


def page_cache():
    return caches[settings.NEWSROOM_PAGE_CACHE]


class CacheOutage:
    """This process's memory of the shared cache failing.

    A cache server that does not answer costs a connect or read timeout per
    call, so after a failure requests leave the cache alone for
    ``OUTAGE_REST_SECONDS`` and readers are served uncached; then the cache
    is tried again. Nothing needs making up when it answers again: a change
    whose bump failed meanwhile has raised the content version, which this
    process reads again before its next page (``ContentVersions.forget``).
    """

    def __init__(self):
        self._retry_at = None
        self._last_warning = None

    def begin(self, error: Exception) -> None:
        """Rest from the cache, and log the outage."""
        self._retry_at = time.monotonic() + OUTAGE_REST_SECONDS
        content_versions.forget()
        self.warn(error)

    def warn(self, error: Exception) -> None:
        """Log trouble with the cache once a minute, not once per request."""
        now = time.monotonic()
        if self._last_warning is None or now - self._last_warning >= WARNING_INTERVAL:
            self._last_warning = now
            logger.warning("page cache unavailable, serving uncached: %s", error)

    def forget(self) -> None:
        self._retry_at = self._last_warning = None

    def cache_usable(self) -> bool:
        """False while resting after a failure."""
        if self._retry_at is None:
            return True
        if time.monotonic() < self._retry_at:
            return False
        self._retry_at = None
        return True


class KnownVersion(NamedTuple):
    version: int
    generation: object
    read_at: float


class ContentVersions:
    """The content version as this process last read it from the database,
    with the generation it was read beside.

    It is read again when the generation moves (an announced bump comes after
    its change committed, so the new version is there to read), when it is
    more than ``WATCH_TRUST_SECONDS`` old (a change whose bump was lost), and
    after a cache outage. While the database does not answer, the last
    version read is kept (and tried again once a second): no change can be
    made without the database, and cached pages go on being served.
    """

    def __init__(self):
        self._known: KnownVersion | None = None

    def current(self, generation) -> int:
        now = time.monotonic()
        known = self._known
        if (
            known is not None
            and known.generation == generation
            and now - known.read_at <= WATCH_TRUST_SECONDS
        ):
            return known.version
        try:
            version = read_content_version()
        except DatabaseError as error:
            if known is None:
                raise
            logger.warning(
                "content version unreadable, keeping %s: %s", known.version, error
            )
            version = known.version
        self._known = KnownVersion(version, generation, now)
        return version

    def forget(self) -> None:
        self._known = None


content_versions = ContentVersions()
outage = CacheOutage()


def read_content_version() -> int:

    return (
        ContentVersion.objects.filter(pk=1).values_list("number", flat=True).first()
        or 0
    )


class PendingBump:
    """What a transaction does once it commits: raise the content version,
    then bump the generation. One per transaction, so that a save touching
    many rows counts as one change. ``done`` because Django's test helper
    ``captureOnCommitCallbacks`` runs callbacks without removing them, and a
    later change in the same test must still count."""

    def __init__(self):
        self.done = False

    def __call__(self):
        self.done = True
        raise_content_version()
        bump_generation()


def record_change() -> None:
    """Count a change readers could see, once its transaction commits."""
    if not any(
        isinstance(callback, PendingBump) and not callback.done
        for _, callback, _ in connection.run_on_commit
    ):
        transaction.on_commit(PendingBump())


def raise_content_version() -> None:
    """One statement in a transaction of its own, after the change committed:
    raised inside the change's transaction, the row would be locked until it
    commits, making every editor's save wait on every other's (and deadlock
    with rows they took in another order)."""

    try:
        raised = ContentVersion.objects.filter(pk=1).update(number=F("number") + 1)
        if not raised:
            ContentVersion.objects.bulk_create(
                [ContentVersion(pk=1, number=1)], ignore_conflicts=True
            )
    except DatabaseError as error:  # the bump that follows still stales pages
        logger.warning("content version not raised: %s", error)


def page_generation(generation) -> str:
    """What a page is stored under: the shared generation and the content
    version, so that a change stales it even if its bump was lost."""
    return f"{generation}.{content_versions.current(generation)}"


def current_generation() -> int:
    cache = page_cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # A fresh cache (or one that lost its data) starts a new generation
        # rather than reusing numbers whose pages may still be stored.
        generation = int(time.time() * 1000)
        cache.add(GENERATION_KEY, generation, timeout=None)
        generation = cache.get(GENERATION_KEY, generation)
    return generation


def bump_generation() -> None:
    """Make every cached page stale at once, on every server sharing the
    cache. If the cache server is down, the content version raised before it
    does it instead, within ``WATCH_TRUST_SECONDS``."""
    cache = page_cache()
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.set(GENERATION_KEY, int(time.time() * 1000), timeout=None)
        if hasattr(cache, "announce"):
            cache.announce(GENERATION_CHANNEL)
    except Exception as error:
        outage.begin(error)


def page_lifetime(generation: str) -> int:
    """Seconds a page may be cached: the configured lifetime, capped at the
    next scheduled change.

    The wait for the next change is measured by the time authority, in SQL,
    and remembered by each process on the authority's clock carried by its
    monotonic clock (``clock.estimate``), so no
    server's wall clock, right or wrong, lengthens or shortens it. When a
    change has come, the stories it made live have their going live
    recorded, which keeps them live whatever a clock does next.
    """
    lifetime = settings.NEWSROOM_PAGE_CACHE_SECONDS
    wait = next_change.seconds_left(generation)
    if wait is not None:
        lifetime = min(lifetime, int(wait))
    return max(lifetime, 0)


class NextChange:
    """This process's knowledge of when, for a generation of content, the next
    story appears or disappears by the clock."""

    def __init__(self) -> None:
        self._known: tuple[str, float | None] | None = None

    def seconds_left(self, generation: str) -> float | None:
        known = self._known
        now = clock.estimate()
        if (
            known is None
            or known[0] != generation
            or (known[1] is not None and known[1] <= now)
        ):
            Article.objects.record_went_live()
            wait = Article.objects.next_visibility_change()
            known = (generation, None if wait is None else now + wait)
            self._known = known
        return None if known[1] is None else known[1] - now

    def forget(self) -> None:
        self._known = None


next_change = NextChange()


# Campaign tags and click identifiers that links shared on social media and
# in newsletters carry. No page reads them (analytics read them in the
# browser), and a click identifier is different on every click, so keeping
# them would make every visitor from a shared link miss the cache.
TRACKING_PARAMETERS = frozenset(
    [
        "fbclid",
        "gclid",
        "gbraid",
        "wbraid",
        "dclid",
        "msclkid",
        "twclid",
        "igshid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
    ]
)
TRACKING_PREFIX = "utm_"


def is_tracking_parameter(segment: str) -> bool:
    name = unquote_plus(segment.partition("=")[0]).lower()
    return name.startswith(TRACKING_PREFIX) or name in TRACKING_PARAMETERS


def drop_tracking_parameters(request) -> None:
    """Render and key a reader page as if its address carried no tracking
    parameters; the others are kept as they came, in their order."""
    query = request.META.get("QUERY_STRING", "")
    if not query:
        return
    segments = query.split("&")
    kept = [segment for segment in segments if not is_tracking_parameter(segment)]
    if len(kept) != len(segments):
        request.META["QUERY_STRING"] = "&".join(kept)
        request.__dict__.pop("GET", None)  # parsed again from the new string


def page_key(request) -> str:
    """The scheme is part of the key: a plain-HTTP request must reach the HTTPS
    redirect and HSTS header of SecurityMiddleware, which a hit skips."""
    address = f"{request.scheme}:{request.get_full_path()}"
    return PAGE_KEY % hashlib.sha256(address.encode()).hexdigest()[:40]


class LocalPage(NamedTuple):
    generation: str
    expires_at: float
    page: tuple


class LocalPages:
    """The pages this process served most recently, least recently used out
    first, within ``NEWSROOM_LOCAL_PAGE_CACHE_MB`` of content (0: none kept).

    A page is only ever returned for the generation it was rendered in and
    before the time its shared copy expires.
    """

    def __init__(self):
        self._pages: OrderedDict[str, LocalPage] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def __contains__(self, key: str) -> bool:
        return key in self._pages

    def get(self, key: str, generation: str) -> tuple | None:
        with self._lock:
            local = self._pages.get(key)
            if local is None:
                return None
            if local.generation != generation or local.expires_at <= clock.estimate():
                self._remove(key)
                return None
            self._pages.move_to_end(key)
            return local.page

    def put(self, key: str, local: LocalPage) -> None:
        limit = settings.NEWSROOM_LOCAL_PAGE_CACHE_MB * 1024 * 1024
        size = len(local.page[-1])
        with self._lock:
            self._remove(key)
            if size > limit:
                return
            self._pages[key] = local
            self._size += size
            while self._size > limit:
                self._remove(next(iter(self._pages)))

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._size = 0

    def _remove(self, key: str) -> None:
        local = self._pages.pop(key, None)
        if local is not None:
            self._size -= len(local.page[-1])


local_pages = LocalPages()


class GenerationWatch:
    """The content generation as this process last read it, trusted only while
    a subscription to ``GENERATION_CHANNEL`` has brought no message since, and
    for at most ``WATCH_TRUST_SECONDS``: a subscription cut off by a network
    partition that leaves its connection open brings no message at all.

    A bump increments the generation before it announces itself, and the
    announcement returns only once Redis has written the message to every
    subscriber's socket, so the message is readable here before any request
    that follows the bump. A hit then costs a poll of that socket instead of
    a round trip. Caches that cannot publish (the file and local-memory
    caches of one machine) are read on every request, and so is Redis
    whenever the subscription is missing or broken.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._pubsub = None
        self._owner = None
        self._generation = None
        self._listened_at = 0.0

    def known(self, cache) -> int | None:
        """The generation, if no bump has been announced since it was read,
        less than ``WATCH_TRUST_SECONDS`` ago."""
        with self._lock:
            if not self._owned_by(cache) or self._generation is None:
                return None
            if time.monotonic() - self._listened_at > WATCH_TRUST_SECONDS:
                self._generation = None
                return None
            try:
                if self._pubsub.get_message(timeout=0.0) is None:
                    return self._generation
            except Exception:
                self._close()
            self._generation = None
            return None

    def listen(self, cache) -> None:
        """Subscribe (or keep the subscription) and drop the messages already
        come: called before reading the generation that ``remember`` keeps."""
        if not hasattr(cache, "subscribe"):
            return
        with self._lock:
            self._generation = None
            self._listened_at = time.monotonic()
            try:
                if not self._owned_by(cache):
                    self._close()
                    self._pubsub = cache.subscribe(GENERATION_CHANNEL)
                    self._owner = (os.getpid(), id(cache))
                while self._pubsub.get_message(timeout=0.0) is not None:
                    pass
            except Exception as error:  # reading the generation still works
                self._close()
                outage.warn(error)

    def remember(self, cache, generation: int | None) -> None:
        with self._lock:
            if self._owned_by(cache):
                self._generation = generation

    def forget(self) -> None:
        with self._lock:
            self._close()

    def _owned_by(self, cache) -> bool:
        return self._pubsub is not None and self._owner == (os.getpid(), id(cache))

    def _close(self) -> None:
        """Drop the subscription; a forked worker leaves its parent's socket
        alone rather than shut it down under the parent."""
        pubsub, owner = self._pubsub, self._owner
        self._pubsub = self._owner = self._generation = None
        if pubsub is not None and owner[0] == os.getpid():
            try:
                pubsub.close()
            except Exception:
                logger.debug(
                    "closing the generation subscription failed", exc_info=True
                )


generation_watch = GenerationWatch()


def read_watched(cache, keys: list[str]) -> dict:
    """``keys`` (the generation among them) read in one round trip, with the
    generation watch listening from before the read, so it may trust what
    was read until the next announcement."""
    generation_watch.listen(cache)
    found = cache.get_many(keys)
    generation_watch.remember(cache, found.get(GENERATION_KEY))
    return found


def lookup_page(request) -> tuple[str, tuple | None]:
    """The current page generation, and the page stored for ``request`` if it
    was rendered in that generation: one round trip to the cache, which
    carries only the generation when this process holds the page itself, and
    none when the generation watch knows no bump has happened since."""
    key = page_key(request)
    cache = page_cache()
    if key in local_pages:
        generation = generation_watch.known(cache)
        if generation is None:
            generation = read_watched(cache, [GENERATION_KEY]).get(GENERATION_KEY)
        if generation is not None:
            generation = page_generation(generation)
            page = local_pages.get(key, generation)
            if page is not None:
                return generation, page
    found = read_watched(cache, [GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        return page_generation(current_generation()), None
    generation = page_generation(generation)
    stored = found.get(key)
    if stored is None or stored[0] != generation:
        return generation, None
    local = LocalPage(*stored)
    local_pages.put(key, local)
    return generation, local.page


def store_page(request, generation: str, page: tuple, lifetime: int) -> None:
    """Keep ``page`` (status, headers, content) as rendered in ``generation``,
    in the shared cache and in this process."""
    key = page_key(request)
    local = LocalPage(generation, clock.estimate() + lifetime, page)
    page_cache().set(key, tuple(local), timeout=lifetime)
    local_pages.put(key, local)
