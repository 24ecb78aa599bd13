"""One time authority: no app server's clock moves what readers see.

On PostgreSQL the database's clock decides every visibility question. These
tests move this machine's clock a day either way (time-machine moves the
app server's clock, never the database's) and check every reader surface
against the database's clock. ``.ci/clock_skew.py`` checks the same with
real processes whose clocks libfaketime moves.
"""

import json
import logging
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from articles import clock
from articles.delivery import cache
from articles.editorial import workflow
from articles.models import Article, WorkflowEvent
from tests import surfaces
from tests.conftest import require_service
from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture
def database_clock(settings):
    """The database's clock decides, as it does in production on PostgreSQL."""
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "the database's clock is PostgreSQL's")
    settings.NEWSROOM_TIME_AUTHORITY = clock.DATABASE
    return clock.now


@pytest.fixture
def newsroom(database_clock, django_capture_on_commit_callbacks):
    """Four stories around the database's now, indexed for search."""
    now = database_clock()
    section = make_section("Fleet", slug="fleet")

    def story(headline, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return make_article(headline=headline, section=section, **fields)

    return {
        "live": story("Live: Baltic patrol returns", publish_at=now - DAY / 24),
        "embargoed": story(
            "Embargoed: Baltic budget figures",
            publish_at=now + DAY / 12,
            embargo_until=now + DAY / 12,
        ),
        "scheduled": story(
            "Scheduled: Baltic exercise begins", publish_at=now + 2 * DAY / 24
        ),
        "expired": story(
            "Expired: Baltic port closure",
            publish_at=now - DAY / 6,
            expire_at=now - DAY / 24,
        ),
    }


def shown(client, stories: dict) -> dict[str, set[str]]:
    return {
        name: surfaces.seen_on(client, story, search_for="Baltic")
        for name, story in stories.items()
    }


EXPECTED = {
    "live": surfaces.SURFACES,
    "embargoed": set(),
    "scheduled": set(),
    "expired": set(),
}


@pytest.mark.parametrize(
    "skew", [DAY, -DAY, 400 * DAY], ids=["ahead", "behind", "400 days ahead"]
)
def test_an_app_server_with_a_wrong_clock_shows_what_the_database_clock_says(
    client, newsroom, skew
):
    assert shown(client, newsroom) == EXPECTED
    with time_machine.travel(clock.now() + skew):
        cache.next_change.forget()
        assert shown(client, newsroom) == EXPECTED


def test_the_live_rule_reads_the_database_clock_in_its_own_sql(database_clock):
    sql = str(Article.objects.published().query)
    assert "STATEMENT_TIMESTAMP()" in sql
    assert "went_live_at" in sql


def test_a_scheduler_run_400_days_ahead_records_nothing_early(newsroom):
    with time_machine.travel(clock.now() + 400 * DAY):
        call_command("publish_scheduled")
    for name in ("embargoed", "scheduled"):
        story = Article.objects.get(pk=newsroom[name].pk)
        assert story.went_live_at is None
        assert not story.events.filter(action=WorkflowEvent.Action.WENT_LIVE).exists()


def test_a_story_that_went_live_stays_live_when_the_database_clock_steps_back(
    client, newsroom
):
    """What a step back of the database's clock leaves behind: a story whose
    going live is recorded, with a publish time the clock has not reached."""
    story = newsroom["scheduled"]
    Article.objects.filter(pk=story.pk).update(went_live_at=story.publish_at)
    assert surfaces.seen_on(client, story, search_for="Baltic") == surfaces.SURFACES


def test_the_first_cached_page_after_a_story_goes_live_records_it(
    client, settings, newsroom
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    story = newsroom["scheduled"]
    went_live = clock.now() - timedelta(seconds=1)
    Article.objects.filter(pk=story.pk).update(publish_at=went_live)
    assert Article.objects.get(pk=story.pk).went_live_at is None

    caches["default"].clear()  # no page stored by an earlier test answers
    with time_machine.travel(clock.now() - DAY):  # this server's clock is behind
        assert client.get("/")["X-Cache"] == "miss"

    assert Article.objects.get(pk=story.pk).went_live_at == went_live
    assert Article.objects.get(pk=newsroom["embargoed"].pk).went_live_at is None


@pytest.mark.parametrize("skew", [DAY, -DAY], ids=["ahead", "behind"])
def test_a_cached_page_lasts_until_the_next_change_on_the_database_clock(
    settings, newsroom, skew
):
    """The scheduled story is due in two hours of the database's time, and
    the embargo lifts in 90 seconds; a page is cached no longer than that."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    Article.objects.filter(pk=newsroom["embargoed"].pk).update(
        publish_at=clock.now() + timedelta(seconds=90),
        embargo_until=clock.now() + timedelta(seconds=90),
    )
    with time_machine.travel(clock.now() + skew):
        lifetime = cache.page_lifetime(cache.RenderState(0, 0))
    assert 80 <= lifetime <= 90


def test_publishing_now_means_now_on_the_database_clock(newsroom, reporter, moderator):
    story = Article(headline="Corvette handed over", section=make_section("Navy"))
    workflow.save_story(article=story, user=reporter, authors=[make_author()], tags=[])
    workflow.submit(article=story, user=reporter)
    story.refresh_from_db()
    with time_machine.travel(clock.now() + DAY):
        workflow.approve(
            article=story, user=moderator, revision_id=story.latest_revision_id
        )
    story.refresh_from_db()
    assert abs(story.publish_at - clock.now()) < timedelta(minutes=1)
    assert story.went_live_at == story.publish_at


def test_share_links_expire_by_the_database_clock(client, newsroom, editor):
    client.force_login(editor)
    story = newsroom["live"]
    with time_machine.travel(clock.now() - DAY):  # behind: would outlive its hours
        client.post(reverse("admin:articles_article_share", args=[story.pk]))
    link = story.preview_links.get()
    hours = timedelta(hours=48)
    assert abs(link.expires_at - (clock.now() + hours)) < timedelta(minutes=1)


def test_healthz_reports_this_servers_offset_and_warns_past_the_threshold(
    client, settings, database_clock, caplog
):
    settings.REDIS_URL = ""
    body = json.loads(client.get("/healthz").content)
    assert body["clock_authority"] == "database"
    assert abs(body["clock_offset_seconds"]) < settings.NEWSROOM_CLOCK_WARN_SECONDS

    with caplog.at_level(logging.WARNING, logger="articles.clock"):
        with time_machine.travel(clock.now() + timedelta(hours=3)):
            response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 200  # readers are not affected
    assert 3 * 3600 - 5 < body["clock_offset_seconds"] < 3 * 3600 + 5
    assert "clock is +10799" in caplog.text or "clock is +10800" in caplog.text


def test_on_sqlite_the_machines_clock_decides(client, settings):
    if connection.vendor != "sqlite":
        pytest.skip("the machine's clock is the default authority on SQLite")
    settings.REDIS_URL = ""
    assert clock.authority() == clock.MACHINE
    body = json.loads(client.get("/healthz").content)
    assert body["clock_authority"] == "machine"
    assert body["clock_offset_seconds"] == 0
    settings.NEWSROOM_TIME_AUTHORITY = clock.DATABASE
    with pytest.raises(ImproperlyConfigured, match="needs PostgreSQL"):
        clock.now()


def test_an_unknown_time_authority_is_refused(settings):
    settings.NEWSROOM_TIME_AUTHORITY = "sundial"
    with pytest.raises(ImproperlyConfigured, match="sundial"):
        clock.now()
