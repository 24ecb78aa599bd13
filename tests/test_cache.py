"""Reader pages come from the cache, and are never stale after a change."""

import logging
import os
import socket
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.editorial import workflow
from articles.models import Article
from tests.conftest import require_service
from tests.factories import make_article, make_section

Status = Article.Status


def redis_caches(location: str, timeout: float = 0.2) -> dict:
    """``CACHES`` for a Redis at ``location``; the default timeouts are short
    enough for tests of one that does not answer."""
    return {
        "default": {
            "BACKEND": "articles.internals.RedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        }
    }


UNREACHABLE_REDIS = redis_caches("redis://127.0.0.1:1/0")


@pytest.fixture
def redis_page_cache(settings):
    url = os.environ.get("REDIS_URL")
    if not url:
        require_service("Redis", "REDIS_URL is not set")
    settings.CACHES = redis_caches(url, timeout=0.5)  # as in production
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


def run_out_of_trust(monkeypatch):
    """Whatever a process read of the generation or content version is now
    older than it may be trusted, as if the trust time had passed."""
    from articles.delivery import cache

    monkeypatch.setattr(cache, "WATCH_TRUST_SECONDS", 0.0)
    time.sleep(0.01)


def fetch(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_second_anonymous_request_is_served_from_cache_without_queries(
    client, page_cache
):
    make_article(headline="Cached story")
    first, _ = fetch(client, "/")
    second, queries = fetch(client, "/")
    assert first["X-Cache"] == "miss" and second["X-Cache"] == "hit"
    assert queries == 0
    assert second.content == first.content
    assert "s-maxage=" in second["Cache-Control"]
    assert "stale-while-revalidate=30" in second["Cache-Control"]


def approve_story(moderator, story):
    story = workflow.submit(article=story, user=workflow_user_for(story))
    return workflow.approve(
        article=story, user=moderator, revision_id=story.latest_revision_id
    )


def workflow_user_for(story):
    from tests.factories import make_user

    return make_user(f"writer-{story.pk}", group="Editors")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_approval_shows_at_once_on_cached_pages(client, page_cache, moderator):
    make_article(headline="Old news")
    draft = make_article(headline="Breaking approval", status=Status.DRAFT)
    assert "Breaking approval" not in client.get("/").content.decode()
    approve_story(moderator, draft)
    response = client.get("/")
    assert response["X-Cache"] == "miss"
    assert "Breaking approval" in response.content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_withdrawal_removes_the_story_from_cached_pages_at_once(
    client, page_cache, moderator
):
    story = make_article(headline="Soon withdrawn")
    url = story.get_absolute_url()
    assert client.get(url).status_code == 200 and client.get(url)["X-Cache"] == "hit"
    workflow.withdraw(article=story, user=moderator, reason="Legal")
    assert client.get(url).status_code == 404
    assert "Soon withdrawn" not in client.get("/").content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_section_rename_invalidates_pages(client, page_cache):
    section = make_section("Naval", slug="naval")
    make_article(section=section)
    assert "Naval" in client.get("/").content.decode()
    section.name = "Maritime"
    section.save()
    assert "Maritime" in client.get("/").content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_scheduled_story_appears_on_time_even_on_a_cached_page(
    client, page_cache, machine_clock
):
    make_article(headline="Already live")
    make_article(
        headline="Scheduled scoop", publish_at=timezone.now() + timedelta(minutes=5)
    )
    assert "Scheduled scoop" not in client.get("/").content.decode()
    assert client.get("/")["X-Cache"] == "hit"
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert "Scheduled scoop" in client.get("/").content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_visitors_from_shared_links_get_the_cached_page(client, page_cache):
    """Campaign tags and click identifiers, different on every click, do not
    make a page miss the cache; the parameters pages read still count."""
    story = make_article(headline="Shared widely")
    url = story.get_absolute_url()
    first = client.get(url)
    assert first["X-Cache"] == "miss"
    for query in ("utm_source=social&utm_medium=post", "fbclid=IwAR0x7k", "GCLID=a1"):
        shared = client.get(f"{url}?{query}")
        assert shared["X-Cache"] == "hit"
        assert shared.content == first.content
    assert client.get("/search/?q=shared")["X-Cache"] == "miss"
    assert client.get("/search/?utm_campaign=daily&q=shared")["X-Cache"] == "hit"
    other = client.get("/search/?q=widely&fbclid=x")
    assert other["X-Cache"] == "miss"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_tracking_parameters_never_reach_a_page_even_while_the_cache_rests(
    client, settings
):
    """The API's page links repeat the query string: with or without the
    cache answering, they carry no campaign tags."""
    from articles.delivery import cache

    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    for number in range(3):
        make_article(headline=f"Listed {number}")
    cache.outage.begin(ConnectionError("resting for the test"))
    response = client.get("/api/v1/stories/?page_size=1&utm_source=newsletter")
    assert response.status_code == 200 and "X-Cache" not in response
    links = response.json()
    assert "utm_source" not in str(links) and "page_size=1" in str(links)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_logged_in_staff_bypass_the_cache_and_are_never_stored(
    client, page_cache, editor
):
    make_article()
    client.force_login(editor)
    response = client.get("/")
    assert "X-Cache" not in response
    client.logout()
    assert client.get("/")["X-Cache"] == "miss"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_admin_and_previews_are_never_cached(client, page_cache):
    assert "X-Cache" not in client.get("/admin/login/")
    assert "X-Cache" not in client.get("/preview/garbage/")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_conditional_get_answers_304(client, page_cache):
    make_article()
    response = client.get("/")
    assert response.has_header("ETag") and response.has_header("Last-Modified")
    again = client.get("/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_site_serves_uncached_when_the_cache_server_is_down(client, settings, caplog):
    settings.CACHES = UNREACHABLE_REDIS
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    make_article(headline="Still readable")
    with caplog.at_level(logging.WARNING, logger="articles.delivery.cache"):
        for _ in range(3):
            response = client.get("/")
            assert response.status_code == 200
            assert "Still readable" in response.content.decode()
    warnings = [
        record
        for record in caplog.records
        if "page cache unavailable" in record.message
    ]
    assert len(warnings) == 1


@contextmanager
def redis_unreachable(settings):
    """Redis out of reach during the block, and back with its data after it."""
    reachable = settings.CACHES
    settings.CACHES = UNREACHABLE_REDIS
    try:
        yield
    finally:
        settings.CACHES = reachable


class SilentServer:
    """A TCP server that accepts connections and never answers: a hung cache
    server, or one behind a network fault, as a client sees it."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = []
        self.thread = threading.Thread(target=self.accept_forever, daemon=True)
        self.thread.start()

    def accept_forever(self):
        while True:
            try:
                accepted, _address = self.listener.accept()
            except OSError:
                return
            self.connections.append(accepted)

    def close(self):
        self.listener.close()
        for accepted in self.connections:
            accepted.close()


@pytest.fixture
def silent_cache_server(settings):
    server = SilentServer()
    settings.CACHES = redis_caches(f"redis://127.0.0.1:{server.port}/0")
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    yield server
    server.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_cache_server_that_does_not_answer_is_left_alone_between_retries(
    client, silent_cache_server, monkeypatch
):
    """Every call to a hung cache server waits for its timeout. After the first
    failure, readers are served uncached without contacting it until the rest
    is over; then one request tries it again, and the rest starts over."""
    from articles.delivery import cache

    monkeypatch.setattr(cache, "OUTAGE_REST_SECONDS", 1.0)
    make_article(headline="Served through the outage")

    def read_home():
        response = client.get("/")
        assert response.status_code == 200
        assert "Served through the outage" in response.content.decode()
        assert "X-Cache" not in response

    read_home()
    contacts = len(silent_cache_server.connections)
    assert contacts > 0
    for _ in range(4):
        read_home()
    assert len(silent_cache_server.connections) == contacts
    time.sleep(1.0)
    read_home()
    retried = len(silent_cache_server.connections)
    assert retried > contacts
    read_home()
    assert len(silent_cache_server.connections) == retried


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_approval_lost_in_a_cache_outage_is_not_hidden_once_the_cache_is_back(
    client, redis_page_cache, settings, moderator, monkeypatch
):
    """The approval's bump fails while Redis is unreachable, and Redis comes
    back still holding the home page stored before it. The approval raised
    the content version, which the first request after the rest reads again,
    so that page is never served."""
    from articles.delivery import cache

    monkeypatch.setattr(cache, "OUTAGE_REST_SECONDS", 0.5)
    make_article(headline="Before the outage")
    assert client.get("/")["X-Cache"] == "miss"
    assert client.get("/")["X-Cache"] == "hit"
    with redis_unreachable(settings):
        approve_story(moderator, make_article(headline="Approved", status=Status.DRAFT))
    resting = client.get("/")
    assert "X-Cache" not in resting
    assert "Approved" in resting.content.decode()
    time.sleep(0.5)
    back = client.get("/")
    assert back["X-Cache"] == "miss"
    assert "Approved" in back.content.decode()
    assert client.get("/")["X-Cache"] == "hit"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_change_whose_bump_was_lost_stales_other_servers_pages_within_a_second(
    redis_page_cache, settings, moderator, monkeypatch
):
    """Server A approves a story while cut off from Redis, so the bump is
    lost. Server B still reaches Redis, where the generation has not moved,
    yet the approval logged in the database reaches B once B's trust in the
    log it read runs out."""
    from articles.delivery import cache

    monkeypatch.setattr(cache, "WATCH_TRUST_SECONDS", 60.0)
    server_b = cache.ChangeLog()
    generation = cache.current_generation()
    before = server_b.current(generation)
    with redis_unreachable(settings):
        story = approve_story(
            moderator, make_article(headline="Approved", status=Status.DRAFT)
        )
    assert redis_page_cache.get(cache.GENERATION_KEY) == generation
    assert server_b.current(generation) == before
    run_out_of_trust(monkeypatch)
    assert server_b.current(generation) > before
    assert server_b.stale({f"story-{story.pk}"}, before)
    assert not server_b.stale({"story-0"}, before)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_save_of_many_rows_counts_as_one_change_and_a_rollback_as_none(
    client, page_cache
):
    from articles.models import Change

    section = make_section("Land", slug="land")
    story = make_article(headline="Counted once", section=section)
    before = Change.objects.count()
    with transaction.atomic():
        section.name = "Land forces"
        section.save()
        story.headline = "Counted once, renamed"
        story.save()
        story.tags.add("armour", "logistics")
    assert Change.objects.count() == before + 1
    touched = set(Change.objects.last().keys.split())
    assert {"menu", f"list-section-{section.pk}", f"story-{story.pk}"} <= touched
    with pytest.raises(RuntimeError), transaction.atomic():
        story.headline = "Never committed"
        story.save()
        raise RuntimeError("the editor's save failed")
    assert Change.objects.count() == before + 1
    assert (
        "Counted once, renamed" in client.get(story.get_absolute_url()).content.decode()
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_change_log_is_read_at_most_once_a_second_on_cached_pages(
    client, page_cache, monkeypatch
):
    """Hits cost no query while the version read is trusted, then one."""
    from articles.delivery import cache

    monkeypatch.setattr(cache, "WATCH_TRUST_SECONDS", 60.0)
    make_article(headline="Hit often")
    assert fetch(client, "/")[0]["X-Cache"] == "miss"
    hit, queries = fetch(client, "/")
    assert hit["X-Cache"] == "hit" and queries == 0
    run_out_of_trust(monkeypatch)
    hit, queries = fetch(client, "/")
    assert hit["X-Cache"] == "hit" and queries == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_cached_pages_are_served_while_the_change_log_cannot_be_read(
    client, page_cache, monkeypatch
):
    """No change can be made while the database does not answer, so the
    version last read stands and cached pages go on being served."""
    make_article(headline="Served from the cache")
    assert client.get("/")["X-Cache"] == "miss"
    run_out_of_trust(monkeypatch)
    with table_missing("articles_change"):
        response = client.get("/")
    assert response.status_code == 200 and response["X-Cache"] == "hit"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_change_that_cannot_be_logged_still_stales_pages(client, page_cache, caplog):
    story = make_article(headline="Before the edit")
    assert client.get("/")["X-Cache"] == "miss"
    with table_missing("articles_contentversion"), caplog.at_level(logging.WARNING):
        story.headline = "After the edit"
        story.save()
    assert "change not logged, every cached page made stale" in caplog.text
    response = client.get("/")
    assert response["X-Cache"] == "miss"
    assert "After the edit" in response.content.decode()


@contextmanager
def table_missing(table: str):
    """A table out of reach, as in a failing database."""
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} RENAME TO out_of_reach")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE out_of_reach RENAME TO {table}")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_moment_without_the_cache_does_not_empty_it(
    client, redis_page_cache, settings, monkeypatch
):
    """Reads that fail (Redis slow for a moment) owe no bump: once the rest
    is over, the pages stored before are served again, and so after a second
    moment, however long after the first."""
    from articles.delivery import cache

    monkeypatch.setattr(cache, "OUTAGE_REST_SECONDS", 0.5)
    make_article(headline="Kept through a blip")
    assert client.get("/")["X-Cache"] == "miss"
    for _blip in range(2):
        with redis_unreachable(settings):
            assert "X-Cache" not in client.get("/")
        assert "X-Cache" not in client.get("/")
        time.sleep(0.5)
        assert client.get("/")["X-Cache"] == "hit"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_redis_page_cache_is_shared_and_invalidated(
    client, redis_page_cache, moderator
):
    make_article(headline="Redis cached")
    assert client.get("/")["X-Cache"] == "miss"
    assert client.get("/")["X-Cache"] == "hit"
    draft = make_article(headline="Fresh via Redis", status=Status.DRAFT)
    approve_story(moderator, draft)
    assert "Fresh via Redis" in client.get("/").content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_plain_http_request_is_redirected_not_answered_from_the_https_page(
    client, page_cache, settings
):
    """A hit skips SecurityMiddleware, so the scheme must be part of the key."""
    settings.SECURE_SSL_REDIRECT = True
    make_article(headline="Only over HTTPS")
    assert client.get("/", secure=True)["X-Cache"] == "miss"
    assert client.get("/", secure=True)["X-Cache"] == "hit"
    plain = client.get("/")
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_static_and_media_requests_never_touch_the_page_cache(
    client, page_cache, settings, rf
):
    from articles.delivery import cache

    for url in (f"{settings.STATIC_URL}missing.css", f"{settings.MEDIA_URL}x.jpg"):
        response = client.get(url)
        assert "X-Cache" not in response
        assert page_cache.get(cache.page_key(rf.get(url))) is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_page_this_server_served_is_answered_from_its_memory(client, page_cache, rf):
    """The shared copy is gone, yet the hit still comes: only the generation
    was read from the shared cache."""
    from articles.delivery import cache

    make_article(headline="Kept in memory")
    assert client.get("/")["X-Cache"] == "miss"
    page_cache.delete(cache.page_key(rf.get("/")))
    response, queries = fetch(client, "/")
    assert response["X-Cache"] == "hit" and queries == 0
    assert "Kept in memory" in response.content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_page_in_memory_is_never_served_after_a_change(client, page_cache, moderator):
    make_article(headline="First edition")
    assert client.get("/")["X-Cache"] == "miss"
    assert client.get("/")["X-Cache"] == "hit"
    approve_story(moderator, make_article(headline="Late news", status=Status.DRAFT))
    response = client.get("/")
    assert response["X-Cache"] == "miss"
    assert "Late news" in response.content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_page_is_kept_in_memory_when_turned_off(client, page_cache, settings, rf):
    from articles.delivery import cache

    settings.NEWSROOM_LOCAL_PAGE_CACHE_MB = 0
    make_article()
    assert client.get("/")["X-Cache"] == "miss"
    page_cache.delete(cache.page_key(rf.get("/")))
    assert client.get("/")["X-Cache"] == "miss"


@pytest.mark.django_db
def test_pages_kept_in_memory_stay_within_their_budget(settings):
    """The least recently used page goes first once the content exceeds the
    limit; a page of another epoch is never served."""
    from articles import clock
    from articles.delivery import cache

    settings.NEWSROOM_LOCAL_PAGE_CACHE_MB = 1
    pages = cache.LocalPages()
    state = cache.RenderState(cache.change_log.current("generation"), 7)
    far_future = clock.estimate() + 600

    def page(size):
        return cache.StoredPage(state, frozenset(), far_future, (200, [], b"x" * size))

    pages.put("home", page(400_000))
    pages.put("story", page(400_000))
    assert pages.get("home", 7) is not None  # now the most recently used
    pages.put("section", page(400_000))
    assert "story" not in pages
    assert pages.get("home", 7) and pages.get("section", 7)
    assert pages.get("home", 8) is None and "home" not in pages
    pages.put("huge", page(2_000_000))
    assert "huge" not in pages


def test_redis_cache_calls_share_one_client_per_connection_pool(redis_page_cache):
    """Django would build a new redis-py client (and its ~170 response
    callbacks) for every call; ours reuses one over the same pool."""
    client = redis_page_cache._cache.get_client()
    assert redis_page_cache._cache.get_client(write=True) is client
    redis_page_cache.set("shared-client", 1)
    assert redis_page_cache.get("shared-client") == 1
    assert redis_page_cache._cache.get_client() is client


def test_a_watched_generation_is_trusted_until_a_bump_is_announced(redis_page_cache):
    """Two app servers watch the generation; one bumps it. Each trusts the
    generation it read (it does not even see a change made without an
    announcement) until the bump, which both see at once, without waiting."""
    from articles.delivery import cache

    redis_page_cache.set(cache.GENERATION_KEY, 41, timeout=None)
    servers = [cache.GenerationWatch(), cache.GenerationWatch()]
    for watch in servers:
        watch.listen(redis_page_cache)
        watch.remember(redis_page_cache, redis_page_cache.get(cache.GENERATION_KEY))
    redis_page_cache.set(cache.GENERATION_KEY, 99, timeout=None)
    assert [watch.known(redis_page_cache) for watch in servers] == [41, 41]
    cache.bump_generation()
    assert [watch.known(redis_page_cache) for watch in servers] == [None, None]
    for watch in servers:
        watch.forget()


def test_a_watched_generation_is_read_again_after_a_while_without_announcements(
    redis_page_cache, monkeypatch
):
    """A network partition can cut a subscription off without closing it, so
    no announcement ever comes: the watch trusts what it read only briefly."""
    from articles.delivery import cache

    monkeypatch.setattr(cache, "WATCH_TRUST_SECONDS", 60.0)
    watch = cache.GenerationWatch()
    watch.listen(redis_page_cache)
    watch.remember(redis_page_cache, 41)
    assert watch.known(redis_page_cache) == 41
    run_out_of_trust(monkeypatch)
    assert watch.known(redis_page_cache) is None
    watch.forget()


def test_a_broken_subscription_falls_back_to_reading_the_generation(redis_page_cache):
    from articles.delivery import cache

    watch = cache.GenerationWatch()
    watch.listen(redis_page_cache)
    watch.remember(redis_page_cache, 7)
    host, port = watch._pubsub.connection._sock.getsockname()[:2]
    redis_page_cache._cache.get_client().client_kill(f"{host}:{port}")
    assert watch.known(redis_page_cache) is None
    watch.listen(redis_page_cache)
    watch.remember(redis_page_cache, 8)
    assert watch.known(redis_page_cache) == 8
    watch.forget()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_redis_hit_reads_no_generation_yet_a_change_shows_at_once(
    client, redis_page_cache, moderator
):
    """A page this server holds is answered without asking Redis for the
    generation (changed here behind the server's back, it goes unnoticed);
    an approval, announced, shows on the very next request."""
    from articles.delivery import cache

    make_article(headline="Watched edition")
    assert client.get("/")["X-Cache"] == "miss"
    assert client.get("/")["X-Cache"] == "hit"
    redis_page_cache.incr(cache.GENERATION_KEY)
    assert client.get("/")["X-Cache"] == "hit"
    approve_story(moderator, make_article(headline="Announced", status=Status.DRAFT))
    response = client.get("/")
    assert response["X-Cache"] == "miss"
    assert "Announced" in response.content.decode()
