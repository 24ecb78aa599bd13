"""RSS 2.0 and Atom feeds of live stories: the site, a section, a tag, an author.

Items come from ``Article.objects.published()`` in a fixed number of queries
(the feed's section, tag or author; the stories with their section and lead
image; their bylines; their tags). Every link is made absolute from
``settings.SITE_URL``, so Django never falls back to the request's Host.
"""

import io
import logging
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import feedgenerator, timezone
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import gettext as _
from taggit.models import Tag

from articles.models import Article, Author, Section
from articles.templatetags.seo import absolute_url, last_modified, rendition_file

logger = logging.getLogger(__name__)

FEED_LENGTH = 30
ENCLOSURE_RENDITION = "lead-1024"
DUBLIN_CORE_NS = "http://purl.org/dc/elements/1.1/"
MEDIA_RSS_NS = "http://search.yahoo.com/mrss/"

# Characters XML 1.0 cannot carry at all, not even as character references.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value):
    """``value`` without the characters XML 1.0 forbids, inside lists and dicts too."""
    if isinstance(value, str | Promise):
        return _XML_ILLEGAL.sub("", str(value))
    if isinstance(value, list | tuple):
        return [xml_safe(item) for item in value]
    if isinstance(value, dict):
        return {key: xml_safe(item) for key, item in value.items()}
    return value


def feed_image(story) -> dict | None:
    """The story's lead image as feeds carry it: one JPEG rendition and its byte size.

    An enclosure's length must be the size of the file it points to, and
    renditions do not record theirs, so storage is asked: one ``stat`` per
    story on the file system, at most ``FEED_LENGTH`` per rendering, which
    the reader page cache then shares with every other subscriber. A file
    that storage cannot size is left out rather than announced wrongly.
    """
    picture = rendition_file(story.lead_image, ENCLOSURE_RENDITION)
    if picture is None:
        return None
    try:
        length = default_storage.size(picture["name"])
    except Exception as error:  # any storage backend's "missing" or "unreachable"
        logger.warning("feed image %s left out: %s", picture["name"], error)
        return None
    return {
        "url": picture["url"],
        "width": picture["width"],
        "height": picture["height"],
        "length": length,
        "caption": story.lead_caption,
        "credit": story.lead_credit,
    }


# --- Feed documents --------------------------------------------------------------


class XmlSafeFeed:
    """Drops characters XML 1.0 forbids before Django's XML writer sees them.

    Text is cleaned on save, but a row written before that rule (or by raw
    SQL) may still hold a vertical tab or ESC, on which the writer raises
    ``UnserializableContentError`` and fails the whole feed; attribute
    values it would write unchecked, producing XML no reader can parse.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*xml_safe(args), **xml_safe(kwargs))

    def add_item(self, *args, **kwargs):
        super().add_item(*xml_safe(args), **xml_safe(kwargs))

    def write(self, outfile, encoding):
        """The document is written in memory, then to ``outfile`` at once:
        the XML writer's two thousand small writes each cost an
        ``HttpResponse.write``. Encoded as the writer encodes (characters
        the encoding lacks become character references)."""
        document = io.StringIO()
        super().write(document, encoding)
        outfile.write(document.getvalue().encode(encoding, "xmlcharrefreplace"))


def add_media_content(handler, media: dict | None) -> None:
    """The lead image as Media RSS, which feed readers show as the story's picture."""
    if media is None:
        return
    handler.startElement(
        "media:content",
        {
            "url": media["url"],
            "type": "image/jpeg",
            "medium": "image",
            "width": str(media["width"]),
            "height": str(media["height"]),
            "fileSize": str(media["length"]),
        },
    )
    if media["caption"]:
        handler.addQuickElement(
            "media:description", media["caption"], {"type": "plain"}
        )
    if media["credit"]:
        handler.addQuickElement("media:credit", media["credit"])
    handler.endElement("media:content")


class NewsroomRssFeed(XmlSafeFeed, feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with one ``dc:creator`` per byline and the lead image as Media RSS."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:dc": DUBLIN_CORE_NS,
            "xmlns:media": MEDIA_RSS_NS,
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for author in item["bylines"]:
            handler.addQuickElement("dc:creator", author["name"])
        add_media_content(handler, item["media"])


class NewsroomAtomFeed(XmlSafeFeed, feedgenerator.Atom1Feed):
    """Atom with one ``author`` per byline and the lead image as Media RSS."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_RSS_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for author in item["bylines"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", author["name"])
            handler.addQuickElement("uri", author["url"])
            handler.endElement("author")
        add_media_content(handler, item["media"])


# --- Feeds ---------------------------------------------------------------------


class LatestStoriesFeed(Feed):
    """The newest live stories on the site, as RSS 2.0.

    RSS readers render titles and descriptions as HTML, so plain text is
    escaped once more there (as Django's default ``item_title`` does); the
    Atom twins mark their titles as text instead.
    """

    feed_type = NewsroomRssFeed
    route = "articles:feed-rss"
    item_guid_is_permalink = False

    def route_kwargs(self, obj) -> dict:
        return {}

    listing = "all"

    def stories(self, obj):
        """Through the listings' one table (``querysets.LISTINGS``), as the pages."""
        return Article.objects.published().listing(self.listing, obj)

    def page_url(self, obj) -> str:
        return reverse("articles:home")

    def feed_title(self, obj) -> str:
        return settings.SITE_NAME

    def feed_description(self, obj) -> str:
        return _("News and analysis on defence and security from %(site)s.") % {
            "site": settings.SITE_NAME
        }

    def title(self, obj):
        return escape(self.feed_title(obj))

    def description(self, obj):
        return escape(self.feed_description(obj))

    def link(self, obj):
        return absolute_url(self.page_url(obj))

    def feed_url(self, obj):
        return absolute_url(reverse(self.route, kwargs=self.route_kwargs(obj)))

    def author_name(self):
        return settings.SITE_NAME

    def items(self, obj):
        stories = list(self.stories(obj).for_feed().newest_first()[:FEED_LENGTH])
        for story in stories:
            story.feed_image = feed_image(story)
        return stories

    def item_title(self, item):
        return escape(item.headline)

    def item_description(self, item):
        return escape(item.standfirst)

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def item_guid(self, item):
        """A tag URI: unlike the URL, it survives a move to another section."""
        host = urlsplit(settings.SITE_URL).hostname
        first = timezone.localtime(item.first_published_at or item.publish_at)
        return f"tag:{host},{first:%Y-%m-%d}:story:{item.pk}"

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return last_modified(item)

    def item_categories(self, item):
        return [tag.name for tag in item.tag_list]

    def item_enclosures(self, item):
        media = item.feed_image
        if media is None:
            return []
        return [
            feedgenerator.Enclosure(
                url=media["url"], length=str(media["length"]), mime_type="image/jpeg"
            )
        ]

    def item_extra_kwargs(self, item):
        bylines = [
            {"name": author.name, "url": absolute_url(author.get_absolute_url())}
            for author in item.ordered_authors
        ]
        return {"bylines": bylines, "media": item.feed_image}


class SectionStoriesFeed(LatestStoriesFeed):
    route = "articles:section-feed-rss"

    def get_object(self, request, slug):
        return Section.objects.get(slug=slug)

    def route_kwargs(self, obj):
        return {"slug": obj.slug}

    listing = "section"

    def page_url(self, obj):
        return obj.get_absolute_url()

    def feed_title(self, obj):
        return f"{obj.name} — {settings.SITE_NAME}"

    def feed_description(self, obj):
        return obj.description or _("The latest %(name)s news from %(site)s.") % {
            "name": obj.name,
            "site": settings.SITE_NAME,
        }


class TagStoriesFeed(LatestStoriesFeed):
    route = "articles:tag-feed-rss"

    def get_object(self, request, slug):
        return Tag.objects.get(slug=slug)

    def route_kwargs(self, obj):
        return {"slug": obj.slug}

    listing = "tag"

    def page_url(self, obj):
        return reverse("articles:tag", kwargs={"slug": obj.slug})

    def feed_title(self, obj):
        return f"{obj.name} — {settings.SITE_NAME}"

    def feed_description(self, obj):
        return _("Stories about %(name)s from %(site)s.") % {
            "name": obj.name,
            "site": settings.SITE_NAME,
        }


class AuthorStoriesFeed(LatestStoriesFeed):
    route = "articles:author-feed-rss"

    def get_object(self, request, slug):
        return Author.objects.get(slug=slug)

    def route_kwargs(self, obj):
        return {"slug": obj.slug}

    listing = "author"

    def page_url(self, obj):
        return obj.get_absolute_url()

    def feed_title(self, obj):
        return f"{obj.name} — {settings.SITE_NAME}"

    def feed_description(self, obj):
        return obj.bio or _("Stories by %(name)s for %(site)s.") % {
            "name": obj.name,
            "site": settings.SITE_NAME,
        }


class AtomFormat:
    """Turns one of the RSS feeds above into its Atom twin.

    Atom titles and subtitles are plain text unless marked otherwise, so they
    are not escaped twice; Django writes summaries as HTML, so those still are.
    """

    feed_type = NewsroomAtomFeed

    def title(self, obj):
        return self.feed_title(obj)

    def subtitle(self, obj):
        return self.feed_description(obj)

    def item_title(self, item):
        return item.headline


class LatestStoriesAtomFeed(AtomFormat, LatestStoriesFeed):
    route = "articles:feed-atom"


class SectionStoriesAtomFeed(AtomFormat, SectionStoriesFeed):
    route = "articles:section-feed-atom"


class TagStoriesAtomFeed(AtomFormat, TagStoriesFeed):
    route = "articles:tag-feed-atom"


class AuthorStoriesAtomFeed(AtomFormat, AuthorStoriesFeed):
    route = "articles:author-feed-atom"
