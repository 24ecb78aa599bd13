"""Render 30 representative reader pages of the demo newsroom, for a
byte-for-byte comparison before and after a change meant to alter no
behaviour (a restructure, a refactor).

    .venv/bin/python bench/html_snapshot.py OUT_DIR             # write the pages
    .venv/bin/python bench/html_snapshot.py OUT_DIR --compare REF_DIR

The demo newsroom is built in a throwaway SQLite database with the clock
frozen, so two runs of the same code write the same bytes. What is random by
design is replaced by a placeholder: the CSP nonce, CSRF tokens and the
random part of stored photo names. Exits 1 when --compare finds a difference.
"""

import argparse
import os
import re
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FROZEN_AT = datetime(2026, 3, 16, 9, 30, tzinfo=UTC)
NORMALISE = [
    (re.compile(rb'nonce="[^"]+"'), b'nonce="NONCE"'),
    (re.compile(rb"'nonce-[^']+'"), b"'nonce-NONCE'"),
    (
        re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"'),
        b'name="csrf" value="T"',
    ),
    (re.compile(rb"(images/\d{4}/\d{2}/[0-9a-f]{16})[0-9a-f]{8}"), rb"\1RANDOM"),
    (re.compile(rb"(renditions/[0-9a-f]{16})[0-9a-f]{8}"), rb"\1RANDOM"),
]


def pages() -> dict[str, str]:
    """Name → path: every kind of reader page, feed, sitemap and API answer."""
    from articles.models import Article, Author, Section

    live = list(Article.objects.published().order_by("-publish_at", "pk"))
    sections = list(Section.objects.order_by("order", "pk"))
    tagged = [story for story in live if story.tags.exists()]
    tag = tagged[0].tags.order_by("slug").first()
    author = Author.objects.filter(bylines__article__in=live).order_by("pk").first()
    day = live[0].publish_at
    found = {
        "home": "/",
        "home-page-2": "/?page=2",
        "section": sections[0].get_absolute_url(),
        "section-2": sections[1].get_absolute_url(),
        "tag": f"/tag/{tag.slug}/",
        "author": author.get_absolute_url(),
        "archive-year": f"/archive/{day:%Y}/",
        "archive-month": f"/archive/{day:%Y}/{day.month}/",
        "archive-day": f"/archive/{day:%Y}/{day.month}/{day.day}/",
        "corrections": "/corrections/",
        "search": "/search/?q=missile",
        "search-empty": "/search/?q=zzzzqqq",
        "feed-rss": "/feeds/rss/",
        "feed-atom": "/feeds/atom/",
        "feed-section": f"/section/{sections[0].slug}/rss/",
        "feed-tag": f"/tag/{tag.slug}/atom/",
        "sitemap": "/sitemap.xml",
        "sitemap-section": f"/sitemap-{sections[0].slug}.xml",
        "sitemap-news": "/news-sitemap.xml",
        "robots": "/robots.txt",
        "api-stories": "/api/v1/stories/",
        "api-story": f"/api/v1/stories/{live[0].pk}/",
        "api-sections": "/api/v1/sections/",
        "not-found": "/no-such-page/",
    }
    for number, story in enumerate(live[:6], start=1):
        found[f"story-{number}"] = story.get_absolute_url()
    return found


def render_all(out: Path) -> None:
    import time_machine
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    with time_machine.travel(FROZEN_AT, tick=False):
        call_command("seed_demo", force=True, verbosity=0)
        client = Client()
        out.mkdir(parents=True, exist_ok=True)
        for name, path in pages().items():
            response = client.get(path, follow=False)
            body = response.content
            for pattern, placeholder in NORMALISE:
                body = pattern.sub(placeholder, body)
            head = f"{path}\n{response.status_code}\n".encode()
            (out / f"{name}.txt").write_bytes(head + body)
            print(f"{response.status_code} {path}")


def compare(out: Path, reference: Path) -> int:
    names = sorted(
        {p.name for p in out.glob("*.txt")} | {p.name for p in reference.glob("*.txt")}
    )
    differing = [
        name
        for name in names
        if not (out / name).exists()
        or not (reference / name).exists()
        or (out / name).read_bytes() != (reference / name).read_bytes()
    ]
    print(f"{len(names) - len(differing)} of {len(names)} pages byte-for-byte the same")
    for name in differing:
        print(f"  differs: {name}")
    return 1 if differing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--compare", type=Path, metavar="REF_DIR")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="newsroom-snapshot-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="newsroom.test_settings",
        DATABASE_URL=f"sqlite:///{work / 'snapshot.sqlite3'}",
        MEDIA_ROOT=str(work / "media"),
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.MEDIA_ROOT = str(work / "media")
    render_all(args.out)
    return compare(args.out, args.compare) if args.compare else 0


if __name__ == "__main__":
    sys.exit(main())
