import os

import pytest
from django.core.cache import caches

from articles import clock
from articles.delivery import cache
from tests.factories import make_user


@pytest.fixture
def reporter(db):
    return make_user("reporter", group="Reporters")


@pytest.fixture
def editor(db):
    return make_user("editor", group="Editors")


@pytest.fixture
def moderator(db):
    return make_user("moderator", group="Moderators")


@pytest.fixture
def superuser(db):
    return make_user("admin", superuser=True)


@pytest.fixture
def time_machine(time_machine, settings):
    """Travelling in time moves this machine's clock, so in a test that
    travels the machine's clock is the time authority, on PostgreSQL too
    (whose clock no test can move). The rules are the same either way;
    tests/test_time_authority.py proves the database's clock decides."""
    settings.NEWSROOM_TIME_AUTHORITY = clock.MACHINE
    return time_machine


@pytest.fixture
def machine_clock(settings):
    """For tests that travel with ``time_machine.travel`` themselves."""
    settings.NEWSROOM_TIME_AUTHORITY = clock.MACHINE


@pytest.fixture
def page_cache(settings):
    """The reader page cache and the cards' fragment cache on, empty before
    and after the test."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    settings.NEWSROOM_FRAGMENT_CACHE_SECONDS = 600
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


@pytest.fixture(autouse=True)
def fresh_local_pages():
    """Pages a worker kept in memory, the generation and the changes it
    knows and a cache outage it noticed never outlive the test that served them."""
    cache.local_pages.clear()
    cache.generation_watch.forget()
    cache.change_log.forget()
    cache.outage.forget()
    cache.next_change.forget()


@pytest.fixture(autouse=True)
def isolated_media_root(settings, tmp_path):
    """Each test gets an empty MEDIA_ROOT, so it can assert what was (not) stored."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def require_service(name: str, reason: str):
    """Skip with ``reason`` on a laptop; fail in CI, where every service must be present."""
    if os.environ.get("NEWSROOM_REQUIRE_SERVICES"):
        pytest.fail(f"{name} is required in CI: {reason}")
    pytest.skip(reason)
