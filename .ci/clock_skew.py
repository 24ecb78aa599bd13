"""Three app servers whose clocks disagree; readers see what the database's says.

Starts three gunicorn servers (production settings) sharing one fresh
PostgreSQL database and Redis: one on the machine's clock, one whose clock
libfaketime puts a day ahead, one a day behind. Then runs a management
command 400 days ahead (what once raised a shared "latest time seen" for
every server). Through every server, on every surface (story page, home,
section, RSS, sitemap, news sitemap, search, API, share link):

- a live story is shown, an expired one is not;
- an embargoed story and a scheduled story are not, until their time comes
  on the database's clock, a few seconds later; then every server shows
  them, the one a day behind included, cached pages or not.

Exits non-zero naming the server, story and surface on any failure.
Needs DATABASE_URL (PostgreSQL), REDIS_URL and Debian's faketime.
"""

import json
import shutil
import sys
import time
import urllib.parse

from servers import environment, get, manage, start, stop

SERVERS = {
    "on time": ("", 8831),
    "a day ahead": ("+1d", 8832),
    "a day behind": ("-1d", 8833),
}
# Seconds of the database's clock until the scheduled and embargoed stories'
# time: long enough to check every server before it, short enough to wait for.
LEAD_SECONDS = 40

SETUP = """
import json
from datetime import timedelta
from django.contrib.auth.models import Group, User
from django.core.signing import TimestampSigner
from articles import clock
from articles.editorial import workflow
from articles.models import Article, Author, PreviewLink, Section
from articles.reader.views import SHARE_LINK_SALT

section = Section.objects.create(slug="fleet", name="Fleet")
author = Author.objects.create(slug="clock-writer", name="Clock Writer")
editor = User.objects.create_user("clock-editor", is_staff=True)
editor.groups.add(Group.objects.get(name="Editors"))
moderator = User.objects.create_user("clock-moderator", is_staff=True)
moderator.groups.add(Group.objects.get(name="Moderators"))

def story(key, **times):
    article = Article(
        headline=f"Skewcheck {key} story from the northern fleet",
        standfirst="A story for the clock check.",
        section=section,
        embargo_until=times.pop("embargo_until", None),
    )
    workflow.save_story(article=article, user=editor, authors=[author], tags=["skewcheck"])
    workflow.submit(article=article, user=editor)
    article.refresh_from_db()
    workflow.approve(article=article, user=moderator,
                     revision_id=article.latest_revision_id, **times)
    return article

now = clock.now()
due = now + timedelta(seconds=LEAD)
stories = {
    "live": story("live"),
    "scheduled": story("scheduled", publish_at=due),
    "embargoed": story("embargoed", embargo_until=due, publish_at=due),
    "expired": story("expired"),
}
expired = stories["expired"]
Article.objects.filter(pk=expired.pk).update(
    publish_at=now - timedelta(hours=3), expire_at=now - timedelta(hours=1)
)
result = {}
for key, article in stories.items():
    article.refresh_from_db()
    link = PreviewLink.objects.create(
        article=article, created_by=editor, expires_at=now + timedelta(hours=48)
    )
    token = TimestampSigner(salt=SHARE_LINK_SALT).sign(str(link.pk))
    result[key] = {
        "headline": article.headline,
        "url": article.get_absolute_url(),
        "share": f"/preview/{token}/",
    }
result["due"] = due.timestamp()
print("JSON" + json.dumps(result))
"""

PAGES = {
    "home": "/",
    "section": "/section/fleet/",
    "rss": "/feeds/rss/",
    "sitemap": "/sitemap-stories.xml",
    "news sitemap": "/news-sitemap.xml",
    "search": "/search/?q=skewcheck",
    "api": "/api/v1/stories/?page_size=100",
}


def fail(message: str) -> None:
    sys.exit(f"clock-skew check FAILED: {message}")


def shown(port: int, story: dict, listings: dict[str, str]) -> set[str]:
    """The surfaces of the server on ``port`` that link to ``story`` (search
    marks the words found in a headline, so its address is looked for)."""
    surfaces = {name for name, body in listings.items() if story["url"] in body}
    if get(port, urllib.parse.quote(story["url"]))[0] == 200:
        surfaces.add("story page")
    return surfaces


def expect(stories: dict, visible: set[str], moment: str) -> None:
    for server, (_shift, port) in SERVERS.items():
        listings = {name: get(port, path)[1] for name, path in PAGES.items()}
        for key, story in stories.items():
            seen = shown(port, story, listings)
            if key in visible and seen != set(PAGES) | {"story page"}:
                missing = (set(PAGES) | {"story page"}) - seen
                fail(
                    f"{moment}, the server {server} hides the {key} story on {missing}"
                )
            if key not in visible and seen:
                fail(f"{moment}, the server {server} shows the {key} story on {seen}")
        print(f"{moment}: the server {server} shows exactly {sorted(visible)}")


def expect_share_links(stories: dict, answers: dict[str, int], moment: str) -> None:
    for server, (_shift, port) in SERVERS.items():
        for key, status in answers.items():
            got = get(port, stories[key]["share"])[0]
            if got != status:
                fail(
                    f"{moment}, the server {server} answers {got} (not {status}) "
                    f"to the {key} story's share link"
                )


def main() -> None:
    if not shutil.which("faketime"):
        sys.exit("faketime is missing: apt-get install faketime")
    env = environment("newsroom_clock_skew")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    servers = [start(env, port, clock_shift=shift) for shift, port in SERVERS.values()]
    try:
        setup = SETUP.replace("LEAD", str(LEAD_SECONDS))
        result = json.loads(manage(env, "shell", "-c", setup).split("JSON", 1)[1])
        due = result.pop("due")
        for _ in range(2):  # the second round is served from the page cache
            expect(result, {"live"}, "before their time")
        manage(env, "publish_scheduled", clock_shift="+400d")
        manage(
            env,
            "shell",
            "-c",
            "from django.test import Client; Client(HTTP_HOST='127.0.0.1').get('/')",
            clock_shift="+400d",
        )
        expect(result, {"live"}, "after a command ran 400 days ahead")
        expect_share_links(
            result, {"embargoed": 403, "expired": 410}, "before their time"
        )
        if time.time() > due:
            fail(f"the checks before the stories' time took over {LEAD_SECONDS} s")
        time.sleep(due - time.time() + 1.5)
        expect(result, {"live", "scheduled", "embargoed"}, "once their time came")
        expect_share_links(
            result, {"embargoed": 200, "expired": 410}, "once their time came"
        )
    finally:
        stop(servers)
    print("clock-skew check passed")


if __name__ == "__main__":
    main()
