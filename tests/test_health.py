"""Outages: /healthz tells the load balancer what is down; readers get a plain
503 while the database is away, and the site recovers on its own (R2, R3)."""

import copy
import json
import logging
import socket
from contextlib import contextmanager

import pytest
from django.db import close_old_connections, connections
from django.urls import reverse

from articles.delivery import cache as page_cache
from articles.editorial import workflow
from articles.models import Article
from tests.conftest import require_service
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

CLOSED_REDIS = {
    "default": {
        "BACKEND": "articles.internals.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def closed_port() -> int:
    """A local TCP port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def database_unreachable():
    """Point this thread's default connection at a database that refuses
    connections; yields the connection, whose settings a test may restore to
    show that the same worker recovers."""
    real = connections["default"]
    settings_dict = copy.deepcopy(real.settings_dict)
    if real.vendor == "sqlite":
        settings_dict["NAME"] = "/nonexistent-directory/newsroom.sqlite3"
    else:
        settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
        settings_dict.setdefault("OPTIONS", {})["connect_timeout"] = 2
    broken = real.__class__(settings_dict, alias="default")
    connections["default"] = broken
    try:
        yield broken, real
    finally:
        broken.close()
        connections["default"] = real


def health(client, probe="healthz"):
    response = client.get(reverse(probe))
    return response, json.loads(response.content)


def parts(body: dict) -> dict:
    """The health of each part, without the clock's report."""
    return {key: value for key, value in body.items() if not key.startswith("clock_")}


# --- /healthz -------------------------------------------------------------------


def test_healthz_answers_ok_with_json_when_the_database_answers(client, settings):
    settings.REDIS_URL = ""
    response, body = health(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert parts(body) == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_checks_the_cache_when_redis_is_configured(client, settings):
    settings.REDIS_URL = "redis://cache.internal:6379/0"
    response, body = health(client)
    assert response.status_code == 200
    assert parts(body) == {"status": "ok", "database": "ok", "cache": "ok"}


def test_healthz_names_the_cache_when_redis_is_down(client, settings, caplog):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = CLOSED_REDIS
    with caplog.at_level(logging.WARNING, logger="articles.health"):
        response, body = health(client)
    assert response.status_code == 503
    assert parts(body) == {
        "status": "unavailable",
        "database": "ok",
        "cache": "unavailable",
    }
    assert "cache unavailable" in caplog.text


def test_healthz_names_the_database_when_it_is_down(client, settings):
    settings.REDIS_URL = ""
    with database_unreachable():
        response, body = health(client)
    assert response.status_code == 503
    assert body == {"status": "unavailable", "database": "unavailable"}


PROBES = ["healthz", "readyz"]


@pytest.mark.parametrize("probe", PROBES)
def test_probes_are_never_served_from_the_page_cache(client, settings, probe):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    first, _ = health(client, probe)
    second, _ = health(client, probe)
    assert "X-Cache" not in first and "X-Cache" not in second
    assert "no-store" in second["Cache-Control"]


@pytest.mark.parametrize("probe", PROBES)
def test_probes_are_exempt_from_the_https_redirect(client, settings, probe):
    """Load balancers probe over plain HTTP; readers are redirected to HTTPS."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse(probe)).status_code == 200
    response = client.get("/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


@pytest.mark.parametrize("probe", PROBES)
def test_probes_only_answer_get_and_head(client, probe):
    assert client.head(reverse(probe)).status_code == 200
    assert client.post(reverse(probe)).status_code == 405


# --- /readyz ----------------------------------------------------------------------


def test_readyz_keeps_a_server_in_rotation_while_redis_is_down(client, settings):
    """Without Redis the site serves uncached pages, so the load balancer's
    probe stays green; /healthz still tells monitoring the cache is down."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = CLOSED_REDIS
    make_article(headline="Served without the cache")
    response, body = health(client, "readyz")
    assert response.status_code == 200
    assert parts(body) == {"status": "ok", "database": "ok"}
    assert health(client)[0].status_code == 503
    assert "Served without the cache" in client.get("/").content.decode()


def test_readyz_takes_a_server_out_of_rotation_while_its_database_is_down(
    client, settings
):
    settings.REDIS_URL = ""
    with database_unreachable():
        response, body = health(client, "readyz")
    assert response.status_code == 503
    assert body == {"status": "unavailable", "database": "unavailable"}


# --- Database down (R2) ------------------------------------------------------------


def assert_friendly_503(response):
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Temporarily unavailable" in page
    assert "Traceback" not in page and "OperationalError" not in page
    assert "no-store" in response["Cache-Control"]


def test_readers_get_a_plain_503_page_while_the_database_is_down(client, caplog):
    story = make_article(headline="Readable once the database is back")
    urls = ["/", story.get_absolute_url(), story.section.get_absolute_url()]
    with database_unreachable(), caplog.at_level(logging.ERROR):
        for url in urls:
            assert_friendly_503(client.get(url))
    assert "database unavailable" in caplog.text


def test_an_admin_save_while_the_database_is_down_is_a_503(client, editor):
    client.force_login(editor)
    with database_unreachable():
        response = client.post(
            reverse("admin:articles_section_add"), {"name": "Cyber", "slug": "cyber"}
        )
    assert_friendly_503(response)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_worker_serves_again_once_the_database_is_back(client):
    """No restart: the connection that failed reconnects on the next request."""
    make_article(headline="Back online")
    with database_unreachable() as (broken, real):
        assert client.get("/").status_code == 503
        broken.settings_dict = copy.deepcopy(real.settings_dict)
        response = client.get("/")
        assert response.status_code == 200
        assert "Back online" in response.content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_dropped_postgresql_connection_is_replaced_by_the_next_request(client):
    """CONN_HEALTH_CHECKS: a persistent connection the server killed is checked
    and replaced when the next request starts, instead of failing it."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "Dropped connections are a PostgreSQL scenario.")
    make_article(headline="Survives a database restart")
    assert client.get("/").status_code == 200
    pid = connection.connection.info.backend_pid
    killer = connection.__class__(copy.deepcopy(connection.settings_dict), "killer")
    try:
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        killer.close()
    # What Django's handler does when every real request starts (the test
    # client leaves it out).
    close_old_connections()
    response = client.get("/")
    assert response.status_code == 200
    assert "Survives a database restart" in response.content.decode()


# --- Cache server down (R3) ----------------------------------------------------------


def test_with_redis_down_readers_and_staff_keep_working(client, settings, moderator):
    """Pages render uncached, logins work (sessions live in the database) and
    an approval still publishes: the cache purge is skipped with a warning."""
    settings.CACHES = CLOSED_REDIS
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    page_cache._last_warning = 0.0
    story = make_article(headline="Served without Redis")
    draft = make_article(
        headline="Approved without Redis", status=Article.Status.IN_REVIEW
    )
    assert client.get("/").status_code == 200
    assert client.get(story.get_absolute_url()).status_code == 200

    response = client.post(
        reverse("admin:login"),
        {"username": "moderator", "password": "pw-Secret-123", "next": "/admin/"},
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    workflow.approve(
        article=draft, user=moderator, revision_id=draft.latest_revision_id
    )
    client.logout()
    assert "Approved without Redis" in client.get("/").content.decode()


def test_with_redis_down_login_throttling_still_locks_out(client, settings):
    """Decision: failed logins are counted in the database (django-axes'
    database handler), so a cache outage neither opens nor closes the door."""
    settings.CACHES = CLOSED_REDIS
    make_user("target")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("admin:login"), {"username": "target", "password": "wrong"})
    response = client.post(
        reverse("admin:login"), {"username": "target", "password": "pw-Secret-123"}
    )
    assert response.status_code == 429
