"""Build the demo site: users, sections, bylines, photos and stories.

Stories go through ``articles.editorial.workflow`` like any other path (save, submit,
approve or send back, withdraw), so each one has revisions and an audit
trail that match its state.

Safe to run again: every row is looked up by a natural key (username, slug,
image title, headline) and only missing rows are created, so a second run
adds nothing and never resets a password or overwrites an edited story.
"""

import contextlib
import logging
import os
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from articles.demo.content import AUTHORS, SECTIONS, STORIES
from articles.demo.images import make_demo_image
from articles.editorial import workflow
from articles.models import Article, Author, Image, Section, WorkflowEvent
from articles.photos.images import store_image
from articles.photos.validators import inspect_image_upload

# username: (password, group, role shown in the logins block)
DEMO_USERS = {
    "reporter": ("reporter-demo-2026", "Reporters", "reporter: writes and submits"),
    "editor": ("editor-demo-2026", "Editors", "editor: edits any story"),
    "moderator": (
        "moderator-demo-2026",
        "Moderators",
        "moderator: approves, withdraws",
    ),
}
ADMIN_USER = ("admin", "admin-demo-2026", "superuser")
STATES = {"live", "scheduled", "draft", "in_review", "changes_requested", "withdrawn"}


class Command(BaseCommand):
    help = "Fill the database with a demo defence news site. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (the demo accounts have published passwords).",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=min(os.cpu_count() or 1, 4),
            help="Photos to render at once (default: one per CPU, at most 4).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates staff accounts with well-known passwords. Run it "
                "with DEBUG=1, or pass --force on a throwaway demo server."
            )
        self.verbosity = options["verbosity"]
        started = time.monotonic()
        with quiet_workflow(show_log=self.verbosity > 1):
            users = self.seed_users()
            sections = self.seed_sections()
            authors = self.seed_authors(users)
            created = self.seed_stories(sections, authors, users, jobs=options["jobs"])
        self.say(
            f"{created} stories created, {len(STORIES) - created} already present "
            f"({time.monotonic() - started:.1f}s)."
        )
        self.print_logins()

    def say(self, line: str) -> None:
        if self.verbosity:
            self.stdout.write(line)

    def progress(self, label: str, done: int, total: int) -> None:
        if not self.verbosity:
            return
        if self.stdout.isatty():
            ending = "\n" if done == total else ""
            self.stdout.write(f"\r{label} {done}/{total}", ending=ending)
            self.stdout.flush()
        elif done == total or done % 10 == 0:
            self.stdout.write(f"{label} {done}/{total}")

    # --- People and places --------------------------------------------------------

    def seed_users(self) -> dict:
        """The demo accounts; existing ones keep their password."""
        User = get_user_model()
        users = {}
        for username, (password, group_name, _role) in DEMO_USERS.items():
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(
                    username=username,
                    email=f"{username}@example.org",
                    password=password,
                    is_staff=True,
                )
            # The groups and their permissions come from a data migration.
            user.groups.add(Group.objects.get_or_create(name=group_name)[0])
            users[username] = user
        username, password, _role = ADMIN_USER
        admin = User.objects.filter(username=username).first()
        if admin is None:
            admin = User.objects.create_superuser(
                username=username, email=f"{username}@example.org", password=password
            )
        users[username] = admin
        self.progress("Users", len(users), len(users))
        return users

    def seed_sections(self) -> dict[str, Section]:
        sections = {}
        for data in SECTIONS:
            defaults = {key: data[key] for key in ("name", "description", "order")}
            sections[data["slug"]], _ = Section.objects.get_or_create(
                slug=data["slug"], defaults=defaults
            )
        self.progress("Sections", len(sections), len(SECTIONS))
        return sections

    def seed_authors(self, users: dict) -> dict[str, Author]:
        authors = {}
        for data in AUTHORS:
            defaults = {
                "name": data["name"],
                "bio": data["bio"],
                "is_agency": data.get("is_agency", False),
                "user": users.get(data.get("user")),
            }
            authors[data["slug"]], _ = Author.objects.get_or_create(
                slug=data["slug"], defaults=defaults
            )
        self.progress("Authors", len(authors), len(AUTHORS))
        return authors

    # --- Stories -----------------------------------------------------------------

    def seed_stories(self, sections, authors, users, *, jobs: int) -> int:
        now = timezone.now()
        headlines = [data["headline"] for data in STORIES]
        existing = set(
            Article.objects.filter(headline__in=headlines).values_list(
                "headline", flat=True
            )
        )
        missing = {
            index: (data, writer(data, users))
            for index, data in enumerate(STORIES, start=1)
            if data["headline"] not in existing
        }
        with self.photo_pipeline(missing, jobs=jobs) as stored_photo:
            for index, data in enumerate(STORIES, start=1):
                if index in missing:
                    # The photo is stored before, not inside, the story's
                    # transaction: store_image cleans up its own files on
                    # failure, and a photo left behind by a failed story is
                    # found by its title on the next run.
                    image = stored_photo(index)
                    with transaction.atomic():
                        self.create_story(
                            data,
                            index=index,
                            now=now,
                            image=image,
                            creator=missing[index][1],
                            sections=sections,
                            authors=authors,
                            users=users,
                        )
                self.progress("Stories", index, len(STORIES))
        return len(missing)

    @contextlib.contextmanager
    def photo_pipeline(self, missing: dict, *, jobs: int):
        """Give a function returning each missing story's stored lead photo.

        Renditions take most of the run and Pillow releases the GIL while
        encoding, so photos are rendered ahead by worker threads, each with its
        own database connection. Inside an outer transaction (a TestCase) other
        connections cannot see its rows, so photos are then stored inline.
        """
        if jobs < 2 or connection.in_atomic_block:
            yield lambda index: self.lead_image(*missing[index])
            return
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {
                index: pool.submit(self.lead_image_in_worker, data, creator)
                for index, (data, creator) in missing.items()
            }
            try:
                yield lambda index: futures[index].result()
            finally:
                for future in futures.values():
                    future.cancel()

    def lead_image_in_worker(self, data: dict, uploader) -> Image:
        try:
            return self.lead_image(data, uploader)
        finally:
            connections.close_all()  # only this worker thread's connections

    def lead_image(self, data: dict, uploader) -> Image:
        photo = data["image"]
        existing = Image.objects.filter(title=photo["title"]).first()
        if existing:
            return existing
        # A seed taken from the title keeps each photo the same however the
        # stories are reordered.
        seed = zlib.crc32(photo["title"].encode())
        filename = f"{slugify(data['headline'])[:80]}.jpg"
        upload = SimpleUploadedFile(
            filename, make_demo_image(photo["kind"], seed), content_type="image/jpeg"
        )
        decoded, facts = inspect_image_upload(upload)
        return store_image(
            image=Image(
                title=photo["title"],
                alt_text=photo["alt_text"],
                caption=photo["caption"],
                credit=photo["credit"],
            ),
            decoded=decoded,
            facts=facts,
            original_filename=filename,
            user=uploader,
        )

    def create_story(
        self,
        data: dict,
        *,
        index: int,
        now: datetime,
        image: Image,
        creator,
        sections,
        authors,
        users,
    ) -> Article:
        """Take one story through the workflow to its demo state."""
        state = data["state"]
        if state not in STATES:
            raise CommandError(
                f"Unknown demo state {state!r} for “{data['headline']}”."
            )
        article = Article(
            headline=data["headline"],
            standfirst=data["standfirst"],
            body=data["body"],
            section=sections[data["section"]],
            dateline=data["dateline"],
            source=data["source"],
            lead_image=image,
        )
        workflow.save_story(
            article=article,
            user=creator,
            authors=[authors[slug] for slug in data["authors"]],
            tags=data["tags"],
        )
        if state != "draft":
            article = workflow.submit(article=article, user=creator)
        reviewer = users["moderator"]
        if (
            workflow.is_own_work(reviewer, article)
            and not workflow.self_approval_allowed()
        ):
            reviewer = users["admin"]
        publish_at = None
        if state in ("live", "scheduled", "withdrawn"):
            publish_at = publish_time(data["days_ago"], index, now)
            article = workflow.approve(
                article=article,
                user=reviewer,
                revision_id=article.latest_revision_id,
                publish_at=publish_at,
            )
        if state == "live" and data.get("pending_change"):
            article = self.make_pending_change(article, data["pending_change"], users)
        if state == "changes_requested":
            workflow.send_back(
                article=article, user=reviewer, comment=data["review_comment"]
            )
        if state == "withdrawn":
            workflow.withdraw(
                article=article, user=reviewer, reason=data["withdraw_reason"]
            )
        backdate_history(article, timeline(data, index, now, publish_at))
        return article

    def make_pending_change(self, article, change: dict, users) -> Article:
        """An editor's edit of a live story, waiting (or not yet sent) for review."""
        editor = users["editor"]
        article = Article.objects.get(pk=article.pk)
        article.standfirst = change["standfirst"]
        workflow.save_story(
            article=article,
            user=editor,
            authors=article.ordered_authors,
            tags=list(article.tags.names()),
            base_revision_id=article.latest_revision_id,
        )
        if change.get("submit"):
            article = workflow.submit(article=article, user=editor)
        return article

    def print_logins(self) -> None:
        self.stdout.write(f"Demo logins ({settings.SITE_URL}{reverse('admin:index')}):")
        logins = [
            (name, password, role) for name, (password, _g, role) in DEMO_USERS.items()
        ]
        for username, password, role in [*logins, ADMIN_USER]:
            self.stdout.write(f"  {username:<10} {password:<21} {role}")


def writer(data: dict, users: dict):
    """Who creates the story: the first byline's account if it may create
    stories (moderators may not), otherwise the editor."""
    accounts = {author["slug"]: author.get("user") for author in AUTHORS}
    for slug in data["authors"]:
        user = users.get(accounts.get(slug))
        if user is not None and user.has_perm("articles.add_article"):
            return user
    return users["editor"]


def publish_time(days_ago: int, index: int, now: datetime) -> datetime:
    """A working-hours time ``days_ago`` days from today; never in the future
    for a story meant to be live already."""
    day = timezone.localtime(now) - timedelta(days=days_ago)
    when = day.replace(
        hour=7 + (index * 5) % 12, minute=(index * 17) % 60, second=0, microsecond=0
    )
    if days_ago >= 0 and when > now:
        when = now - timedelta(minutes=10 + index)
    return when


def timeline(data: dict, index: int, now: datetime, publish_at) -> list[datetime]:
    """When the story was written, submitted, reviewed and (if so) withdrawn."""
    lead = timedelta(hours=2 + index % 5)
    if data["state"] in ("live", "withdrawn"):
        written = publish_at - lead
        reviewed = publish_at
    else:
        # Scheduled stories were approved earlier today; the rest are recent work.
        days = 0 if data["state"] == "scheduled" else data["days_ago"]
        written = now - timedelta(days=days) - lead - timedelta(hours=1)
        reviewed = written + timedelta(hours=2)
    withdrawn = min(reviewed + timedelta(days=1, hours=3), now)
    return [written, written + timedelta(hours=1), reviewed, withdrawn]


def backdate_history(article: Article, times: list[datetime]) -> None:
    """Move the story's revision, events and timestamps back to ``times``.

    The services stamp everything with the moment the seed runs; without this
    a story live for three months would show it was written a minute ago.
    """
    written, submitted = times[0], times[1]
    events = WorkflowEvent.objects.filter(article=article).order_by("pk")
    for event_pk, when in zip(events.values_list("pk", flat=True), times, strict=False):
        WorkflowEvent.objects.filter(pk=event_pk).update(created_at=when)
    article.revisions.update(created_at=written)
    last = times[min(events.count(), len(times)) - 1]
    stamps = {"created_at": written, "updated_at": last}
    if article.submitted_at:
        stamps["submitted_at"] = submitted
    Article.objects.filter(pk=article.pk).update(**stamps)


@contextlib.contextmanager
def quiet_workflow(*, show_log: bool):
    """Replay the demo's editorial history without mailing anyone about it,
    and (unless asked) without an INFO line for each of its transitions."""
    workflow_logger = logging.getLogger(workflow.__name__)
    level = workflow_logger.level
    if not show_log:
        workflow_logger.setLevel(logging.WARNING)
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"
        ):
            yield
    finally:
        workflow_logger.setLevel(level)
