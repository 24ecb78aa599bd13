"""Queries the reader site needs, so views, feeds and sitemaps never repeat filters."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class ArticleQuerySet(models.QuerySet):
    def published(self, *, at=None):
        """Stories readers may see now (or at ``at``).

        Visibility is decided at read time from the publish, expiry and embargo
        times, so a scheduled story goes live on the minute without a cron job.
        This is the only definition of "live": every view, feed, sitemap, search
        backend and API uses it.
        """
        now = at or timezone.now()
        return self.filter(
            Q(live_revision__isnull=False),
            Q(publish_at__lte=now),
            Q(expire_at__isnull=True) | Q(expire_at__gt=now),
            Q(embargo_until__isnull=True) | Q(embargo_until__lte=now),
        )

    def for_listing(self):
        """Everything a story card renders, fetched in a fixed number of queries."""
        byline_model = self.model._meta.get_field("bylines").related_model
        bylines = byline_model.objects.select_related("author").order_by("order", "pk")
        return self.select_related("section", "lead_image").prefetch_related(
            models.Prefetch("bylines", queryset=bylines)
        )

    def for_story_page(self):
        return self.for_listing().prefetch_related("tags")

    def newest_first(self):
        return self.order_by("-publish_at", "-pk")

    def in_section(self, section):
        return self.filter(section=section)

    def tagged(self, tag):
        return self.filter(tags__slug=tag.slug)

    def by_author(self, author):
        return self.filter(bylines__author=author)

    def related_to(self, article, *, limit=4):
        """Live stories sharing the most tags with ``article``."""
        tag_ids = [tag.pk for tag in article.tags.all()]
        if not tag_ids:
            return self.none()
        return (
            self.published()
            .filter(tags__in=tag_ids)
            .exclude(pk=article.pk)
            .annotate(shared_tags=models.Count("tags"))
            .order_by("-shared_tags", "-publish_at")[:limit]
        )
