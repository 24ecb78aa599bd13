"""What a reader typed, read safely: words, phrases, exclusions and filters."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from articles.models import Section
from articles.text import clean_text

# Longer input is cut before it is parsed: no real query needs more, and
# parsers must never see unbounded input (CVE-2024-39317 in Wagtail).
MAX_QUERY_LENGTH = 200


# Reader syntax, as in web search engines: "a phrase", -excluded, this or that.
_CHUNK = re.compile(r'(?P<minus>-?)(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')


_WORD_CHARACTER = re.compile(r"[^\W_]")


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class SearchQuery:
    """A reader's query, cleaned and parsed into phrases.

    ``groups`` are alternatives that must all match (``a or b c`` is
    ``(a | b) & c``); ``excluded`` phrases must not. Each phrase has at least
    one letter or digit, and no double quote.
    """

    text: str
    groups: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[str, ...] = ()
    was_shortened: bool = False

    @property
    def is_searchable(self) -> bool:
        return bool(self.groups)

    def as_websearch(self) -> str:
        """The query in ``websearch_to_tsquery`` syntax, every phrase quoted."""
        required = " ".join(
            " or ".join(f'"{phrase}"' for phrase in group) for group in self.groups
        )
        return " ".join([required, *(f'-"{phrase}"' for phrase in self.excluded)])

    def as_fts5(self) -> str:
        """The query as an FTS5 expression in which reader text is only ever a string."""
        required = " AND ".join(
            "(" + " OR ".join(_fts5_string(phrase) for phrase in group) + ")"
            for group in self.groups
        )
        if not self.excluded:
            return required
        excluded = " OR ".join(_fts5_string(phrase) for phrase in self.excluded)
        return f"({required}) NOT ({excluded})"


def _fts5_string(phrase: str) -> str:
    return '"' + phrase.replace('"', '""') + '"'


def parse_query(raw: str) -> SearchQuery:
    """Cap, clean and parse what the reader typed; never raises."""
    raw = raw or ""
    text = clean_text(raw[:MAX_QUERY_LENGTH])
    groups: list[tuple[str, ...]] = []
    excluded: list[str] = []
    next_is_alternative = False
    for chunk in _CHUNK.finditer(text):
        phrase = chunk["phrase"] if chunk["phrase"] is not None else chunk["word"]
        phrase = " ".join(phrase.split())
        if chunk["word"] and not chunk["minus"] and phrase.lower() == "or":
            next_is_alternative = bool(groups)
            continue
        if not _WORD_CHARACTER.search(phrase):
            continue
        if chunk["minus"]:
            excluded.append(phrase)
        elif next_is_alternative:
            groups[-1] = (*groups[-1], phrase)
        else:
            groups.append((phrase,))
        next_is_alternative = False
    return SearchQuery(
        text=text,
        groups=tuple(groups),
        excluded=tuple(excluded),
        was_shortened=len(raw) > MAX_QUERY_LENGTH,
    )


@dataclass
class SearchFilters:
    """The search page's parameters, each checked against what it may be."""

    query: SearchQuery
    section: Section | None = None
    date_from: date | None = None
    date_to: date | None = None
    messages: list[str] = field(default_factory=list)


# Far from datetime's limits, so that converting a day's start between time
# zones never overflows.
EARLIEST_DATE, LATEST_DATE = date(1000, 1, 1), date(9000, 12, 31)


def _parse_date(value: str) -> date:
    """A YYYY-MM-DD date whose day, in any time zone, is a valid datetime."""
    if not _DATE.fullmatch(value):
        raise ValueError(value)
    day = date.fromisoformat(value)
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValueError(value)
    return day


def read_filters(params, sections: Iterable[Section]) -> SearchFilters:
    """Search parameters from a query string: ``q``, ``section``, ``from``, ``to``.

    A section is looked up among ``sections`` by slug (an unknown one is
    ignored); a date that is not a real YYYY-MM-DD date is ignored with a
    message. Nothing from the request reaches a queryset as a lookup name.
    """
    query = parse_query(params.get("q", ""))
    filters = SearchFilters(query=query)
    if query.was_shortened:
        filters.messages.append(
            _("Only the first %(count)s characters of your search were used.")
            % {"count": MAX_QUERY_LENGTH}
        )
    by_slug = {section.slug: section for section in sections}
    filters.section = by_slug.get(params.get("section", ""))
    for name, label, attribute in (
        ("from", _("From"), "date_from"),
        ("to", _("To"), "date_to"),
    ):
        value = params.get(name, "").strip()
        if not value:
            continue
        try:
            setattr(filters, attribute, _parse_date(value))
        except ValueError:
            filters.messages.append(
                _(
                    "The “%(label)s” date was ignored: give a real date as "
                    "YYYY-MM-DD, for example 2025-03-31."
                )
                % {"label": label}
            )
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        filters.date_from, filters.date_to = filters.date_to, filters.date_from
        filters.messages.append(
            _("The dates were the wrong way round, so they were swapped.")
        )
    return filters
