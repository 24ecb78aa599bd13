"""RSS and Atom feeds: only live stories, everything a feed reader needs, always valid XML."""

import html
from datetime import timedelta

import feedparser
import lxml.html
import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import etree
from taggit.models import Tag

from articles.models import Article, Author, Image
from articles.reader.feeds import FEED_LENGTH
from tests.factories import make_article, make_author, make_image, make_section

pytestmark = pytest.mark.django_db

SITE_URL = "https://news.example.org"
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "dc": "http://purl.org/dc/elements/1.1/",
    "media": "http://search.yahoo.com/mrss/",
}
# (route, what the feed is scoped to)
FEED_ROUTES = [
    ("articles:feed-rss", None),
    ("articles:feed-atom", None),
    ("articles:section-feed-rss", "section"),
    ("articles:section-feed-atom", "section"),
    ("articles:tag-feed-rss", "tag"),
    ("articles:tag-feed-atom", "tag"),
    ("articles:author-feed-rss", "author"),
    ("articles:author-feed-atom", "author"),
]


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE_URL


def feed_url(route, scope, slugs) -> str:
    return reverse(route, kwargs={"slug": slugs[scope]} if scope else {})


def parse_feed(response):
    """The feed, after checking that lxml and feedparser both read it without complaint."""
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].split(";")[0] in (
        "application/rss+xml",
        "application/atom+xml",
    )
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    etree.fromstring(response.content, parser)  # raises on malformed XML
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def xml_tree(response):
    return etree.fromstring(
        response.content, etree.XMLParser(resolve_entities=False, no_network=True)
    )


def build_newsroom():
    """One section, tag and author with a live story and one story in every hidden state."""
    section = make_section("Air Defence", slug="air-defence")
    author = make_author("Mara Lind")
    now = timezone.now()
    common = {"section": section, "authors": [author], "tags": ["missiles"]}
    live = make_article(headline="Battery deployed near the border", **common)
    hidden = [
        make_article(
            headline="Draft: unannounced deal", status=Article.Status.DRAFT, **common
        ),
        make_article(
            headline="In review: tank trials", status=Article.Status.IN_REVIEW, **common
        ),
        make_article(
            headline="Withdrawn: wrong figures",
            status=Article.Status.WITHDRAWN,
            **common,
        ),
        make_article(
            headline="Scheduled: budget vote",
            publish_at=now + timedelta(hours=2),
            **common,
        ),
        make_article(
            headline="Expired: exercise notice",
            publish_at=now - timedelta(hours=3),
            expire_at=now - timedelta(minutes=5),
            **common,
        ),
        make_article(
            headline="Embargoed: defence review",
            embargo_until=now + timedelta(hours=1),
            **common,
        ),
    ]
    slugs = {"section": section.slug, "tag": "missiles", "author": author.slug}
    return live, hidden, slugs


@pytest.mark.parametrize(("route", "scope"), FEED_ROUTES)
def test_every_feed_lists_live_stories_and_nothing_else(client, route, scope):
    """Drafts, stories in review, withdrawn, scheduled, expired and embargoed stories
    never reach a feed, whatever the query string asks for."""
    live, hidden, slugs = build_newsroom()
    url = feed_url(route, scope, slugs)
    for query in ("", "?status=draft&preview=1&ordering=-pk&all=1"):
        response = client.get(url + query)
        parsed = parse_feed(response)
        titles = [html.unescape(entry.title) for entry in parsed.entries]
        assert titles == [live.headline]
        for story in hidden:
            assert story.headline.encode() not in response.content
            assert story.slug.encode() not in response.content


def test_rss_item_carries_everything_a_reader_needs(client):
    section = make_section("Naval", slug="naval")
    reporter, agency = (
        make_author("Tomas Reed"),
        make_author("Baltic Wire", is_agency=True),
    )
    photo = make_image(caption="Library caption.", credit="Navy Press/K. Orav")
    story = make_article(
        headline="Frigate launched",
        standfirst="The third ship of the class takes to the water.",
        section=section,
        authors=[reporter, agency],
        tags=["frigates", "shipbuilding"],
        lead_image=photo,
        lead_image_caption="The frigate slides down the slipway.",
    )
    item = xml_tree(client.get(reverse("articles:feed-rss"))).find("channel/item")

    story_url = f"{SITE_URL}{story.get_absolute_url()}"
    assert item.findtext("title") == story.headline
    assert item.findtext("link") == story_url
    assert item.findtext("description") == story.standfirst
    assert [creator.text for creator in item.findall("dc:creator", NS)] == [
        "Tomas Reed",
        "Baltic Wire",
    ]
    assert sorted(category.text for category in item.findall("category")) == [
        "frigates",
        "shipbuilding",
    ]
    guid = item.find("guid")
    assert guid.get("isPermaLink") == "false"
    assert guid.text.startswith("tag:news.example.org,") and guid.text.endswith(
        f":story:{story.pk}"
    )

    rendition = photo.renditions["lead-1024"]
    with default_storage.open(rendition["jpg"]) as stored:
        size = len(stored.read())
    image_url = f"{SITE_URL}{default_storage.url(rendition['jpg'])}"
    enclosure = item.find("enclosure")
    assert enclosure.attrib == {
        "url": image_url,
        "type": "image/jpeg",
        "length": str(size),
    }
    media = item.find("media:content", NS)
    assert media.get("url") == image_url
    assert media.get("type") == "image/jpeg"
    assert media.get("medium") == "image"
    assert media.get("fileSize") == str(size)
    assert (media.get("width"), media.get("height")) == (
        str(rendition["width"]),
        str(rendition["height"]),
    )
    assert (
        media.findtext("media:description", namespaces=NS)
        == "The frigate slides down the slipway."
    )
    assert media.findtext("media:credit", namespaces=NS) == "Navy Press/K. Orav"

    entry = parse_feed(client.get(reverse("articles:feed-rss"))).entries[0]
    assert entry.published_parsed[:6] == story.publish_at.utctimetuple()[:6]
    assert [author["name"] for author in entry.authors] == ["Tomas Reed", "Baltic Wire"]
    assert entry.enclosures == [
        {"href": image_url, "type": "image/jpeg", "length": str(size)}
    ]


def test_atom_entry_carries_authors_dates_categories_and_image(client):
    reporter = make_author("Tomas Reed")
    photo = make_image()
    published = timezone.now() - timedelta(hours=5)
    story = make_article(
        headline="Frigate launched",
        authors=[reporter],
        tags=["frigates"],
        lead_image=photo,
        publish_at=published,
    )
    edited = timezone.now() - timedelta(hours=1)
    Article.objects.filter(pk=story.pk).update(content_updated_at=edited)

    parsed = parse_feed(client.get(reverse("articles:feed-atom")))
    entry = parsed.entries[0]
    assert entry.title_detail.type == "text/plain"
    assert entry.title == "Frigate launched"
    assert entry.link == f"{SITE_URL}{story.get_absolute_url()}"
    assert entry.summary == story.standfirst
    assert entry.published_parsed[:6] == published.utctimetuple()[:6]
    assert entry.updated_parsed[:6] == edited.utctimetuple()[:6]
    assert entry.authors == [
        {"name": "Tomas Reed", "href": f"{SITE_URL}/author/tomas-reed/"}
    ]
    assert [tag.term for tag in entry.tags] == ["frigates"]
    (enclosure,) = entry.enclosures
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) > 0
    assert entry.media_content[0]["url"] == enclosure.href
    assert parsed.feed.links[1] == {
        "rel": "self",
        "href": f"{SITE_URL}/feeds/atom/",
        "type": "application/atom+xml",
    }


def test_story_updated_before_going_live_reports_its_publication_time(client):
    """An edit approved while the story was still scheduled is not an update readers saw."""
    published = timezone.now() - timedelta(hours=2)
    story = make_article(publish_at=published)
    Article.objects.filter(pk=story.pk).update(
        content_updated_at=published - timedelta(hours=3)
    )
    entry = parse_feed(client.get(reverse("articles:feed-atom"))).entries[0]
    assert entry.updated_parsed[:6] == published.utctimetuple()[:6]


def test_control_characters_in_stored_text_still_give_a_valid_feed(client):
    """Rows written before text was cleaned on save (or by SQL) may hold a vertical
    tab or ESC; every feed still parses and shows the words around them."""
    author = make_author("Mara Lind")
    photo = make_image()
    story = make_article(authors=[author], tags=["radar"], lead_image=photo)
    Article.objects.filter(pk=story.pk).update(
        headline="Radar\x0bupgrade\x1b approved",
        standfirst="Line one\x0bline two\x1b[31m red",
    )
    Image.objects.filter(pk=photo.pk).update(
        caption="Antenna\x0b array", credit="Press\x1b Office"
    )
    Author.objects.filter(pk=author.pk).update(name="Mara\x0c Lind")
    Tag.objects.filter(slug="radar").update(name="radar\x1b")

    for route, scope in FEED_ROUTES:
        url = feed_url(
            route,
            scope,
            {"section": story.section.slug, "tag": "radar", "author": author.slug},
        )
        response = client.get(url)
        parsed = parse_feed(response)
        assert not any(code in response.content for code in (b"\x0b", b"\x0c", b"\x1b"))
        (entry,) = parsed.entries
        assert html.unescape(entry.title) == "Radarupgrade approved"
        assert "Line oneline two[31m red" in html.unescape(entry.summary)
        assert b"Antenna array" in response.content
        assert b"Press Office" in response.content


def test_hostile_headline_is_escaped_not_interpreted(client):
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    make_article(headline=hostile, standfirst=hostile, tags=["<b>bold</b>"])

    rss = client.get(reverse("articles:feed-rss"))
    atom = client.get(reverse("articles:feed-atom"))
    for response in (rss, atom):
        parse_feed(response)
        assert b"<script" not in response.content
        assert b"<img" not in response.content
    rss_item = xml_tree(rss).find("channel/item")
    # RSS readers treat titles and descriptions as HTML: the markup is text there.
    assert rss_item.findtext("title") == html.escape(hostile)
    assert rss_item.findtext("description") == html.escape(hostile)
    assert rss_item.findtext("category") == "<b>bold</b>"
    atom_entry = xml_tree(atom).find("atom:entry", NS)
    assert atom_entry.findtext("atom:title", namespaces=NS) == hostile
    assert atom_entry.findtext("atom:summary", namespaces=NS) == html.escape(hostile)


def test_feed_links_come_from_site_url_not_the_request_host(client):
    story = make_article()
    for route in ("articles:feed-rss", "articles:feed-atom"):
        response = client.get(reverse(route), HTTP_HOST="localhost")
        parsed = parse_feed(response)
        assert b"localhost" not in response.content
        assert parsed.feed.link == f"{SITE_URL}/"
        assert parsed.entries[0].link == f"{SITE_URL}{story.get_absolute_url()}"


def test_missing_rendition_file_drops_the_image_not_the_feed(client):
    photo = make_image()
    make_article(lead_image=photo)
    default_storage.delete(photo.renditions["lead-1024"]["jpg"])
    response = client.get(reverse("articles:feed-rss"))
    entry = parse_feed(response).entries[0]
    assert entry.enclosures == []
    assert b"media:content" not in response.content


@pytest.mark.parametrize(
    "url",
    [
        "/section/no-such-section/rss/",
        "/tag/no-such-tag/atom/",
        "/author/nobody/rss/",
    ],
)
def test_feed_of_something_that_does_not_exist_is_a_404(client, url):
    assert client.get(url).status_code == 404


def test_feed_holds_the_newest_stories_only(client):
    section = make_section()
    stories = [
        make_article(
            section=section, publish_at=timezone.now() - timedelta(minutes=n + 1)
        )
        for n in range(FEED_LENGTH + 3)
    ]
    parsed = parse_feed(client.get(reverse("articles:feed-rss")))
    assert [html.unescape(entry.title) for entry in parsed.entries] == [
        story.headline for story in stories[:FEED_LENGTH]
    ]


def count_queries(client, url) -> int:
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_feeds_use_a_fixed_number_of_queries(client):
    """Counts do not grow from 3 stories to more than a feed holds."""
    section, author, photo = make_section(), make_author(), make_image()
    slugs = {"section": section.slug, "tag": "shared", "author": author.slug}

    def add_stories(count):
        for index in range(count):
            make_article(
                section=section,
                authors=[author, make_author()],
                tags=["shared", f"tag-{index}"],
                lead_image=photo,
            )

    urls = [feed_url(route, scope, slugs) for route, scope in FEED_ROUTES]
    add_stories(3)
    small = {url: count_queries(client, url) for url in urls}
    add_stories(FEED_LENGTH)
    large = {url: count_queries(client, url) for url in urls}
    assert small == large
    assert max(large.values()) <= 4, large


def test_pages_link_to_their_feeds(client):
    """Home, section, tag and author pages announce their RSS and Atom feeds."""
    _live, _hidden, slugs = build_newsroom()
    pages = {
        "/": ("/feeds/rss/", "/feeds/atom/"),
        f"/section/{slugs['section']}/": (
            f"/section/{slugs['section']}/rss/",
            f"/section/{slugs['section']}/atom/",
        ),
        "/tag/missiles/": ("/tag/missiles/rss/", "/tag/missiles/atom/"),
        f"/author/{slugs['author']}/": (
            f"/author/{slugs['author']}/rss/",
            f"/author/{slugs['author']}/atom/",
        ),
    }
    for page, (rss, atom) in pages.items():
        head = lxml.html.fromstring(client.get(page).content).head
        announced = {
            (link.get("type"), link.get("href"))
            for link in head.xpath('link[@rel="alternate"]')
        }
        assert ("application/rss+xml", f"{SITE_URL}{rss}") in announced, page
        assert ("application/atom+xml", f"{SITE_URL}{atom}") in announced, page
        for feed in (rss, atom):
            assert parse_feed(client.get(feed)).entries
