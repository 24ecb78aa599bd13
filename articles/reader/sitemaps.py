"""Sitemaps, the Google News sitemap and robots.txt: what crawlers may index.

Every list starts from ``Article.objects.published()``: a section, tag or
author is listed only while it has a live story. Locations are absolute from
``settings.SITE_URL``; Django's sitemap views would otherwise take the host
from the request (``django.contrib.sites`` is not installed).
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from taggit.models import Tag

from articles import clock
from articles.delivery import dependencies
from articles.models import Article, Author, Byline, Section, TaggedArticle
from articles.reader.feeds import xml_safe
from articles.templatetags.seo import absolute_url, iso_datetime, last_modified, newest

# Django's own templates give a story's lastmod as a date; a story can change
# several times a day, so these give the time too.
SITEMAP_TEMPLATE = "sitemaps/sitemap.xml"
NEWS_WINDOW = timedelta(hours=48)
# Google News reads at most this many URLs from one news sitemap.
NEWS_LIMIT = 1000
# Languages Google News names with their region; every other language by its
# ISO 639 code alone.
NEWS_REGIONAL_LANGUAGES = {"zh-cn", "zh-tw"}


class SiteUrlSitemap(Sitemap):
    """A sitemap whose locations are absolute from SITE_URL, whatever the request."""

    limit = 5000

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        # Everything after the scheme, so a SITE_URL with a path prefix keeps it.
        return settings.SITE_URL.split("://", 1)[1]


class StorySitemap(SiteUrlSitemap):
    def items(self):
        # Oldest first: a new story lands on the last page, so earlier pages
        # stay unchanged and crawlers need not fetch them again.
        return (
            Article.objects.published()
            .select_related("section")
            .only(
                "slug",
                "publish_at",
                "created_at",
                "content_updated_at",
                "section__slug",
            )
            .order_by("publish_at", "pk")
        )

    def lastmod(self, item):
        return last_modified(item)

    def page_count(self) -> int:
        return self.paginator.num_pages

    def get_latest_lastmod(self):
        latest = Article.objects.published().aggregate(
            published=Max("publish_at"), updated=Max("content_updated_at")
        )
        return newest(latest["published"], latest["updated"])


class ListingSitemap(SiteUrlSitemap):
    """Pages that list live stories (a section, a tag, an author), one row per page.

    Each row is grouped in the database with the newest publication and
    edit among its live stories, which is when its page last changed.
    """

    route = ""
    slug_field = ""
    story_path = ""  # from the row to its story, e.g. "article__"

    def rows(self):
        raise NotImplementedError

    def lastmod_aggregates(self) -> dict:
        return {
            "published": Max(f"{self.story_path}publish_at"),
            "updated": Max(f"{self.story_path}content_updated_at"),
        }

    def items(self):
        return (
            self.rows()
            .values(self.slug_field)
            .annotate(**self.lastmod_aggregates())
            .order_by(self.slug_field)
        )

    def location(self, item):
        return reverse(self.route, kwargs={"slug": item[self.slug_field]})

    def lastmod(self, item):
        return newest(item["published"], item["updated"])

    def get_latest_lastmod(self):
        latest = self.rows().aggregate(**self.lastmod_aggregates())
        return newest(latest["published"], latest["updated"])

    def listed_model(self):
        raise NotImplementedError

    def page_count(self) -> int:
        """Pages of this sitemap, without grouping the archive when one page
        is certain: there cannot be more rows than sections (tags, authors)."""
        if self.listed_model().objects.count() <= self.limit:
            return 1
        return self.paginator.num_pages


class SectionSitemap(ListingSitemap):
    route = "articles:section"
    slug_field = "section__slug"

    def rows(self):
        return Article.objects.published()

    def listed_model(self):
        return Section


class TagSitemap(ListingSitemap):
    route = "articles:tag"
    slug_field = "tag__slug"
    story_path = "content_object__"

    def rows(self):
        return TaggedArticle.objects.filter(
            content_object__in=Article.objects.published()
        )

    def listed_model(self):
        return Tag


class AuthorSitemap(ListingSitemap):
    route = "articles:author"
    slug_field = "author__slug"
    story_path = "article__"

    def rows(self):
        return Byline.objects.filter(article__in=Article.objects.published())

    def listed_model(self):
        return Author


SITEMAPS = {
    "stories": StorySitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}


@require_safe
@sitemap_views.x_robots_tag
def sitemap_index(request):
    """The index of every page of every sitemap, with the site's last change.

    Every listing changes only when a live story is published or edited, so
    each sitemap gets the newest of those (at worst a crawler re-reads a
    listing that did not change) from one indexed query instead of one
    grouping of the whole archive per sitemap. Django's ``index`` view builds
    locations from the request's host, so this one builds them from SITE_URL.
    """
    latest = StorySitemap().get_latest_lastmod()
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        location = absolute_url(reverse("sitemap-section", kwargs={"section": section}))
        entries.extend(
            sitemap_views.SitemapIndexItem(
                location if page == 1 else f"{location}?p={page}", latest
            )
            for page in range(1, sitemap_class().page_count() + 1)
        )
    headers = {"Last-Modified": http_date(latest.timestamp())} if latest else None
    return TemplateResponse(
        request,
        "sitemaps/index.xml",
        {"sitemaps": entries},
        content_type="application/xml",
        headers=headers,
    )


@require_safe
def sitemap_section(request, section):
    """One page (``?p=``) of one sitemap; an unknown section or page is a 404."""
    return sitemap_views.sitemap(
        request, sitemaps=SITEMAPS, section=section, template_name=SITEMAP_TEMPLATE
    )


def news_language(language_code: str) -> str:
    code = language_code.lower()
    return code if code in NEWS_REGIONAL_LANGUAGES else code.split("-")[0]


@require_safe
@sitemap_views.x_robots_tag
def news_sitemap(request):
    """Stories published in the last 48 hours, in the Google News sitemap format."""
    since = clock.sql_now() - NEWS_WINDOW
    stories = (
        Article.objects.published()
        .filter(publish_at__gte=since)
        .select_related("section")
        .newest_first()[:NEWS_LIMIT]
    )
    entries = [
        {
            "location": absolute_url(story.get_absolute_url()),
            "publication_date": iso_datetime(story.publish_at),
            "title": xml_safe(story.headline),
        }
        for story in stories
    ]
    return TemplateResponse(
        request,
        "sitemaps/news.xml",
        {
            "entries": entries,
            "publication_name": xml_safe(settings.SITE_NAME),
            "language": news_language(settings.LANGUAGE_CODE),
        },
        content_type="application/xml",
    )


@require_safe
def robots_txt(request):
    """Crawl rules: no admin, no share-link previews; both sitemaps, absolute.
    No content change touches them, so their cached copy is never staled."""
    dependencies.precise()
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        "Disallow: /preview/",
        "",
        f"Sitemap: {absolute_url(reverse('sitemap-index'))}",
        f"Sitemap: {absolute_url(reverse('news-sitemap'))}",
    ]
    return HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8"
    )
