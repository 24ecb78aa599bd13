"""Full-page caching of what anonymous readers see, never stale, and stale
only where something changed.

Every cached page is stored with the dependency keys of what it shows
(``articles.delivery.dependencies``) and the number of the last change its
process knew of when it started rendering. Each change readers could see is
logged in the database once it commits (``log_change``: its number and the
keys it touched, numbered in commit order), and every process reads the log
forward (``ChangeLog``). A page is served only while no change it does not
know of touched one of its keys: an edit of one story stales that story's
page and the pages showing its card, an approval the listings it joins, and
everything else stays cached.

The log is read when the shared cache's *generation* moves (bumped, after
the log, by every change) and at least once a second. The generation is
read with the page in one round trip; each app server also keeps the pages
it served most recently in memory (``LocalPages``), and with Redis each
process subscribes to a channel on which every bump is announced
(``GenerationWatch``), so a hit on a page in memory costs no round trip at
all until a change is announced. A bump returns only when Redis has written
its message to every subscriber, so invalidation is instant on every server;
a bump lost on the way (a server cut off from Redis) is made up within a
second by the log. A change that could not be logged (the database failing
after the change committed) moves the generation into a new *epoch*
instead, which stales every page.

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
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple
from urllib.parse import unquote_plus

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, transaction
from django.db.models import F, Max
from django.http import QueryDict
from django.utils.module_loading import import_string

from articles import clock
from articles.delivery import dependencies
from articles.models import Article, Change, ContentVersion

logger = logging.getLogger(__name__)

GENERATION_KEY = "newsroom:generation"
# A generation's epoch is its quotient by this: a change that could not be
# logged adds a whole epoch, so one number (one read, one atomic increment)
# carries both. Epochs start from the clock in seconds, within Redis's
# 64-bit integers; a million changes in one epoch start the next.
EPOCH = 10**6
GENERATION_CHANNEL = "newsroom:generation-bumped"
# The layout of a stored page is part of its key, so servers running a new
# release never read a page stored in an older layout.
PAGE_KEY = "newsroom:page:3:%s"
WARNING_INTERVAL = 60.0
# Seconds a process leaves the cache alone after a failed call.
OUTAGE_REST_SECONDS = 5.0
# The longest a watched generation, or the change log as read, is trusted
# without reading it again: a subscription cut off without its connection
# closing (a network partition) brings no announcement, and a change whose
# bump was lost brings none either.
WATCH_TRUST_SECONDS = 1.0
# A process starting reads this many of the latest changes, so the pages
# other processes stored before it started stay usable; a page older than
# what a process knows of is stale to it.
CHANGES_READ_AT_START = 2_000
# Beyond this many changes unread (a bulk import) or keys remembered, a
# process forgets what it knew and treats older pages as stale.
MOST_CHANGES_READ = 5_000
MOST_KEYS_REMEMBERED = 100_000
# The log keeps this many changes; the oldest go every PRUNE_EVERY changes.
KEPT_CHANGES = 20_000
PRUNE_EVERY = 1_000
# A CDN's header of keys is limited (Fastly and Cloudflare: 16 KB).
MOST_KEY_HEADER_BYTES = 15_000


def page_cache():
    return caches[settings.NEWSROOM_PAGE_CACHE]


class CacheOutage:
    """This process's memory of the shared cache failing.

    A cache server that does not answer costs a connect or read timeout per
    call, so after a failure requests leave the cache alone for
    ``OUTAGE_REST_SECONDS`` and readers are served uncached; then the cache
    is tried again. Nothing needs making up when it answers again: a change
    whose bump failed meanwhile is in the change log, which this process
    reads forward before its next page (``ChangeLog.read_again``).
    """

    def __init__(self):
        self._retry_at = None
        self._last_warning = None

    def begin(self, error: Exception) -> None:
        """Rest from the cache, and log the outage."""
        self._retry_at = time.monotonic() + OUTAGE_REST_SECONDS
        change_log.read_again()
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


class ChangeLog:
    """The changes this process has read from the log: for each key, the
    number of the last change that touched it.

    It is read forward when the generation moves (an announced bump comes
    after its change was logged), when it is more than
    ``WATCH_TRUST_SECONDS`` old (a change whose bump was lost), and after a
    cache outage. While the database does not answer, what was read is kept
    (and tried again once a second): no change can be made without the
    database, and cached pages go on being served.

    ``floor``: every change numbered above it has been read, so a page
    rendered knowing less than ``floor`` cannot be vouched for.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._forget()

    def _forget(self) -> None:
        self.floor = self.latest = None
        self._touched: dict[str, int] = {}
        self._generation = None
        self._read_at = 0.0

    def current(self, generation) -> int:
        """The number of the last change read, read forward first unless
        the generation has not moved since, less than a second ago."""
        with self._lock:
            now = time.monotonic()
            if (
                self.latest is not None
                and generation == self._generation
                and now - self._read_at <= WATCH_TRUST_SECONDS
            ):
                return self.latest
            try:
                self._read_forward()
            except DatabaseError as error:
                if self.latest is None:
                    raise
                logger.warning(
                    "change log unreadable, keeping change %s: %s", self.latest, error
                )
            self._generation, self._read_at = generation, now
            return self.latest

    def stale(self, keys, known: int) -> bool:
        """Whether a change after ``known`` touched any of ``keys``."""
        if self.floor is None or known < self.floor:
            return True
        if known >= self.latest:  # no change read since it was rendered
            return False
        touched = self._touched
        return any(touched.get(key, -1) > known for key in keys)

    def read_again(self) -> None:
        """Read the log forward before the next page, whatever the generation."""
        with self._lock:
            self._generation = None

    def forget(self) -> None:
        with self._lock:
            self._forget()

    def _read_forward(self) -> None:
        if self.latest is None:
            latest = Change.objects.aggregate(latest=Max("number"))["latest"] or 0
            self.floor = self.latest = max(latest - CHANGES_READ_AT_START, 0)
        rows = list(
            Change.objects.filter(number__gt=self.latest)
            .order_by("number")
            .values_list("number", "keys")[: MOST_CHANGES_READ + 1]
        )
        if len(rows) > MOST_CHANGES_READ:
            latest = Change.objects.aggregate(latest=Max("number"))["latest"]
            self._start_over(latest)
            return
        for number, touched in rows:
            for key in touched.split():
                self._touched[key] = number
        if rows:
            self.latest = rows[-1][0]
        if len(self._touched) > MOST_KEYS_REMEMBERED:
            self._start_over(self.latest)

    def _start_over(self, latest: int) -> None:
        """Forget every key: pages rendered before ``latest`` become stale."""
        self._touched.clear()
        self.floor = self.latest = latest


change_log = ChangeLog()
outage = CacheOutage()


class PendingChange:
    """The keys a transaction touched, logged once it commits.

    One per transaction, so that a save touching many rows is one change.
    Each signal adds its keys and registers the same object with
    ``transaction.on_commit``; it runs once, on the first call. A
    transaction rolled back drops its registrations, and its keys are then
    logged with the next transaction's (more pages stale, never fewer).
    """

    def __init__(self):
        self.keys: set[str] = {dependencies.SITE}
        self.done = False

    def __call__(self):
        if self.done:
            return
        self.done = True
        number = log_change(self.keys)
        bump_generation(logged=number is not None)
        if number is not None:
            purge_cdn(self.keys)


_pending = threading.local()


def record_change(keys) -> None:
    """Count a change readers could see, touching ``keys``, once its
    transaction commits."""
    pending = getattr(_pending, "change", None)
    if pending is None or pending.done:
        pending = _pending.change = PendingChange()
    pending.keys.update(keys)
    transaction.on_commit(pending)


def log_change(touched: set[str]) -> int | None:
    """Log a committed change and return its number, or None if the
    database failed.

    One short transaction of its own, after the change committed: raised
    inside the change's transaction, the counter would be locked until it
    commits, making every editor's save wait on every other's.
    """
    try:
        with transaction.atomic():
            raised = ContentVersion.objects.filter(pk=1).update(number=F("number") + 1)
            if not raised:
                ContentVersion.objects.bulk_create(
                    [ContentVersion(pk=1, number=0)], ignore_conflicts=True
                )
                ContentVersion.objects.filter(pk=1).update(number=F("number") + 1)
            number = ContentVersion.objects.values_list("number", flat=True).get(pk=1)
            Change.objects.create(number=number, keys=" ".join(sorted(touched)))
        if number % PRUNE_EVERY == 0:
            Change.objects.filter(number__lte=number - KEPT_CHANGES).delete()
    except DatabaseError as error:  # the epoch raised instead stales every page
        logger.warning("change not logged, every cached page made stale: %s", error)
        return None
    return number


class RenderState(NamedTuple):
    """What a page rendered now is stored under: the last change its process
    knew of, and the shared cache's epoch."""

    known: int
    epoch: int


def current_generation() -> int:
    """The generation, set afresh in a cache that has none: a fresh cache, or
    one that lost its data, starts a new epoch (from the clock) rather than
    reuse numbers whose pages may still be stored."""
    cache = page_cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        start = int(time.time()) * EPOCH
        cache.add(GENERATION_KEY, start, timeout=None)
        generation = cache.get(GENERATION_KEY, start)
    return generation


def bump_generation(*, logged: bool = True) -> None:
    """Tell every server sharing the cache that the log has moved (or, for a
    change that could not be logged, make every page stale by raising the
    epoch). If the cache server is down, the log tells them within
    ``WATCH_TRUST_SECONDS``."""
    cache = page_cache()
    try:
        try:
            cache.incr(GENERATION_KEY, 1 if logged else EPOCH)
        except ValueError:
            cache.set(GENERATION_KEY, int(time.time()) * EPOCH, timeout=None)
        if hasattr(cache, "announce"):
            cache.announce(GENERATION_CHANNEL)
    except Exception as error:
        outage.begin(error)


# The CDN's purge hook runs here, one call at a time, never in the request.
_purges = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsroom-cdn-purge")


def purge_cdn(touched: set[str]):
    """Hand the keys of a change to ``NEWSROOM_CDN_PURGE`` (a dotted path to a
    callable taking a sorted list of keys), if set; returns its future."""
    hook_path = settings.NEWSROOM_CDN_PURGE
    if not hook_path:
        return None
    hook = import_string(hook_path)
    return _purges.submit(_call_purge_hook, hook, sorted(touched))


def finish_purges(timeout: float | None = None) -> None:
    """Wait until the purges handed over so far have run."""
    _purges.submit(lambda: None).result(timeout)


def _call_purge_hook(hook, touched: list[str]) -> None:
    try:
        hook(touched)
    except Exception:
        logger.exception("CDN purge of %s failed", " ".join(touched))


def page_lifetime(state: RenderState) -> int:
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
    wait = next_change.seconds_left(state)
    if wait is not None:
        lifetime = min(lifetime, int(wait))
    return max(lifetime, 0)


class NextChange:
    """This process's knowledge of when, as of the last change it knows of,
    the next story appears or disappears by the clock."""

    def __init__(self) -> None:
        self._known: tuple[RenderState, float | None] | None = None

    def seconds_left(self, state: RenderState) -> float | None:
        known = self._known
        now = clock.estimate()
        if (
            known is None
            or known[0] != state
            or (known[1] is not None and known[1] <= now)
        ):
            Article.objects.record_went_live()
            wait = Article.objects.next_visibility_change()
            known = (state, None if wait is None else now + wait)
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
        request.GET = QueryDict(request.META["QUERY_STRING"], encoding=request.encoding)


def page_key(request) -> str:
    """The scheme is part of the key: a plain-HTTP request must reach the HTTPS
    redirect and HSTS header of SecurityMiddleware, which a hit skips."""
    address = f"{request.scheme}:{request.get_full_path()}"
    return PAGE_KEY % hashlib.sha256(address.encode()).hexdigest()[:40]


class StoredPage(NamedTuple):
    """A page as the caches keep it: what it was rendered knowing, the keys
    of what it shows, until when it may be served, and (status, headers,
    content)."""

    state: RenderState
    keys: frozenset
    expires_at: float
    page: tuple

    def usable(self, epoch) -> bool:
        """Rendered in the current epoch, not expired, and touched by no
        change its renderer did not know of."""
        return (
            self.state.epoch == epoch
            and self.expires_at > clock.estimate()
            and not change_log.stale(self.keys, self.state.known)
        )


class LocalPages:
    """The pages this process served most recently, least recently used out
    first, within ``NEWSROOM_LOCAL_PAGE_CACHE_MB`` of content (0: none kept)."""

    def __init__(self):
        self._pages: OrderedDict[str, StoredPage] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def __contains__(self, key: str) -> bool:
        return key in self._pages

    def get(self, key: str, epoch) -> tuple | None:
        with self._lock:
            stored = self._pages.get(key)
            if stored is None:
                return None
            if not stored.usable(epoch):
                self._remove(key)
                return None
            self._pages.move_to_end(key)
            return stored.page

    def put(self, key: str, stored: StoredPage) -> None:
        limit = settings.NEWSROOM_LOCAL_PAGE_CACHE_MB * 1024 * 1024
        size = len(stored.page[-1])
        with self._lock:
            self._remove(key)
            if size > limit:
                return
            self._pages[key] = stored
            self._size += size
            while self._size > limit:
                self._remove(next(iter(self._pages)))

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._size = 0

    def _remove(self, key: str) -> None:
        stored = self._pages.pop(key, None)
        if stored is not None:
            self._size -= len(stored.page[-1])


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

    def known(self, cache):
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

    def remember(self, cache, watched) -> None:
        with self._lock:
            if self._owned_by(cache):
                self._generation = watched

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


def render_state(generation: int) -> RenderState:
    return RenderState(change_log.current(generation), generation // EPOCH)


def current_state() -> RenderState:
    """What something rendered now would be stored under, outside a page
    being rendered for the page cache (whose lookup read it already)."""
    cache = page_cache()
    generation = generation_watch.known(cache)
    if generation is None:
        generation = read_watched(cache, [GENERATION_KEY]).get(GENERATION_KEY)
    if generation is None:
        generation = current_generation()
    return render_state(generation)


def lookup_page(request) -> tuple[RenderState, tuple | None]:
    """What a page rendered now would be stored under, and the page stored
    for ``request`` if it may be served: one round trip to the cache, which
    carries only the generation when this process holds the page itself,
    and none when the generation watch knows no bump has happened since."""
    key = page_key(request)
    cache = page_cache()
    if key in local_pages:
        generation = generation_watch.known(cache)
        if generation is None:
            generation = read_watched(cache, [GENERATION_KEY]).get(GENERATION_KEY)
        if generation is not None:
            state = render_state(generation)
            page = local_pages.get(key, state.epoch)
            if page is not None:
                return state, page
    found = read_watched(cache, [GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        return render_state(current_generation()), None
    state = render_state(generation)
    stored = found.get(key)
    if stored is None:
        return state, None
    stored = StoredPage(*stored)
    if not stored.usable(state.epoch):
        return state, None
    local_pages.put(key, stored)
    return state, stored.page


def store_page(request, state: RenderState, keys, page: tuple, lifetime: int) -> None:
    """Keep ``page`` (status, headers, content) as rendered in ``state``,
    showing ``keys``, in the shared cache and in this process."""
    key = page_key(request)
    stored = StoredPage(state, frozenset(keys), clock.estimate() + lifetime, page)
    page_cache().set(key, tuple(stored), timeout=lifetime)
    local_pages.put(key, stored)


def key_headers(keys) -> dict[str, str]:
    """The page's keys for a CDN: ``Surrogate-Key`` (Fastly, Varnish xkey)
    and ``Cache-Tag`` (Cloudflare, Akamai). Beyond what such a header may
    hold, the page says ``site`` alone, which every change purges."""
    names = sorted(keys)
    if sum(len(name) + 1 for name in names) > MOST_KEY_HEADER_BYTES:
        names = [dependencies.SITE]
    return {"Surrogate-Key": " ".join(names), "Cache-Tag": ",".join(names)}
