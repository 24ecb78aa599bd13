"""Scheduled publishing when clocks misbehave (R5): steps back, late scheduler
runs, two schedulers at once, and local times the daylight-saving changes
skip or repeat.

Readers' surfaces are fetched over HTTP: home, the story page, search, the RSS
feed and both sitemaps, so every path through ``published()`` is covered.
"""

import io
import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from articles.editorial import revisions, workflow
from articles.models import Article, Author, WorkflowEvent
from tests import surfaces
from tests.conftest import require_service
from tests.factories import make_article, make_author, make_section, make_user

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
Action = WorkflowEvent.Action
SURFACES = surfaces.SURFACES


# --- Helpers --------------------------------------------------------------------


@pytest.fixture
def chief(db):
    """A second moderator, for approvals the moderator under test must not make."""
    return make_user("chief", group="Moderators")


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """An approved story, indexed for search as it is after a real commit."""

    def build(**fields):
        with django_capture_on_commit_callbacks(execute=True):
            return make_article(**fields)

    return build


def seen_on(client, story: Article) -> set[str]:
    return surfaces.seen_on(client, story, search_for="Kaliningrad")


def corvette(publish, **fields) -> Article:
    return publish(headline="Corvette commissioned in Kaliningrad", **fields)


def approve(story: Article, moderator, **options) -> Article:
    """Approve the revision the moderator sees now."""
    latest = Article.objects.get(pk=story.pk).latest_revision_id
    return workflow.approve(
        article=story, user=moderator, revision_id=latest, **options
    )


def approved_story(reporter, moderator, *, publish_at=None) -> Article:
    """A story written and submitted by ``reporter``, approved by ``moderator``
    to publish now or at ``publish_at``."""
    story = Article(
        headline="Frigate order signed",
        standfirst="The contract runs until 2030.",
        body="<p>The ministry signed the order on Monday.</p>",
        section=make_section(),
    )
    workflow.save_story(article=story, user=reporter, authors=[make_author()], tags=[])
    workflow.submit(article=story, user=reporter)
    return approve(story, moderator, publish_at=publish_at)


def edit_headline(story: Article, user, headline: str) -> None:
    """Save a new headline on top of the latest revision, as the admin form does."""
    row = Article.objects.get(pk=story.pk)
    snapshot = row.latest_revision.snapshot
    revisions.assign_fields(row, snapshot)
    row.headline = headline
    authors = [Author.objects.get(pk=author["id"]) for author in snapshot["authors"]]
    workflow.save_story(
        article=row,
        user=user,
        authors=authors,
        tags=snapshot["tags"],
        base_revision_id=row.latest_revision_id,
    )


def run_scheduler() -> str:
    output = io.StringIO()
    call_command("publish_scheduled", stdout=output)
    return output.getvalue()


def go_lives(story: Article) -> list[WorkflowEvent]:
    return list(story.events.filter(action=Action.WENT_LIVE))


def is_public(story: Article) -> bool:
    return Article.objects.published().filter(pk=story.pk).exists()


# --- 1. The clock steps backwards ----------------------------------------------------
# On PostgreSQL the database's clock decides (tests/test_time_authority.py);
# here, travelling, the machine's clock does, and the rules are the same.


def test_a_live_story_stays_everywhere_when_the_clock_steps_back(
    client, time_machine, publish
):
    time_machine.move_to(NOON, tick=False)
    story = corvette(publish, publish_at=NOON - timedelta(minutes=30))
    assert seen_on(client, story) == SURFACES

    time_machine.move_to(NOON - timedelta(hours=2), tick=False)

    assert seen_on(client, story) == SURFACES
    assert workflow.short_state(Article.objects.get(pk=story.pk)) == "Live"


def test_a_scheduled_story_readers_saw_stays_when_the_clock_steps_back(
    client, settings, time_machine, publish
):
    """The first page cached after its time records its going live, and the
    record, not a new comparison with the clock, keeps it live."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    time_machine.move_to(NOON, tick=False)
    story = corvette(publish, publish_at=NOON + timedelta(minutes=5))
    assert client.get("/").status_code == 200
    time_machine.move_to(NOON + timedelta(minutes=6), tick=False)
    assert story.headline in client.get("/").content.decode()
    assert Article.objects.get(pk=story.pk).went_live_at == story.publish_at

    time_machine.move_to(NOON, tick=False)

    assert seen_on(client, story) == SURFACES
    assert go_lives(story) == []  # the audit trail's event is the scheduler's
    run_scheduler()
    assert [event.publish_at for event in go_lives(story)] == [story.publish_at]


def test_a_scheduled_story_appears_on_no_surface_before_its_time(
    client, time_machine, publish
):
    time_machine.move_to(NOON, tick=False)
    story = corvette(publish, publish_at=NOON + timedelta(hours=1))
    assert seen_on(client, story) == set()

    time_machine.move_to(NOON + timedelta(minutes=59, seconds=59), tick=False)
    assert seen_on(client, story) == set()

    time_machine.move_to(NOON + timedelta(hours=1), tick=False)
    assert seen_on(client, story) == SURFACES


# --- 2. The scheduler records each go-live once ------------------------------------


def test_a_scheduler_run_five_hours_late_records_the_scheduled_time_once(
    time_machine,
    caplog,
    django_capture_on_commit_callbacks,
    mailoutbox,
    reporter,
    moderator,
):
    time_machine.move_to(NOON, tick=False)
    story = approved_story(reporter, moderator, publish_at=NOON + timedelta(hours=1))
    time_machine.move_to(NOON + timedelta(hours=6), tick=False)

    with (
        django_capture_on_commit_callbacks(execute=True),
        caplog.at_level(logging.INFO, logger="articles.editorial.workflow"),
    ):
        output = run_scheduler()

    [event] = go_lives(story)
    assert event.publish_at == NOON + timedelta(hours=1)
    assert event.actor is None and event.revision_id == story.live_revision_id
    assert Article.objects.get(pk=story.pk).went_live_at == NOON + timedelta(hours=1)
    assert "went live at 2026-03-10 13:00 UTC, recorded 5:00:00 later" in output
    assert f"workflow went_live: story={story.pk}" in caplog.text
    [mail] = mailoutbox
    assert mail.to == [reporter.email]
    assert mail.subject == "Live now: Frigate order signed"
    assert mail.body.startswith("Went live.\n")
    assert "Publication time: 2026-03-10T13:00:00+00:00" in mail.body

    assert run_scheduler() == ""
    assert len(go_lives(story)) == 1


def test_two_scheduler_runs_record_a_go_live_once(time_machine, reporter, moderator):
    time_machine.move_to(NOON, tick=False)
    story = approved_story(reporter, moderator, publish_at=NOON + timedelta(minutes=5))
    time_machine.move_to(NOON + timedelta(minutes=5), tick=False)

    run_scheduler()
    run_scheduler()

    assert len(go_lives(story)) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_schedulers_running_at_once_record_each_go_live_once():
    """Two cron hosts firing in the same second: each story is claimed by one."""
    if connection.vendor != "postgresql":
        require_service(
            "PostgreSQL",
            "Concurrent scheduler runs need PostgreSQL and separate connections.",
        )
    due = timezone.now() - timedelta(minutes=1)
    stories = [make_article(publish_at=due, went_live_at=None) for _ in range(5)]
    barrier = threading.Barrier(2)
    recorded, failures = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            recorded.extend(workflow.record_scheduled_go_lives())
        except Exception as error:
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert failures == []
    assert sorted(event.article_id for event in recorded) == [s.pk for s in stories]
    for story in stories:
        assert len(go_lives(story)) == 1


def test_approving_a_scheduled_story_does_not_publish_it_early(
    time_machine, reporter, editor, moderator, chief
):
    time_machine.move_to(NOON, tick=False)
    story = approved_story(reporter, chief, publish_at=NOON + timedelta(hours=2))
    assert Article.objects.get(pk=story.pk).went_live_at is None

    time_machine.move_to(NOON + timedelta(hours=1), tick=False)
    edit_headline(story, editor, "Frigate order signed in Gdańsk")
    workflow.submit(article=story, user=editor)
    approve(story, moderator)
    run_scheduler()

    row = Article.objects.get(pk=story.pk)
    assert row.publish_at == NOON + timedelta(hours=2)
    assert row.went_live_at is None
    assert not is_public(row) and go_lives(row) == []

    time_machine.move_to(NOON + timedelta(hours=2), tick=False)
    assert is_public(row)
    run_scheduler()
    assert [event.publish_at for event in go_lives(row)] == [row.publish_at]


def test_rescheduling_a_live_story_for_later_records_its_new_go_live(
    time_machine, reporter, editor, moderator, chief
):
    time_machine.move_to(NOON, tick=False)
    story = approved_story(reporter, chief)
    edit_headline(story, editor, "Frigate order signed in Gdańsk")
    workflow.submit(article=story, user=editor)

    approve(story, moderator, publish_at=NOON + timedelta(hours=3))

    row = Article.objects.get(pk=story.pk)
    assert row.went_live_at is None and not is_public(row)
    time_machine.move_to(NOON + timedelta(hours=3), tick=False)
    run_scheduler()
    assert Article.objects.get(pk=story.pk).went_live_at == NOON + timedelta(hours=3)


def test_publishing_now_records_the_go_live_at_once_and_withdrawing_clears_it(
    time_machine, reporter, moderator
):
    time_machine.move_to(NOON, tick=False)
    story = approved_story(reporter, moderator)
    assert Article.objects.get(pk=story.pk).went_live_at == NOON
    assert run_scheduler() == ""

    workflow.withdraw(article=story, user=moderator, reason="Legal review.")

    assert Article.objects.get(pk=story.pk).went_live_at is None
    assert run_scheduler() == "" and go_lives(story) == []


def test_withdrawing_a_story_no_scheduler_run_saw_go_live_still_records_it(
    time_machine, django_capture_on_commit_callbacks, mailoutbox, reporter, moderator
):
    time_machine.move_to(NOON, tick=False)
    story = approved_story(reporter, moderator, publish_at=NOON + timedelta(hours=1))
    time_machine.move_to(NOON + timedelta(hours=2), tick=False)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(article=story, user=moderator, reason="Legal review.")

    [event] = go_lives(story)
    assert event.publish_at == NOON + timedelta(hours=1) and event.actor is None
    actions = list(story.events.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["went_live", "withdrawn"]
    assert [mail.subject.split(":")[0] for mail in mailoutbox] == ["Withdrawn"]
    assert run_scheduler() == "" and len(go_lives(story)) == 1


def test_withdrawing_a_story_before_its_time_records_no_go_live(
    time_machine, reporter, moderator
):
    time_machine.move_to(NOON, tick=False)
    story = approved_story(reporter, moderator, publish_at=NOON + timedelta(hours=1))

    workflow.withdraw(article=story, user=moderator, reason="Plans changed.")

    assert go_lives(story) == []


# --- 3. Local times the clocks skip or repeat (Europe/Berlin) -----------------------


@pytest.fixture
def in_berlin(settings, time_machine):
    """The newsroom's clocks are in Berlin; today is 1 March 2026."""
    settings.TIME_ZONE = "Europe/Berlin"
    time_machine.move_to(datetime(2026, 3, 1, 9, 0, tzinfo=UTC), tick=False)


def schedule_from_the_admin(client, moderator, story, day, time, **extra):
    """The moderator fills in "Publish at" on the approve page and sends it."""
    client.force_login(moderator)
    url = reverse("admin:articles_article_workflow", args=[story.pk, "approve"])
    data = {
        "revision_id": story.latest_revision_id,
        "publish_at_0": day,
        "publish_at_1": time,
        **extra,
    }
    return client.post(url, data, follow=True)


def in_review() -> Article:
    return make_article(
        headline="Frigate order signed", status=Article.Status.IN_REVIEW
    )


def refused_schedule(client, moderator, day, time) -> tuple[Article, str]:
    """A story in review, and the approve page refusing ``day`` ``time``."""
    story = in_review()
    response = schedule_from_the_admin(client, moderator, story, day, time)
    assert response.status_code == 400
    return story, response.content.decode()


def test_a_time_the_clocks_skip_is_refused_naming_the_nearest_valid_times(
    client, in_berlin, moderator
):
    story, page = refused_schedule(client, moderator, "2026-03-29", "02:30")

    assert "29 Mar 2026, 02:30 does not exist in Europe/Berlin" in page
    assert "the clocks go forward from 02:00 to 03:00" in page
    assert "01:59 CET (00:59 UTC) and 03:00 CEST (01:00 UTC)" in page
    assert Article.objects.get(pk=story.pk).live_revision is None


def test_a_skipped_time_just_after_midnight_names_the_day_before(
    client, settings, time_machine, moderator
):
    """Santiago's clocks skip from midnight to one: the nearest earlier valid
    time is on the previous day, and the message says so."""
    settings.TIME_ZONE = "America/Santiago"
    time_machine.move_to(datetime(2026, 8, 1, 12, 0, tzinfo=UTC), tick=False)
    _story, page = refused_schedule(client, moderator, "2026-09-06", "00:30")

    assert "the clocks go forward from 00:00 to 01:00" in page
    assert "5 Sep, 23:59 -04 (03:59 UTC) and 01:00 -03 (04:00 UTC)" in page


def test_a_time_the_clocks_repeat_is_refused_until_the_moderator_picks_one(
    client, in_berlin, moderator
):
    story, page = refused_schedule(client, moderator, "2026-10-25", "02:30")

    assert "25 Oct 2026, 02:30 happens twice in Europe/Berlin" in page
    assert 'type="radio" name="occurrence" value="earlier"' in page
    assert "earlier (CEST, UTC+2): 00:30 UTC" in page
    assert "later (CET, UTC+1): 01:30 UTC" in page
    assert Article.objects.get(pk=story.pk).live_revision is None


@pytest.mark.parametrize(
    ("occurrence", "instant", "shown"),
    [
        (
            "earlier",
            datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
            "02:30 CEST (00:30 UTC)",
        ),
        ("later", datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "02:30 CET (01:30 UTC)"),
    ],
)
def test_the_chosen_occurrence_of_a_repeated_time_is_scheduled(
    client, in_berlin, moderator, occurrence, instant, shown
):
    story = in_review()

    response = schedule_from_the_admin(
        client, moderator, story, "2026-10-25", "02:30", occurrence=occurrence
    )

    assert response.redirect_chain[0][1] == 302
    row = Article.objects.get(pk=story.pk)
    assert row.publish_at == instant
    assert f"Approved, scheduled for 25 Oct 2026, {shown}." in response.content.decode()
    assert workflow.short_state(row) == f"Scheduled for 25 Oct 2026, {shown}"


def test_scheduling_shows_the_utc_instant_next_to_the_local_time(
    client, in_berlin, moderator
):
    story = in_review()

    response = schedule_from_the_admin(client, moderator, story, "2026-06-01", "10:00")

    row = Article.objects.get(pk=story.pk)
    assert row.publish_at == datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    message = [str(message) for message in response.context["messages"]]
    assert message == ["Approved, scheduled for 1 Jun 2026, 10:00 CEST (08:00 UTC)."]
    assert workflow.explain(row) == message[0]


# --- One rule for "live" ----------------------------------------------------------

_MOMENT = st.one_of(
    st.none(), st.integers(min_value=-3, max_value=3).map(lambda h: h * 3600)
)


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    approved=st.booleans(),
    publish=_MOMENT,
    expire=_MOMENT,
    embargo=_MOMENT,
    recorded=st.booleans(),
)
def test_the_database_and_a_loaded_story_agree_on_what_is_live(
    db, approved, publish, expire, embargo, recorded
):
    """``published()`` (SQL) and ``Article.is_live`` (Python) read one rule:
    for any publish, expiry and embargo times around now, with or without a
    recorded go-live (a clock may since have stepped back), they agree, to
    the second on each boundary."""
    publish = publish or 0
    assume(expire is None or expire > publish)  # a database constraint
    now = timezone.now().replace(microsecond=0)
    story = _agreement_story()

    def at(offset):
        return None if offset is None else now + timedelta(seconds=offset)

    Article.objects.filter(pk=story.pk).update(
        live_revision=story.latest_revision if approved else None,
        publish_at=at(publish),
        expire_at=at(expire),
        embargo_until=at(embargo),
        went_live_at=at(publish) if recorded else None,
    )
    loaded = Article.objects.get(pk=story.pk)
    in_sql = Article.objects.published(at=now).filter(pk=story.pk).exists()
    assert loaded.is_live(now) == in_sql


def _agreement_story():
    story = Article.objects.filter(headline="Rule of live").first()
    return story or make_article(headline="Rule of live")
