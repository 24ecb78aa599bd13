"""Sitemaps, the news sitemap and robots.txt: live content only, absolute from SITE_URL."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree

from articles.models import Article
from articles.reader.sitemaps import StorySitemap, TagSitemap
from articles.templatetags.seo import iso_datetime
from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db

SITE_URL = "https://news.example.org"
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
CHILD_SITEMAPS = ["stories", "sections", "tags", "authors"]


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE_URL


def read_xml(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/xml"
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.fromstring(response.content, parser)


def entries(tree) -> list[tuple[str, str | None]]:
    """(loc, lastmod) of every <url> or <sitemap> in a sitemap or index."""
    return [
        (
            node.findtext("sm:loc", namespaces=NS),
            node.findtext("sm:lastmod", namespaces=NS),
        )
        for node in tree.xpath("sm:url | sm:sitemap", namespaces=NS)
    ]


def locations(tree) -> list[str]:
    return [location for location, _lastmod in entries(tree)]


def local_path(location: str) -> str:
    """The path and query of an absolute location, to request it from the test client."""
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def build_newsroom():
    """Live content, plus a section, a tag and an author that only hidden stories use."""
    now = timezone.now()
    air = make_section("Air Defence", slug="air-defence")
    secret = make_section("Secret Projects", slug="secret-projects")
    mara, ghost = make_author("Mara Lind"), make_author("Ghost Writer")
    older = make_article(
        headline="Radar upgrade approved",
        section=air,
        authors=[mara],
        tags=["radar"],
        publish_at=now - timedelta(days=3),
    )
    newer = make_article(
        headline="Battery deployed",
        section=air,
        authors=[mara],
        tags=["missiles"],
        publish_at=now - timedelta(hours=5),
    )
    edited_at = now - timedelta(hours=1)
    Article.objects.filter(pk=older.pk).update(content_updated_at=edited_at)
    older.refresh_from_db()
    hidden = {"section": secret, "authors": [ghost], "tags": ["leak"]}
    hidden_stories = [
        make_article(headline="Draft deal", status=Article.Status.DRAFT, **hidden),
        make_article(headline="In review", status=Article.Status.IN_REVIEW, **hidden),
        make_article(
            headline="Scheduled", publish_at=now + timedelta(hours=2), **hidden
        ),
        make_article(
            headline="Expired",
            publish_at=now - timedelta(hours=3),
            expire_at=now - timedelta(minutes=1),
            **hidden,
        ),
        make_article(
            headline="Embargoed", embargo_until=now + timedelta(hours=1), **hidden
        ),
    ]
    return {
        "older": older,
        "newer": newer,
        "edited_at": edited_at,
        "hidden": hidden_stories,
    }


def test_index_lists_every_sitemap_with_its_last_change(client):
    newsroom = build_newsroom()
    index = read_xml(client.get("/sitemap.xml"))
    assert index.tag == f"{{{NS['sm']}}}sitemapindex"
    latest = iso_datetime(newsroom["edited_at"])
    assert entries(index) == [
        (f"{SITE_URL}/sitemap-{name}.xml", latest) for name in CHILD_SITEMAPS
    ]
    for location in locations(index):
        child = read_xml(client.get(local_path(location)))
        assert child.tag == f"{{{NS['sm']}}}urlset"
        assert locations(child)


def test_each_sitemap_lists_only_live_content(client):
    newsroom = build_newsroom()
    older, newer = newsroom["older"], newsroom["newer"]

    stories = read_xml(client.get("/sitemap-stories.xml"))
    assert entries(stories) == [
        (f"{SITE_URL}{older.get_absolute_url()}", iso_datetime(newsroom["edited_at"])),
        (f"{SITE_URL}{newer.get_absolute_url()}", iso_datetime(newer.publish_at)),
    ]
    sections = read_xml(client.get("/sitemap-sections.xml"))
    assert entries(sections) == [
        (f"{SITE_URL}/section/air-defence/", iso_datetime(newsroom["edited_at"]))
    ]
    tags = read_xml(client.get("/sitemap-tags.xml"))
    assert entries(tags) == [
        (f"{SITE_URL}/tag/missiles/", iso_datetime(newer.publish_at)),
        (f"{SITE_URL}/tag/radar/", iso_datetime(newsroom["edited_at"])),
    ]
    authors = read_xml(client.get("/sitemap-authors.xml"))
    assert locations(authors) == [f"{SITE_URL}/author/mara-lind/"]

    every_sitemap = b"".join(
        client.get(f"/sitemap-{name}.xml").content for name in CHILD_SITEMAPS
    )
    for story in newsroom["hidden"]:
        assert story.slug.encode() not in every_sitemap
    for hidden in (b"secret-projects", b"/tag/leak/", b"ghost-writer"):
        assert hidden not in every_sitemap


def test_unknown_sitemap_or_page_is_a_404(client):
    make_article()
    for url in (
        "/sitemap-drafts.xml",
        "/sitemap-stories.xml?p=2",
        "/sitemap-stories.xml?p=0",
        "/sitemap-stories.xml?p=-1",
        "/sitemap-stories.xml?p=abc",
        "/sitemap-stories.xml?p=99999999999999999999999",
    ):
        assert client.get(url).status_code == 404, url


def test_sitemaps_use_site_url_whatever_the_host_header(client):
    """A Host header that ALLOWED_HOSTS accepts still never ends up in a location."""
    build_newsroom()
    urls = ["/sitemap.xml", "/news-sitemap.xml"]
    urls += [f"/sitemap-{name}.xml" for name in CHILD_SITEMAPS]
    for url in urls:
        response = client.get(url, HTTP_HOST="localhost", secure=True)
        assert b"localhost" not in response.content
        found = locations(read_xml(response))
        assert found, url
        assert all(location.startswith(f"{SITE_URL}/") for location in found), url
    robots = client.get("/robots.txt", HTTP_HOST="localhost").content.decode()
    assert "localhost" not in robots


def test_large_sitemaps_are_split_into_pages(client, monkeypatch):
    monkeypatch.setattr(StorySitemap, "limit", 2)
    monkeypatch.setattr(TagSitemap, "limit", 2)
    now = timezone.now()
    stories = [
        make_article(
            tags=[f"topic-{index}"], publish_at=now - timedelta(hours=10 - index)
        )
        for index in range(5)
    ]
    make_article(status=Article.Status.DRAFT, tags=["draft-only"])

    index = locations(read_xml(client.get("/sitemap.xml")))
    assert index == [
        f"{SITE_URL}/sitemap-stories.xml",
        f"{SITE_URL}/sitemap-stories.xml?p=2",
        f"{SITE_URL}/sitemap-stories.xml?p=3",
        f"{SITE_URL}/sitemap-sections.xml",
        f"{SITE_URL}/sitemap-tags.xml",
        f"{SITE_URL}/sitemap-tags.xml?p=2",
        f"{SITE_URL}/sitemap-tags.xml?p=3",
        f"{SITE_URL}/sitemap-authors.xml",
    ]
    pages = [locations(read_xml(client.get(local_path(url)))) for url in index[:3]]
    assert [len(page) for page in pages] == [2, 2, 1]
    # Oldest first, so a new story only ever changes the last page.
    assert sum(pages, []) == [
        f"{SITE_URL}{story.get_absolute_url()}" for story in stories
    ]
    assert client.get("/sitemap-stories.xml?p=4").status_code == 404


def news_entries(tree) -> list[dict]:
    return [
        {
            "loc": url.findtext("sm:loc", namespaces=NS),
            "name": url.findtext("news:news/news:publication/news:name", namespaces=NS),
            "language": url.findtext(
                "news:news/news:publication/news:language", namespaces=NS
            ),
            "date": url.findtext("news:news/news:publication_date", namespaces=NS),
            "title": url.findtext("news:news/news:title", namespaces=NS),
        }
        for url in tree.findall("sm:url", NS)
    ]


def test_news_sitemap_holds_stories_from_the_last_48_hours(
    client, settings, time_machine
):
    settings.SITE_NAME = "Defence Review"
    time_machine.move_to(datetime(2025, 3, 10, 12, 0, tzinfo=UTC), tick=False)
    now = timezone.now()
    fresh = make_article(headline="Fresh", publish_at=now - timedelta(hours=1))
    day_old = make_article(headline="Two days", publish_at=now - timedelta(hours=47))
    make_article(headline="Stale", publish_at=now - timedelta(hours=49))
    make_article(headline="Draft", status=Article.Status.DRAFT)
    scheduled = make_article(headline="Scheduled", publish_at=now + timedelta(hours=1))

    news = news_entries(read_xml(client.get("/news-sitemap.xml")))
    assert news == [
        {
            "loc": f"{SITE_URL}{story.get_absolute_url()}",
            "name": "Defence Review",
            "language": "en",
            "date": iso_datetime(story.publish_at),
            "title": story.headline,
        }
        for story in (fresh, day_old)
    ]

    time_machine.shift(timedelta(hours=2))
    news = news_entries(read_xml(client.get("/news-sitemap.xml")))
    assert [entry["title"] for entry in news] == [scheduled.headline, fresh.headline]


@pytest.mark.parametrize(
    ("language_code", "news_language"),
    [("en-gb", "en"), ("en", "en"), ("pt-br", "pt"), ("zh-tw", "zh-tw")],
)
def test_news_sitemap_names_the_language_as_google_news_expects(
    client, settings, language_code, news_language
):
    settings.LANGUAGE_CODE = language_code
    make_article()
    (entry,) = news_entries(read_xml(client.get("/news-sitemap.xml")))
    assert entry["language"] == news_language


def test_hostile_or_control_characters_keep_the_news_sitemap_valid(client):
    story = make_article()
    Article.objects.filter(pk=story.pk).update(
        headline="Radar\x0b <script>alert(1)</script> & \x1bco"
    )
    response = client.get("/news-sitemap.xml")
    (entry,) = news_entries(read_xml(response))
    assert entry["title"] == "Radar <script>alert(1)</script> & co"
    assert b"<script" not in response.content


def test_robots_txt_keeps_crawlers_out_of_admin_and_previews(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        "",
        f"Sitemap: {SITE_URL}/sitemap.xml",
        f"Sitemap: {SITE_URL}/news-sitemap.xml",
    ]


def count_queries(client, url) -> int:
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_sitemaps_use_a_fixed_number_of_queries(client):
    """Counts do not grow with the number of stories, sections, tags or authors."""
    urls = ["/sitemap.xml", "/news-sitemap.xml", "/robots.txt"]
    urls += [f"/sitemap-{name}.xml" for name in CHILD_SITEMAPS]

    def add_stories(count):
        for index in range(count):
            make_article(
                authors=[make_author(), make_author()], tags=[f"tag-{index}", "shared"]
            )

    add_stories(2)
    small = {url: count_queries(client, url) for url in urls}
    add_stories(20)
    large = {url: count_queries(client, url) for url in urls}
    assert small == large
    assert large["/sitemap.xml"] <= 5, large
    assert max(count for url, count in large.items() if url != "/sitemap.xml") <= 2, (
        large
    )
