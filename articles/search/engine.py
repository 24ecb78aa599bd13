"""Reader search: one interface over two full-text backends.

``search()`` turns what a reader typed into live stories ranked by relevance,
headline matches first, and ``SearchResults.highlight()`` marks where the
words matched on one page of them. The backend follows the database:

* PostgreSQL: a weighted ``tsvector`` column, ``articles_article.search_vector``
  (added by migration 0005, outside the model so no query ever loads it), with
  a GIN index; queries go through ``websearch_to_tsquery``, which accepts any
  input without raising, and ``ts_rank_cd``, which ranks a bounded set of
  candidates (see ``PostgresBackend``); ``ts_headline`` runs only on the page
  shown.
* SQLite: an FTS5 table, ``articles_search``, with the Porter stemmer, ranked
  by ``bm25`` with per-column weights. Reader input never reaches ``MATCH`` as
  syntax: every phrase is quoted as an FTS5 string.

The index holds the approved content of approved stories only (the row holds
exactly that once a story is approved; pending edits live in revisions), and
every query still starts from ``Article.objects.published()``, so scheduled,
expired, embargoed and withdrawn stories never appear. Signal handlers below
(connected in ``articles.signals``) re-index a story after any change to what
its document is built from, once the change commits.
"""

import html
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from itertools import islice

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    FloatField,
    Func,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.expressions import Expression, RawSQL
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from taggit.models import Tag

from articles import clock
from articles.models import Article, Author, Image, Section
from articles.text import clean_text, html_to_text

# Longer input is cut before it is parsed: no real query needs more, and
# parsers must never see unbounded input (CVE-2024-39317 in Wagtail).
MAX_QUERY_LENGTH = 200
INDEX_BATCH_SIZE = 500

# Stored text is cleaned of C0 controls on save (``articles.text``), so these
# can only come from the highlighter: they are swapped for <mark> after the
# text around them is escaped.
_START, _STOP = "\x02", "\x03"

# Reader syntax, as in web search engines: "a phrase", -excluded, this or that.
_CHUNK = re.compile(r'(?P<minus>-?)(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')
_WORD_CHARACTER = re.compile(r"[^\W_]")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Far from datetime's limits, so that converting a day's start between time
# zones never overflows.
EARLIEST_DATE, LATEST_DATE = date(1000, 1, 1), date(9000, 12, 31)


# --- Reading the query -----------------------------------------------------------


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


# --- Searching ---------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    """One story on the results page, with the matched words marked."""

    story: Article
    headline: SafeString
    excerpt: SafeString


@dataclass
class SearchResults:
    """``stories`` holds at most about twice ``candidate_limit`` stories, when set;
    ``count`` is how many, when the backend knows it without counting again."""

    query: SearchQuery
    stories: QuerySet
    candidate_limit: int | None = None
    count: int | None = None

    def highlight(self, stories: Iterable[Article]) -> list[SearchHit]:
        """Hits for one page of ``stories``, in one query whatever the page size."""
        stories = list(stories)
        if not stories:
            return []
        marked = _backend().highlights(self.query, stories)
        return [_hit(story, marked.get(story.pk)) for story in stories]


def search(
    query: str | SearchQuery,
    *,
    section: Section | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> SearchResults:
    """Live stories matching ``query``, most relevant first (newest first on ties).

    ``date_from`` and ``date_to`` are inclusive days in the site's time zone.
    The result is a lazy queryset: the caller paginates it.
    """
    if not isinstance(query, SearchQuery):
        query = parse_query(query)
    if not query.is_searchable:
        return SearchResults(query=query, stories=Article.objects.none())
    stories = Article.objects.published()
    if section is not None:
        stories = stories.in_section(section)
    if date_from is not None:
        day = max(date_from, EARLIEST_DATE)
        stories = stories.filter(publish_at__gte=_start_of(day))
    if date_to is not None:
        day_after = min(date_to, LATEST_DATE) + timedelta(days=1)
        stories = stories.filter(publish_at__lt=_start_of(day_after))
    backend = _backend()
    stories, count = backend.match(stories, query)
    return SearchResults(
        query=query,
        stories=stories.for_listing().order_by("-search_rank", "-publish_at", "-pk"),
        candidate_limit=backend.candidate_limit,
        count=count,
    )


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _marked_html(text: str) -> SafeString:
    """Escape stored text, then turn the highlighter's markers into <mark>."""
    escaped = str(escape(text or ""))
    if escaped.count(_START) != escaped.count(_STOP):
        escaped = escaped.replace(_START, "").replace(_STOP, "")
    marked = escaped.replace(_START, "<mark>").replace(_STOP, "</mark>")
    return mark_safe(marked)  # noqa: S308 (everything but the marks was escaped)


def _hit(story: Article, marked: dict | None) -> SearchHit:
    """The headline, and the first of standfirst, body and caption with a match."""
    marked = marked or {}
    headline = marked.get("headline") or story.headline
    excerpt = next(
        (
            marked[part]
            for part in ("standfirst", "body", "caption")
            if _START in (marked.get(part) or "")
        ),
        story.standfirst,
    )
    return SearchHit(
        story=story, headline=_marked_html(headline), excerpt=_marked_html(excerpt)
    )


# --- Backends ----------------------------------------------------------------------


class StoryColumn(Expression):
    """A column of the story table that the model does not declare.

    Unlike ``RawSQL``, it follows the table's alias when Django nests the
    query as a subquery.
    """

    def __init__(self, name: str):
        super().__init__(output_field=TextField())
        self.name = name

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.{connection.ops.quote_name(self.name)}", []


class PostgresBackend:
    """A weighted ``tsvector`` column on the story row, with a GIN index.

    Weights: A headline; B standfirst and tags; C body, authors, section,
    and the captions and credits of the lead, gallery and body photos.
    Stories that are not approved hold NULL.

    Ranking reads each candidate's whole document, so for words found in
    thousands of stories only the newest ``candidate_limit`` matches are
    ranked, together with the newest ``candidate_limit`` headline matches
    (found through a second, small GIN index on the headline): a story with
    the words in its headline is never crowded out by recent passing mentions.

    Finding the newest matches visits every match (or, walking the date
    index, every story until enough match), so they are looked for first
    among the last ``recent_days`` of stories, and only where that gives too
    few among the older ones: the same stories, at a fraction of the rows
    read for common words.
    """

    candidate_limit = 200
    recent_days = 30

    def match(self, stories: QuerySet, query: SearchQuery) -> tuple[QuerySet, int]:
        """The candidates, ranked, and how many there are: they were found
        among ``stories`` already, so the count needs no second query."""
        tsquery = Func(
            Value(query.as_websearch()),
            template="websearch_to_tsquery('english', %(expressions)s)",
        )
        vector = StoryColumn("search_vector")
        headline_vector = StoryColumn("headline_vector")
        branches = {
            "document": stories.filter(_matches(vector, tsquery)),
            # A headline match is a document match (the headline is part of
            # the document), so only the small headline vector is read.
            "headline": stories.filter(
                _matches(headline_vector, tsquery), _is_indexed(vector)
            ),
        }
        # Found once here, rather than again by the page's count and by the
        # page itself: finding them is the expensive part of a search.
        with planned_for_their_values():
            candidate_ids = set(self._newest_matches(branches))
        rank = Func(vector, tsquery, function="ts_rank_cd", output_field=FloatField())
        ranked = stories.filter(_is_one_of(StoryColumn("id"), candidate_ids))
        return ranked.annotate(search_rank=rank), len(candidate_ids)

    def _newest_matches(self, branches: dict[str, QuerySet]) -> Iterator[int]:
        """The ids of each branch's newest ``candidate_limit`` stories: one
        query over the recent window, a second for branches it left short."""
        cutoff = clock.now() - timedelta(days=self.recent_days)
        wanted = dict.fromkeys(branches, self.candidate_limit)
        for window in (Q(publish_at__gte=cutoff), Q(publish_at__lt=cutoff)):
            parts = [
                branches[name]
                .filter(window)
                .order_by("-publish_at", "-pk")
                .annotate(branch=Value(name))
                .values_list("branch", "pk")[:limit]
                for name, limit in wanted.items()
                if limit
            ]
            if not parts:
                return
            for name, story_id in parts[0].union(*parts[1:], all=True):
                wanted[name] -= 1
                yield story_id

    def highlights(self, query: SearchQuery, stories: list[Article]) -> dict[int, dict]:
        whole = f"HighlightAll=true, StartSel={_START}, StopSel={_STOP}"
        fragments = (
            f"MaxFragments=2, MaxWords=30, MinWords=12, StartSel={_START}, "
            f'StopSel={_STOP}, FragmentDelimiter=" … "'
        )
        params = [whole, whole, fragments, fragments, query.as_websearch()]
        params.append([story.pk for story in stories])
        with connection.cursor() as cursor:
            cursor.execute(_POSTGRES_HIGHLIGHT_SQL, params)
            return {
                story_id: _parts(
                    (headline, standfirst, _html_fragment_text(body), caption)
                )
                for story_id, headline, standfirst, body, caption in cursor.fetchall()
            }

    def index(self, article_ids: list[int]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(_POSTGRES_INDEX_SQL, [article_ids])

    def prune(self) -> None:
        """Nothing to do: the document is deleted with its row."""


# The captions and credits of a story's gallery and body photos (the story's
# own, or else the library's), as one text per story.
_PHOTO_CAPTIONS_SQL = """
SELECT {aggregate}(trim(
           coalesce(nullif(placement.caption, ''), photo.caption, '') || ' '
           || coalesce(nullif(placement.credit, ''), photo.credit, '')), ' ')
       AS captions
FROM articles_storyimage AS placement
JOIN articles_image AS photo ON photo.id = placement.image_id
WHERE placement.article_id = article.id
"""


@contextmanager
def planned_for_their_values():
    """The queries run inside are not prepared on the connection, so
    PostgreSQL plans each for the values it is run with.

    Statements are otherwise prepared once a connection has run them five
    times (see ``DATABASE_PREPARED_STATEMENTS``), and PostgreSQL may then run
    them from a generic plan made without the values: for the newest matches
    of a search, a plan that cannot see how common the words are. A search
    for a common word took 16 ms on it against 2 ms planned for the word.
    """
    connection.ensure_connection()
    driver_connection = connection.connection
    threshold = driver_connection.prepare_threshold
    driver_connection.prepare_threshold = None
    try:
        yield
    finally:
        driver_connection.prepare_threshold = threshold


# Fragments of the body come out of ts_headline without their tags (its
# parser knows HTML) but with entities, which _html_fragment_text decodes.
_POSTGRES_HIGHLIGHT_SQL = """
SELECT article.id,
       ts_headline('english', article.headline, q, %s),
       ts_headline('english', article.standfirst, q, %s),
       ts_headline('english', article.body, q, %s),
       ts_headline('english', concat_ws(' ',
                   coalesce(nullif(article.lead_image_caption, ''), image.caption),
                   coalesce(nullif(article.lead_image_credit, ''), image.credit),
                   photos.captions),
                   q, %s)
FROM articles_article AS article
LEFT JOIN articles_image AS image ON image.id = article.lead_image_id
LEFT JOIN LATERAL ({photo_captions}) AS photos ON true,
     websearch_to_tsquery('english', %s) AS q
WHERE article.id = ANY(%s)
""".format(photo_captions=_PHOTO_CAPTIONS_SQL.format(aggregate="string_agg"))  # noqa: S608 (constant SQL)

_POSTGRES_INDEX_SQL = """
UPDATE articles_article AS story
SET search_vector = document.vector
FROM (
    SELECT article.id,
           CASE WHEN article.live_revision_id IS NOT NULL THEN
               setweight(to_tsvector('english', article.headline), 'A')
               || setweight(to_tsvector('english', concat_ws(' ',
                      article.standfirst, tags.names)), 'B')
               || setweight(to_tsvector('english', concat_ws(' ',
                      article.body, authors.names, section.name,
                      coalesce(nullif(article.lead_image_caption, ''), image.caption),
                      coalesce(nullif(article.lead_image_credit, ''), image.credit),
                      photos.captions
                  )), 'C')
           END AS vector
    FROM articles_article AS article
    JOIN articles_section AS section ON section.id = article.section_id
    LEFT JOIN articles_image AS image ON image.id = article.lead_image_id
    LEFT JOIN LATERAL (
        SELECT string_agg(tag.name, ' ') AS names
        FROM articles_taggedarticle AS tagged
        JOIN taggit_tag AS tag ON tag.id = tagged.tag_id
        WHERE tagged.content_object_id = article.id
    ) AS tags ON true
    LEFT JOIN LATERAL (
        SELECT string_agg(author.name, ' ') AS names
        FROM articles_byline AS byline
        JOIN articles_author AS author ON author.id = byline.author_id
        WHERE byline.article_id = article.id
    ) AS authors ON true
    LEFT JOIN LATERAL ({photo_captions}) AS photos ON true
    WHERE article.id = ANY(%s)
) AS document
WHERE story.id = document.id
  AND story.search_vector IS DISTINCT FROM document.vector
""".format(photo_captions=_PHOTO_CAPTIONS_SQL.format(aggregate="string_agg"))  # noqa: S608 (constant SQL)


class SqliteBackend:
    """An FTS5 table with its own copy of each approved story's text, by story id.

    The body is indexed as plain text (``html_to_text``, registered as an SQL
    function), so tag names and link addresses never match. FTS5 ranks every
    match once, inside its own index; the best ``candidate_limit`` are kept,
    so a word found in every story costs one pass, not one ranking per row.
    """

    candidate_limit = 500

    def match(self, stories: QuerySet, query: SearchQuery) -> tuple[QuerySet, None]:
        """The best-scored matches, ranked; FTS5 does not know which are live,
        so how many are left is for the page's own count."""
        # bm25 weights in column order (headline, standfirst, tags, body,
        # authors, section, caption): the headline counts most. bm25 is lower
        # for better matches, so it is negated: higher ranks first on both
        # backends.
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT rowid, -bm25(articles_search, 10.0, 4.0, 4.0, 1.0, 1.0, 1.0, 1.0)
                   AS score FROM articles_search WHERE articles_search MATCH %s
                   ORDER BY score DESC LIMIT %s""",
                [query.as_fts5(), self.candidate_limit],
            )
            ranked = cursor.fetchall()
        matching = [story_id for story_id, _score in ranked]
        scored = stories.filter(pk__in=matching).annotate(
            search_rank=_score_by_id(stories.model, ranked)
        )
        return scored, None

    def highlights(self, query: SearchQuery, stories: list[Article]) -> dict[int, dict]:
        ids = [story.pk for story in stories]
        placeholders = ", ".join(["%s"] * len(ids))
        sql = f"""
            SELECT rowid,
                   highlight(articles_search, 0, %s, %s),
                   highlight(articles_search, 1, %s, %s),
                   snippet(articles_search, 3, %s, %s, '…', 30),
                   snippet(articles_search, 6, %s, %s, '…', 30)
            FROM articles_search
            WHERE articles_search MATCH %s AND rowid IN ({placeholders})
        """  # noqa: S608 (constant SQL; every value is a parameter)
        params = [_START, _STOP] * 4 + [query.as_fts5(), *ids]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {row[0]: _parts(row[1:]) for row in cursor.fetchall()}

    def index(self, article_ids: list[int]) -> None:
        _register_sqlite_functions()
        placeholders = ", ".join(["%s"] * len(article_ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM articles_search WHERE rowid IN ({placeholders})",  # noqa: S608
                article_ids,
            )
            cursor.execute(
                _SQLITE_INDEX_SQL.format(placeholders=placeholders), article_ids
            )

    def prune(self) -> None:
        """Drop the documents of stories that no longer exist."""
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM articles_search "
                "WHERE rowid NOT IN (SELECT id FROM articles_article)"
            )


_SQLITE_INDEX_SQL = """
INSERT INTO articles_search
    (rowid, headline, standfirst, tags, body, authors, section, caption)
SELECT article.id, article.headline, article.standfirst,
       (SELECT group_concat(tag.name, ' ')
        FROM articles_taggedarticle AS tagged
        JOIN taggit_tag AS tag ON tag.id = tagged.tag_id
        WHERE tagged.content_object_id = article.id),
       newsroom_html_to_text(article.body),
       (SELECT group_concat(author.name, ' ')
        FROM articles_byline AS byline
        JOIN articles_author AS author ON author.id = byline.author_id
        WHERE byline.article_id = article.id),
       section.name,
       trim(coalesce(nullif(article.lead_image_caption, ''), image.caption, '')
            || ' '
            || coalesce(nullif(article.lead_image_credit, ''), image.credit, '')
            || ' '
            || coalesce(({photo_captions}), ''))
FROM articles_article AS article
JOIN articles_section AS section ON section.id = article.section_id
LEFT JOIN articles_image AS image ON image.id = article.lead_image_id
WHERE article.live_revision_id IS NOT NULL AND article.id IN ({placeholders})
""".format(  # noqa: S608 (constant SQL; ids are parameters)
    placeholders="{placeholders}",
    photo_captions=_PHOTO_CAPTIONS_SQL.format(aggregate="group_concat"),
)


def _score_by_id(model, ranked: list[tuple[int, float]]) -> RawSQL:
    """``CASE id WHEN … THEN score … END``: FTS5's scores as a column.

    Written as one SQL string: the same CASE built from hundreds of ``When``
    expressions costs more to compile than the search itself.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    whens = " ".join(["WHEN %s THEN %s"] * len(ranked))
    params = [value for pair in ranked for value in pair]
    # Only placeholders and the quoted table name are formatted in; ids and
    # scores travel as parameters.
    return RawSQL(  # noqa: S611
        f"CASE {table}.id {whens} ELSE 0.0 END" if ranked else "0.0",
        params,
        output_field=FloatField(),
    )


def _register_sqlite_functions() -> None:
    connection.ensure_connection()
    connection.connection.create_function(
        "newsroom_html_to_text", 1, html_to_text, deterministic=True
    )


def _html_fragment_text(fragment: str) -> str:
    return " ".join(html.unescape(fragment).split())


def _matches(vector, tsquery) -> Func:
    return Func(
        vector,
        tsquery,
        template="%(expressions)s",
        arg_joiner=" @@ ",
        output_field=BooleanField(),
    )


def _is_indexed(vector) -> Func:
    return Func(
        vector, template="%(expressions)s IS NOT NULL", output_field=BooleanField()
    )


class _is_one_of(Func):  # noqa: N801 (used like the functions beside it)
    """``column = ANY(%s)`` with the ids as one array parameter: the same
    ``IN`` list of hundreds of placeholders costs more to format and plan
    than ranking the stories it names."""

    template = "%(expressions)s = ANY(%%s)"
    output_field = BooleanField()

    def __init__(self, column, ids: list[int]):
        super().__init__(column)
        self.ids = list(ids)

    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, **extra)
        return sql, (*params, self.ids)


def _parts(row) -> dict:
    return dict(zip(("headline", "standfirst", "body", "caption"), row, strict=True))


_BACKENDS = {"postgresql": PostgresBackend, "sqlite": SqliteBackend}


def _backend():
    try:
        return _BACKENDS[connection.vendor]()
    except KeyError:
        raise NotImplementedError(
            f"Reader search supports PostgreSQL and SQLite, not {connection.vendor}."
        ) from None


# --- Keeping the index up to date ----------------------------------------------------


def _batched(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    iterator = iter(ids)
    while batch := list(islice(iterator, size)):
        yield batch


def update_search_index(article_ids: Iterable[int]) -> int:
    """Make the index match the stored rows of these stories.

    Approved stories get their document (re)built; stories that are not
    approved, or no longer exist, leave the index. Works in batches of bulk
    SQL, so a whole section or the whole archive can go through it.
    """
    backend = _backend()
    count = 0
    for batch in _batched(article_ids, INDEX_BATCH_SIZE):
        with transaction.atomic():
            backend.index(batch)
        count += len(batch)
    return count


def rebuild_search_index(*, batch_size: int = INDEX_BATCH_SIZE, progress=None) -> int:
    """Rebuild every story's document; ``progress(done, total)`` after each batch."""
    backend = _backend()
    backend.prune()
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for done, batch in enumerate(_batched(ids, batch_size), start=1):
        with transaction.atomic():
            backend.index(batch)
        if progress:
            progress(min(done * batch_size, len(ids)), len(ids))
    return len(ids)


def index_after_commit(article_ids) -> None:
    """Re-index once the transaction commits, when bylines and tags are final.

    ``article_ids`` may be a lazy queryset: it is evaluated at commit time.
    """
    transaction.on_commit(partial(update_search_index, article_ids))


# Saves of a story that change none of these leave its document as it was.
_INDEXED_ARTICLE_FIELDS = {
    "headline",
    "standfirst",
    "body",
    "section",
    "lead_image",
    "lead_image_caption",
    "lead_image_credit",
    "live_revision",
}

# What a story's document takes from related rows, and how to find those stories.
_INDEXED_RELATED_FIELDS = {
    Section: ("name",),
    Author: ("name",),
    Tag: ("name",),
    Image: ("caption", "credit"),
}
_STORIES_USING = {
    Section: ("section",),
    Author: ("bylines__author",),
    Tag: ("tagged_items__tag",),
    Image: ("lead_image", "story_images__image"),
}


def index_saved_article(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields is not None and not _INDEXED_ARTICLE_FIELDS & set(update_fields):
        return
    index_after_commit([instance.pk])


def index_deleted_article(sender, instance, **kwargs) -> None:
    index_after_commit([instance.pk])


def index_byline_story(sender, instance, **kwargs) -> None:
    index_after_commit([instance.article_id])


def index_tagged_story(sender, instance, **kwargs) -> None:
    index_after_commit([instance.content_object_id])


def index_photo_story(sender, instance, **kwargs) -> None:
    """A gallery or body photo placed, moved or removed (approval replaces
    them in bulk and re-indexes the story itself)."""
    index_after_commit([instance.article_id])


def index_retagged_stories(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """``story.tags`` changed (or, from the tag's side, the stories in ``pk_set``)."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    index_after_commit((pk_set or ()) if reverse else [instance.pk])


def remember_indexed_values(sender, instance, raw=False, **kwargs) -> None:
    """Before a section, author, tag or photo is saved, note what the index holds."""
    if raw or instance.pk is None:
        return
    fields = _INDEXED_RELATED_FIELDS[sender]
    stored = sender._default_manager.filter(pk=instance.pk).values_list(*fields)
    instance._indexed_values = stored.first()


def index_stories_using(sender, instance, created=False, raw=False, **kwargs) -> None:
    """After a rename (or a new caption or credit), re-index the stories showing it.

    Only approved stories are in the index; a save that changed nothing the
    index holds (a section's menu order, a photo's focal point) costs nothing.
    """
    if created or raw:
        return
    fields = _INDEXED_RELATED_FIELDS[sender]
    if getattr(instance, "_indexed_values", None) == tuple(
        getattr(instance, name) for name in fields
    ):
        return
    using = Q()
    for lookup in _STORIES_USING[sender]:
        using |= Q(**{lookup: instance})
    stories = Article.objects.filter(using, live_revision__isnull=False)
    index_after_commit(stories.order_by("pk").values_list("pk", flat=True).distinct())
