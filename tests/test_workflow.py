"""The editorial workflow: who may move a story, what is refused, and what readers see.

Stories are built and moved through ``articles.editorial.workflow`` only, as the admin
does, so these tests exercise the same service every path calls.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone
from django.utils.formats import date_format

from articles.editorial import revisions, workflow
from articles.models import (
    Article,
    Author,
    Correction,
    Image,
    Revision,
    WorkflowEvent,
)
from tests.conftest import require_service
from tests.factories import (
    make_article,
    make_author,
    make_image,
    make_section,
    make_user,
)

pytestmark = pytest.mark.django_db

Status = Article.Status
Action = WorkflowEvent.Action
LATEST = object()  # "the revision the editor opened is the latest one"
MORNING = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


# --- Helpers --------------------------------------------------------------------


def new_story(user, *, authors=None, tags=("navy", "frigates"), **fields) -> Article:
    """A story created through the workflow, as the admin's add form does."""
    fields.setdefault("headline", "Navy orders four more frigates")
    fields.setdefault("standfirst", "The contract runs until 2030.")
    fields.setdefault("body", "<p>The ministry signed the order on Monday.</p>")
    if "section" not in fields:
        fields["section"] = make_section()
    article = Article(**fields)
    workflow.save_story(
        article=article,
        user=user,
        authors=authors if authors is not None else [make_author()],
        tags=list(tags),
    )
    return Article.objects.get(pk=article.pk)


def edit(
    article: Article, user, *, base_revision_id: Any = LATEST, **changes
) -> Revision:
    """Save ``changes`` on top of the latest revision, as the admin change form does."""
    story = Article.objects.get(pk=article.pk)
    snapshot = story.latest_revision.snapshot
    revisions.assign_fields(story, snapshot)
    authors = changes.pop("authors", None) or [
        Author.objects.get(pk=author["id"]) for author in snapshot["authors"]
    ]
    tags = changes.pop("tags", snapshot["tags"])
    for name, value in changes.items():
        setattr(story, name, value)
    if base_revision_id is LATEST:
        base_revision_id = story.latest_revision_id
    return workflow.save_story(
        article=story,
        user=user,
        authors=authors,
        tags=list(tags),
        base_revision_id=base_revision_id,
    )


def submit(article: Article, user) -> Article:
    return workflow.submit(article=article, user=user)


def approve(article: Article, user, **options) -> Article:
    """Approve the revision the moderator sees now."""
    latest = Article.objects.get(pk=article.pk).latest_revision_id
    return workflow.approve(article=article, user=user, revision_id=latest, **options)


def live_story(writer, moderator, **fields) -> Article:
    story = new_story(writer, **fields)
    submit(story, writer)
    approve(story, moderator)
    return Article.objects.get(pk=story.pk)


def state(article: Article) -> dict:
    """Everything a refused action must leave as it was."""
    row = Article.objects.get(pk=article.pk)
    return {
        "status": row.status,
        "headline": row.headline,
        "live_revision": row.live_revision_id,
        "latest_revision": row.latest_revision_id,
        "publish_at": row.publish_at,
        "submitted_by": row.submitted_by_id,
        "revisions": row.revisions.count(),
        "events": row.events.count(),
        "corrections": row.corrections.count(),
        "bylines": list(row.bylines.values_list("author_id", flat=True)),
        "tags": sorted(row.tags.names()),
    }


def is_public(article: Article) -> bool:
    return Article.objects.published().filter(pk=article.pk).exists()


def editor_groups():
    return Group.objects.filter(name="Editors")


@pytest.fixture
def chief(db):
    """A second moderator, for approvals the moderator under test must not make."""
    return make_user("chief", group="Moderators")


@pytest.fixture
def colleague(db):
    """A second reporter."""
    return make_user("colleague", group="Reporters")


# --- 1. Role matrix ---------------------------------------------------------------


def _draft(reporter, chief):
    return new_story(reporter, headline="Frigate order signed")


def _in_review(reporter, chief):
    story = _draft(reporter, chief)
    submit(story, reporter)
    return story


def _live(reporter, chief):
    story = _in_review(reporter, chief)
    approve(story, chief)
    return story


def _withdrawn(reporter, chief):
    story = _live(reporter, chief)
    workflow.withdraw(article=story, user=chief, reason="Legal review.")
    return story


def _draft_with_two_revisions(reporter, chief):
    story = _draft(reporter, chief)
    edit(story, reporter, headline="Frigate order signed at last")
    return story


def _edit(story, user):
    return edit(story, user, headline="Frigate order doubled")


def _send_back(story, user):
    return workflow.send_back(article=story, user=user, comment="Add the price.")


def _withdraw(story, user):
    return workflow.withdraw(article=story, user=user, reason="Statement retracted.")


def _redraft(story, user):
    return workflow.redraft(article=story, user=user)


def _restore_first(story, user):
    first = story.revisions.get(number=1)
    return workflow.restore(article=story, user=user, revision=first)


@dataclass(frozen=True)
class Scenario:
    prepare: Callable[..., Article]
    perform: Callable[[Article, Any], object]
    expected: dict
    new_events: int = 1
    new_revisions: int = 0


SCENARIOS = {
    "edit": Scenario(
        _draft, _edit, {"headline": "Frigate order doubled"}, 0, new_revisions=1
    ),
    "submit": Scenario(_draft, submit, {"status": Status.IN_REVIEW}),
    "approve": Scenario(_in_review, approve, {"status": Status.PUBLISHED}),
    "send_back": Scenario(_in_review, _send_back, {"status": Status.CHANGES_REQUESTED}),
    "withdraw": Scenario(
        _live, _withdraw, {"status": Status.WITHDRAWN, "live_revision": None}
    ),
    "redraft": Scenario(_withdrawn, _redraft, {"status": Status.DRAFT}),
    "restore": Scenario(
        _draft_with_two_revisions,
        _restore_first,
        {"headline": "Frigate order signed"},
        new_revisions=1,
    ),
}

ROLES = ["reporter_own", "reporter_other", "editor", "moderator", "superuser"]

# Moderators submit their own corrections (then another moderator approves,
# unless self-approval is allowed), and a withdrawn story is a moderator's
# decision that its reporter cannot undo alone.
ALLOWED = {
    "edit": {"reporter_own", "editor", "moderator", "superuser"},
    "submit": {"reporter_own", "editor", "moderator", "superuser"},
    "approve": {"moderator", "superuser"},
    "send_back": {"moderator", "superuser"},
    "withdraw": {"moderator", "superuser"},
    "redraft": {"editor", "moderator", "superuser"},
    "restore": {"reporter_own", "editor", "moderator", "superuser"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(SCENARIOS))
def test_each_role_may_take_only_its_actions(
    action, role, reporter, colleague, editor, moderator, superuser, chief
):
    """Allowed actions succeed; forbidden ones are refused and change nothing."""
    actors = {
        "reporter_own": reporter,
        "reporter_other": colleague,
        "editor": editor,
        "moderator": moderator,
        "superuser": superuser,
    }
    scenario = SCENARIOS[action]
    story = scenario.prepare(reporter, chief)
    before = state(story)

    if role in ALLOWED[action]:
        scenario.perform(story, actors[role])
        after = state(story)
        assert after | scenario.expected == after
        assert after["events"] == before["events"] + scenario.new_events
        assert after["revisions"] == before["revisions"] + scenario.new_revisions
    else:
        with pytest.raises(workflow.WorkflowError) as refused:
            scenario.perform(story, actors[role])
        assert refused.value.code == "forbidden"
        assert "may" in refused.value.message
        assert state(story) == before


def test_a_reporter_cannot_edit_their_own_story_while_it_is_in_review(reporter):
    """A reporter cannot edit their own story while it is in review."""
    story = new_story(reporter)
    submit(story, reporter)
    before = state(story)

    with pytest.raises(workflow.WorkflowError) as refused:
        edit(story, reporter, headline="Quietly changed during review")

    assert refused.value.code == "forbidden"
    assert refused.value.message == "You may not edit this story."
    assert state(story) == before


def test_a_reporter_may_edit_their_story_again_once_it_is_sent_back(
    reporter, moderator
):
    """A story sent back is editable by its reporter again."""
    story = new_story(reporter)
    submit(story, reporter)
    workflow.send_back(article=story, user=moderator, comment="Name the shipyard.")

    edit(story, reporter, standfirst="The Baltic shipyard builds all four.")

    row = Article.objects.get(pk=story.pk)
    assert row.standfirst == "The Baltic shipyard builds all four."
    assert row.status == Status.CHANGES_REQUESTED


def test_a_reporter_on_the_byline_may_edit_a_story_a_colleague_created(
    reporter, colleague
):
    """A byline linked to a reporter's account makes the story theirs too."""
    byline = make_author("Colleague", user=colleague)
    story = new_story(reporter, authors=[byline])

    edit(story, colleague, headline="Frigate order confirmed")

    assert Article.objects.get(pk=story.pk).headline == "Frigate order confirmed"


def test_a_user_without_add_permission_cannot_create_a_story(moderator):
    """Moderators review stories; they do not create them."""
    with pytest.raises(workflow.WorkflowError) as refused:
        new_story(moderator)

    assert refused.value.code == "forbidden"
    assert not Article.objects.exists()
    assert not Revision.objects.exists()


def test_a_moderator_cannot_approve_a_story_with_their_byline(reporter, moderator):
    """A moderator cannot approve a story they wrote."""
    story = new_story(reporter, authors=[make_author("Mod Byline", user=moderator)])
    submit(story, reporter)
    before = state(story)

    with pytest.raises(workflow.WorkflowError) as refused:
        approve(story, moderator)

    assert refused.value.code == "four_eyes"
    assert "another moderator" in refused.value.message
    assert state(story) == before
    assert not is_public(story)


def test_a_moderator_cannot_approve_a_story_they_submitted(reporter, chief):
    """A moderator who also submits stories cannot approve their own submission."""
    desk_chief = make_user("deskchief", group="Moderators")
    desk_chief.groups.add(*editor_groups())
    story = new_story(reporter)
    submit(story, desk_chief)
    before = state(story)

    with pytest.raises(workflow.WorkflowError) as refused:
        approve(story, desk_chief)

    assert refused.value.code == "four_eyes"
    assert state(story) == before
    approve(story, chief)
    assert is_public(story)


def test_a_moderator_cannot_approve_text_they_edited_during_review(reporter, moderator):
    """Editing the version under review makes it the moderator's own work."""
    story = new_story(reporter)
    submit(story, reporter)
    edit(story, moderator, headline="Moderator's own wording")
    before = state(story)

    with pytest.raises(workflow.WorkflowError) as refused:
        approve(story, moderator)

    assert refused.value.code == "four_eyes"
    assert state(story) == before


def test_a_moderators_own_correction_needs_another_moderator_unless_self_approval(
    reporter, moderator, chief, settings
):
    """A moderator corrects a live story and submits it; publishing it needs a
    second moderator, or self-approval switched on."""
    story = live_story(reporter, chief)
    edit(story, moderator, standfirst="Corrected: four frigates, not five.")
    submit(story, moderator)
    with pytest.raises(workflow.WorkflowError) as refused:
        approve(story, moderator, correction_note="The number of ships was wrong.")
    assert refused.value.code == "four_eyes"

    settings.NEWSROOM_ALLOW_SELF_APPROVAL = True
    approve(story, moderator, correction_note="The number of ships was wrong.")
    story.refresh_from_db()
    assert story.standfirst == "Corrected: four frigates, not five."
    assert story.corrections.get().note == "The number of ships was wrong."


def test_a_superuser_cannot_approve_a_story_they_wrote_and_submitted(superuser):
    """The four-eyes rule holds for superusers too."""
    story = new_story(superuser)
    submit(story, superuser)

    with pytest.raises(workflow.WorkflowError) as refused:
        approve(story, superuser)

    assert refused.value.code == "four_eyes"
    assert Article.objects.get(pk=story.pk).status == Status.IN_REVIEW


def test_self_approval_is_allowed_when_the_setting_says_so(
    settings, reporter, moderator
):
    """With NEWSROOM_ALLOW_SELF_APPROVAL, a moderator may approve their own story."""
    settings.NEWSROOM_ALLOW_SELF_APPROVAL = True
    story = new_story(reporter, authors=[make_author("Mod Byline", user=moderator)])
    submit(story, reporter)

    approve(story, moderator)

    assert is_public(story)
    actions = workflow.available_actions(moderator, Article.objects.get(pk=story.pk))
    assert "withdraw" in [action.name for action in actions]


def test_the_approve_button_is_offered_only_to_a_moderator_who_may_approve(
    reporter, moderator, chief
):
    """``available_actions`` follows the same four-eyes rule as ``approve``."""
    story = new_story(reporter, authors=[make_author("Mod Byline", user=moderator)])
    submit(story, reporter)
    story = Article.objects.get(pk=story.pk)

    offered = {
        user: [a.name for a in workflow.available_actions(user, story) if not a.refused]
        for user in (reporter, moderator, chief)
    }

    assert offered[reporter] == []
    assert offered[moderator] == ["send_back"]
    assert offered[chief] == ["approve", "send_back"]
    refused = [a for a in workflow.available_actions(moderator, story) if a.refused]
    assert [(a.name, a.refused) for a in refused] == [
        ("approve", workflow.four_eyes_refusal())
    ]


# --- 2. Invalid transitions -------------------------------------------------------


def test_approving_a_draft_is_refused(reporter, moderator):
    """Only a story in review can be approved."""
    story = new_story(reporter)
    before = state(story)

    with pytest.raises(workflow.WorkflowError) as refused:
        approve(story, moderator)

    assert refused.value.code == "invalid_transition"
    assert "draft" in refused.value.message
    assert state(story) == before


def test_approving_a_withdrawn_story_is_refused(reporter, moderator):
    """A withdrawn story goes back through draft and review before it returns."""
    story = live_story(reporter, moderator)
    workflow.withdraw(article=story, user=moderator, reason="Source retracted.")
    before = state(story)

    with pytest.raises(workflow.WorkflowError) as refused:
        approve(story, moderator)

    assert refused.value.code == "invalid_transition"
    assert "withdrawn" in refused.value.message
    assert state(story) == before
    assert not is_public(story)


@pytest.mark.parametrize("comment", ["", "   \n  "])
def test_sending_back_without_a_comment_is_refused(reporter, moderator, comment):
    """A reporter must learn what to change."""
    story = new_story(reporter)
    submit(story, reporter)
    before = state(story)

    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.send_back(article=story, user=moderator, comment=comment)

    assert refused.value.code == "comment_required"
    assert state(story) == before


@pytest.mark.parametrize("reason", ["", "  "])
def test_withdrawing_without_a_reason_is_refused(reporter, moderator, reason):
    """A withdrawal is recorded with its reason."""
    story = live_story(reporter, moderator)
    before = state(story)

    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.withdraw(article=story, user=moderator, reason=reason)

    assert refused.value.code == "reason_required"
    assert state(story) == before
    assert is_public(story)


def test_submitting_a_live_story_without_changes_is_refused(
    reporter, editor, moderator
):
    """There is nothing to review when readers already see the latest version."""
    story = live_story(reporter, moderator)
    before = state(story)

    with pytest.raises(workflow.WorkflowError) as refused:
        submit(story, editor)

    assert refused.value.code == "invalid_transition"
    assert "published" in refused.value.message
    assert state(story) == before


def test_submitting_an_approved_draft_without_pending_changes_is_refused(editor):
    """A draft whose latest revision is the approved one has nothing to submit.

    The workflow itself never leaves a story in this state; stories imported
    before revisions existed can be in it.
    """
    story = make_article()
    Article.objects.filter(pk=story.pk).update(status=Status.DRAFT)
    before = state(story)

    with pytest.raises(workflow.WorkflowError) as refused:
        submit(story, editor)

    assert refused.value.code == "nothing_to_submit"
    assert state(story) == before


@pytest.mark.parametrize(
    ("prepare", "transition"),
    [
        pytest.param(_draft, _send_back, id="send back a draft"),
        pytest.param(_draft, _withdraw, id="withdraw a draft"),
        pytest.param(_in_review, _withdraw, id="withdraw a story in review"),
        pytest.param(_live, _redraft, id="redraft a live story"),
        pytest.param(_live, _send_back, id="send back a live story"),
        pytest.param(_withdrawn, _send_back, id="send back a withdrawn story"),
        pytest.param(_withdrawn, submit, id="submit a withdrawn story"),
    ],
)
def test_transitions_from_the_wrong_state_are_refused(
    prepare, transition, reporter, chief, superuser
):
    """Each transition starts only from its own states, whoever asks."""
    story = prepare(reporter, chief)
    before = state(story)

    with pytest.raises(workflow.WorkflowError) as refused:
        transition(story, superuser)

    assert refused.value.code == "invalid_transition"
    assert state(story) == before


def test_restoring_a_revision_of_another_story_is_refused(reporter, editor):
    """A revision id from another story is refused, never applied."""
    story = new_story(reporter, headline="Frigate order signed")
    other = new_story(reporter, headline="Tank deliveries delayed")
    before = state(story)

    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.restore(article=story, user=editor, revision=other.latest_revision)

    assert refused.value.code == "wrong_story"
    assert state(story) == before


# --- 3. Stale approval --------------------------------------------------------------


def test_approving_a_revision_older_than_the_latest_is_refused(
    reporter, editor, moderator
):
    """Text the moderator has not seen is never published."""
    story = new_story(reporter, headline="Frigate order signed")
    submit(story, reporter)
    reviewed = Article.objects.get(pk=story.pk).latest_revision_id
    edit(story, editor, headline="Frigate order signed, price unknown")
    before = state(story)

    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.approve(article=story, user=moderator, revision_id=reviewed)

    assert refused.value.code == "stale_revision"
    assert state(story) == before
    assert not is_public(story)
    assert not story.events.filter(action=Action.APPROVED).exists()

    workflow.approve(
        article=story, user=moderator, revision_id=before["latest_revision"]
    )
    assert Article.objects.published().get(pk=story.pk).headline == (
        "Frigate order signed, price unknown"
    )


def test_approving_with_a_revision_of_another_story_is_refused(reporter, moderator):
    """A revision id belonging to someone else's story is not the one reviewed."""
    story = new_story(reporter)
    submit(story, reporter)
    other = new_story(reporter, headline="Tank deliveries delayed")
    before = state(story)

    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.approve(
            article=story, user=moderator, revision_id=other.latest_revision_id
        )

    assert refused.value.code == "stale_revision"
    assert state(story) == before


def test_approving_stale_changes_to_a_live_story_keeps_the_live_text(
    client, reporter, editor, moderator, chief
):
    """A newer edit to a live story blocks approval of the older one; readers see the live text."""
    story = live_story(reporter, chief, headline="Frigate order signed")
    edit(story, editor, headline="Frigate order signed for 2 billion")
    submit(story, editor)
    reviewed = Article.objects.get(pk=story.pk).latest_revision_id
    edit(story, editor, headline="Frigate order signed for 3 billion")

    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.approve(article=story, user=moderator, revision_id=reviewed)

    assert refused.value.code == "stale_revision"
    page = client.get(story.get_absolute_url())
    assert page.status_code == 200
    assert "Frigate order signed</h1>" in page.content.decode()


# --- 4. Concurrency --------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_moderators_approving_at_once_publish_once():
    """Two simultaneous approvals: one publishes, the other is refused."""
    if connection.vendor != "postgresql":
        require_service(
            "PostgreSQL",
            "Concurrent approvals need PostgreSQL and separate connections.",
        )
    reporter = make_user("reporter", group="Reporters")
    first, second = (make_user(name, group="Moderators") for name in ("mod1", "mod2"))
    story = new_story(reporter)
    submit(story, reporter)
    revision_id = Article.objects.get(pk=story.pk).latest_revision_id
    barrier = threading.Barrier(2)
    outcomes = []

    def approve_as(user):
        try:
            barrier.wait(timeout=10)
            workflow.approve(
                article=Article(pk=story.pk), user=user, revision_id=revision_id
            )
            outcomes.append("approved")
        except workflow.WorkflowError as error:
            outcomes.append(error.code)
        except Exception as error:
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=approve_as, args=(user,)) for user in (first, second)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["approved", "invalid_transition"]
    row = Article.objects.get(pk=story.pk)
    assert row.status == Status.PUBLISHED
    assert row.live_revision_id == revision_id
    assert row.events.filter(action=Action.APPROVED).count() == 1


def test_a_stale_save_is_refused_and_the_newer_text_survives(reporter, editor):
    """Two editors open a story; the second save, based on the old revision, is refused."""
    story = new_story(reporter, headline="Frigate order signed")
    opened = Article.objects.get(pk=story.pk).latest_revision_id
    edit(story, editor, headline="Frigate order signed in Gdańsk")
    before = state(story)

    with pytest.raises(workflow.EditConflict) as refused:
        edit(
            story,
            reporter,
            headline="Frigate order signed today",
            base_revision_id=opened,
        )

    assert refused.value.code == "edit_conflict"
    assert refused.value.base_id == opened
    assert refused.value.latest.pk == before["latest_revision"]
    assert state(story) == before
    assert Article.objects.get(pk=story.pk).headline == "Frigate order signed in Gdańsk"

    edit(story, reporter, headline="Frigate order signed today in Gdańsk")
    assert (
        Article.objects.get(pk=story.pk).headline
        == "Frigate order signed today in Gdańsk"
    )


def test_a_save_that_names_no_base_revision_is_refused(reporter):
    """A save must say which revision it was made from."""
    story = new_story(reporter)
    before = state(story)

    with pytest.raises(workflow.EditConflict):
        edit(story, reporter, headline="Changed blind", base_revision_id=None)

    assert state(story) == before


def test_a_stale_caption_edit_to_a_live_story_is_refused(reporter, editor, moderator):
    """Caption edits are protected from lost updates like any other field."""
    story = live_story(
        reporter,
        moderator,
        lead_image=make_image(),
        lead_image_caption="The frigate at sea.",
    )
    opened = story.latest_revision_id
    edit(story, editor, lead_image_caption="The frigate leaving Gdynia.")

    with pytest.raises(workflow.EditConflict):
        edit(story, reporter, lead_image_caption="A frigate.", base_revision_id=opened)

    latest = Article.objects.get(pk=story.pk).latest_revision
    assert latest.snapshot["lead_image_caption"] == "The frigate leaving Gdynia."


# --- 5. Editing a live story ----------------------------------------------------------


def test_editing_a_live_story_keeps_readers_on_the_approved_text_until_approval(
    client, time_machine, reporter, editor, moderator, chief
):
    """An edit to a live story is public only after a moderator approves it."""
    time_machine.move_to(MORNING, tick=False)
    story = live_story(reporter, chief, headline="Frigate order signed")
    url = story.get_absolute_url()
    time_machine.shift(timedelta(minutes=30))

    edit(story, editor, headline="Frigate order signed for 2 billion")

    row = Article.objects.get(pk=story.pk)
    assert row.status == Status.DRAFT
    assert row.has_pending_changes
    assert (
        Article.objects.published().get(pk=story.pk).headline == "Frigate order signed"
    )
    page = client.get(url).content.decode()
    assert "Frigate order signed</h1>" in page
    assert "2 billion" not in page
    assert workflow.explain(row) == (
        "Live since 09:00 today. Changes made since are not public yet."
    )

    submit(row, editor)
    assert workflow.explain(Article.objects.get(pk=story.pk)) == (
        "Live since 09:00 today. Changes are waiting for review by a moderator."
    )
    assert client.get(url).status_code == 200
    assert "2 billion" not in client.get(url).content.decode()
    time_machine.shift(timedelta(minutes=30))
    approve(row, moderator)

    row = Article.objects.get(pk=story.pk)
    assert row.get_absolute_url() == url
    assert "Frigate order signed for 2 billion</h1>" in client.get(url).content.decode()
    assert row.was_updated
    assert not row.has_pending_changes
    assert row.first_published_at == MORNING
    assert row.content_updated_at == MORNING + timedelta(hours=1)


def test_approving_a_change_with_a_correction_note_records_a_correction(
    reporter, editor, moderator, chief
):
    """A correction note on approval becomes a public correction of that revision."""
    story = live_story(reporter, chief, standfirst="Four frigates for 2 billion.")
    edit(story, editor, standfirst="Four frigates for 2.4 billion.")
    submit(story, editor)

    approve(story, moderator, correction_note="The contract value was misstated.")

    correction = Correction.objects.get(article=story)
    row = Article.objects.get(pk=story.pk)
    assert correction.note == "The contract value was misstated."
    assert correction.revision_id == row.live_revision_id
    assert correction.created_by == moderator
    assert row.standfirst == "Four frigates for 2.4 billion."


def test_approving_without_a_correction_note_records_no_correction(reporter, moderator):
    story = live_story(reporter, moderator)
    assert not Correction.objects.filter(article=story).exists()


def test_a_live_story_sent_back_stays_live(client, reporter, editor, moderator, chief):
    """Sending changes back does not take the approved text off the site."""
    story = live_story(reporter, chief, headline="Frigate order signed")
    edit(story, editor, headline="Frigate order cancelled")
    submit(story, editor)

    workflow.send_back(article=story, user=moderator, comment="Not confirmed yet.")

    assert is_public(story)
    assert (
        "Frigate order signed</h1>"
        in client.get(story.get_absolute_url()).content.decode()
    )


def test_withdrawing_takes_a_story_off_the_site(client, reporter, moderator):
    story = live_story(reporter, moderator)
    url = story.get_absolute_url()

    workflow.withdraw(article=story, user=moderator, reason="Source retracted.")

    assert not is_public(story)
    assert client.get(url).status_code == 404


# --- 6. Scheduling, expiry and embargo ----------------------------------------------


def test_a_scheduled_story_appears_only_at_its_publish_time(
    client, time_machine, reporter, moderator
):
    """Approving with a future publish time schedules the story; it is not published early."""
    time_machine.move_to(MORNING, tick=False)
    story = new_story(reporter)
    submit(story, reporter)

    approve(story, moderator, publish_at=MORNING + timedelta(hours=2))

    story = Article.objects.get(pk=story.pk)
    url = story.get_absolute_url()
    assert story.events.latest("pk").action == Action.SCHEDULED
    assert not is_public(story)
    assert client.get(url).status_code == 404
    assert workflow.explain(story) == "Approved, scheduled for 11:00 today."

    time_machine.shift(timedelta(hours=1, minutes=59))
    assert client.get(url).status_code == 404

    time_machine.shift(timedelta(minutes=1))
    assert is_public(story)
    assert client.get(url).status_code == 200
    assert story.first_published_at == MORNING + timedelta(hours=2)
    assert workflow.explain(story) == "Live since 11:00 today."


def test_approving_changes_to_a_scheduled_story_keeps_its_publish_time(
    client, time_machine, reporter, editor, moderator, chief
):
    """Approving a scheduled story does not publish it early."""
    time_machine.move_to(MORNING, tick=False)
    story = new_story(reporter, headline="Frigate order signed")
    submit(story, reporter)
    approve(story, chief, publish_at=MORNING + timedelta(hours=2))
    edit(story, editor, headline="Frigate order signed in Gdańsk")
    assert workflow.explain(Article.objects.get(pk=story.pk)) == (
        "Approved, scheduled for 11:00 today. Changes made since are not public yet."
    )
    submit(story, editor)

    approve(story, moderator)

    row = Article.objects.get(pk=story.pk)
    assert row.publish_at == MORNING + timedelta(hours=2)
    assert row.events.latest("pk").action == Action.SCHEDULED
    assert not is_public(row)
    assert client.get(row.get_absolute_url()).status_code == 404
    time_machine.shift(timedelta(hours=2))
    assert "Frigate order signed in Gdańsk</h1>" in (
        client.get(row.get_absolute_url()).content.decode()
    )
    assert not row.was_updated


def test_a_story_disappears_at_its_expiry_time(
    client, time_machine, reporter, moderator
):
    time_machine.move_to(MORNING, tick=False)
    story = new_story(reporter, expire_at=MORNING + timedelta(hours=3))
    submit(story, reporter)
    approve(story, moderator)
    url = Article.objects.get(pk=story.pk).get_absolute_url()
    assert client.get(url).status_code == 200

    time_machine.shift(timedelta(hours=3))

    assert not is_public(story)
    assert client.get(url).status_code == 404
    assert workflow.explain(Article.objects.get(pk=story.pk)) == (
        "Expired at 12:00 today; readers no longer see it."
    )


def test_approving_for_a_time_before_the_embargo_is_refused(
    time_machine, reporter, moderator
):
    """Nothing is published before its embargo, whatever the moderator asks for."""
    time_machine.move_to(MORNING, tick=False)
    embargo = MORNING + timedelta(hours=6)
    embargo_text = date_format(timezone.localtime(embargo), "DATETIME_FORMAT")
    story = new_story(reporter, embargo_until=embargo)
    submit(story, reporter)
    before = state(story)

    for publish_at in (None, MORNING + timedelta(hours=5, minutes=59)):
        with pytest.raises(workflow.WorkflowError) as refused:
            approve(story, moderator, publish_at=publish_at)
        assert refused.value.code == "embargo"
        assert embargo_text in refused.value.message
        assert state(story) == before


def test_an_embargoed_story_stays_invisible_until_the_embargo_passes(
    client, time_machine, reporter, moderator
):
    time_machine.move_to(MORNING, tick=False)
    embargo = MORNING + timedelta(days=2)
    story = new_story(reporter, embargo_until=embargo)
    submit(story, reporter)

    approve(story, moderator, publish_at=embargo)

    story = Article.objects.get(pk=story.pk)
    url = story.get_absolute_url()
    assert not is_public(story)
    assert client.get(url).status_code == 404
    assert workflow.explain(story) == (
        "Embargoed until 12 Mar 2025, 09:00: nothing of it is shown anywhere before then."
    )
    time_machine.move_to(embargo - timedelta(seconds=1), tick=False)
    assert client.get(url).status_code == 404
    time_machine.move_to(embargo, tick=False)
    assert client.get(url).status_code == 200


def test_approving_for_a_time_after_the_expiry_is_refused(
    time_machine, reporter, moderator
):
    """A story cannot be scheduled to appear after it has already expired."""
    time_machine.move_to(MORNING, tick=False)
    story = new_story(reporter, expire_at=MORNING + timedelta(hours=1))
    submit(story, reporter)
    before = state(story)

    with pytest.raises(workflow.WorkflowError) as refused:
        approve(story, moderator, publish_at=MORNING + timedelta(hours=2))

    assert refused.value.code == "expiry_before_publish"
    assert state(story) == before


def test_explain_says_what_readers_see_in_each_state(
    settings, time_machine, reporter, moderator, chief
):
    """The public-state sentence for draft, review, sent back, live and withdrawn."""
    settings.TIME_ZONE = "UTC"
    time_machine.move_to(MORNING, tick=False)
    story = new_story(reporter)

    def explained():
        return workflow.explain(Article.objects.get(pk=story.pk))

    assert explained() == "Draft: not submitted for review; readers cannot see it."
    submit(story, reporter)
    assert explained() == (
        "Waiting for review by a moderator since 09:00 today (submitted by reporter)."
    )
    workflow.send_back(article=story, user=moderator, comment="Name the shipyard.")
    assert explained() == "Sent back by moderator with: Name the shipyard."
    edit(story, reporter, standfirst="Built in Gdańsk.")
    submit(story, reporter)
    approve(story, chief)
    assert explained() == "Live since 09:00 today."
    time_machine.shift(timedelta(days=1))
    assert explained() == "Live since 10 Mar 2025, 09:00."
    workflow.withdraw(article=story, user=moderator, reason="The shipyard denied it.")
    assert explained() == "Withdrawn by moderator: The shipyard denied it."


def test_explain_keeps_the_moderators_comment_after_a_later_restore(
    reporter, moderator
):
    """Restoring a revision does not replace the reason a story was sent back."""
    story = new_story(reporter, headline="Frigate order signed")
    edit(story, reporter, headline="Frigate order signed at last")
    submit(story, reporter)
    workflow.send_back(
        article=story, user=moderator, comment="Keep the first headline."
    )

    workflow.restore(
        article=story, user=reporter, revision=story.revisions.get(number=1)
    )

    assert workflow.explain(Article.objects.get(pk=story.pk)) == (
        "Sent back by moderator with: Keep the first headline."
    )


# --- 7. Incomplete lead photos -------------------------------------------------------


@pytest.mark.parametrize(
    ("photo", "missing"),
    [
        ({"alt_text": ""}, "alt text"),
        ({"credit": "  "}, "credit"),
        ({"alt_text": "", "credit": ""}, "alt text and credit"),
    ],
)
def test_approval_is_refused_while_the_lead_photo_lacks_alt_text_or_credit(
    reporter, moderator, photo, missing
):
    image = make_image(title="Frigate at sea")
    story = new_story(reporter, lead_image=image)
    submit(story, reporter)
    # The library photo loses its alt text or credit while the story waits.
    Image.objects.filter(pk=image.pk).update(**photo)
    before = state(story)

    with pytest.raises(workflow.WorkflowError) as refused:
        approve(story, moderator)

    assert refused.value.code == "image_incomplete"
    assert f"“Frigate at sea” needs {missing}" in refused.value.message
    assert state(story) == before
    assert not is_public(story)


def test_a_story_that_cannot_be_approved_is_refused_at_submit_naming_why(
    reporter, moderator
):
    """The reporter learns at submit time, not when the moderator is refused."""
    image = make_image(title="Frigate at sea", alt_text="")
    story = new_story(
        reporter, lead_image=image, expire_at=timezone.now() - timedelta(minutes=5)
    )
    before = state(story)

    with pytest.raises(workflow.WorkflowError) as refused:
        submit(story, reporter)

    assert refused.value.code == "not_publishable"
    assert "“Frigate at sea” needs alt text (lead photo)" in refused.value.message
    assert "has passed" in refused.value.message
    assert state(story) == before
    assert Article.objects.get(pk=story.pk).status == Status.DRAFT


def test_approval_succeeds_once_the_library_photo_is_completed(reporter, moderator):
    """Fixing the photo in the library is enough; the story need not be saved again."""
    image = make_image(title="Frigate at sea")
    story = new_story(reporter, lead_image=image)
    submit(story, reporter)
    Image.objects.filter(pk=image.pk).update(alt_text="")
    image.refresh_from_db()
    with pytest.raises(workflow.WorkflowError):
        approve(story, moderator)

    image.alt_text = "A grey frigate at sea"
    image.save()
    approve(story, moderator)

    assert is_public(story)


# --- 8. E-mails -----------------------------------------------------------------


def test_submitting_mails_the_moderators_but_not_the_submitter(
    django_capture_on_commit_callbacks,
    mailoutbox,
    reporter,
    editor,
    moderator,
    chief,
    superuser,
):
    no_address = make_user("quiet", group="Moderators")
    no_address.email = ""
    no_address.save()
    desk_chief = make_user("deskchief", group="Moderators")
    desk_chief.groups.add(*editor_groups())
    story = new_story(reporter, headline="Frigate order signed")

    with django_capture_on_commit_callbacks(execute=True):
        submit(story, desk_chief)

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert sorted(message.to) == [chief.email, moderator.email]
    assert message.subject == "For review: Frigate order signed"
    assert "Submitted for review by deskchief." in message.body
    assert f"/admin/articles/article/{story.pk}/change/" in message.body


def test_approving_mails_the_writers(
    django_capture_on_commit_callbacks, mailoutbox, reporter, colleague, moderator
):
    """The story's creator and staff on its byline hear that it is published."""
    story = new_story(
        reporter,
        headline="Frigate order signed",
        authors=[make_author("Colleague", user=colleague), make_author("Reuters")],
    )
    submit(story, reporter)

    with django_capture_on_commit_callbacks(execute=True):
        approve(story, moderator)

    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == [colleague.email, reporter.email]
    assert mailoutbox[0].subject == "Published: Frigate order signed"


def test_scheduling_mails_the_writers_with_the_publication_time(
    django_capture_on_commit_callbacks, mailoutbox, time_machine, reporter, moderator
):
    time_machine.move_to(MORNING, tick=False)
    story = new_story(reporter, headline="Frigate order signed")
    submit(story, reporter)

    with django_capture_on_commit_callbacks(execute=True):
        approve(story, moderator, publish_at=MORNING + timedelta(hours=2))

    assert mailoutbox[0].to == [reporter.email]
    assert mailoutbox[0].subject == "Scheduled: Frigate order signed"
    assert "Publication time: 2025-03-10T11:00:00+00:00" in mailoutbox[0].body


def test_sending_back_mails_the_writers_with_the_comment(
    django_capture_on_commit_callbacks, mailoutbox, reporter, moderator
):
    story = new_story(reporter, headline="Frigate order signed")
    submit(story, reporter)

    with django_capture_on_commit_callbacks(execute=True):
        workflow.send_back(
            article=story, user=moderator, comment="Name the shipyard, please."
        )

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [reporter.email]
    assert mailoutbox[0].subject == "Sent back: Frigate order signed"
    assert "Name the shipyard, please." in mailoutbox[0].body


def test_withdrawing_mails_the_writers_with_the_reason(
    django_capture_on_commit_callbacks, mailoutbox, reporter, moderator
):
    story = live_story(reporter, moderator, headline="Frigate order signed")

    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(
            article=story, user=moderator, reason="The ministry denied it."
        )

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [reporter.email]
    assert mailoutbox[0].subject == "Withdrawn: Frigate order signed"
    assert "The ministry denied it." in mailoutbox[0].body


def test_a_refused_transition_mails_nobody(
    django_capture_on_commit_callbacks, mailoutbox, reporter, editor, moderator
):
    story = new_story(reporter)
    submit(story, reporter)
    reviewed = Article.objects.get(pk=story.pk).latest_revision_id
    edit(story, editor, headline="A newer headline")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(workflow.WorkflowError):
            workflow.approve(article=story, user=moderator, revision_id=reviewed)

    assert callbacks == []
    assert mailoutbox == []


class FailingBackend:
    """An e-mail backend whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server unreachable")


def test_a_mail_server_failure_does_not_undo_the_transition(
    django_capture_on_commit_callbacks, settings, reporter, moderator
):
    settings.EMAIL_BACKEND = "tests.test_workflow.FailingBackend"
    story = new_story(reporter)

    with django_capture_on_commit_callbacks(execute=True):
        submit(story, reporter)

    assert Article.objects.get(pk=story.pk).status == Status.IN_REVIEW


# --- Audit trail ----------------------------------------------------------------------


def test_every_transition_is_recorded_with_its_actor_and_states(
    reporter, editor, moderator, chief
):
    story = new_story(reporter)
    submit(story, reporter)
    workflow.send_back(article=story, user=moderator, comment="Add sources.")
    edit(story, reporter, source="Ministry of Defence")
    submit(story, reporter)
    approve(story, moderator)
    workflow.withdraw(article=story, user=chief, reason="Legal hold.")
    workflow.redraft(article=story, user=editor)

    events = list(
        story.events.order_by("pk").values_list(
            "action", "actor__username", "from_status", "to_status"
        )
    )
    assert events == [
        (Action.CREATED, "reporter", "", Status.DRAFT),
        (Action.SUBMITTED, "reporter", Status.DRAFT, Status.IN_REVIEW),
        (Action.SENT_BACK, "moderator", Status.IN_REVIEW, Status.CHANGES_REQUESTED),
        (Action.SUBMITTED, "reporter", Status.CHANGES_REQUESTED, Status.IN_REVIEW),
        (Action.APPROVED, "moderator", Status.IN_REVIEW, Status.PUBLISHED),
        (Action.WITHDRAWN, "chief", Status.PUBLISHED, Status.WITHDRAWN),
        (Action.REDRAFTED, "editor", Status.WITHDRAWN, Status.DRAFT),
    ]
    approved = story.events.get(action=Action.APPROVED)
    assert approved.revision_id == story.revisions.get(number=2).pk


def test_a_redrafted_story_shows_its_latest_revision(
    reporter, editor, moderator, chief
):
    """Changes pending when a story was withdrawn become the draft's content."""
    story = live_story(reporter, chief, headline="Frigate order signed")
    edit(story, editor, headline="Frigate order signed, with caveats")
    workflow.withdraw(article=story, user=moderator, reason="Legal hold.")

    workflow.redraft(article=story, user=editor)

    row = Article.objects.get(pk=story.pk)
    assert row.status == Status.DRAFT
    assert row.headline == "Frigate order signed, with caveats"
    assert not row.is_approved
    assert not is_public(row)
