"""Queries the reader site needs, so views, feeds and sitemaps never repeat filters."""

from django.db import models
from django.db.models import Q

from . import clock


def live_condition(*, at=None, prefix: str = "") -> Q:
    """The condition for a story readers may see now (or at ``at``).

    Visibility is decided at read time from the publish, expiry and embargo
    times, so a scheduled story goes live on the minute without a cron job.
    This is the only definition of "live": ``published()`` applies it, and
    queries over related tables use it through ``prefix``.
    """
    now = at or clock.now()
    return (
        Q(**{f"{prefix}live_revision__isnull": False})
        & Q(**{f"{prefix}publish_at__lte": now})
        & (
            Q(**{f"{prefix}expire_at__isnull": True})
            | Q(**{f"{prefix}expire_at__gt": now})
        )
        & (
            Q(**{f"{prefix}embargo_until__isnull": True})
            | Q(**{f"{prefix}embargo_until__lte": now})
        )
    )


# How many of the newest links to a story's tags "related stories" ranks.
RELATED_CANDIDATES = 500


class ArticleQuerySet(models.QuerySet):
    def published(self, *, at=None):
        """Stories readers may see now (or at ``at``): see ``live_condition``."""
        return self.filter(live_condition(at=at))

    # Prefetches go into plain list attributes (``to_attr``): Django then builds
    # no queryset per story to hold them, which on a page of cards costs more
    # than the prefetch query itself.

    def for_listing(self):
        """Everything a story card renders, fetched in a fixed number of queries."""
        byline_model = self.model._meta.get_field("bylines").related_model
        bylines = byline_model.objects.select_related("author").order_by("order", "pk")
        return (
            self.select_related("section", "lead_image")
            .prefetch_related(
                models.Prefetch(
                    "bylines", queryset=bylines, to_attr="prefetched_bylines"
                )
            )
            .defer("body")
        )

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
        return self.filter(tags__slug=tag.slug)

    def by_author(self, author):
        return self.filter(bylines__author=author)

    def related_to(self, article, *, limit=4, candidates=RELATED_CANDIDATES):
        """Live stories sharing the most tags with ``article``, newest first on ties.

        Ranking happens on the small tag-link table, over the ``candidates``
        most recent links to the story's tags (a tag on thousands of stories
        would otherwise make every story page rank them all); only the few
        winners are then loaded, so the cost does not grow with the archive.
        """
        tag_ids = [tag.pk for tag in article.tag_list]
        if not tag_ids:
            return self.none()
        through = self.model.tags.through
        recent_links = (
            through.objects.filter(tag_id__in=tag_ids)
            .exclude(content_object_id=article.pk)
            .order_by("-content_object_id")
            .values("pk")[:candidates]
        )
        ranked = (
            through.objects.filter(
                live_condition(prefix="content_object__"), pk__in=recent_links
            )
            .values("content_object_id")
            .annotate(shared=models.Count("id"))
            .order_by("-shared", "-content_object__publish_at")
            .values("content_object_id")[:limit]
        )
        shared = models.Count(
            "tagged_items", filter=Q(tagged_items__tag_id__in=tag_ids)
        )
        return (
            self.filter(pk__in=ranked)
            .annotate(shared_tags=shared)
            .order_by("-shared_tags", "-publish_at")
        )
