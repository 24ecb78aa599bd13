"""Scheduled publishing when clocks misbehave (R5): steps back, late scheduler
runs, two schedulers at once, and local times the daylight-saving changes
skip or repeat.

Readers' surfaces are fetched over HTTP: home, the story page, search, the RSS
feed and both sitemaps, so every path through ``published()`` is covered.
"""

import importlib
import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import caches
from django.urls import reverse

from articles import cache, clock, workflow
from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
SURFACES = {"home", "story page", "search", "rss", "sitemap", "news sitemap"}


# --- Helpers --------------------------------------------------------------------


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """An approved story, indexed for search as it is after a real commit."""

    def build(**fields):
        with django_capture_on_commit_callbacks(execute=True):
            return make_article(**fields)

    return build


def seen_on(client, story: Article) -> set[str]:
    """The reader surfaces that show ``story`` now."""
    search = client.get(reverse("articles:search"), {"q": "Kaliningrad"})
    found = {hit.story.pk for hit in search.context["hits"]}
    shown = {
        "home": story.headline in client.get("/").content.decode(),
        "story page": client.get(story.get_absolute_url()).status_code == 200,
        "search": story.pk in found,
        "rss": story.headline in client.get("/feeds/rss/").content.decode(),
        "sitemap": story.slug in client.get("/sitemap-stories.xml").content.decode(),
        "news sitemap": story.headline
        in client.get("/news-sitemap.xml").content.decode(),
    }
    return {surface for surface, visible in shown.items() if visible}


def corvette(publish, **fields) -> Article:
    return publish(headline="Corvette commissioned in Kaliningrad", **fields)


# --- 1. The wall clock steps backwards --------------------------------------------


def test_a_live_story_stays_everywhere_when_the_clock_steps_back(
    client, time_machine, publish
):
    time_machine.move_to(NOON, tick=False)
    story = corvette(publish, publish_at=NOON - timedelta(minutes=30))
    assert seen_on(client, story) == SURFACES

    time_machine.move_to(NOON - timedelta(hours=2), tick=False)

    assert seen_on(client, story) == SURFACES
    assert workflow.short_state(story) == "Live"
    assert workflow.explain(story).startswith("Live since")


def test_an_expired_story_stays_gone_when_the_clock_steps_back(
    client, time_machine, publish
):
    time_machine.move_to(NOON, tick=False)
    story = corvette(
        publish,
        publish_at=NOON - timedelta(hours=3),
        expire_at=NOON - timedelta(minutes=30),
    )
    assert seen_on(client, story) == set()

    time_machine.move_to(NOON - timedelta(hours=2), tick=False)

    assert seen_on(client, story) == set()
    assert workflow.short_state(story) == "Expired"


def test_a_scheduled_story_appears_on_no_surface_before_its_time(
    client, time_machine, publish
):
    time_machine.move_to(NOON, tick=False)
    story = corvette(publish, publish_at=NOON + timedelta(hours=1))
    assert seen_on(client, story) == set()

    time_machine.move_to(NOON + timedelta(minutes=59, seconds=59), tick=False)
    assert seen_on(client, story) == set()

    time_machine.move_to(NOON + timedelta(hours=1), tick=False)
    assert seen_on(client, story) == SURFACES


def test_a_restarted_worker_keeps_the_latest_time_the_site_had_seen(time_machine):
    """The mark is in the shared cache, so a fresh process starts from it."""
    time_machine.move_to(NOON, tick=False)
    clock.now()
    time_machine.move_to(NOON - timedelta(hours=2), tick=False)

    importlib.reload(clock)  # what a worker restart does to the module's state

    assert clock.now() == NOON


def test_app_servers_share_their_latest_time_at_most_once_a_minute(
    time_machine, django_assert_num_queries
):
    time_machine.move_to(NOON, tick=False)
    with django_assert_num_queries(0):
        assert clock.now() == NOON
    later = NOON + timedelta(minutes=5)
    caches["default"].set(clock.SHARED_KEY, later)  # another server's mark

    time_machine.move_to(NOON + timedelta(seconds=30), tick=False)
    assert clock.now() == NOON + timedelta(seconds=30)

    time_machine.move_to(NOON + timedelta(seconds=60), tick=False)
    assert clock.now() == later
    assert caches["default"].get(clock.SHARED_KEY) == later


def test_without_the_cache_server_the_process_keeps_its_own_mark(
    client, settings, time_machine, caplog, publish
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    cache._last_warning = 0.0
    time_machine.move_to(NOON, tick=False)
    story = corvette(publish, publish_at=NOON - timedelta(minutes=30))

    with caplog.at_level(logging.WARNING, logger="articles.cache"):
        assert client.get(story.get_absolute_url()).status_code == 200
        time_machine.move_to(NOON - timedelta(hours=2), tick=False)
        assert clock.now() == NOON
        assert client.get(story.get_absolute_url()).status_code == 200

    assert [record.levelname for record in caplog.records] == ["WARNING"]
