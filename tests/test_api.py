"""The read-only JSON API: what partners get, what they never get, and how fast."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import yaml
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_spectacular.validation import validate_schema

from articles.models import Article, Correction, Section
from articles.photos.images import SPECS
from tests.factories import (
    make_article,
    make_author,
    make_image,
    make_section,
    make_user,
)
from tests.test_workflow import edit, live_story, submit

pytestmark = pytest.mark.django_db

SITE = "https://news.example.com"
STORIES = "/api/v1/stories/"
SECTIONS = "/api/v1/sections/"
TAGS = "/api/v1/tags/"
AUTHORS = "/api/v1/authors/"
SCHEMA = "/api/v1/schema/"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE
    settings.MEDIA_URL = "/media/"


def get_json(client, url, params=None, status=200):
    response = client.get(url, params or {})
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    return response.json()


def ids(payload) -> list[int]:
    return [story["id"] for story in payload["results"]]


# --- What a story looks like -------------------------------------------------------


def test_story_list_gives_every_field_a_partner_needs(client):
    """Headline to lead photo, bylines in byline order, links absolute on SITE_URL."""
    section = make_section("Air Defence", slug="air-defence")
    staff = make_author("Zofia Zielińska")
    agency = make_author("Baltic Wire", is_agency=True)
    photo = make_image(
        alt_text="Launchers on a snowy range",
        caption="Library caption.",
        credit="Army Press/K. Orav",
    )
    story = make_article(
        headline="Battery deployed near the border",
        standfirst="A second battery arrives for the exercise.",
        section=section,
        authors=[staff, agency],
        tags=["Navy", "air defence"],
        dateline="Tapa",
        source="Ministry of Defence",
        lead_image=photo,
        lead_image_caption="The battery on the range at dawn.",
    )

    payload = get_json(client, STORIES)

    assert payload["count"] == 1
    (item,) = payload["results"]
    assert set(item) == {
        "id",
        "headline",
        "slug",
        "standfirst",
        "url",
        "section",
        "authors",
        "tags",
        "dateline",
        "source",
        "published_at",
        "updated_at",
        "lead_image",
    }
    assert item["id"] == story.pk
    assert item["headline"] == "Battery deployed near the border"
    assert item["slug"] == story.slug
    assert item["standfirst"] == "A second battery arrives for the exercise."
    assert item["url"] == SITE + story.get_absolute_url()
    assert item["section"] == {
        "name": "Air Defence",
        "slug": "air-defence",
        "url": f"{SITE}/section/air-defence/",
    }
    assert item["authors"] == [
        {
            "name": "Zofia Zielińska",
            "slug": staff.slug,
            "is_agency": False,
            "url": f"{SITE}/author/zofia-zieli%C5%84ska/",
        },
        {
            "name": "Baltic Wire",
            "slug": agency.slug,
            "is_agency": True,
            "url": f"{SITE}/author/{agency.slug}/",
        },
    ]
    assert item["tags"] == [
        {
            "name": "air defence",
            "slug": "air-defence",
            "url": f"{SITE}/tag/air-defence/",
        },
        {"name": "Navy", "slug": "navy", "url": f"{SITE}/tag/navy/"},
    ]
    assert item["dateline"] == "Tapa"
    assert item["source"] == "Ministry of Defence"
    assert datetime.fromisoformat(item["published_at"]) == story.publish_at
    assert item["updated_at"] == item["published_at"]


def test_lead_image_gives_every_rendition_with_caption_and_credit(client):
    photo = make_image(
        alt_text="A frigate at sea", caption="Library caption.", credit="Navy/J. Doe"
    )
    make_article(lead_image=photo, lead_image_caption="The frigate on trials.")

    lead = get_json(client, STORIES)["results"][0]["lead_image"]

    assert lead["alt_text"] == "A frigate at sea"
    assert lead["caption"] == "The frigate on trials."
    assert lead["credit"] == "Navy/J. Doe"
    assert set(lead["renditions"]) == set(SPECS)
    for spec, rendition in lead["renditions"].items():
        stored = photo.renditions[spec]
        assert rendition == {
            "width": stored["width"],
            "height": stored["height"],
            "webp": f"{SITE}/media/{stored['webp']}",
            "jpg": f"{SITE}/media/{stored['jpg']}",
        }
    assert lead["renditions"]["card-640"]["width"] == 640
    assert lead["renditions"]["card-640"]["height"] == 360


def test_lead_caption_falls_back_to_the_library_caption(client):
    make_article(lead_image=make_image(caption="Library caption."))
    lead = get_json(client, STORIES)["results"][0]["lead_image"]
    assert lead["caption"] == "Library caption."


def test_a_story_without_a_lead_photo_has_a_null_lead_image(client):
    make_article(lead_image=None)
    assert get_json(client, STORIES)["results"][0]["lead_image"] is None


def test_updated_at_is_the_last_approved_change(client):
    story = make_article()
    story.content_updated_at = story.publish_at + timedelta(minutes=30)
    story.save(update_fields=["content_updated_at"])
    item = get_json(client, STORIES)["results"][0]
    assert datetime.fromisoformat(item["updated_at"]) == story.content_updated_at
    assert datetime.fromisoformat(item["published_at"]) == story.publish_at


def test_story_detail_adds_the_body_and_corrections_oldest_first(client):
    story = make_article(body="<p>Crews unloaded the <strong>launchers</strong>.</p>")
    earlier = timezone.now() - timedelta(minutes=20)
    Correction.objects.create(
        article=story, note="The unit was misnamed.", created_at=earlier
    )
    Correction.objects.create(article=story, note="The date was wrong.")

    item = get_json(client, f"{STORIES}{story.pk}/")

    listed = get_json(client, STORIES)["results"][0]
    assert set(item) == set(listed) | {"body", "corrections"}
    assert item["body"] == "<p>Crews unloaded the <strong>launchers</strong>.</p>"
    assert [correction["note"] for correction in item["corrections"]] == [
        "The unit was misnamed.",
        "The date was wrong.",
    ]
    assert datetime.fromisoformat(item["corrections"][0]["created_at"]) == earlier


def test_hostile_text_comes_back_unchanged_as_inert_json(client):
    """Plain fields are data, not markup: returned as stored, escaped for HTML in the bytes."""
    hostile = '</script><img src=x onerror=alert(1)> & "quoted"'
    make_article(
        headline=hostile,
        standfirst=hostile,
        authors=[make_author(hostile)],
        tags=[hostile],
        lead_image=make_image(alt_text=hostile, caption=hostile, credit=hostile),
    )
    response = client.get(STORIES)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"<" not in response.content and b">" not in response.content
    item = response.json()["results"][0]
    assert item["headline"] == item["standfirst"] == hostile
    assert item["authors"][0]["name"] == hostile
    assert item["tags"][0]["name"] == hostile
    lead = item["lead_image"]
    assert lead["alt_text"] == lead["caption"] == lead["credit"] == hostile


# --- Visibility: exactly the website's ---------------------------------------------

NOT_LIVE = {
    "draft": {"status": Article.Status.DRAFT},
    "in review": {"status": Article.Status.IN_REVIEW},
    "changes requested": {"status": Article.Status.CHANGES_REQUESTED},
    "withdrawn": {"status": Article.Status.WITHDRAWN},
    "scheduled": {"publish_in": timedelta(minutes=5)},
    "expired": {"expire_in": -timedelta(minutes=5)},
    "embargoed": {"embargo_in": timedelta(minutes=5)},
}


def make_story_in_state(state: dict, **fields) -> Article:
    now = timezone.now()
    return make_article(
        status=state.get("status", Article.Status.PUBLISHED),
        publish_at=now + state.get("publish_in", -timedelta(hours=2)),
        expire_at=now + state["expire_in"] if "expire_in" in state else None,
        embargo_until=now + state["embargo_in"] if "embargo_in" in state else None,
        **fields,
    )


@pytest.mark.parametrize("state", NOT_LIVE.values(), ids=NOT_LIVE.keys())
def test_a_story_that_is_not_live_never_appears(client, state):
    """Not in any list or filter, its detail is a 404, and its byline and tags stay hidden."""
    section = make_section("Navy", slug="navy")
    live = make_article(section=section, tags=["frigates"])
    hidden = make_story_in_state(
        state,
        section=section,
        authors=[make_author("Unannounced Contributor")],
        tags=["secret-programme"],
    )
    nosy = {"status": "draft", "preview": "1", "include_drafts": "true"}

    for params in ({}, nosy, {"section": "navy"}, {"tag": "secret-programme"}):
        listed = ids(get_json(client, STORIES, params))
        assert hidden.pk not in listed
    assert ids(get_json(client, STORIES)) == [live.pk]
    assert get_json(client, f"{STORIES}{hidden.pk}/", status=404)
    assert get_json(client, f"{STORIES}{hidden.pk}/", nosy, status=404)
    assert get_json(client, STORIES, {"tag": "secret-programme"})["count"] == 0

    tag_slugs = [tag["slug"] for tag in get_json(client, TAGS)["results"]]
    assert tag_slugs == ["frigates"]
    author_names = [author["name"] for author in get_json(client, AUTHORS)["results"]]
    assert "Unannounced Contributor" not in author_names
    get_json(client, f"{TAGS}secret-programme/", status=404)
    unannounced = hidden.bylines.get().author
    get_json(client, f"{AUTHORS}{unannounced.slug}/", status=404)


def test_a_live_storys_pending_edit_never_leaks(client, reporter, editor, moderator):
    """Readers of the API see the approved version while changes await review."""
    story = live_story(
        reporter,
        moderator,
        headline="Navy orders four frigates",
        body="<p>The approved text.</p>",
        tags=["navy"],
    )
    edit(
        story,
        editor,
        headline="Leaked: navy orders six frigates",
        body="<p>Unapproved text.</p>",
        tags=["navy", "unannounced-deal"],
        authors=[make_author("Unapproved Byline")],
    )
    for moment in ("edited", "submitted"):
        if moment == "submitted":
            submit(story, editor)
        listed = get_json(client, STORIES)["results"]
        detail = get_json(client, f"{STORIES}{story.pk}/")
        assert [item["headline"] for item in listed] == ["Navy orders four frigates"]
        assert detail["headline"] == "Navy orders four frigates"
        assert detail["body"] == "<p>The approved text.</p>"
        assert [tag["slug"] for tag in detail["tags"]] == ["navy"]
        assert "Unapproved Byline" not in json.dumps(detail)
        assert [tag["slug"] for tag in get_json(client, TAGS)["results"]] == ["navy"]
        assert "Unapproved Byline" not in json.dumps(get_json(client, AUTHORS))


def test_a_logged_in_editor_sees_no_drafts_through_the_api(client, editor):
    """The API authenticates nobody: a session cookie changes nothing."""
    draft = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    assert get_json(client, STORIES)["count"] == 0
    get_json(client, f"{STORIES}{draft.pk}/", status=404)


@pytest.mark.parametrize(
    "path",
    ["12abc", "-1", "1.0", "99999999999999999999999999", "%00", "%D9%A3"],
)
def test_a_malformed_story_id_is_a_404(client, path):
    """An id with trailing junk is never read as a number (CVE-2017-1001000)."""
    story = make_article()
    assert client.get(f"{STORIES}{path}/").status_code == 404
    assert client.get(f"{STORIES}{story.pk}abc/").status_code == 404


# --- Sections, tags, authors -------------------------------------------------------


def test_sections_list_every_section_in_menu_order_with_detail_by_slug(client):
    Section.objects.all().delete()
    make_section("Land", slug="land", order=2, description="Armies and armour.")
    make_section("Air", slug="air", order=1)
    make_section("Sea", slug="sea", order=1)

    payload = get_json(client, SECTIONS)

    assert [section["slug"] for section in payload["results"]] == ["air", "sea", "land"]
    assert get_json(client, f"{SECTIONS}land/") == {
        "name": "Land",
        "slug": "land",
        "url": f"{SITE}/section/land/",
        "description": "Armies and armour.",
    }
    get_json(client, f"{SECTIONS}no-such-section/", status=404)


def test_tags_list_only_tags_of_live_stories_with_detail_by_slug(client):
    make_article(tags=["Submarines", "Łódź"])
    make_article(tags=["Submarines"])
    make_article(tags=["Draft-only"], status=Article.Status.DRAFT)

    payload = get_json(client, TAGS)

    assert payload["results"] == [
        {"name": "Submarines", "slug": "submarines", "url": f"{SITE}/tag/submarines/"},
        {"name": "Łódź", "slug": "łódź", "url": f"{SITE}/tag/%C5%82%C3%B3d%C5%BA/"},
    ]
    assert get_json(client, f"{TAGS}łódź/")["name"] == "Łódź"
    get_json(client, f"{TAGS}draft-only/", status=404)


def test_authors_list_only_bylines_of_live_stories_with_detail_by_slug(client):
    wire = make_author("Baltic Wire", is_agency=True, bio="A news agency.")
    writer = make_author("Anna Nowak")
    newcomer = make_author("New Contributor")
    make_article(authors=[writer, wire])
    make_article(authors=[wire])
    make_article(authors=[newcomer], status=Article.Status.IN_REVIEW)

    payload = get_json(client, AUTHORS)

    assert [author["name"] for author in payload["results"]] == [
        "Anna Nowak",
        "Baltic Wire",
    ]
    assert get_json(client, f"{AUTHORS}{wire.slug}/") == {
        "name": "Baltic Wire",
        "slug": wire.slug,
        "is_agency": True,
        "url": f"{SITE}/author/{wire.slug}/",
        "bio": "A news agency.",
    }
    get_json(client, f"{AUTHORS}{newcomer.slug}/", status=404)


# --- Filters -------------------------------------------------------------------------


@pytest.fixture
def filterable():
    """Three live stories on three days, in two sections, with tags and bylines."""
    navy, air = make_section("Navy", slug="navy"), make_section("Air", slug="air")
    anna, wire = make_author("Anna Nowak"), make_author("Baltic Wire")
    day = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
    return {
        "first": make_article(
            section=navy, authors=[anna], tags=["frigates"], publish_at=day
        ),
        "second": make_article(
            section=navy,
            authors=[wire, anna],
            tags=["Łódź"],
            publish_at=day + timedelta(days=1),
        ),
        "third": make_article(
            section=air,
            authors=[wire],
            tags=["frigates"],
            publish_at=day + timedelta(days=2),
        ),
    }


def story_ids(stories, *names) -> list[int]:
    return [stories[name].pk for name in names]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["third", "second", "first"]),
        ({"section": "navy"}, ["second", "first"]),
        ({"section": "air"}, ["third"]),
        ({"section": "no-such-section"}, []),
        ({"tag": "frigates"}, ["third", "first"]),
        ({"tag": "łódź"}, ["second"]),
        ({"author": "anna-nowak"}, ["second", "first"]),
        ({"author": "baltic-wire", "section": "navy"}, ["second"]),
        ({"tag": "frigates", "author": "anna-nowak"}, ["first"]),
        ({"published_after": "2025-03-02"}, ["third", "second"]),
        ({"published_before": "2025-03-02"}, ["first"]),
        (
            {"published_after": "2025-03-02", "published_before": "2025-03-03"},
            ["second"],
        ),
        ({"published_after": "2025-03-02T10:00:00Z"}, ["third", "second"]),
        ({"published_after": "2025-03-02T10:00:01Z"}, ["third"]),
        ({"published_before": "2025-03-03T12:00:00+02:00"}, ["second", "first"]),
        ({"section": "", "published_after": ""}, ["third", "second", "first"]),
    ],
)
def test_filters_narrow_the_story_list(client, filterable, params, expected):
    assert ids(get_json(client, STORIES, params)) == story_ids(filterable, *expected)


@pytest.mark.parametrize(
    ("params", "bad"),
    [
        ({"published_after": "not-a-date"}, "published_after"),
        ({"published_before": "2025-02-30"}, "published_before"),
        ({"published_before": "2025-03-01T25:00"}, "published_before"),
        ({"published_after": "9999-12-31T23:00:00-05:00"}, "published_after"),
        ({"published_after": "2025-03-01" + " " * 5000}, "published_after"),
        ({"section": "navy'; DROP TABLE articles_article;--"}, "section"),
        ({"tag": "nul\x00byte"}, "tag"),
        ({"author": "x" * 500}, "author"),
    ],
)
def test_a_malformed_filter_value_is_a_400_naming_the_filter(client, params, bad):
    make_article()
    errors = get_json(client, STORIES, params, status=400)
    assert list(errors) == [bad]
    assert errors[bad][0].startswith("Enter ")


def test_every_malformed_filter_is_reported_at_once(client):
    errors = get_json(
        client,
        STORIES,
        {"published_after": "soon", "published_before": "later", "tag": "a b"},
        status=400,
    )
    assert set(errors) == {"published_after", "published_before", "tag"}


# Query-string keys a reader might send to reach past the allow-list (threat Q2).
# Each is ignored (the unfiltered list comes back) or refused; none is applied.
HOSTILE_PARAMS = [
    ("_connector=OR", 200),
    ("_connector=OR&_negated=1&section__slug=air", 200),
    ("section__in=air", 200),
    ("section__slug__startswith=a", 200),
    ("headline__startswith=Secret", 200),
    ("author__user__password__startswith=pbkdf2", 200),
    ("author__user__password__startswith=md5", 200),
    ("bylines__author__user__password__regex=.*", 200),
    ("ordering=-created_by__password", 200),
    ("ordering=created_by__password", 200),
    ("order_by=-headline", 200),
    ("status=draft", 200),
    ("live_revision__isnull=true", 200),
    ("page=abc", 404),
    ("page=-1", 404),
    ("page=0", 404),
    ("page=1.5", 404),
    ("page=999999", 404),
    ("page=" + "9" * 5000, 404),
    ("page_size=100000", 200),
    ("page_size=-5", 200),
    ("page_size=abc", 200),
    ("published_after=not-a-date", 400),
    ("format=api", 404),
    ("format=xml", 404),
]


@pytest.mark.parametrize(
    ("query", "expected_status"),
    HOSTILE_PARAMS,
    ids=[q[:40] for q, _ in HOSTILE_PARAMS],
)
def test_hostile_query_parameters_are_never_applied(client, query, expected_status):
    owner = make_user("owner")
    air = make_section("Air", slug="air")
    make_article(
        headline="Secret drone",
        section=air,
        authors=[make_author("Staff Writer", user=owner)],
    )
    make_article(headline="Navy news")
    baseline = ids(get_json(client, STORIES))

    response = client.get(f"{STORIES}?{query}")

    assert response.status_code == expected_status
    assert response["Content-Type"] == "application/json"
    if expected_status == 200:
        assert ids(response.json()) == baseline
    beside_a_filter = client.get(f"{STORIES}?section=air&{query}")
    assert beside_a_filter.status_code == expected_status
    assert beside_a_filter["Content-Type"] == "application/json"


def test_a_hostile_key_next_to_a_real_filter_changes_nothing(client):
    air = make_section("Air", slug="air")
    on_air = make_article(section=air)
    make_article()
    assert ids(get_json(client, f"{STORIES}?_connector=OR&section=air")) == [on_air.pk]


# --- Pagination ----------------------------------------------------------------------


def test_pages_hold_twenty_stories_and_link_on_the_site_url(client):
    section = make_section()
    author = make_author()
    for _ in range(25):
        make_article(section=section, authors=[author])

    first = get_json(client, STORIES, {"section": section.slug})
    assert first["count"] == 25
    assert len(first["results"]) == 20
    assert first["previous"] is None
    assert first["next"] == f"{SITE}{STORIES}?page=2&section={section.slug}"

    second = get_json(client, STORIES, {"page": 2, "section": section.slug})
    assert len(second["results"]) == 5
    assert second["next"] is None
    assert second["previous"] == f"{SITE}{STORIES}?section={section.slug}"
    assert not set(ids(first)) & set(ids(second))

    small = get_json(client, STORIES, {"page_size": 10, "page": 2})
    assert len(small["results"]) == 10
    assert small["next"] == f"{SITE}{STORIES}?page=3&page_size=10"
    assert small["previous"] == f"{SITE}{STORIES}?page_size=10"
    assert len(get_json(client, STORIES, {"page_size": 100000})["results"]) == 25
    assert get_json(client, STORIES, {"page": "last"})["results"] == second["results"]


def test_pagination_links_never_take_the_host_from_the_request(client):
    for _ in range(3):
        make_article()
    payload = get_json(client, STORIES, {"page_size": 1}, status=200)
    response = client.get(STORIES, {"page_size": 1}, HTTP_HOST="localhost")
    assert payload["next"].startswith(SITE)
    assert response.json()["next"] == payload["next"]


def test_the_page_size_is_capped_at_one_hundred(client):
    section, author = make_section(), make_author()
    for _ in range(101):
        make_article(section=section, authors=[author])
    payload = get_json(client, STORIES, {"page_size": 100000})
    assert payload["count"] == 101
    assert len(payload["results"]) == 100
    assert payload["next"] == f"{SITE}{STORIES}?page=2&page_size=100000"


# --- Queries per page --------------------------------------------------------------


def count_queries(client, url, params=None) -> int:
    get_json(client, url, params)  # warm-up
    with CaptureQueriesContext(connection) as queries:
        get_json(client, url, params)
    return len(queries)


def add_stories(count: int, *, photos, sections) -> list[Article]:
    stories = []
    for number in range(count):
        stories.append(
            make_article(
                section=sections[number % len(sections)],
                authors=[make_author(), make_author(is_agency=True)],
                tags=[f"topic-{number}", "defence"],
                lead_image=photos[number % len(photos)],
            )
        )
    return stories


def test_query_counts_do_not_grow_with_stories(client):
    """Five stories or thirty (a full page of twenty), the same few queries."""
    photos = [make_image(), make_image()]
    sections = [make_section(), make_section()]
    add_stories(5, photos=photos, sections=sections)
    detail = Article.objects.first()
    Correction.objects.create(article=detail, note="A first correction.")
    urls = [
        (STORIES, None),
        (STORIES, {"tag": "defence", "section": sections[0].slug}),
        (f"{STORIES}{detail.pk}/", None),
        (SECTIONS, None),
        (TAGS, None),
        (AUTHORS, None),
    ]
    few = {
        url + str(params): count_queries(client, url, params) for url, params in urls
    }

    add_stories(25, photos=photos, sections=sections)
    for _ in range(4):
        Correction.objects.create(article=detail, note="Another correction.")
    many = {
        url + str(params): count_queries(client, url, params) for url, params in urls
    }

    assert many == few
    assert max(many.values()) <= 8
    assert len(get_json(client, STORIES)["results"]) == 20


# --- Read-only, cookie-free, cacheable ---------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(method):
    story = make_article(headline="Untouched")
    client = Client(enforce_csrf_checks=True)
    for url in (STORIES, f"{STORIES}{story.pk}/", SECTIONS, TAGS, AUTHORS):
        response = getattr(client, method)(
            url,
            data=json.dumps({"headline": "Changed"}),
            content_type="application/json",
        )
        assert response.status_code == 405
    assert Article.objects.get(pk=story.pk).headline == "Untouched"
    assert Article.objects.count() == 1


def test_responses_are_json_without_cookies(editor):
    """No Set-Cookie and no "Vary: Cookie", for readers and for a logged-in editor."""
    story = make_article(tags=["navy"])
    author = story.bylines.get().author
    urls = [
        STORIES,
        f"{STORIES}{story.pk}/",
        SECTIONS,
        f"{SECTIONS}{story.section.slug}/",
        TAGS,
        f"{TAGS}navy/",
        AUTHORS,
        f"{AUTHORS}{author.slug}/",
        f"{STORIES}999999/",
        f"{STORIES}?published_after=bad",
    ]
    reader, logged_in = Client(), Client()
    logged_in.force_login(editor)
    for client in (reader, logged_in):
        for url in urls:
            response = client.get(url, HTTP_ACCEPT="text/html,*/*;q=0.8")
            assert response.status_code in (200, 400, 404), url
            assert response["Content-Type"] == "application/json", url
            assert not response.cookies, url
            assert "cookie" not in response.get("Vary", "").lower(), url


def test_the_reader_page_cache_serves_the_api(client, page_cache):
    make_article()
    first = client.get(STORIES)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(STORIES)
    assert first["X-Cache"] == "miss"
    assert second["X-Cache"] == "hit"
    assert len(queries) == 0
    assert second.content == first.content
    assert second["Content-Type"] == "application/json"


# --- Schema ---------------------------------------------------------------------------


def test_the_schema_is_valid_openapi_describing_every_endpoint(client):
    response = client.get(SCHEMA)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert not response.cookies
    schema = json.loads(response.content)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Newsroom API"
    assert schema["info"]["version"] == "1.0.0"
    assert len(schema["servers"]) == 1
    for path in (
        "/api/v1/stories/",
        "/api/v1/stories/{id}/",
        "/api/v1/sections/",
        "/api/v1/sections/{slug}/",
        "/api/v1/tags/",
        "/api/v1/tags/{slug}/",
        "/api/v1/authors/",
        "/api/v1/authors/{slug}/",
    ):
        assert set(schema["paths"][path]) == {"get"}, path
    parameters = {
        parameter["name"]
        for parameter in schema["paths"]["/api/v1/stories/"]["get"]["parameters"]
    }
    assert parameters == {
        "page",
        "page_size",
        "section",
        "tag",
        "author",
        "published_after",
        "published_before",
    }
    story = schema["components"]["schemas"]["StoryDetail"]
    assert set(story["required"]) == set(story["properties"])


def test_the_schema_format_comes_from_the_url_not_the_accept_header(client):
    """The page cache keys by URL, so the same URL must always give the same format."""
    as_json = client.get(SCHEMA, HTTP_ACCEPT="application/yaml")
    as_yaml = client.get(SCHEMA, {"format": "yaml"}, HTTP_ACCEPT="application/json")
    assert json.loads(as_json.content) == yaml.safe_load(as_yaml.content)
    assert as_yaml["Content-Type"].startswith("application/vnd.oai.openapi")
    assert b"openapi: 3." in as_yaml.content


def test_the_schema_generates_without_warnings(tmp_path):
    """Warnings would also fail ``check --deploy`` (drf-spectacular's deploy check)."""
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))
    assert "/api/v1/stories/" in yaml.safe_load(target.read_text())["paths"]
