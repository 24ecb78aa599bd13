"""What the story page, the listings and the menu read, and the dependency
keys of what they show.

Each read is an ordinary queryset from ``querysets.py`` (``published()``
decides what is live, as everywhere), giving the same instances, with the
same prefetched lists, that ``for_story_page()`` and ``for_listing()`` give.
Each also records what the page being rendered shows
(``articles.delivery.dependencies``), for the page cache.
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from django.db.models import Exists, OuterRef
from django.db.models.expressions import RawSQL
from taggit.models import Tag

from articles import internals
from articles.delivery import dependencies as keys
from articles.models import (
    Article,
    Author,
    Byline,
    Correction,
    Section,
    StoryImage,
)
from articles.models.querysets import CARD_FIELDS


def cards():
    """Live stories with the columns and relations a card shows, bylines
    left to ``attach_bylines``."""
    return (
        Article.objects.published()
        .select_related("section", "lead_image")
        .only(*CARD_FIELDS)
    )


def live_story_with_flags(slug: str) -> Article | None:
    """The live story at ``slug`` with its section, lead photo and tags, and
    whether it has photos placed in its body or gallery and corrections:
    most stories have neither, and then the page asks no more about them."""
    return (
        Article.objects.published()
        .filter(slug=slug)
        .select_related("section", "lead_image")
        .with_tags()
        .annotate(
            has_placements=Exists(StoryImage.objects.filter(article=OuterRef("pk"))),
            has_corrections=Exists(Correction.objects.filter(article=OuterRef("pk"))),
        )
        .first()
    )


def section_block_cards(section_ids: list[int], per_section: int) -> list[Article]:
    """The ``per_section`` newest live stories of each section.

    Each section's newest ids come from a small index range scan, joined
    with UNION ALL so the database looks the stories up by primary key
    (OR-ing one ``IN`` per section made PostgreSQL scan every live story).
    """
    live = Article.objects.published()
    newest = [
        internals.queryset_sql(
            live.in_section(section_id).newest_first().values("pk")[:per_section]
        )
        for section_id in section_ids
    ]
    union = " UNION ALL ".join(
        f"SELECT * FROM ({sql}) AS newest_{index}"  # noqa: S608 (compiled by Django)
        for index, (sql, _params) in enumerate(newest)
    )
    params = [param for _sql, section_params in newest for param in section_params]
    # The SQL is Django's own compilation of the querysets above.
    chosen = cards().filter(pk__in=RawSQL(union, params))  # noqa: S611
    return list(chosen.newest_first())


class StoryPage(NamedTuple):
    story: Article
    related: list[Article]
    corrections: list[Correction]


def story_page(slug: str) -> StoryPage | None:
    """What the story page shows of the live story at ``slug``, or None: the
    story as ``live_story()`` gives it, its related cards and corrections.

    The bylines of the story and of its cards are read in one query.
    """
    story = _live_story_without_bylines(slug)
    if story is None:
        return None
    related = _related_cards(story)
    attach_bylines([story, *related])
    shows_story(story)
    keys.shows(*(keys.listing("tag", tag.pk) for tag in story.tag_list))
    return StoryPage(
        story, related, corrections(story) if story.has_corrections else []
    )


def live_story(slug: str) -> Article | None:
    """The live story at ``slug`` with its section, lead photo, bylines,
    tags and photo placements (``for_story_page()``'s), or None."""
    story = _live_story_without_bylines(slug)
    if story is None:
        return None
    attach_bylines([story])
    shows_story(story)
    return story


def _live_story_without_bylines(slug: str) -> Article | None:
    story = live_story_with_flags(slug)
    if story is not None and not story.has_placements:
        story.image_placements = []
    return story


def related_stories(story: Article) -> list[Article]:
    """Story cards for the live stories sharing most tags with ``story``."""
    cards = _related_cards(story)
    attach_bylines(cards)
    keys.shows(*(keys.listing("tag", tag.pk) for tag in story.tag_list))
    return cards


def _related_cards(story: Article) -> list[Article]:
    tag_ids = [tag.pk for tag in story.tag_list]
    if not tag_ids:
        return []
    return list(
        Article.objects.select_related("section", "lead_image")
        .only(*CARD_FIELDS)
        .related_to(story.pk, tag_ids)
    )


def corrections(story: Article) -> list[Correction]:
    return list(Correction.objects.filter(article=story.pk).order_by("created_at"))


def sections() -> list[Section]:
    """Every section in menu order."""
    keys.shows(keys.MENU)
    return list(Section.objects.all())


def tag(slug: str) -> Tag | None:
    found = Tag.objects.filter(slug=slug).first()
    if found is not None:
        keys.shows(keys.tag(found.pk))
    return found


def author(slug: str) -> Author | None:
    """The author at ``slug`` with their photo, or None."""
    found = Author.objects.select_related("photo").filter(slug=slug).first()
    if found is None:
        return None
    keys.shows(keys.author(found.pk))
    if found.photo_id is not None:
        keys.shows(keys.photo(found.photo_id))
    return found


class LiveStories:
    """A listing's live story cards, newest first, for ``Paginator``: counted,
    and sliced (bylines are read for the cards rendered, by
    ``articles.delivery.fragments``).

    ``kind`` is a key of ``querysets.LISTINGS``; ``key`` the id of its section, tag or
    author.
    """

    def __init__(self, kind: str = "all", key: int | None = None):
        self.kind, self.key = kind, key

    def count(self) -> int:
        keys.shows(keys.listing(self.kind, self.key))
        return Article.objects.published().listing(self.kind, self.key).count()

    def __len__(self):
        return self.count()

    def __getitem__(self, bounds: slice) -> list[Article]:
        if not isinstance(bounds, slice) or bounds.step is not None:
            raise TypeError("Live stories are read a page at a time, by a slice.")
        start, stop = bounds.start or 0, bounds.stop
        if stop is not None and stop <= start:
            return []  # an empty listing's first page: no query has no rows
        keys.shows(keys.listing(self.kind, self.key))
        listing = cards().listing(self.kind, self.key).newest_first()
        return list(listing[start:stop])


def newest_with_lead(count: int) -> tuple[Article | None, list[Article]]:
    """The home page's newest live stories: the lead, shown in full, and
    the ``count`` cards after it, bylines read for all in one query."""
    newest = LiveStories()[: count + 1]
    attach_bylines(newest)
    if not newest:
        return None, []
    keys.shows(*keys.card_keys(newest[0]))
    return newest[0], newest[1:]


def section_blocks(sections: list[Section], per_section: int):
    """(section, its newest live story cards) for each section with any."""
    if not sections:
        return []
    blocks = section_block_cards([section.pk for section in sections], per_section)
    attach_bylines(blocks)  # one query for every block, not one a block
    keys.shows(*(keys.listing("section", section.pk) for section in sections))
    by_section = {section.pk: [] for section in sections}
    for card in blocks:
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
    bylines = (
        Byline.objects.filter(article__in=[story.pk for story in stories])
        .select_related("author")
        .order_by("order", "pk")
    )
    for byline in bylines:
        by_story[byline.article_id].append(byline)
    for story in stories:
        story.prefetched_bylines = by_story[story.pk]


def shows_story(story: Article) -> None:
    """The page being rendered shows this story in full: its card's keys,
    its topics' names and its photos placed in the body or gallery."""
    keys.shows(*keys.card_keys(story))
    keys.shows(*(keys.tag(tag.pk) for tag in story.tag_list))
    keys.shows(*(keys.photo(placed.image_id) for placed in story.image_placements))
