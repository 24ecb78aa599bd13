"""What the story page and the menu read, through queries compiled once.

Each query below is an ordinary queryset from ``querysets.py`` (``published()``
decides what is live, as everywhere), compiled once per connection by
``articles.compiled``. The rows are loaded into the same instances, with the
same prefetched lists, that ``for_story_page()`` and ``for_listing()`` give,
so templates and helpers cannot tell the difference.
"""

from __future__ import annotations

from collections import defaultdict

from . import clock
from .compiled import RowLayout, compiled_query
from .models import Article, Byline, Correction, Section, StoryImage, TaggedArticle
from .querysets import CARD_FIELDS

STORY = RowLayout(Article, related=("section", "lead_image"))
CARD = RowLayout(Article, related=("section", "lead_image"), only=CARD_FIELDS)
BYLINE = RowLayout(Byline, related=("author",))
TAG_LINK = RowLayout(TaggedArticle, related=("tag",))
PLACEMENT = RowLayout(StoryImage, related=("image",))
CORRECTION = RowLayout(Correction)
SECTION = RowLayout(Section)


@compiled_query
def live_story_rows(*, slug, now):
    return Article.objects.published(at=now).filter(slug=slug).values_list(*STORY.names)


@compiled_query
def related_story_rows(*, story_id, tag_ids, now):
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


def live_story(slug: str) -> Article | None:
    """The live story at ``slug`` with its section, lead photo, bylines,
    tags and photo placements (``for_story_page()``'s), or None."""
    rows = live_story_rows(slug=slug, now=clock.now())
    if not rows:
        return None
    story = STORY.load(rows[0])
    attach_bylines([story])
    story.prefetched_tag_links = [
        TAG_LINK.load(row) for row in tag_link_rows(story_ids=[story.pk])
    ]
    story.image_placements = [
        PLACEMENT.load(row) for row in placement_rows(story_id=story.pk)
    ]
    return story


def related_stories(story: Article) -> list[Article]:
    """Story cards for the live stories sharing most tags with ``story``."""
    tag_ids = [tag.pk for tag in story.tag_list]
    if not tag_ids:
        return []
    rows = related_story_rows(story_id=story.pk, tag_ids=tag_ids, now=clock.now())
    cards = [CARD.load(row) for row in rows]
    attach_bylines(cards)
    return cards


def corrections(story: Article) -> list[Correction]:
    return [CORRECTION.load(row) for row in correction_rows(story_id=story.pk)]


def sections() -> list[Section]:
    """Every section in menu order."""
    return [SECTION.load(row) for row in section_rows()]


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
