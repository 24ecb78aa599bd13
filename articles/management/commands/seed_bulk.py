"""Build a large newsroom quickly, for benchmarks and scale checks.

Rows are written with ``bulk_create`` in batches (no per-row signals), so
100 000 live stories with bylines, tags, revisions and lead photos take a few
minutes. Photos are real: a small pool is generated, validated and stored
with renditions like any upload, then shared between stories.
"""

import random
import time
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from articles.demo.images import make_demo_image
from articles.editorial.revisions import take_snapshot
from articles.models import (
    Article,
    Author,
    Byline,
    Image,
    Revision,
    Section,
    TaggedArticle,
)
from articles.photos.images import store_image
from articles.photos.validators import inspect_image_upload

BATCH = 2000
SUBJECTS = [
    "Navy",
    "Army",
    "Air force",
    "Ministry",
    "Coast guard",
    "Industry group",
    "Parliament committee",
    "Shipyard",
    "Radar maker",
    "Missile brigade",
]
VERBS = [
    "orders",
    "tests",
    "delays",
    "upgrades",
    "retires",
    "deploys",
    "fields",
    "funds",
    "reviews",
    "exports",
]
OBJECTS = [
    "frigates",
    "air defence batteries",
    "patrol drones",
    "armoured vehicles",
    "training jets",
    "coastal radars",
    "howitzers",
    "submarines",
    "satellites",
    "logistics trucks",
    "missile stocks",
    "night-vision kits",
]
WORDS = (
    "procurement contract trials brigade radar missile battalion frigate budget "
    "exercise readiness logistics supplier delivery upgrade programme crews range "
    "sensor command interceptor launcher training maintenance shipyard hangar "
    "capability doctrine deployment convoy airfield"
).split()
KINDS = [
    "ship",
    "aircraft",
    "radar",
    "launcher",
    "vehicle",
    "factory",
    "convoy",
    "drone",
]


class Command(BaseCommand):
    help = "Create N live stories in bulk (default 10 000) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--stories", type=int, default=10_000)
        parser.add_argument("--photos", type=int, default=24)
        parser.add_argument("--tags", type=int, default=400)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, stories, photos, tags, seed, **options):
        started = time.monotonic()
        rng = random.Random(seed)
        sections = self.sections()
        authors = self.authors()
        images = self.photos(photos)
        tag_rows = self.tags(tags)
        existing = Article.objects.count()
        now = timezone.now()
        for start in range(0, stories, BATCH):
            size = min(BATCH, stories - start)
            with transaction.atomic():
                self.create_batch(
                    existing + start,
                    size,
                    rng,
                    now,
                    sections,
                    authors,
                    images,
                    tag_rows,
                )
            self.stdout.write(f"Stories {start + size}/{stories}")
        call_command("rebuild_search_index", stdout=self.stdout)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            f"Seeded {stories} stories in {time.monotonic() - started:.1f}s"
        )

    def sections(self):
        names = ["Air Defence", "Land Forces", "Naval", "Aerospace", "Industry"]
        return [
            Section.objects.get_or_create(
                slug=slugify(name), defaults={"name": name, "order": i}
            )[0]
            for i, name in enumerate(names)
        ]

    def authors(self):
        return [
            Author.objects.get_or_create(
                slug=f"bench-writer-{i}", defaults={"name": f"Bench Writer {i}"}
            )[0]
            for i in range(40)
        ]

    def photos(self, count):
        images = list(Image.objects.filter(title__startswith="Bench photo")[:count])
        for index in range(len(images), count):
            data = make_demo_image(KINDS[index % len(KINDS)], index)
            upload = SimpleUploadedFile(
                f"bench-{index}.jpg", data, content_type="image/jpeg"
            )
            decoded, facts = inspect_image_upload(upload)
            images.append(
                store_image(
                    image=Image(
                        title=f"Bench photo {index}",
                        alt_text="A demo photo",
                        caption="A demo photo for the benchmark.",
                        credit="Bench Desk",
                    ),
                    decoded=decoded,
                    facts=facts,
                    original_filename=upload.name,
                )
            )
            self.stdout.write(f"Photos {index + 1}/{count}")
        return images

    def tags(self, count):
        wanted = [
            f"{rng_word} {i}"
            for i, rng_word in ((i, WORDS[i % len(WORDS)]) for i in range(count))
        ]
        Tag.objects.bulk_create(
            [Tag(name=name, slug=slugify(name)) for name in wanted],
            ignore_conflicts=True,
        )
        return list(Tag.objects.filter(name__in=wanted))

    def create_batch(self, offset, size, rng, now, sections, authors, images, tag_rows):
        articles = []
        for index in range(offset, offset + size):
            headline = (
                f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
                f"({index})"
            )
            body = "".join(
                "<p>"
                + " ".join(rng.choice(WORDS) for _ in range(45)).capitalize()
                + ".</p>"
                for _ in range(4)
            )
            publish_at = now - timedelta(minutes=30 + index * 7 + rng.randint(0, 6))
            articles.append(
                Article(
                    headline=headline,
                    slug=f"{slugify(headline)}",
                    standfirst=" ".join(
                        rng.choice(WORDS) for _ in range(25)
                    ).capitalize()
                    + ".",
                    body=body,
                    section=rng.choice(sections),
                    lead_image=rng.choice(images),
                    dateline=rng.choice(
                        ["Brussels", "Tallinn", "Gdansk", "Oslo", "Rome"]
                    ),
                    source="Bench wire",
                    status=Article.Status.PUBLISHED,
                    publish_at=publish_at,
                    first_published_at=publish_at,
                    went_live_at=publish_at,
                    went_live_announced=True,
                )
            )
        Article.objects.bulk_create(articles)
        bylines, tagged, revisions = [], [], []
        for article in articles:
            writers = rng.sample(authors, rng.choice([1, 1, 1, 2]))
            bylines += [
                Byline(article=article, author=w, order=i)
                for i, w in enumerate(writers)
            ]
            chosen = rng.sample(tag_rows, 4)
            tagged += [TaggedArticle(content_object=article, tag=tag) for tag in chosen]
            # A bulk story has no gallery or body photos: saying so spares
            # take_snapshot a query per story to find them.
            snapshot = take_snapshot(
                article,
                authors=writers,
                tags=[t.name for t in chosen],
                gallery=[],
                body_images=[],
            )
            revisions.append(Revision(article=article, number=1, snapshot=snapshot))
        Byline.objects.bulk_create(bylines)
        TaggedArticle.objects.bulk_create(tagged)
        Revision.objects.bulk_create(revisions)
        # One set-based UPDATE: bulk_update's CASE of 2 000 branches per column
        # took about 2 s a batch on PostgreSQL.
        own_revision = Subquery(
            Revision.objects.filter(article=OuterRef("pk")).values("pk")[:1]
        )
        Article.objects.filter(pk__in=[article.pk for article in articles]).update(
            live_revision=own_revision, latest_revision=own_revision
        )
