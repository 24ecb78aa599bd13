"""The site's time authority, and reading editors' local times safely.

Whether readers see a story is decided by comparing its publish, embargo and
expiry times with "now", so "now" must come from one clock that no single
process can move. With PostgreSQL that clock is the database server's:
``sql_now()`` puts it into the SQL that decides (``STATEMENT_TIMESTAMP()``),
and ``now()`` reads it for the decisions made in Python (approving, the
admin's "Scheduled for…"). An app server, worker or management command whose
own clock is hours wrong therefore reveals, hides and resurrects nothing.
With SQLite (one machine, ``make run``) the machine's clock is the database's
clock, read in Python. ``NEWSROOM_TIME_AUTHORITY`` chooses explicitly.

A clock that steps backwards cannot re-hide a story: once a story has gone
live, ``went_live_at`` records it and the live rule keeps it live from that
record, not from a new comparison (``querysets.live_condition``).

``aware_local_time`` turns a date and time typed in the site's time zone into
an instant, refusing times that the daylight-saving changes skip or repeat
unless the editor has said which one is meant.
"""

import logging
import time
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection
from django.db.models import DateTimeField, Value
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

DATABASE, MACHINE = "database", "machine"
EARLIER, LATER = "earlier", "later"


# --- Now ----------------------------------------------------------------------------


def authority() -> str:
    """``DATABASE`` or ``MACHINE``: the clock every visibility decision reads.

    ``NEWSROOM_TIME_AUTHORITY`` names it; left empty, PostgreSQL's clock
    decides wherever the site runs on PostgreSQL (several machines may serve
    it), and the machine's clock on SQLite (one machine).
    """
    chosen = settings.NEWSROOM_TIME_AUTHORITY or (
        DATABASE if connection.vendor == "postgresql" else MACHINE
    )
    if chosen not in (DATABASE, MACHINE):
        raise ImproperlyConfigured(
            f"NEWSROOM_TIME_AUTHORITY must be {DATABASE!r} or {MACHINE!r}, "
            f"not {chosen!r}."
        )
    if chosen == DATABASE and connection.vendor != "postgresql":
        raise ImproperlyConfigured(
            "NEWSROOM_TIME_AUTHORITY = 'database' needs PostgreSQL; on "
            f"{connection.vendor} the machine's clock is the database's."
        )
    return chosen


def decides_in_sql() -> bool:
    """Whether "now" is written into the SQL as the database's own clock
    (rather than passed in as a value read in Python)."""
    return authority() == DATABASE


def sql_now():
    """ "Now" for a query: the database's clock, read by the statement itself,
    or the machine's clock as a value."""
    if decides_in_sql():
        return Now()
    return Value(timezone.now(), output_field=DateTimeField())


def now() -> datetime:
    """The time authority's "now", for decisions made in Python (one query
    when the database's clock decides: read it once and pass it on)."""
    if decides_in_sql():
        return read_database_clock().time
    return timezone.now()


def estimate() -> float:
    """The time authority's time in seconds since the epoch, without a query:
    for how long a cached copy may be kept, never for what readers see.

    When the database decides, its clock is read as each connection to it
    opens (``take_reading``) and carried forward by this machine's monotonic
    clock, which no step of its wall clock moves.
    """
    if not decides_in_sql() or _carried is None:
        return time.time()
    reading, monotonic_at = _carried
    return reading.time.timestamp() + (time.monotonic() - monotonic_at)


_carried: tuple["Reading", float] | None = None


def take_reading(sender, connection, **kwargs) -> None:
    """Read the database's clock on a new connection to PostgreSQL (the
    ``connection_created`` signal), for ``estimate``."""
    global _carried
    if connection.vendor != "postgresql":
        return
    try:
        _carried = (read_database_clock(connection), time.monotonic())
    except Exception as error:  # estimate() falls back on the wall clock
        logger.warning("could not read the database's clock: %s", error)


class Reading(NamedTuple):
    time: datetime
    # This machine's clock at the moment the database read its own.
    local: datetime


def read_database_clock(database=connection) -> Reading:
    """The database server's clock, and this machine's at the same moment
    (half-way through the round trip)."""
    sent = time.time()
    with database.cursor() as cursor:
        cursor.execute("SELECT STATEMENT_TIMESTAMP()")
        (database_time,) = cursor.fetchone()
    received = time.time()
    local = datetime.fromtimestamp((sent + received) / 2, tz=UTC)
    return Reading(database_time.astimezone(UTC), local)


def offset() -> timedelta:
    """How far this machine's clock is ahead of the time authority (negative:
    behind). Zero when the machine's clock is the authority."""
    if not decides_in_sql():
        return timedelta(0)
    reading = read_database_clock()
    return reading.local - reading.time


def check_offset() -> timedelta:
    """``offset()``, with a warning in the log when it exceeds
    ``NEWSROOM_CLOCK_WARN_SECONDS``: readers see nothing of it, but the
    times this server writes into its own log lines are off."""
    measured = offset()
    if abs(measured.total_seconds()) > settings.NEWSROOM_CLOCK_WARN_SECONDS:
        logger.warning(
            "this server's clock is %+.3f s off the database's; fix its time "
            "synchronisation (NTP): readers are not affected, logs are",
            measured.total_seconds(),
        )
    return measured


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
