"""Two app servers, one PostgreSQL, one Redis: nothing stale on either.

Starts two gunicorn servers (production settings) on different ports against a
fresh PostgreSQL database and the shared Redis. A moderator approves a story
through server A; server B, whose cached home page predates the approval,
shows it on the very next request. The moderator withdraws it through A; B
stops showing it at once. Then A is cut off from Redis, as by a network
partition (its Redis connections go through a relay that stops passing
anything): A keeps serving, uncached, and stays ready for the load balancer;
a story approved through A in the meantime, whose bump could not reach
Redis, shows on B within a second all the same, and A serves cached pages
again once it reaches Redis. Exits non-zero with a message on any failure.

Needs DATABASE_URL (PostgreSQL) and REDIS_URL.
"""

import json
import socket
import sys
import threading
import time
import urllib.parse

from servers import PASSWORD, StaffBrowser, environment, manage, start, stop
from servers import get as get_from

PORTS = {"A": 8821, "B": 8822}
HEADLINE = "Two-server check: corvette joins the fleet"
CUT_OFF_HEADLINE = "Two-server check: minehunter approved in a partition"
# articles.delivery.cache.OUTAGE_REST_SECONDS, and a margin.
OUTAGE_REST_SECONDS = 5.0
# articles.delivery.cache.WATCH_TRUST_SECONDS.
WATCH_TRUST_SECONDS = 1.0

SETUP = f"""
import json
from django.contrib.auth.models import Group, User
from articles.editorial import workflow
from articles.models import Article, Author, Section
section, _ = Section.objects.get_or_create(slug="naval", defaults={{"name": "Naval"}})
author, _ = Author.objects.get_or_create(slug="multi-writer", defaults={{"name": "Multi Writer"}})
editor = User.objects.create_user("multi-editor", "e@example.org", "{PASSWORD}", is_staff=True)
editor.groups.add(Group.objects.get(name="Editors"))
moderator = User.objects.create_user("multi-moderator", "m@example.org", "{PASSWORD}",
                                     is_staff=True)
moderator.groups.add(Group.objects.get(name="Moderators"))
stories = {{}}
for key, headline in (("story", "{HEADLINE}"), ("cut_off", "{CUT_OFF_HEADLINE}")):
    story = Article(headline=headline, standfirst="Sea trials are over.", section=section)
    workflow.save_story(article=story, user=editor, authors=[author], tags=["corvettes"])
    workflow.submit(article=story, user=editor)
    story.refresh_from_db()
    stories[key] = {{"id": story.pk, "revision": story.latest_revision_id}}
print("JSON" + json.dumps(stories))
"""


def fail(message: str) -> None:
    sys.exit(f"two-server check FAILED: {message}")


def get(server: str, path: str) -> tuple[int, str, dict]:
    return get_from(PORTS[server], urllib.parse.quote(path))


class RedisRelay:
    """A TCP relay from one app server to Redis that can be cut like a network
    partition: while cut, connections stay open and nothing passes, and the
    connections of before the cut never carry anything again."""

    def __init__(self, redis_url: str):
        parts = urllib.parse.urlsplit(redis_url)
        self.target = (parts.hostname or "127.0.0.1", parts.port or 6379)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = parts._replace(
            netloc=f"127.0.0.1:{self.listener.getsockname()[1]}"
        ).geturl()
        self.epoch = 0
        self.cut = False
        threading.Thread(target=self.accept_forever, daemon=True).start()

    def accept_forever(self) -> None:
        while True:
            client, _address = self.listener.accept()
            upstream = socket.create_connection(self.target)
            epoch = -1 if self.cut else self.epoch
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=self.pump, args=(source, sink, epoch), daemon=True
                ).start()

    def pump(self, source, sink, epoch: int) -> None:
        try:
            while data := source.recv(65536):
                if epoch == self.epoch and not self.cut:
                    sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            end.close()

    def sever(self) -> None:
        self.cut = True
        self.epoch += 1

    def heal(self) -> None:
        self.cut = False


def main() -> None:
    env = environment("newsroom_two_servers")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    stories = json.loads(manage(env, "shell", "-c", SETUP).split("JSON", 1)[1])
    story = stories["story"]
    relay = RedisRelay(env["REDIS_URL"])
    servers = [
        start({**env, "REDIS_URL": relay.url}, PORTS["A"]),
        start(env, PORTS["B"]),
    ]
    try:
        for _ in range(2):  # the second request is a cache hit on B
            status, home, headers = get("B", "/")
        if HEADLINE in home or headers.get("X-Cache") != "hit":
            fail("B should serve a cached home page without the story in review")

        moderator = StaffBrowser(PORTS["A"])
        moderator.login("multi-moderator")
        moderator.post(
            f"/admin/articles/article/{story['id']}/workflow/approve/",
            {"revision_id": story["revision"], "publish_at_0": "", "publish_at_1": ""},
        )
        url = (
            manage(
                env,
                "shell",
                "-c",
                f"from articles.models import Article; "
                f"print(Article.objects.published().get(pk={story['id']})"
                f".get_absolute_url())",
            )
            .strip()
            .splitlines()[-1]
        )
        status, home, _ = get("B", "/")
        if HEADLINE not in home:
            fail("B still serves a home page without the story approved through A")
        if get("B", url)[0] != 200:
            fail("B does not serve the story approved through A")
        print("approved through A, visible through B on the next request")

        moderator.post(
            f"/admin/articles/article/{story['id']}/workflow/withdraw/",
            {"reason": "Two-server check"},
        )
        if get("B", url)[0] != 404:
            fail("B still serves the story withdrawn through A")
        if HEADLINE in get("B", "/")[1]:
            fail("B's home page still lists the story withdrawn through A")
        print("withdrawn through A, gone from B on the next request")

        check_partition(relay, moderator, stories["cut_off"])
    finally:
        stop(servers)
    print("two-server check passed")


def check_partition(relay: RedisRelay, moderator: StaffBrowser, story: dict) -> None:
    for _ in range(2):
        status, home, headers = get("B", "/")
    if CUT_OFF_HEADLINE in home or headers.get("X-Cache") != "hit":
        fail("B should serve a cached home page without the story in review")
    relay.sever()
    moderator.post(
        f"/admin/articles/article/{story['id']}/workflow/approve/",
        {"revision_id": story["revision"], "publish_at_0": "", "publish_at_1": ""},
    )
    status, home, headers = get("A", "/")
    if status != 200 or CUT_OFF_HEADLINE not in home or "X-Cache" in headers:
        fail("A, cut off from Redis, should serve the approved story uncached")
    if get("A", "/readyz")[0] != 200 or get("A", "/healthz")[0] != 503:
        fail("A, cut off from Redis, should be ready (/readyz) but not healthy")
    print("A cut off from Redis: serves uncached, stays ready, reports the cache down")

    # The approval's bump could not reach Redis, but the content version it
    # raised in the database reaches B once B's trust in its own runs out.
    deadline = time.monotonic() + WATCH_TRUST_SECONDS + 2
    while CUT_OFF_HEADLINE not in get("B", "/")[1]:
        if time.monotonic() > deadline:
            fail(
                "B still serves the home page from before the approval made"
                " through A while A was cut off from Redis"
            )
        time.sleep(0.1)
    print("B, still in touch with Redis, shows the story A approved while cut off")

    relay.heal()
    time.sleep(OUTAGE_REST_SECONDS)
    for _ in range(4):  # every worker of A is back on the cache, none stale
        status, home, headers = get("A", "/")
        if CUT_OFF_HEADLINE not in home:
            fail("A, back in touch with Redis, serves a page without its approval")
    if headers.get("X-Cache") != "hit":
        fail("A, back in touch with Redis, should serve cached pages again")
    print("A back in touch with Redis: serves cached pages again, none stale")


if __name__ == "__main__":
    main()
