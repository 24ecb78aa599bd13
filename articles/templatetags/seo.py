"""Search and sharing metadata: absolute URLs, social cards and JSON-LD.

Every absolute URL comes from ``settings.SITE_URL``, never from the request's
Host header, so a forged Host cannot plant links in pages, feeds or sitemaps.
The helpers here are also used by ``articles.reader.feeds`` and ``articles.reader.sitemaps``.
"""

import json
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from articles.links import URLS_KEPT, media_url, reader_url, static_url
from articles.templatetags.newsroom import clip

register = template.Library()

PUBLISHER_LOGO = ("img/logo-600x60.png", 600, 60)
# What Django's ``json_script`` escapes: with these, no string inside the JSON
# can close the <script> element or open an HTML comment or CDATA section.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter(name="absolute")
def absolute_url(url: str) -> str:
    """``url`` (a path, or already absolute as a CDN's may be) as an absolute
    URI, remembered: a story page asks for a dozen, most of them the same on
    every page."""
    return _absolute_url(url, settings.SITE_URL)


@lru_cache(maxsize=URLS_KEPT)
def _absolute_url(url: str, site_url: str) -> str:
    if urlsplit(url).scheme:
        return iri_to_uri(url)
    if url.startswith("//"):
        return iri_to_uri(f"{urlsplit(site_url).scheme}:{url}")
    return iri_to_uri(site_url + url)


@register.filter
def iso_datetime(value: datetime | None) -> str:
    """W3C date-time in the site's time zone, to the second (OpenGraph, JSON-LD)."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def newest(*moments: datetime | None) -> datetime | None:
    return max((moment for moment in moments if moment), default=None)


@register.filter
def last_modified(story) -> datetime | None:
    """When what readers see of ``story`` last changed: an approved edit or going live.

    An edit approved before a scheduled story went live predates its
    publication, so the later of the two wins.
    """
    return newest(story.content_updated_at, story.publish_at)


def rendition_file(image, spec: str) -> dict | None:
    """The JPEG of rendition ``spec`` as {"url", "width", "height", "name"}, or None."""
    entry = image.rendition(spec) if image else None
    if not entry:
        return None
    return {
        "url": absolute_url(media_url(entry["jpg"])),
        "width": entry["width"],
        "height": entry["height"],
        "name": entry["jpg"],
    }


@register.simple_tag
def social_image(image):
    """The 1200×630 "social" rendition for OpenGraph and Twitter cards, or None."""
    picture = rendition_file(image, "social")
    if picture:
        picture["alt"] = image.alt_text
    return picture


@register.simple_tag
def story_social_meta(story):
    """OpenGraph and Twitter card tags for a story page, one per line.

    Built here rather than in the template: forty-odd lookups and filters,
    which cost the page a quarter of its rendering as template variables.
    """
    card_image = social_image(story.lead_image)
    title = story.seo_title or story.headline
    description = clip(story.seo_description or story.standfirst, 200)
    tags = [
        ('property="og:type"', "article"),
        ('property="og:site_name"', settings.SITE_NAME),
        ('property="og:title"', title),
        ('property="og:description"', description),
        ('property="og:url"', absolute_url(story.get_absolute_url())),
    ]
    if card_image:
        tags += [
            ('property="og:image"', card_image["url"]),
            ('property="og:image:type"', "image/jpeg"),
            ('property="og:image:width"', card_image["width"]),
            ('property="og:image:height"', card_image["height"]),
            ('property="og:image:alt"', card_image["alt"]),
        ]
    tags += [
        ('property="article:published_time"', iso_datetime(story.publish_at)),
        ('property="article:modified_time"', iso_datetime(last_modified(story))),
        ('property="article:section"', story.section.name),
    ]
    tags += [
        ('property="article:author"', absolute_url(author.get_absolute_url()))
        for author in story.ordered_authors
    ]
    tags += [('property="article:tag"', tag.name) for tag in story.tag_list]
    tags += [
        ('name="twitter:card"', "summary_large_image" if card_image else "summary"),
        ('name="twitter:title"', title),
        ('name="twitter:description"', description),
    ]
    if card_image:
        tags += [
            ('name="twitter:image"', card_image["url"]),
            ('name="twitter:image:alt"', card_image["alt"]),
        ]
    return format_html_join(
        "",
        '<meta {} content="{}">\n',
        ((mark_safe(name), value) for name, value in tags),  # noqa: S308 (constant names)
    )


def author_data(author) -> dict:
    return {
        "@type": "Organization" if author.is_agency else "Person",
        "name": author.name,
        "url": absolute_url(author.get_absolute_url()),
    }


def publisher_data() -> dict:
    path, width, height = PUBLISHER_LOGO
    return {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": absolute_url(reader_url("articles:home")),
        "logo": {
            "@type": "ImageObject",
            "url": absolute_url(static_url(path)),
            "width": width,
            "height": height,
        },
    }


def news_article_data(story, corrections) -> dict:
    """schema.org NewsArticle, with the properties Google's article guidelines list."""
    url = absolute_url(story.get_absolute_url())
    images = [
        {
            "@type": "ImageObject",
            "url": picture["url"],
            "width": picture["width"],
            "height": picture["height"],
        }
        for spec in ("social", "lead-1600")
        if (picture := rendition_file(story.lead_image, spec))
    ]
    data = {
        "@type": "NewsArticle",
        "@id": f"{url}#article",
        "headline": story.headline,
        "description": story.seo_description or story.standfirst,
        "datePublished": iso_datetime(story.publish_at),
        "dateModified": iso_datetime(last_modified(story)),
        "author": [author_data(author) for author in story.ordered_authors],
        "publisher": publisher_data(),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "articleSection": story.section.name,
        "keywords": [tag.name for tag in story.tag_list],
        "inLanguage": settings.LANGUAGE_CODE,
    }
    if images:
        data["image"] = images
    if corrections:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": correction.note,
                "datePublished": iso_datetime(correction.created_at),
            }
            for correction in corrections
        ]
    return data


def breadcrumb_data(story) -> dict:
    trail = [
        (_("Home"), absolute_url(reader_url("articles:home"))),
        (story.section.name, absolute_url(story.section.get_absolute_url())),
        (story.headline, absolute_url(story.get_absolute_url())),
    ]
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def ld_json_script(data) -> str:
    """``data`` in a JSON-LD script element, escaped as ``json_script`` escapes.

    ``json_script`` itself always writes type="application/json"; search
    engines read structured data only from type="application/ld+json".
    """
    text = json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    # Every <, > and & is escaped above.
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


@register.simple_tag
def story_structured_data(story, corrections=()):
    """JSON-LD for a story page: the NewsArticle and its breadcrumb trail."""
    corrections = list(corrections)
    return ld_json_script(
        {
            "@context": "https://schema.org",
            "@graph": [
                news_article_data(story, corrections),
                breadcrumb_data(story),
            ],
        }
    )
