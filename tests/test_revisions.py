"""Revisions: every save is a full snapshot; snapshots compare and restore."""

from datetime import UTC, datetime, timedelta

import pytest

from articles.editorial import revisions, workflow
from articles.models import Article, Revision, WorkflowEvent
from tests.factories import make_author, make_image, make_section, make_user

# The workflow tests' builders drive the same services the admin calls.
from tests.test_workflow import approve, edit, live_story, new_story, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def chief(db):
    """A second moderator."""
    return make_user("chief", group="Moderators")


def diffs_by_label(old: Revision, new: Revision) -> dict[str, revisions.FieldDiff]:
    return {diff.label: diff for diff in revisions.compare(old.snapshot, new.snapshot)}


# --- Snapshots --------------------------------------------------------------------


def test_every_save_stores_a_revision_with_the_full_story(reporter, editor):
    """A revision holds everything an editor can change, bylines and photo included."""
    section = make_section("Defence")
    first_author = make_author("Anna Nowak")
    second_author = make_author("Reuters", is_agency=True)
    photo = make_image(
        title="Frigate at sea",
        alt_text="A grey frigate",
        caption="The frigate on trials.",
        credit="Navy/J. Kowalski",
    )
    embargo = datetime(2030, 1, 2, 6, 0, tzinfo=UTC)
    story = new_story(
        reporter,
        headline="Navy orders four more frigates",
        standfirst="The contract runs until 2030.",
        body="<p>The ministry signed the order.</p>",
        section=section,
        dateline="Gdynia",
        source="Ministry of Defence",
        lead_image=photo,
        lead_image_caption="The first frigate on sea trials.",
        embargo_until=embargo,
        authors=[first_author, second_author],
        tags=["Navy", "frigates"],
    )
    edit(story, editor, headline="Navy orders four frigates")
    edit(story, reporter, tags=["Navy", "frigates", "shipbuilding"])

    first, second, third = story.revisions.order_by("number")
    assert [revision.number for revision in (first, second, third)] == [1, 2, 3]
    assert [r.created_by for r in (first, second, third)] == [
        reporter,
        editor,
        reporter,
    ]
    expected = {
        "headline": "Navy orders four more frigates",
        "standfirst": "The contract runs until 2030.",
        "body": "<p>The ministry signed the order.</p>",
        "dateline": "Gdynia",
        "source": "Ministry of Defence",
        "lead_image_caption": "The first frigate on sea trials.",
        "expire_at": None,
        "embargo_until": embargo.isoformat(),
        "section": {"id": section.pk, "name": "Defence"},
        "authors": [
            {"id": first_author.pk, "name": "Anna Nowak"},
            {"id": second_author.pk, "name": "Reuters"},
        ],
        "tags": ["frigates", "Navy"],
        "lead_image": {
            "id": photo.pk,
            "title": "Frigate at sea",
            "caption": "The frigate on trials.",
            "credit": "Navy/J. Kowalski",
            "alt_text": "A grey frigate",
        },
    }
    # A superset is fine: fields added to the story later are snapshotted too.
    assert first.snapshot | expected == first.snapshot
    assert second.snapshot["headline"] == "Navy orders four frigates"
    assert third.snapshot["tags"] == ["frigates", "Navy", "shipbuilding"]
    assert Article.objects.get(pk=story.pk).latest_revision == third


def test_a_revision_stores_text_cleaned_as_the_row_would_be(reporter):
    """The snapshot holds the sanitised body, not what the browser sent."""
    story = new_story(
        reporter,
        headline="Frigate\u202e order\x0b signed",
        body='<p onclick="steal()">Signed.</p><script>alert(1)</script>',
    )

    snapshot = story.latest_revision.snapshot
    assert snapshot["headline"] == story.headline == "Frigate order signed"
    assert snapshot["body"] == story.body == "<p>Signed.</p>"


def test_an_edit_to_a_live_story_is_stored_sanitised_for_previews(
    reporter, editor, moderator
):
    """Pending changes are rendered by previews before any save cleans the row."""
    story = live_story(reporter, moderator)

    edit(story, editor, body='<p>Update.</p><img src="x" onerror="alert(1)">')

    body = Article.objects.get(pk=story.pk).latest_revision.snapshot["body"]
    assert "onerror" not in body
    assert body.startswith("<p>Update.</p>")


# --- Comparing revisions ----------------------------------------------------------


def test_compare_marks_changed_fields_and_shows_word_level_changes(reporter, editor):
    story = new_story(
        reporter,
        lead_image=make_image(caption="A patrol boat."),
        lead_image_caption="The frigate leaves harbour at dawn.",
        tags=["navy", "trials"],
    )
    old = story.latest_revision
    new = edit(
        story,
        editor,
        lead_image_caption="The frigate enters harbour at dawn.",
        tags=["navy", "torpedoes"],
    )

    diffs = diffs_by_label(old, new)

    assert {label for label, diff in diffs.items() if diff.changed} == {
        "Photo caption",
        "Tags",
    }
    assert diffs["Photo caption"].html == (
        "The frigate <del>leaves</del><ins>enters</ins> harbour at dawn."
    )
    assert diffs["Tags"].html == "navy, <del>trials</del><ins>torpedoes</ins>"
    assert diffs["Headline"].html == "Navy orders four more frigates"
    assert "<ins>" not in diffs["Standfirst"].html


def test_compare_shows_a_library_caption_and_credit_change(reporter):
    """With no story caption, the photo's own caption and credit are compared."""
    first_photo = make_image(caption="A frigate at sea.", credit="Reuters/Jane Doe")
    second_photo = make_image(caption="A frigate in port.", credit="Reuters/John Doe")
    story = new_story(reporter, lead_image=first_photo)
    old = story.latest_revision
    new = edit(story, reporter, lead_image=second_photo)

    diffs = diffs_by_label(old, new)

    assert diffs["Photo caption"].html == (
        "A frigate <del>at</del><ins>in</ins> <del>sea.</del><ins>port.</ins>"
    )
    assert diffs["Photo credit"].html == (
        "<del>Reuters/Jane</del><ins>Reuters/John</ins> Doe"
    )
    assert diffs["Photo credit"].changed and diffs["Lead photo"].changed


def test_compare_escapes_html_in_the_content(reporter):
    """A headline or body that contains markup is shown as text, never run."""
    story = new_story(reporter, headline="Harbour news")
    old = story.latest_revision
    new = edit(
        story,
        reporter,
        headline="<script>alert(1)</script>",
        body="<p>Use &lt;b&gt;bold&lt;/b&gt; sparingly.</p>",
    )

    diffs = diffs_by_label(old, new)

    assert "<script>" not in diffs["Headline"].html
    assert "<ins>&lt;script&gt;alert(1)&lt;/script&gt;</ins>" in diffs["Headline"].html
    assert "<b>" not in diffs["Body"].html
    assert "&lt;b&gt;bold&lt;/b&gt;" in diffs["Body"].html


def test_compare_of_a_revision_with_itself_marks_nothing(reporter):
    story = new_story(reporter)
    revision = story.latest_revision

    assert not any(diff.changed for diff in diffs_by_label(revision, revision).values())


# --- Restoring revisions ---------------------------------------------------------


def test_restoring_a_draft_revision_makes_it_the_latest_and_the_rows_content(
    reporter, editor
):
    first_author, second_author = (
        make_author("Anna Nowak"),
        make_author("Piotr Zieliński"),
    )
    story = new_story(
        reporter, headline="Frigate order signed", authors=[first_author], tags=["navy"]
    )
    first = story.latest_revision
    edit(
        story,
        reporter,
        headline="Frigate order signed at last",
        authors=[second_author],
        tags=["navy", "shipyards"],
    )

    restored = workflow.restore(article=story, user=editor, revision=first)

    row = Article.objects.get(pk=story.pk)
    assert restored.number == 3
    assert restored.restored_from == first
    assert restored.created_by == editor
    assert restored.snapshot == first.snapshot
    assert row.latest_revision == restored
    assert row.headline == "Frigate order signed"
    assert row.ordered_authors == [first_author]
    assert sorted(row.tags.names()) == ["navy"]
    assert row.status == Article.Status.DRAFT
    event = row.events.get(action=WorkflowEvent.Action.RESTORED)
    assert (event.actor, event.revision, event.comment) == (
        editor,
        restored,
        "Restored revision 1",
    )


def test_restoring_during_review_returns_the_story_to_draft(
    reporter, editor, moderator
):
    """A restore is new text, so the review starts again."""
    story = new_story(reporter, headline="Frigate order signed")
    first = story.latest_revision
    edit(story, reporter, headline="Frigate order signed at last")
    submit(story, reporter)
    reviewed = Article.objects.get(pk=story.pk).latest_revision_id

    workflow.restore(article=story, user=editor, revision=first)

    assert Article.objects.get(pk=story.pk).status == Article.Status.DRAFT
    with pytest.raises(workflow.WorkflowError):
        workflow.approve(article=story, user=moderator, revision_id=reviewed)


def test_restoring_a_revision_of_a_live_story_waits_for_approval(
    client, time_machine, reporter, editor, moderator, chief
):
    """Readers keep the live text until the restored revision is approved."""
    time_machine.move_to(datetime(2025, 3, 10, 9, 0, tzinfo=UTC), tick=False)
    story = new_story(reporter, headline="Frigate order signed")
    first = story.latest_revision
    edit(story, reporter, headline="Frigate order cancelled")
    submit(story, reporter)
    approve(story, chief)
    url = Article.objects.get(pk=story.pk).get_absolute_url()
    time_machine.shift(timedelta(hours=1))

    restored = workflow.restore(article=story, user=editor, revision=first)

    row = Article.objects.get(pk=story.pk)
    assert row.latest_revision == restored
    assert row.status == Article.Status.DRAFT
    assert row.has_pending_changes
    assert row.headline == "Frigate order cancelled"
    assert (
        Article.objects.published().get(pk=story.pk).headline
        == "Frigate order cancelled"
    )
    assert "Frigate order cancelled</h1>" in client.get(url).content.decode()

    submit(row, editor)
    approve(row, moderator)

    page = client.get(url).content.decode()
    assert "Frigate order signed</h1>" in page
    assert "cancelled" not in page
    assert Article.objects.get(pk=story.pk).live_revision == restored
