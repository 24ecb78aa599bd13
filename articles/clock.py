"""The site's notion of "now", and reading editors' local times safely.

Visibility is decided at read time by comparing publish, expiry and embargo
times with now, so the wall clock stepping backwards (an NTP correction, a
VM restored from a snapshot, a server whose clock is behind the others)
would unpublish live stories and bring back expired ones. ``now()`` is
therefore the later of the wall clock and the latest time the site has
already seen: during a step back the site's clock stands still until the
wall clock catches up, so nothing disappears, reappears, or appears early.

The high-water mark is kept per process and merged with the one in the
shared cache (Redis in production) at most once a minute, so every app
server and every restarted worker keeps it, without a cache round-trip on
each request. Without the cache each process keeps its own.

``aware_local_time`` turns a date and time typed in the site's time zone into
an instant, refusing times that the daylight-saving changes skip or repeat
unless the editor has said which one is meant.
"""

import logging
from datetime import UTC, datetime, timedelta

from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from articles.cache_health import shared_cache

logger = logging.getLogger(__name__)

SHARED_KEY = "newsroom:clock:high-water"
SHARE_INTERVAL = timedelta(minutes=1)

_high_water: datetime | None = None
_last_shared: datetime | None = None

EARLIER, LATER = "earlier", "later"


# --- Now ----------------------------------------------------------------------------


def now() -> datetime:
    """The later of the wall clock and the latest time the site has seen."""
    global _high_water
    wall = timezone.now()
    if _high_water is None or wall > _high_water:
        _high_water = wall
    # Measured on the wall clock in either direction: a step, forwards or
    # back, is exactly when the other servers' marks matter.
    if (
        _last_shared is None or abs(wall - _last_shared) >= SHARE_INTERVAL
    ) and cache_answering():
        share()
    return _high_water


def cache_answering() -> bool:
    return shared_cache.usable()


def share() -> datetime:
    """Merge this process's high-water mark with the shared one, both ways.

    ``now()`` calls it once a minute; ``manage.py publish_scheduled`` calls it
    on every run, so the mark survives even a quiet site's restarts.
    """
    global _high_water, _last_shared
    wall = timezone.now()
    _last_shared = wall
    mark = max(_high_water or wall, wall)
    try:
        cache = caches["default"]
        stored = cache.get(SHARED_KEY)
        if stored is None or mark > stored:
            cache.set(SHARED_KEY, mark, timeout=None)
        else:
            mark = stored
    except Exception as error:  # the cache server is down: keep this process's mark
        shared_cache.failed(error)
    _high_water = mark
    return mark


def forget() -> None:
    """Drop the high-water mark, here and in the shared cache (for tests that
    travel in time, and after correcting a clock that ran far ahead)."""
    global _high_water, _last_shared
    _high_water = _last_shared = None
    try:
        caches["default"].delete(SHARED_KEY)
    except Exception as error:  # the cache server is down: nothing is shared
        logger.debug("shared clock mark not deleted: %s", error)


# --- Local times around daylight-saving changes -------------------------------------


def validate_storable(value: datetime) -> None:
    """Refuse a time that cannot be stored: at the calendar's edges (31 Dec
    9999, 1 Jan 0001) a local time moved to UTC leaves the calendar."""
    aware = (
        value
        if timezone.is_aware(value)
        else value.replace(tzinfo=timezone.get_current_timezone())
    )
    try:
        aware.astimezone(UTC)
    except OverflowError as exc:
        raise ValidationError(
            _("Choose a time between the years 1 and 9999 in UTC."),
            code="time_out_of_range",
        ) from exc


def aware_local_time(naive: datetime, *, occurrence: str = "") -> datetime:
    """``naive``, typed in the current time zone, as a UTC instant.

    A time the clocks skip (spring forward) is refused, naming the nearest
    valid times; a time they repeat (autumn) is refused unless ``occurrence``
    is ``EARLIER`` or ``LATER``. Both errors give the UTC instants, and the
    repeated-time error carries the two choices' labels in its params.
    """
    zone = timezone.get_current_timezone()
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first.astimezone(UTC)
    if _as_typed(first.astimezone(UTC), zone) != naive:
        raise _skipped_time_error(naive, first, second)
    if occurrence == EARLIER:
        return first.astimezone(UTC)
    if occurrence == LATER:
        return second.astimezone(UTC)
    raise _repeated_time_error(naive, first, second)


def _as_typed(instant: datetime, zone) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def _transition(first: datetime, second: datetime) -> datetime:
    """The instant the UTC offset changes between two readings of one local time."""
    low, high = sorted(int(value.timestamp()) for value in (first, second))
    zone = first.tzinfo
    before = datetime.fromtimestamp(low, zone).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == before:
            low = middle
        else:
            high = middle
    return datetime.fromtimestamp(high, UTC)


def _offset(value: datetime) -> str:
    minutes = int(value.utcoffset().total_seconds()) // 60
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _time(value: datetime, day) -> str:
    """``value``'s time of day, with its date when that is not ``day``: the
    nearest valid time to one just after midnight is on the day before."""
    return date_format(value, "H:i" if value.date() == day else "j M, H:i")


def _utc(value: datetime, day) -> str:
    return _("%(time)s UTC") % {"time": _time(value.astimezone(UTC), day)}


def _local(value: datetime, day) -> str:
    return f"{_time(value, day)} {value.tzname()}"


def _skipped_time_error(naive, first, second) -> ValidationError:
    change = _transition(first, second)
    zone = first.tzinfo
    before = (change - timedelta(minutes=1)).astimezone(zone)
    after = change.astimezone(zone)
    return ValidationError(
        _(
            "%(typed)s does not exist in %(zone)s: the clocks go forward from "
            "%(gap_start)s to %(gap_end)s. The nearest valid times are %(before)s "
            "(%(before_utc)s) and %(after)s (%(after_utc)s); enter one of them."
        ),
        code="nonexistent_time",
        params={
            "typed": date_format(naive, "j M Y, H:i"),
            "zone": timezone.get_current_timezone_name(),
            # A skipped time read with fold=0 has the offset from before the change.
            "gap_start": date_format(
                change.replace(tzinfo=None) + first.utcoffset(), "H:i"
            ),
            "gap_end": date_format(after, "H:i"),
            "before": _local(before, naive.date()),
            "before_utc": _utc(before, naive.date()),
            "after": _local(after, naive.date()),
            "after_utc": _utc(after, naive.date()),
        },
    )


def _choice_label(name: str, value: datetime) -> str:
    return _("%(which)s (%(zone)s, %(offset)s): %(utc)s") % {
        "which": name,
        "zone": value.tzname(),
        "offset": _offset(value),
        "utc": _utc(value, value.date()),
    }


def _repeated_time_error(naive, first, second) -> ValidationError:
    return ValidationError(
        _(
            "%(typed)s happens twice in %(zone)s, because the clocks go back. "
            "Choose which one: %(earlier)s, or %(later)s."
        ),
        code="ambiguous_time",
        params={
            "typed": date_format(naive, "j M Y, H:i"),
            "zone": timezone.get_current_timezone_name(),
            "earlier": _choice_label(_("earlier"), first),
            "later": _choice_label(_("later"), second),
        },
    )
