"""Search and sharing metadata: titles, descriptions, canonical URLs, social cards, JSON-LD."""

import json
from datetime import timedelta

import lxml.html
import pytest
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Article, Correction
from articles.templatetags.seo import iso_datetime
from tests.factories import make_article, make_author, make_image, make_section

pytestmark = pytest.mark.django_db

SITE_URL = "https://news.example.org"
SITE_NAME = "Defence Review"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE_URL
    settings.SITE_NAME = SITE_NAME


def read_page(client, url):
    """The parsed page, requested under another allowed Host to prove it is never used."""
    response = client.get(url, HTTP_HOST="localhost")
    assert response.status_code == 200, url
    assert b"localhost" not in response.content
    return lxml.html.fromstring(response.content)


def meta(page, key: str) -> list[str]:
    """Every content value of <meta property=key> or <meta name=key>, in order."""
    return page.xpath("/html/head/meta[@property=$key or @name=$key]/@content", key=key)


def canonical(page) -> str:
    (href,) = page.xpath('/html/head/link[@rel="canonical"]/@href')
    return href


def structured_data(page) -> dict:
    """The JSON-LD graph's nodes by type, after checking there is exactly one block."""
    (script,) = page.xpath('//script[@type="application/ld+json"]')
    data = json.loads(script.text)
    assert data["@context"] == "https://schema.org"
    return {node["@type"]: node for node in data["@graph"]}


@pytest.fixture
def newsroom():
    section = make_section(
        "Air Defence",
        slug="air-defence",
        description="Missiles, radars and the crews who run them.",
    )
    reporter = make_author("Mara Lind", bio="Covers air defence from Tallinn.")
    agency = make_author("Baltic Wire", is_agency=True)
    photo = make_image(alt_text="Two launchers on a snowy range")
    story = make_article(
        headline="Battery deployed near the border",
        standfirst="A second battery arrives for the exercise.",
        section=section,
        authors=[reporter, agency],
        tags=["air defence", "exercises"],
        lead_image=photo,
    )
    return {
        "section": section,
        "reporter": reporter,
        "agency": agency,
        "photo": photo,
        "story": story,
    }


def test_every_reader_page_has_title_description_and_canonical_url(client, newsroom):
    story, section, reporter = (
        newsroom["story"],
        newsroom["section"],
        newsroom["reporter"],
    )
    pages = {
        "/": (
            SITE_NAME,
            "News and analysis on defence and security from Defence Review.",
        ),
        section.get_absolute_url(): (
            f"Air Defence — {SITE_NAME}",
            "Missiles, radars and the crews who run them.",
        ),
        "/tag/air-defence/": (
            f"air defence — {SITE_NAME}",
            f"Stories about air defence from {SITE_NAME}.",
        ),
        reporter.get_absolute_url(): (
            f"Mara Lind — {SITE_NAME}",
            "Covers air defence from Tallinn.",
        ),
        story.get_absolute_url(): (
            f"Battery deployed near the border — {SITE_NAME}",
            "A second battery arrives for the exercise.",
        ),
    }
    for url, (title, description) in pages.items():
        page = read_page(client, url)
        assert page.findtext("head/title") == title, url
        assert meta(page, "description") == [description], url
        assert canonical(page) == f"{SITE_URL}{url}", url


def test_story_page_has_open_graph_and_twitter_card(client, newsroom):
    story, photo = newsroom["story"], newsroom["photo"]
    edited = timezone.now() - timedelta(minutes=10)
    Article.objects.filter(pk=story.pk).update(content_updated_at=edited)
    page = read_page(client, story.get_absolute_url())

    social = photo.renditions["social"]
    image_url = f"{SITE_URL}{default_storage.url(social['jpg'])}"
    story_url = f"{SITE_URL}{story.get_absolute_url()}"
    expected = {
        "og:type": ["article"],
        "og:site_name": [SITE_NAME],
        "og:title": ["Battery deployed near the border"],
        "og:description": ["A second battery arrives for the exercise."],
        "og:url": [story_url],
        "og:image": [image_url],
        "og:image:type": ["image/jpeg"],
        "og:image:width": ["1200"],
        "og:image:height": ["630"],
        "og:image:alt": ["Two launchers on a snowy range"],
        "article:published_time": [iso_datetime(story.publish_at)],
        "article:modified_time": [iso_datetime(edited)],
        "article:section": ["Air Defence"],
        "article:author": [
            f"{SITE_URL}/author/mara-lind/",
            f"{SITE_URL}/author/baltic-wire/",
        ],
        "twitter:card": ["summary_large_image"],
        "twitter:title": ["Battery deployed near the border"],
        "twitter:image": [image_url],
        "twitter:image:alt": ["Two launchers on a snowy range"],
    }
    for key, values in expected.items():
        assert meta(page, key) == values, key
    assert sorted(meta(page, "article:tag")) == ["air defence", "exercises"]
    assert (social["width"], social["height"]) == (1200, 630)


def test_story_without_a_photo_gets_a_small_card_and_no_image(client):
    story = make_article()
    page = read_page(client, story.get_absolute_url())
    assert meta(page, "twitter:card") == ["summary"]
    assert meta(page, "og:image") == []
    assert "image" not in structured_data(page)["NewsArticle"]


def test_story_json_ld_describes_a_news_article_and_its_breadcrumbs(client, newsroom):
    story, photo = newsroom["story"], newsroom["photo"]
    page = read_page(client, story.get_absolute_url())
    nodes = structured_data(page)
    article, breadcrumbs = nodes["NewsArticle"], nodes["BreadcrumbList"]
    story_url = f"{SITE_URL}{story.get_absolute_url()}"

    assert article["headline"] == "Battery deployed near the border"
    assert article["description"] == "A second battery arrives for the exercise."
    assert article["datePublished"] == iso_datetime(story.publish_at)
    assert article["dateModified"] == iso_datetime(story.publish_at)
    assert article["mainEntityOfPage"] == {"@type": "WebPage", "@id": story_url}
    assert article["articleSection"] == "Air Defence"
    assert sorted(article["keywords"]) == ["air defence", "exercises"]
    assert article["author"] == [
        {
            "@type": "Person",
            "name": "Mara Lind",
            "url": f"{SITE_URL}/author/mara-lind/",
        },
        {
            "@type": "Organization",
            "name": "Baltic Wire",
            "url": f"{SITE_URL}/author/baltic-wire/",
        },
    ]
    social = photo.renditions["social"]
    assert article["image"][0] == {
        "@type": "ImageObject",
        "url": f"{SITE_URL}{default_storage.url(social['jpg'])}",
        "width": 1200,
        "height": 630,
    }
    publisher = article["publisher"]
    assert publisher["@type"] == "Organization"
    assert publisher["name"] == SITE_NAME
    assert publisher["logo"] == {
        "@type": "ImageObject",
        "url": f"{SITE_URL}/static/img/logo-600x60.png",
        "width": 600,
        "height": 60,
    }
    assert "correction" not in article

    assert breadcrumbs["itemListElement"] == [
        {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{SITE_URL}/"},
        {
            "@type": "ListItem",
            "position": 2,
            "name": "Air Defence",
            "item": f"{SITE_URL}/section/air-defence/",
        },
        {
            "@type": "ListItem",
            "position": 3,
            "name": "Battery deployed near the border",
            "item": story_url,
        },
    ]


def test_publisher_logo_is_a_600_by_60_png():
    path = finders.find("img/logo-600x60.png")
    assert path, "static/img/logo-600x60.png is missing"
    with PILImage.open(path) as logo:
        assert (logo.format, logo.size) == ("PNG", (600, 60))


def test_corrections_appear_in_the_json_ld(client, newsroom):
    story = newsroom["story"]
    first_at = timezone.now() - timedelta(minutes=30)
    Correction.objects.create(
        article=story,
        note="The battery is the second, not the third.",
        created_at=first_at,
    )
    second = Correction.objects.create(article=story, note="The range is in Estonia.")
    article = structured_data(read_page(client, story.get_absolute_url()))[
        "NewsArticle"
    ]
    assert article["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "The battery is the second, not the third.",
            "datePublished": iso_datetime(first_at),
        },
        {
            "@type": "CorrectionComment",
            "text": "The range is in Estonia.",
            "datePublished": iso_datetime(second.created_at),
        },
    ]


def test_hostile_headline_stays_inside_the_json_and_attributes(client):
    hostile = '</script><script>alert(1)</script>"><img src=x onerror=alert(2)>'
    author = make_author(hostile)
    story = make_article(
        headline=hostile, standfirst=hostile, authors=[author], tags=[hostile[:90]]
    )
    response = client.get(story.get_absolute_url())
    content = response.content.decode()
    page = lxml.html.fromstring(response.content)

    scripts = page.xpath("//script")
    assert [script.get("type") for script in scripts] == ["application/ld+json"]
    assert not page.xpath("//img[@onerror]")
    assert "<script>alert(1)" not in content
    article = structured_data(page)["NewsArticle"]
    assert article["headline"] == hostile
    assert article["author"][0]["name"] == hostile
    assert page.findtext("head/title") == f"{hostile} — {SITE_NAME}"
    assert meta(page, "og:title") == [hostile]
    assert meta(page, "og:description") == [hostile]


def test_seo_title_and_description_override_headline_and_standfirst(client, newsroom):
    story = newsroom["story"]
    Article.objects.filter(pk=story.pk).update(
        seo_title="Second air-defence battery at the border",
        seo_description="Why a second battery arrived, and what it can reach.",
    )
    page = read_page(client, story.get_absolute_url())
    assert page.findtext("head/title") == (
        f"Second air-defence battery at the border — {SITE_NAME}"
    )
    for key in ("og:title", "twitter:title"):
        assert meta(page, key) == ["Second air-defence battery at the border"], key
    for key in ("description", "og:description", "twitter:description"):
        assert meta(page, key) == [
            "Why a second battery arrived, and what it can reach."
        ], key
    article = structured_data(page)["NewsArticle"]
    assert (
        article["description"] == "Why a second battery arrived, and what it can reach."
    )
    # The headline readers see stays the article's headline.
    assert article["headline"] == "Battery deployed near the border"


def test_previews_carry_no_sharing_metadata_or_canonical_url(client, editor):
    """A draft's preview is never indexed, so it gives crawlers nothing to pick up."""
    story = make_article(status=Article.Status.DRAFT, headline="Unpublished scoop")
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_preview", args=[story.pk]))
    page = lxml.html.fromstring(response.content)
    assert page.findtext("head/title").startswith("Unpublished scoop")
    assert meta(page, "robots") == ["noindex, nofollow"]
    assert not page.xpath('//link[@rel="canonical"] | //script')
    assert not page.xpath('//meta[starts-with(@property, "og:")]')


def count_queries(client, url) -> int:
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_story_metadata_adds_no_queries_as_bylines_tags_and_corrections_grow(client):
    photo = make_image()
    story = make_article(lead_image=photo, tags=["one"])
    Correction.objects.create(article=story, note="First correction.")
    small = count_queries(client, story.get_absolute_url())

    story.tags.add(*[f"tag-{index}" for index in range(8)])
    for index in range(6):
        Correction.objects.create(article=story, note=f"Correction {index}.")
        story.bylines.create(author=make_author(), order=index + 1)
    assert count_queries(client, story.get_absolute_url()) == small
    assert small <= 8
