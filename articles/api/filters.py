"""Story filters, from an allow-list.

Only the keys below are read from the query string, and each maps to a lookup
written here, so no reader-supplied key or value ever becomes a ``filter()``
keyword: relation-spanning lookups (``author__user__password__startswith``),
connector keys (``_connector``, CVE-2025-64459) and ordering requests are
ignored. A listed key with a malformed value is a 400 that says what to send.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

SLUG_RE = re.compile(r"[-\w]{1,120}\Z")
MOMENT_MAX_LENGTH = 64


def parse_slug(value: str) -> str:
    if not SLUG_RE.match(value):
        raise ValueError(
            _("Enter a slug: letters, digits, hyphens or underscores, e.g. “navy”.")
        )
    return value


def parse_moment(value: str) -> datetime:
    """An ISO 8601 date or date-time, as an aware UTC datetime.

    A bare date means midnight and a time without an offset is local time,
    both in the site's time zone.
    """
    message = _(
        "Enter an ISO 8601 date such as 2026-03-01, or a date and time such as "
        "2026-03-01T14:30:00Z."
    )
    if len(value) > MOMENT_MAX_LENGTH:
        raise ValueError(message)
    try:
        moment = parse_datetime(value)
        if moment is None:
            raise ValueError(message)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):  # e.g. 2026-02-30, or year 0 in UTC
        raise ValueError(message) from None


@dataclass(frozen=True)
class QueryFilter:
    param: str
    lookup: str
    parse: Callable[[str], object]
    description: str
    schema_format: str = ""

    def openapi_parameter(self) -> dict:
        schema = {"type": "string"}
        if self.schema_format:
            schema["format"] = self.schema_format
        return {
            "name": self.param,
            "in": "query",
            "required": False,
            "description": self.description,
            "schema": schema,
        }


STORY_FILTERS = (
    QueryFilter(
        "section",
        "section__slug",
        parse_slug,
        "Only stories in the section with this slug, e.g. `navy`.",
    ),
    QueryFilter(
        "tag",
        "tags__slug",
        parse_slug,
        "Only stories with the tag that has this slug, e.g. `frigates`.",
    ),
    QueryFilter(
        "author",
        "bylines__author__slug",
        parse_slug,
        "Only stories with this author (slug) in the byline.",
    ),
    QueryFilter(
        "published_after",
        "publish_at__gte",
        parse_moment,
        "Only stories published at or after this ISO 8601 date or date-time "
        "(a bare date means midnight, site time).",
        "date-time",
    ),
    QueryFilter(
        "published_before",
        "publish_at__lt",
        parse_moment,
        "Only stories published before this ISO 8601 date or date-time "
        "(a bare date means midnight, site time).",
        "date-time",
    ),
)


class StoryFilterBackend(BaseFilterBackend):
    """Apply the allow-listed filters; report every malformed value at once."""

    def filter_queryset(self, request, queryset, view):
        conditions, errors = {}, {}
        for query_filter in STORY_FILTERS:
            value = request.query_params.get(query_filter.param, "")
            if not value:
                continue
            try:
                conditions[query_filter.lookup] = query_filter.parse(value)
            except ValueError as error:
                errors[query_filter.param] = [str(error)]
        if errors:
            raise ValidationError(errors)
        return queryset.filter(**conditions)

    def get_schema_operation_parameters(self, view):
        return [query_filter.openapi_parameter() for query_filter in STORY_FILTERS]
