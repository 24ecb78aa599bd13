"""What the story page, the listings and the menu read, through queries
compiled once.

Each query below is an ordinary queryset from ``querysets.py`` (``published()``
decides what is live, as everywhere), compiled once per connection by
``articles.delivery.compiled``. The rows are loaded into the same instances, with the
same prefetched lists, that ``for_story_page()`` and ``for_listing()`` give,
so templates and helpers cannot tell the difference.
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Value
from django.db.models.expressions import RawSQL
from taggit.models import Tag

from articles import clock
from articles.delivery import dependencies as keys
from articles.delivery.compiled import RowLayout, compiled_query
from articles.models import (
    Article,
    Author,
    Byline,
    Correction,
    Section,
    StoryImage,
    TaggedArticle,
)
from articles.models.querysets import CARD_FIELDS

STORY = RowLayout(Article, related=("section", "lead_image"))
CARD = RowLayout(Article, related=("section", "lead_image"), only=CARD_FIELDS)
BYLINE = RowLayout(Byline, related=("author",))
TAG_LINK = RowLayout(TaggedArticle, related=("tag",))
PLACEMENT = RowLayout(StoryImage, related=("image",))
CORRECTION = RowLayout(Correction)
SECTION = RowLayout(Section)
TAG = RowLayout(Tag)
AUTHOR = RowLayout(Author, related=("photo",))


def authority_now() -> dict:
    """The ``now`` a compiled query of live stories is run with: none where
    the database's clock decides (``live_condition`` then reads it in the
    SQL), the machine's time as a value where the machine's clock does.

    A compiled query keeps the values it was built with, so "now" must
    reach it either way, never be left to the default.
    """
    return {} if clock.decides_in_sql() else {"now": clock.now()}


@compiled_query
def live_story_rows(*, slug, now=None):
    """The live story's row, then whether it has photos placed in its body or
    gallery and whether it has corrections: most stories have neither, and
    then the page asks no more about them."""
    return (
        Article.objects.published(at=now)
        .filter(slug=slug)
        .annotate(
            has_placements=Exists(StoryImage.objects.filter(article=OuterRef("pk"))),
            has_corrections=Exists(Correction.objects.filter(article=OuterRef("pk"))),
        )
        .values_list(*STORY.names, "has_placements", "has_corrections")
    )


@compiled_query
def related_story_rows(*, story_id, tag_ids, now=None):
    return Article.objects.related_to(story_id, tag_ids, at=now).values_list(
        *CARD.names
    )


@compiled_query
def byline_rows(*, story_ids):
    return (
        Byline.objects.filter(article__in=story_ids)
        .order_by("order", "pk")
        .values_list(*BYLINE.names)
    )


@compiled_query
def tag_link_rows(*, story_ids):
    return (
        TaggedArticle.objects.filter(content_object__in=story_ids)
        .order_by("pk")
        .values_list(*TAG_LINK.names)
    )


@compiled_query
def placement_rows(*, story_id):
    return StoryImage.objects.filter(article=story_id).values_list(*PLACEMENT.names)


@compiled_query
def correction_rows(*, story_id):
    return (
        Correction.objects.filter(article=story_id)
        .order_by("created_at")
        .values_list(*CORRECTION.names)
    )


@compiled_query
def section_rows():
    return Section.objects.values_list(*SECTION.names)


@compiled_query
def tag_rows(*, slug):
    return Tag.objects.filter(slug=slug).values_list(*TAG.names)


@compiled_query
def author_rows(*, slug):
    return Author.objects.filter(slug=slug).values_list(*AUTHOR.names)


@compiled_query
def listing_rows(kind, start, stop, *, now=None, key=None):
    live = Article.objects.published(at=now).listing(kind, key)
    return live.newest_first().values_list(*CARD.names)[start:stop]


@compiled_query
def listing_count_rows(kind, *, now=None, key=None):
    live = Article.objects.published(at=now).listing(kind, key)
    # Grouped by a constant, which Django leaves out: one row, the count.
    # COUNT(*), not of a column, so PostgreSQL counts from the live-listing
    # index alone (counting ids read every row of a section: 454 against 5 ms).
    counted = live.order_by().values(all=Value(1)).annotate(n=Count("*"))
    return counted.values_list("n")


@compiled_query
def section_block_rows(per_section, *, section_ids, now=None):
    """The ``per_section`` newest live stories of each section.

    Each section's newest ids come from a small index range scan, joined
    with UNION ALL so the database looks the stories up by primary key
    (OR-ing one ``IN`` per section made PostgreSQL scan every live story).
    """
    live = Article.objects.published(at=now)
    newest = [
        live.in_section(section_id)
        .newest_first()
        .values("pk")[:per_section]
        .query.sql_with_params()
        for section_id in section_ids
    ]
    union = " UNION ALL ".join(
        f"SELECT * FROM ({sql}) AS newest_{index}"  # noqa: S608 (compiled by Django)
        for index, (sql, _params) in enumerate(newest)
    )
    params = [param for _sql, section_params in newest for param in section_params]
    # The SQL is Django's own compilation of the querysets above.
    chosen = live.filter(pk__in=RawSQL(union, params))  # noqa: S611
    return chosen.newest_first().values_list(*CARD.names)


class StoryPage(NamedTuple):
    story: Article
    related: list[Article]
    corrections: list[Correction]


class _LiveStory(NamedTuple):
    story: Article
    has_corrections: bool


def story_page(slug: str) -> StoryPage | None:
    """What the story page shows of the live story at ``slug``, or None: the
    story as ``live_story()`` gives it, its related cards and corrections.

    The bylines of the story and of its cards are read in one query.
    """
    live = _live_story_without_bylines(slug)
    if live is None:
        return None
    story = live.story
    related = _related_cards(story)
    attach_bylines([story, *related])
    shows_story(story)
    shows_cards(related)
    keys.shows(*(keys.listing("tag", tag.pk) for tag in story.tag_list))
    return StoryPage(story, related, corrections(story) if live.has_corrections else [])


def live_story(slug: str) -> Article | None:
    """The live story at ``slug`` with its section, lead photo, bylines,
    tags and photo placements (``for_story_page()``'s), or None."""
    live = _live_story_without_bylines(slug)
    if live is None:
        return None
    attach_bylines([live.story])
    shows_story(live.story)
    return live.story


def _live_story_without_bylines(slug: str) -> _LiveStory | None:
    rows = live_story_rows(slug=slug, **authority_now())
    if not rows:
        return None
    has_placements, has_corrections = rows[0][len(STORY.names) :]
    story = STORY.load(rows[0])
    story.prefetched_tag_links = [
        TAG_LINK.load(row) for row in tag_link_rows(story_ids=[story.pk])
    ]
    story.image_placements = (
        [PLACEMENT.load(row) for row in placement_rows(story_id=story.pk)]
        if has_placements
        else []
    )
    return _LiveStory(story, has_corrections)


def related_stories(story: Article) -> list[Article]:
    """Story cards for the live stories sharing most tags with ``story``."""
    cards = _related_cards(story)
    attach_bylines(cards)
    shows_cards(cards)
    keys.shows(*(keys.listing("tag", tag.pk) for tag in story.tag_list))
    return cards


def _related_cards(story: Article) -> list[Article]:
    tag_ids = [tag.pk for tag in story.tag_list]
    if not tag_ids:
        return []
    rows = related_story_rows(story_id=story.pk, tag_ids=tag_ids, **authority_now())
    return [CARD.load(row) for row in rows]


def corrections(story: Article) -> list[Correction]:
    return [CORRECTION.load(row) for row in correction_rows(story_id=story.pk)]


def sections() -> list[Section]:
    """Every section in menu order."""
    keys.shows(keys.MENU)
    return [SECTION.load(row) for row in section_rows()]


def tag(slug: str) -> Tag | None:
    rows = tag_rows(slug=slug)
    if not rows:
        return None
    found = TAG.load(rows[0])
    keys.shows(keys.tag(found.pk))
    return found


def author(slug: str) -> Author | None:
    """The author at ``slug`` with their photo, or None."""
    rows = author_rows(slug=slug)
    if not rows:
        return None
    found = AUTHOR.load(rows[0])
    keys.shows(keys.author(found.pk))
    if found.photo_id is not None:
        keys.shows(keys.photo(found.photo_id))
    return found


class LiveStories:
    """A listing's live story cards, newest first, for ``Paginator``: counted
    and sliced by compiled queries, with bylines attached to each slice.

    ``kind`` is a key of ``querysets.LISTINGS``; ``key`` the id of its section, tag or
    author.
    """

    def __init__(self, kind: str = "all", key: int | None = None):
        self.kind, self.key = kind, key
        self.values = authority_now()
        if key is not None:
            self.values["key"] = key

    def count(self) -> int:
        keys.shows(keys.listing(self.kind, self.key))
        return listing_count_rows(self.kind, **self.values)[0][0]

    def __len__(self):
        return self.count()

    def __getitem__(self, bounds: slice) -> list[Article]:
        if not isinstance(bounds, slice) or bounds.step is not None:
            raise TypeError("Live stories are read a page at a time, by a slice.")
        start, stop = bounds.start or 0, bounds.stop
        if stop is not None and stop <= start:
            return []  # an empty listing's first page: no query has no rows
        keys.shows(keys.listing(self.kind, self.key))
        rows = listing_rows(self.kind, start, stop, **self.values)
        cards = [CARD.load(row) for row in rows]
        attach_bylines(cards)
        shows_cards(cards)
        return cards


def section_blocks(sections: list[Section], per_section: int):
    """(section, its newest live story cards) for each section with any."""
    if not sections:
        return []
    rows = section_block_rows(
        per_section, section_ids=[section.pk for section in sections], **authority_now()
    )
    cards = [CARD.load(row) for row in rows]
    attach_bylines(cards)
    shows_cards(cards)
    keys.shows(*(keys.listing("section", section.pk) for section in sections))
    by_section = {section.pk: [] for section in sections}
    for card in cards:
        by_section[card.section_id].append(card)
    return [
        (section, by_section[section.pk])
        for section in sections
        if by_section[section.pk]
    ]


def attach_bylines(stories: list[Article]) -> None:
    """Set each story's ``prefetched_bylines`` (with authors), in one query."""
    if not stories:
        return
    by_story = defaultdict(list)
    for row in byline_rows(story_ids=[story.pk for story in stories]):
        byline = BYLINE.load(row)
        by_story[byline.article_id].append(byline)
    for story in stories:
        story.prefetched_bylines = by_story[story.pk]


def shows_cards(cards: list[Article]) -> None:
    """The page being rendered shows these cards (bylines attached)."""
    for card in cards:
        keys.shows(*keys.card_keys(card))


def shows_story(story: Article) -> None:
    """The page being rendered shows this story in full: its card's keys,
    its topics' names and its photos placed in the body or gallery."""
    keys.shows(*keys.card_keys(story))
    keys.shows(*(keys.tag(tag.pk) for tag in story.tag_list))
    keys.shows(*(keys.photo(placed.image_id) for placed in story.image_placements))
