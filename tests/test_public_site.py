"""What readers see: only live stories, on every public page, in few queries."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article, Correction
from tests.factories import make_article, make_author, make_image, make_section

pytestmark = pytest.mark.django_db


def test_home_shows_live_stories_and_hides_drafts_and_future(client):
    live = make_article(headline="Live: corvette commissioned")
    draft = make_article(
        headline="Draft: unannounced deal", status=Article.Status.DRAFT
    )
    future = make_article(
        headline="Future: embargoed report",
        publish_at=timezone.now() + timedelta(hours=2),
    )
    in_review = make_article(
        headline="In review: tank trials", status=Article.Status.IN_REVIEW
    )
    page = client.get("/").content.decode()
    assert live.headline in page
    for hidden in (draft, future, in_review):
        assert hidden.headline not in page


@pytest.mark.parametrize(
    "state",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.IN_REVIEW},
        {"status": Article.Status.CHANGES_REQUESTED},
        {"status": Article.Status.WITHDRAWN},
        {"publish_at_offset": timedelta(minutes=5)},
        {"expire_at_offset": -timedelta(minutes=5)},
        {"embargo_offset": timedelta(minutes=5)},
    ],
)
def test_story_that_is_not_live_is_a_404(client, state):
    now = timezone.now()
    story = make_article(
        status=state.get("status", Article.Status.PUBLISHED),
        publish_at=now + state.get("publish_at_offset", -timedelta(hours=2)),
        expire_at=now + state["expire_at_offset"]
        if "expire_at_offset" in state
        else None,
        embargo_until=now + state["embargo_offset"]
        if "embargo_offset" in state
        else None,
    )
    assert client.get(story.get_absolute_url()).status_code == 404
    assert (
        client.get(story.get_absolute_url() + "?preview=1&status=draft").status_code
        == 404
    )


def test_published_queryset_follows_the_clock():
    story = make_article(publish_at=timezone.now() + timedelta(hours=1))
    assert story not in Article.objects.published()
    assert story in Article.objects.published(at=timezone.now() + timedelta(hours=2))


def test_story_page_shows_everything_a_reader_needs(client):
    section = make_section("Air Defence", slug="air-defence")
    first, agency = make_author("Mara Lind"), make_author("Baltic Wire", is_agency=True)
    photo = make_image(caption="Launchers on the range.", credit="Army Press/K. Orav")
    story = make_article(
        headline="Battery deployed near the border",
        standfirst="A second battery arrives for the exercise.",
        body="<p>Crews unloaded the launchers overnight.</p>",
        section=section,
        authors=[first, agency],
        tags=["air defence", "exercises"],
        dateline="Tallinn",
        source="Ministry statement",
        lead_image=photo,
        lead_image_caption="Launchers on the range at dawn.",
    )
    response = client.get(story.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Battery deployed near the border",
        "A second battery arrives for the exercise.",
        "Crews unloaded the launchers overnight.",
        "Tallinn",
        "Ministry statement",
        "Launchers on the range at dawn.",
        "Army Press/K. Orav",
        'href="/author/mara-lind/"',
        'href="/author/baltic-wire/"',
        'href="/tag/air-defence/"',
        'href="/section/air-defence/"',
        "<figcaption",
        f'datetime="{story.publish_at.isoformat()}"'[:30],
    ]:
        assert text in page, text
    assert "Launchers on the range." not in page  # the per-story caption wins


def test_corrections_page_lists_only_live_stories_corrections_newest_first(client):
    now = timezone.now()
    live = make_article(headline="Live story")
    hidden = [
        make_article(status=Article.Status.WITHDRAWN),
        make_article(status=Article.Status.DRAFT),
        make_article(expire_at=now - timedelta(minutes=5)),
        make_article(embargo_until=now + timedelta(minutes=5)),
        make_article(publish_at=now + timedelta(minutes=5)),
    ]
    Correction.objects.create(article=live, note="An older correction.")
    Correction.objects.create(article=live, note="A newer correction.")
    for story in hidden:
        Correction.objects.create(article=story, note="Not for readers.")

    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("articles:corrections")).content.decode()

    assert "Not for readers." not in page
    assert page.index("A newer correction.") < page.index("An older correction.")
    # Joined to the live stories: "IN (every live story)" grows with the archive.
    corrections_sql = [q["sql"] for q in queries if '"articles_correction"' in q["sql"]]
    assert corrections_sql and not any("IN (SELECT" in sql for sql in corrections_sql)


def test_story_url_with_wrong_date_or_section_redirects_to_the_canonical_one(client):
    story = make_article(headline="Submarine returns")
    wrong = f"/wrong-section/2001/01/01/{story.slug}/"
    response = client.get(wrong)
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()


def test_related_stories_share_tags(client):
    story = make_article(headline="Drone trials", tags=["drones", "trials"])
    related = make_article(headline="More drone trials", tags=["drones"])
    unrelated = make_article(headline="Budget hearing", tags=["budget"])
    page = client.get(story.get_absolute_url()).content.decode()
    assert related.headline in page
    assert unrelated.headline not in page


def test_related_stories_rank_by_shared_tags_among_each_tags_newest_stories():
    """The most tags shared wins; only the newest stories carrying each of the
    story's tags are ranked, so a tag on thousands of stories does not slow
    every story page."""
    story = make_article(headline="Drone trials", tags=["drones", "trials"])
    old_close_match = make_article(
        headline="Old drone trials", tags=["drones", "trials"]
    )
    newer_drones = [
        make_article(headline=f"Drones {n}", tags=["drones"]) for n in range(3)
    ]
    newer_trials = [
        make_article(headline=f"Trials {n}", tags=["trials"]) for n in range(3)
    ]
    draft = make_article(
        headline="Draft drone trials",
        tags=["drones", "trials"],
        status=Article.Status.DRAFT,
    )

    def related(**bounds):
        tag_ids = [tag.pk for tag in story.tags.all()]
        return list(Article.objects.related_to(story.pk, tag_ids, limit=10, **bounds))

    assert related()[0] == old_close_match
    assert set(related()) == {old_close_match, *newer_drones, *newer_trials}
    assert draft not in related()
    # The four newest stories of each tag: the draft and the three newer ones;
    # the old close match is beyond both windows.
    assert set(related(candidates=4)) == {*newer_drones, *newer_trials}


def test_section_tag_author_and_archive_pages_list_only_live_stories(client):
    section = make_section("Naval", slug="naval")
    author = make_author("Tomas Reed")
    live = make_article(
        headline="Frigate launched",
        section=section,
        authors=[author],
        tags=["frigates"],
    )
    draft = make_article(
        headline="Secret frigate plan",
        section=section,
        authors=[author],
        tags=["frigates"],
        status=Article.Status.DRAFT,
    )
    when = timezone.localtime(live.publish_at)
    urls = [
        "/section/naval/",
        "/tag/frigates/",
        "/author/tomas-reed/",
        f"/archive/{when.year}/",
        f"/archive/{when.year}/{when.month}/",
        f"/archive/{when.year}/{when.month}/{when.day}/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert live.headline in page, url
        assert draft.headline not in page, url


@pytest.mark.parametrize(
    "url",
    [
        "/section/nope/",
        "/tag/nope/",
        "/author/nope/",
        "/no/such/page/",
        "/naval/2026/01/01/nope/",
    ],
)
def test_unknown_pages_get_the_sites_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert b"<html" in response.content


@pytest.mark.parametrize(
    "page", ["abc", "-1", "0", "99999", "1e3", "999999999999", "１"]
)
def test_bad_page_numbers_are_404_not_500(client, page):
    make_section("Naval", slug="naval")
    make_article(section=make_section("Land", slug="land"))
    assert client.get(f"/section/land/?page={page}").status_code == 404


def test_listing_paginates(client):
    section = make_section("Land", slug="land")
    for index in range(25):
        make_article(
            headline=f"Convoy report {index}",
            section=section,
            publish_at=timezone.now() - timedelta(hours=index + 1),
        )
    first = client.get("/section/land/").content.decode()
    second = client.get("/section/land/?page=2").content.decode()
    assert "Convoy report 0" in first and "Convoy report 24" not in first
    assert "Convoy report 24" in second


def test_pages_have_landmarks_skip_link_and_language(client):
    make_article()
    page = client.get("/").content.decode()
    assert '<html lang="en' in page
    assert 'href="#main"' in page
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in page


def test_pages_use_the_sites_language_and_zone_whatever_the_thread_had_active(
    client, settings
):
    """A language or time zone left active in the worker's thread by earlier
    code (a task, a notification in another language) must not reach readers."""
    settings.TIME_ZONE = "Europe/London"
    story = make_article(publish_at=datetime(2026, 7, 1, 9, 15, tzinfo=UTC))
    translation.activate("de")
    timezone.activate(ZoneInfo("Asia/Tokyo"))
    try:
        page = client.get(story.get_absolute_url()).content.decode()
    finally:
        translation.deactivate()
        timezone.deactivate()
    assert '<html lang="en-gb">' in page
    assert ">1 July 2026, 10:15</time>" in page


def build_newsroom(count: int):
    sections = [make_section(f"Desk {index}") for index in range(3)]
    authors = [make_author(f"Writer {index}") for index in range(3)]
    photo = make_image()
    for index in range(count):
        make_article(
            section=sections[index % 3],
            authors=authors[: 1 + index % 3],
            tags=[f"tag-{index % 7}", f"tag-{index % 5}", "shared"],
            lead_image=photo,
            publish_at=timezone.now() - timedelta(hours=index + 1),
        )
    return sections[0], authors[0]


def reader_urls(section, author):
    story = Article.objects.published().newest_first().first()
    when = timezone.localtime(story.publish_at)
    return [
        "/",
        story.get_absolute_url(),
        section.get_absolute_url(),
        author.get_absolute_url(),
        reverse("articles:tag", args=["shared"]),
        f"/archive/{when.year}/{when.month}/",
    ]


def count_queries(client, url) -> int:
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


# Queries per page, in reader_urls() order: home, story, section, author, tag,
# archive. The story page: the story, tags, related stories, the bylines of
# all of them, menu (and its placed photos and corrections when it has any:
# tests/test_reader_queries.py); a listing: the page's object or
# count, stories, bylines, menu (the home page shares the menu with its
# section blocks, and a section page finds its section in the menu).
QUERY_BUDGETS = [5, 5, 4, 5, 5, 5]


def test_reader_pages_use_a_fixed_small_number_of_queries(client):
    """Query counts do not grow from 5 to 50 stories and stay within budget."""
    section, author = build_newsroom(5)
    small = {url: count_queries(client, url) for url in reader_urls(section, author)}
    for index in range(45):
        make_article(
            section=section,
            authors=[author],
            tags=["shared", f"more-{index}"],
            publish_at=timezone.now() - timedelta(minutes=index + 1),
        )
    large = {url: count_queries(client, url) for url in reader_urls(section, author)}
    assert list(small.values()) == list(large.values()), (small, large)
    assert list(large.values()) == QUERY_BUDGETS, large


@pytest.mark.parametrize(
    ("template", "heading"),
    [("500.html", "Something went wrong"), ("503.html", "Temporarily unavailable")],
)
def test_error_pages_render_without_context_or_database(template, heading):
    """Django renders 500.html with no context; the outage page must not need the database."""
    from django.template.loader import render_to_string

    with CaptureQueriesContext(connection) as queries:
        page = render_to_string(template)
    assert len(queries) == 0
    assert f">{heading}</h1>" in page
    assert 'href="#main"' in page and '<meta name="robots" content="noindex">' in page


def test_remembered_dates_follow_the_time_zone_and_the_day():
    """Dates are formatted once per process, but never across time zones or days."""
    from articles.templatetags.newsroom import local_date, today

    moment = datetime(2026, 1, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    with timezone.override("UTC"):
        assert local_date(moment, "j F Y, H:i") == "1 January 2026, 23:30"
    with timezone.override("Asia/Tokyo"):
        assert local_date(moment, "j F Y, H:i") == "2 January 2026, 08:30"
    assert local_date(None, "j F Y") == ""
    with time_machine.travel(datetime(2026, 3, 2, 12, tzinfo=ZoneInfo("UTC"))):
        assert today("l j F Y") == "Monday 2 March 2026"
    with time_machine.travel(datetime(2026, 3, 3, 12, tzinfo=ZoneInfo("UTC"))):
        assert today("l j F Y") == "Tuesday 3 March 2026"


def test_remembered_truncation_matches_djangos():
    from django.template.defaultfilters import truncatechars

    from articles.templatetags.newsroom import clip

    texts = ["Short.", "A standfirst " * 30, "Café crème " * 20, "e\u0301" * 300]
    for text in texts:
        assert clip(text, 160) == truncatechars(text, 160)
