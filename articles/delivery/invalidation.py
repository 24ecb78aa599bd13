"""What each change touches: the one home of the rule, read by the signal
handlers in ``articles.signals``.

A change touches the dependency keys (``articles.delivery.dependencies``) of
everything readers could see it alter, before and after: the story's own
key for any change to what its page or card shows; the listings it is (or
was) in when it enters, leaves or moves within them; the menu for a section;
a photo, author or tag for their own fields. Every change also touches
``SITE``, on which the pages not tracked precisely depend. The keys are
recorded with the page cache, which logs them once the change commits.
"""

from __future__ import annotations

from articles.delivery import cache
from articles.delivery import dependencies as keys
from articles.models import Article, Byline, TaggedArticle

# The columns that decide whether a story is live and where it sits in its
# listings (``querysets.live_condition`` and ``newest_first``).
PLACING_FIELDS = (
    "section_id",
    "publish_at",
    "embargo_until",
    "expire_at",
    "went_live_at",
)


# Columns no reader surface shows: saving only these (submitting a change,
# sending it back) stales only the pages not tracked precisely.
BOOKKEEPING_FIELDS = frozenset(
    {
        "status",
        "submitted_by",
        "submitted_at",
        "updated_at",
        "updated_by",
        "latest_revision",
        "went_live_announced",
    }
)


def placing_of(values: dict) -> tuple:
    return (
        values["live_revision_id"] is not None,
        *(values[field] for field in PLACING_FIELDS),
    )


def remember_placing(sender, instance: Article, **kwargs) -> None:
    """Before a story is saved: where it stood, to touch the listings it
    leaves as well as those it joins."""
    instance.placing_before = (
        Article.objects.filter(pk=instance.pk)
        .values("live_revision_id", *PLACING_FIELDS)
        .first()
        if instance.pk is not None
        else None
    )


def story_saved(sender, instance: Article, update_fields=None, **kwargs) -> None:
    """Saves of never-approved drafts change nothing a reader sees, and
    neither do saves of bookkeeping alone."""
    if update_fields is not None and update_fields <= BOOKKEEPING_FIELDS:
        cache.record_change(set())
        return
    before = getattr(instance, "placing_before", None)
    was_visible = before is not None and before["live_revision_id"] is not None
    if not (
        was_visible
        or instance.live_revision_id is not None
        or instance.status == Article.Status.WITHDRAWN
    ):
        return
    touched = {keys.story(instance.pk)}
    now = {"live_revision_id": instance.live_revision_id} | {
        field: getattr(instance, field) for field in PLACING_FIELDS
    }
    if before is None or placing_of(before) != placing_of(now):
        touched |= listings_of(instance)
        if before is not None:
            touched.add(keys.listing("section", before["section_id"]))
    cache.record_change(touched)


def story_deleted(sender, instance: Article, **kwargs) -> None:
    """Its bylines and tag links go first, touching their listings."""
    cache.record_change(
        {
            keys.story(instance.pk),
            keys.ALL_STORIES,
            keys.listing("section", instance.section_id),
        }
    )


def listings_of(story: Article) -> set[str]:
    """Every listing the story can appear in: all stories, its section, its
    tags' and its authors'."""
    authors = Byline.objects.filter(article=story.pk).values_list(
        "author_id", flat=True
    )
    tags = TaggedArticle.objects.filter(content_object=story.pk).values_list(
        "tag_id", flat=True
    )
    return {
        keys.ALL_STORIES,
        keys.listing("section", story.section_id),
        *(keys.listing("tag", pk) for pk in tags),
        *(keys.listing("author", pk) for pk in authors),
    }


def byline_changed(sender, instance: Byline, **kwargs) -> None:
    cache.record_change(
        {keys.story(instance.article_id), keys.listing("author", instance.author_id)}
    )


def story_tag_changed(sender, instance: TaggedArticle, **kwargs) -> None:
    cache.record_change(
        {keys.story(instance.content_object_id), keys.listing("tag", instance.tag_id)}
    )


def story_tags_changed(sender, instance, action: str, pk_set, **kwargs) -> None:
    """``story.tags.add/remove/set/clear``: the story and the tags' listings
    (read before a clear, which names no tags)."""
    if action == "pre_clear":
        instance.tags_before_clear = list(
            TaggedArticle.objects.filter(content_object=instance.pk).values_list(
                "tag_id", flat=True
            )
        )
        return
    if not action.startswith("post_"):
        return
    tags = pk_set if pk_set is not None else getattr(instance, "tags_before_clear", [])
    cache.record_change(
        {keys.story(instance.pk), *(keys.listing("tag", pk) for pk in tags)}
    )


def story_part_changed(sender, instance, **kwargs) -> None:
    """A correction or a placed photo: on the story's page only."""
    cache.record_change({keys.story(instance.article_id)})


def section_changed(sender, instance, **kwargs) -> None:
    """A section's name and order are in the menu and every card's label."""
    cache.record_change({keys.MENU, keys.listing("section", instance.pk)})


def author_changed(sender, instance, **kwargs) -> None:
    cache.record_change({keys.author(instance.pk), keys.listing("author", instance.pk)})


def tag_changed(sender, instance, **kwargs) -> None:
    cache.record_change({keys.tag(instance.pk), keys.listing("tag", instance.pk)})


def photo_changed(sender, instance, **kwargs) -> None:
    cache.record_change({keys.photo(instance.pk)})


def photo_keywords_changed(sender, instance, **kwargs) -> None:
    cache.record_change({keys.photo(instance.content_object_id)})
