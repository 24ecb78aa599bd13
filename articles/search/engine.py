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

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from itertools import islice

from django.db import connection, transaction
from django.db.models import (
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from taggit.models import Tag

from articles.models import Article, Author, Image, Section
from articles.search.documents import MARK_START, MARK_STOP
from articles.search.postgres import PostgresBackend
from articles.search.query import (
    EARLIEST_DATE,
    LATEST_DATE,
    SearchQuery,
    parse_query,
)
from articles.search.sqlite import SqliteBackend

INDEX_BATCH_SIZE = 500


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
    if escaped.count(MARK_START) != escaped.count(MARK_STOP):
        escaped = escaped.replace(MARK_START, "").replace(MARK_STOP, "")
    marked = escaped.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    return mark_safe(marked)  # noqa: S308 (everything but the marks was escaped)


def _hit(story: Article, marked: dict | None) -> SearchHit:
    """The headline, and the first of standfirst, body and caption with a match."""
    marked = marked or {}
    headline = marked.get("headline") or story.headline
    excerpt = next(
        (
            marked[part]
            for part in ("standfirst", "body", "caption")
            if MARK_START in (marked.get(part) or "")
        ),
        story.standfirst,
    )
    return SearchHit(
        story=story, headline=_marked_html(headline), excerpt=_marked_html(excerpt)
    )


_BACKENDS = {"postgresql": PostgresBackend, "sqlite": SqliteBackend}


def _backend():
    try:
        return _BACKENDS[connection.vendor]()
    except KeyError:
        raise NotImplementedError(
            f"Reader search supports PostgreSQL and SQLite, not {connection.vendor}."
        ) from None


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
