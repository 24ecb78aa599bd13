"""Queries the reader site needs, so views, feeds and sitemaps never repeat filters."""

from django.db import models
from django.db.models import DurationField, ExpressionWrapper, F, Min, Q

from articles import clock, internals


def live_condition(*, at=None, through: str = "") -> Q:
    """The condition for a story readers may see now (or at ``at``).

    Visibility is decided at read time, so a scheduled story goes live on the
    minute without a cron job. "Now" is the time authority's
    (``clock.sql_now()``: on PostgreSQL the database's own clock, in this
    SQL). A story whose going live is recorded (``went_live_at``) stays live
    from that record until it expires or is withdrawn, so a clock stepping
    back never re-hides it; one not yet recorded is live once its publish
    time and any embargo have passed.

    This is the only definition of "live"; ``published()`` applies it, and a
    query of another model applies it ``through`` its relation to the story
    (``through="article"``), as a join. ``is_live_at`` below reads the same
    rule for one loaded story, and a property test holds the two equal.
    """
    now = clock.sql_now() if at is None else at
    story = f"{through}__" if through else ""
    return (
        Q(**{f"{story}live_revision__isnull": False})
        & (
            Q(**{f"{story}expire_at__isnull": True})
            | Q(**{f"{story}expire_at__gt": now})
        )
        & (Q(**{f"{story}went_live_at__isnull": False}) | _time_has_come(story, now))
    )


def _time_has_come(story: str, now) -> Q:
    return Q(**{f"{story}publish_at__lte": now}) & (
        Q(**{f"{story}embargo_until__isnull": True})
        | Q(**{f"{story}embargo_until__lte": now})
    )


def is_live_at(story, at) -> bool:
    """``live_condition`` for one loaded story (``Article.is_live``)."""
    return (
        story.live_revision_id is not None
        and (story.expire_at is None or story.expire_at > at)
        and (
            story.went_live_at is not None
            or (
                story.publish_at is not None
                and story.publish_at <= at
                and (story.embargo_until is None or story.embargo_until <= at)
            )
        )
    )


def due_to_go_live(at=None) -> Q:
    """Approved stories live by the clock whose going live is not recorded yet
    (``ArticleQuerySet.record_went_live``)."""
    now = clock.sql_now() if at is None else at
    return (
        Q(went_live_at__isnull=True, live_revision__isnull=False)
        & _time_has_come("", now)
        & (Q(expire_at__isnull=True) | Q(expire_at__gt=now))
    )


# What a story card shows (``for_listing()``): the story's address, headline,
# standfirst and time, its section, and its lead photo's renditions.
CARD_FIELDS = (
    "headline",
    "slug",
    "standfirst",
    "publish_at",
    "created_at",
    "section__name",
    "section__slug",
    "lead_image__file",
    "lead_image__width",
    "lead_image__height",
    "lead_image__alt_text",
    "lead_image__renditions",
)

# How many of the newest stories carrying each of a story's tags "related
# stories" ranks.
RELATED_CANDIDATES_PER_TAG = 150


class ArticleQuerySet(models.QuerySet):
    def published(self, *, at=None):
        """Stories readers may see now (or at ``at``): see ``live_condition``."""
        return self.filter(live_condition(at=at))

    def next_visibility_change(self):
        """Seconds until the next moment an approved story appears or
        disappears by the clock (a publish, embargo or expiry time of
        ``live_condition`` passing), or None; one query, measured against the
        time authority's "now" inside it."""
        now = clock.sql_now()
        until = {
            "publish": ("publish_at", Q(went_live_at__isnull=True)),
            "embargo": ("embargo_until", Q(went_live_at__isnull=True)),
            "expire": ("expire_at", Q()),
        }
        upcoming = self.filter(live_revision__isnull=False).aggregate(
            **{
                name: Min(
                    ExpressionWrapper(F(field) - now, output_field=DurationField()),
                    filter=condition & Q(**{f"{field}__gt": now}),
                )
                for name, (field, condition) in until.items()
            }
        )
        waits = [value for value in upcoming.values() if value is not None]
        return min(waits).total_seconds() if waits else None

    def record_went_live(self) -> int:
        """Record that approved stories live by the clock went live, at their
        publish time, in one conditional UPDATE measured against the time
        authority; from then on the record keeps them live. Returns how many."""
        return self.filter(due_to_go_live()).update(went_live_at=F("publish_at"))

    # Prefetches go into plain list attributes (``to_attr``): Django then builds
    # no queryset per story to hold them, which on a page of cards costs more
    # than the prefetch query itself.

    def for_listing(self):
        """Everything a story card renders, fetched in a fixed number of queries.

        Only the columns a card shows are read: building, compiling and
        loading the other forty (the body, the lead photo's crops and
        provenance) cost a listing more than running its query.
        """
        return (
            self.select_related("section", "lead_image")
            .with_bylines()
            .only(*CARD_FIELDS)
        )

    def with_bylines(self):
        """Each story's bylines with their authors, in order, as
        ``prefetched_bylines`` (read by ``ordered_authors`` and ``written_by``)."""
        byline_model = self.model._meta.get_field("bylines").related_model
        bylines = byline_model.objects.select_related("author").order_by("order", "pk")
        return self.prefetch_related(
            models.Prefetch("bylines", queryset=bylines, to_attr="prefetched_bylines")
        )

    def for_feed(self):
        """A listing with what feed entries add: tags, times and photo captions."""
        return self.for_story_page().defer("body")

    def with_tags(self):
        """Each story's tags, for ``Article.tag_list``, in one query."""
        links = self.model.tags.through.objects.select_related("tag").order_by("pk")
        return self.prefetch_related(
            models.Prefetch(
                "tagged_items", queryset=links, to_attr="prefetched_tag_links"
            )
        )

    def for_story_page(self):
        return self.for_listing().defer(None).with_tags()

    def newest_first(self):
        return self.order_by("-publish_at", "-pk")

    def in_section(self, section):
        return self.filter(section=section)

    def tagged(self, tag):
        """Stories carrying ``tag`` (a tag or its id)."""
        return self.filter(tags=tag)

    def by_author(self, author):
        return self.filter(bylines__author=author)

    def listing(self, kind: str, key=None):
        """The stories of one of the reader's listings (``LISTINGS``)."""
        return LISTINGS[kind](self, key)

    def related_to(
        self,
        story_id: int,
        tag_ids: list[int],
        *,
        at=None,
        limit=4,
        candidates=RELATED_CANDIDATES_PER_TAG,
    ):
        """Live stories sharing the most of ``tag_ids`` with story ``story_id``,
        newest first on ties.

        Only the ``candidates`` newest stories carrying each of the story's
        tags are ranked, each read by a short index range scan: a tag on
        thousands of stories would otherwise make every story page that
        carries it read all of them, so the cost does not grow with the
        archive. The stories in most of those lists are chosen, and shown by
        how many of the tags they carry.
        """
        if not tag_ids:
            return self.none()
        through = self.model.tags.through
        live = self.published(at=at)
        newest = NewestTaggedStories(through, tag_ids, story_id, candidates)
        chosen = MostListedStories(
            newest, live.order_by().values("pk", "publish_at"), limit
        )
        return (
            live.filter(pk__in=chosen)
            .annotate(shared_tags=SharedTagCount(through, tag_ids))
            .order_by("-shared_tags", "-publish_at")[:limit]
        )


class TagLinkExpression(models.Expression):
    """SQL written out over the story-tag link table for ``tag_ids``.

    Only quoted names and placeholders are formatted into the SQL; ids and
    limits travel as parameters.
    """

    def __init__(self, through, tag_ids: list[int]):
        super().__init__()
        self.through = through
        self.tag_ids = list(tag_ids)

    def link_names(self, connection) -> tuple[str, str, str]:
        """The quoted link table and its story and tag columns."""
        quote = connection.ops.quote_name
        meta = self.through._meta
        return (
            quote(meta.db_table),
            quote(meta.get_field("content_object").column),
            quote(meta.get_field("tag").column),
        )


class SharedTagCount(TagLinkExpression):
    """How many of ``tag_ids`` each story carries, counted beside its row.

    The same count as grouping the card's row by story over a join with its
    tag links, but without the grouping: grouping by every column of the
    story, section and photo cost more to compile and run than the ranking.
    """

    output_field = models.IntegerField()

    def as_sql(self, compiler, connection):
        table, story_column, tag_column = self.link_names(connection)
        story = internals.outer_table(compiler)
        story_id = internals.outer_pk_column(compiler, connection)
        placeholders = ", ".join(["%s"] * len(self.tag_ids))
        sql = (
            f"(SELECT COUNT(*) FROM {table} AS link"  # noqa: S608
            f" WHERE link.{story_column} = {story}.{story_id}"
            f" AND link.{tag_column} IN ({placeholders}))"
        )
        return sql, self.tag_ids


class NewestTaggedStories(TagLinkExpression):
    """The ``per_tag`` newest stories carrying each of ``tag_ids`` (but not
    story ``exclude``), as a subquery for ``pk__in``.

    One short backward range scan of the tag-and-story index per tag, joined
    with UNION ALL. Written out rather than compiled from a queryset per tag:
    on a story page, compiling them cost more than running them.
    """

    output_field = models.BigIntegerField()

    def __init__(self, through, tag_ids: list[int], exclude: int, per_tag: int):
        super().__init__(through, tag_ids)
        self.exclude = exclude
        self.per_tag = per_tag

    def as_sql(self, compiler, connection):
        table, story_column, tag_column = self.link_names(connection)
        # SQLite allows ORDER BY and LIMIT in a UNION's parts only inside a
        # subquery, hence the wrapping.
        part = (
            f"SELECT * FROM (SELECT {story_column} FROM {table}"  # noqa: S608
            f" WHERE {tag_column} = %s AND {story_column} <> %s"
            f" ORDER BY {story_column} DESC LIMIT %s) AS newest_{{}}"
        )
        sql = " UNION ALL ".join(
            part.format(index) for index in range(len(self.tag_ids))
        )
        params = [
            value
            for tag_id in self.tag_ids
            for value in (tag_id, self.exclude, self.per_tag)
        ]
        return f"({sql})", params


class MostListedStories(models.Expression):
    """The ids of the ``limit`` stories of ``live`` found in most of the
    lists of ``newest``, newest first on ties, as a subquery for ``pk__in``.

    A story is chosen by how many of the story's tags list it among their
    newest stories, in one grouping of the lists before any card column is
    read: on PostgreSQL at 100 000 stories 2.9 against 6.1 ms a story page,
    on SQLite 0.77 against 1.26 ms, against ranking every candidate's row by
    all the tags it carries. The two differ only for a story carrying a tag
    among whose newest it is not; counting its other tags too (one more
    join) gave back most of the time on PostgreSQL and all of it on SQLite.
    """

    output_field = models.BigIntegerField()

    def __init__(self, newest: NewestTaggedStories, live, limit: int):
        super().__init__()
        self.newest, self.live, self.limit = newest, live, limit

    def as_sql(self, compiler, connection):
        quote = connection.ops.quote_name
        lists_sql, lists_params = self.newest.as_sql(compiler, connection)
        live_sql, live_params = internals.queryset_sql(self.live, connection)
        _table, story_column, _tag = self.newest.link_names(connection)
        # ``live`` selects ``values("pk", "publish_at")``, so named.
        story_id, published = quote("pk"), quote("publish_at")
        sql = (
            f"(SELECT ranked.story FROM (SELECT link.{story_column} AS story,"  # noqa: S608 (quoted names and Django's SQL)
            f" COUNT(*) AS listed, MAX(live.{published}) AS newest"
            f" FROM {lists_sql} AS link"
            f" JOIN ({live_sql}) AS live ON live.{story_id} = link.{story_column}"
            f" GROUP BY link.{story_column}"
            f" ORDER BY listed DESC, newest DESC, link.{story_column} DESC"
            f" LIMIT %s) AS ranked)"
        )
        return sql, (*lists_params, *live_params, self.limit)


# The reader's listings: the live stories of the site, of one section, tag or
# author (each given as an object or an id). Pages, feeds, sitemaps and the
# compiled reader queries all narrow through this one table.
LISTINGS = {
    "all": lambda stories, key: stories,
    "section": ArticleQuerySet.in_section,
    "tag": ArticleQuerySet.tagged,
    "author": ArticleQuerySet.by_author,
}
