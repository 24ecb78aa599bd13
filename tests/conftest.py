import os

import pytest

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


@pytest.fixture(autouse=True)
def fresh_clock():
    """No test inherits the site clock's high-water mark from one that ran later
    in (travelled) time, which would hold back every story published since."""
    clock.forget()


@pytest.fixture(autouse=True)
def fresh_local_pages():
    """Pages a worker kept in memory, the generation and content version it
    knows and a cache outage it noticed never outlive the test that served them."""
    cache.local_pages.clear()
    cache.generation_watch.forget()
    cache.content_versions.forget()
    cache.outage.forget()


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
