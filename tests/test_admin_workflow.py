"""The workflow as people use it in the admin, by real HTTP requests."""

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.editorial import workflow
from articles.models import Article, Correction, PreviewLink, WorkflowEvent
from articles.reader.views import SHARE_LINK_SALT
from tests.factories import (
    make_article,
    make_author,
    make_image,
    make_section,
    make_user,
)

pytestmark = pytest.mark.django_db

Status = Article.Status


def story_form_data(story_or_none=None, **overrides):
    section = overrides.pop("section", None) or make_section("Naval", slug="naval")
    author = overrides.pop("author", None) or make_author("Lena Sorensen")
    data = {
        "headline": "Minehunter joins the fleet",
        "slug": "",
        "standfirst": "The third ship of its class.",
        "body": "<p>Welcome aboard.</p>",
        "section": section.pk,
        "tags": "minehunters, navy",
        "dateline": "Portsmouth",
        "source": "",
        "lead_image": "",
        "lead_image_caption": "",
        "base_revision": story_or_none.latest_revision_id if story_or_none else "",
        "bylines-TOTAL_FORMS": "1",
        "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "1",
        "bylines-MAX_NUM_FORMS": "1000",
        "bylines-0-author": author.pk,
        "bylines-0-order": "0",
    }
    data.update(overrides)
    return data


def workflow_url(story, action):
    return reverse("admin:articles_article_workflow", args=[story.pk, action])


def change_url(story):
    return reverse("admin:articles_article_change", args=[story.pk])


def test_reporter_writes_and_submits_a_story_that_a_moderator_approves(
    client, reporter, moderator
):
    client.force_login(reporter)
    response = client.post(reverse("admin:articles_article_add"), story_form_data())
    assert response.status_code == 302
    story = Article.objects.get(headline="Minehunter joins the fleet")
    assert story.status == Status.DRAFT and story.created_by == reporter
    assert story.revisions.count() == 1

    assert client.post(workflow_url(story, "submit")).status_code == 302
    story.refresh_from_db()
    assert story.status == Status.IN_REVIEW
    assert client.get(story.get_absolute_url()).status_code == 404

    client.force_login(moderator)
    response = client.post(
        workflow_url(story, "approve"), {"revision_id": story.latest_revision_id}
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED
    client.logout()
    assert client.get(story.get_absolute_url()).status_code == 200


def test_a_reporter_posting_an_approval_gets_403_and_nothing_changes(client, reporter):
    story = make_article(status=Status.IN_REVIEW, created_by=reporter)
    client.force_login(reporter)
    response = client.post(
        workflow_url(story, "approve"), {"revision_id": story.latest_revision_id}
    )
    assert response.status_code == 403
    story.refresh_from_db()
    assert story.status == Status.IN_REVIEW and story.live_revision is None
    assert not WorkflowEvent.objects.filter(
        action=WorkflowEvent.Action.APPROVED
    ).exists()


def test_an_editor_bulk_approving_is_refused(client, editor):
    story = make_article(status=Status.IN_REVIEW)
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "approve_selected", "_selected_action": [story.pk]},
    )
    assert response.status_code in (200, 302)
    story.refresh_from_db()
    assert story.status == Status.IN_REVIEW and story.live_revision is None


def test_moderator_bulk_approves_from_the_list(client, moderator):
    stories = [make_article(status=Status.IN_REVIEW) for _ in range(2)]
    client.force_login(moderator)
    client.post(
        reverse("admin:articles_article_changelist"),
        {
            "action": "approve_selected",
            "_selected_action": [story.pk for story in stories],
        },
    )
    assert Article.objects.published().count() == 2


def test_sending_back_needs_a_comment_that_the_reporter_then_sees(
    client, reporter, moderator
):
    story = make_article(status=Status.IN_REVIEW, created_by=reporter)
    client.force_login(moderator)
    response = client.post(workflow_url(story, "send_back"), {"comment": ""})
    assert response.status_code == 400
    story.refresh_from_db()
    assert story.status == Status.IN_REVIEW
    client.post(
        workflow_url(story, "send_back"), {"comment": "Check the range figure."}
    )
    story.refresh_from_db()
    assert story.status == Status.CHANGES_REQUESTED

    client.force_login(reporter)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Check the range figure." in index
    page = client.get(change_url(story)).content.decode()
    assert "Check the range figure." in page


def test_moderator_sees_the_review_queue_count_and_queue(client, moderator, reporter):
    make_article(headline="Queued story", status=Status.IN_REVIEW)
    client.force_login(moderator)
    assert (
        "1 story waiting for review"
        in client.get(reverse("admin:index")).content.decode()
    )
    queue = client.get(reverse("admin:articles_article_review_queue")).content.decode()
    assert "Queued story" in queue and "New story" in queue
    client.force_login(reporter)
    assert client.get(reverse("admin:articles_article_review_queue")).status_code == 403


def test_the_queue_offers_approve_only_to_a_moderator_who_may_approve(
    client, moderator
):
    """The four-eyes rule is shown as a reason in the queue, not as a dead button."""
    own = make_article(
        headline="My own story",
        status=Status.IN_REVIEW,
        authors=[make_author("Mod Byline", user=moderator)],
    )
    other = make_article(headline="Someone else's story", status=Status.IN_REVIEW)
    client.force_login(moderator)
    for url in (reverse("admin:articles_article_review_queue"), change_url(own)):
        page = client.get(url).content.decode()
        assert workflow_url(own, "approve") not in page
        assert workflow.four_eyes_refusal() in page
        assert workflow_url(own, "send_back") in page
    queue = client.get(reverse("admin:articles_article_review_queue")).content.decode()
    assert workflow_url(other, "approve") in queue


def test_the_queue_reads_the_same_number_of_queries_however_long_it_is(
    client, moderator, django_assert_max_num_queries
):
    """Deciding which actions each waiting story offers reads its bylines from
    the queue's own query, not one more query a story."""
    own = make_author("Mod Byline", user=moderator)
    url = reverse("admin:articles_article_review_queue")
    client.force_login(moderator)
    make_article(status=Status.IN_REVIEW, authors=[own])
    client.get(url)
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    for _ in range(5):
        make_article(status=Status.IN_REVIEW, authors=[own])
        make_article(status=Status.IN_REVIEW)
    with django_assert_max_num_queries(len(short)):
        page = client.get(url).content.decode()
    assert page.count(workflow.four_eyes_refusal()) == 6


def test_the_change_form_names_what_would_block_approval(client, reporter):
    author = make_author("Lena Sorensen", user=reporter)
    image = make_image(title="Frigate at sea", alt_text="")
    story = make_article(status=Status.DRAFT, authors=[author], lead_image=image)
    client.force_login(reporter)
    page = client.get(change_url(story)).content.decode()
    assert "A moderator cannot approve this story until:" in page
    assert "“Frigate at sea” needs alt text (lead photo)" in page
    assert workflow_url(story, "submit") not in page, "no dead Submit button"
    assert "First fix what would stop a moderator approving it" in page

    response = client.post(workflow_url(story, "submit"))
    assert response.status_code == 409
    assert "“Frigate at sea” needs alt text" in response.content.decode()
    assert Article.objects.get(pk=story.pk).status == Status.DRAFT


def test_editing_a_live_story_leaves_readers_on_the_approved_version(
    client, editor, moderator
):
    author = make_author("Lena Sorensen")
    story = make_article(headline="Original headline", authors=[author])
    client.force_login(editor)
    data = story_form_data(
        story, headline="Changed headline", author=author, section=story.section
    )
    data["slug"] = story.slug
    response = client.post(change_url(story), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    story.refresh_from_db()
    assert story.headline == "Original headline"
    assert story.has_pending_changes and story.status == Status.DRAFT
    assert "Changed headline" in client.get(change_url(story)).content.decode()
    client.logout()
    assert "Original headline" in client.get(story.get_absolute_url()).content.decode()

    client.force_login(editor)
    client.post(workflow_url(story, "submit"))
    client.force_login(moderator)
    queue = client.get(reverse("admin:articles_article_review_queue")).content.decode()
    assert "Changes to a live story" in queue
    story.refresh_from_db()
    client.post(
        workflow_url(story, "approve"),
        {
            "revision_id": story.latest_revision_id,
            "correction_note": "The headline was wrong.",
        },
    )
    client.logout()
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Changed headline" in page
    assert "The headline was wrong." in page
    assert "Updated" in page
    assert "The headline was wrong." in client.get("/corrections/").content.decode()


def test_an_editor_saves_a_live_story_twice_in_a_row(client, editor):
    """The desk's most common action: a second save of a story with pending changes."""
    author = make_author("Lena Sorensen")
    story = make_article(
        headline="Original headline", authors=[author], tags=["navy", "frigates"]
    )
    client.force_login(editor)
    for standfirst in ("First change.", "Second change.", "Third change."):
        story.refresh_from_db()
        data = story_form_data(
            story,
            standfirst=standfirst,
            author=author,
            section=story.section,
            tags="navy, frigates",
            headline="Original headline",
        )
        data["slug"] = story.slug
        data["_continue"] = "Save and continue editing"
        response = client.post(change_url(story), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        story.refresh_from_db()
        assert story.latest_revision.snapshot["standfirst"] == standfirst
        assert story.latest_revision.snapshot["tags"] == ["frigates", "navy"]
    assert story.standfirst == "Sea trials enter their second phase."
    assert story.revisions.count() == 4


def test_a_stale_edit_form_is_refused_and_keeps_the_text(client, editor):
    make_article(headline="Another story")  # revision ids no longer match numbers
    story = make_article(status=Status.DRAFT, headline="First version")
    opened_at = story.latest_revision_id
    other = make_user("other-editor", group="Editors")
    workflow.save_story(
        article=Article.objects.get(pk=story.pk),
        user=other,
        authors=story.ordered_authors,
        tags=["x"],
        base_revision_id=opened_at,
    )
    story.refresh_from_db()
    client.force_login(editor)
    data = story_form_data(
        story,
        headline="My version",
        base_revision=opened_at,
        section=story.section,
        author=story.ordered_authors[0],
    )
    data["slug"] = story.slug
    response = client.post(change_url(story), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this story after you opened it" in page
    assert 'value="My version"' in page
    story.refresh_from_db()
    assert story.headline == "First version"
    # The link names the revisions by their numbers, as the compare view reads them.
    link = re.search(r'href="([^"]*/compare/[^"]*)">See what they changed', page)
    assert link, "the refusal links to the comparison"
    compared = client.get(html.unescape(link.group(1)))
    assert compared.status_code == 200
    assert "Compare revisions 1 and 2" in compared.content.decode()


def test_other_editors_of_a_story_are_named(client, editor):
    story = make_article(status=Status.DRAFT)
    other = make_user("second-editor", group="Editors")
    client.force_login(other)
    client.get(change_url(story))
    client.force_login(editor)
    assert (
        "second-editor is also editing this story"
        in client.get(change_url(story)).content.decode()
    )


def test_change_form_explains_the_public_state(client, moderator):
    story = make_article(publish_at=timezone.now() + timedelta(hours=3))
    client.force_login(moderator)
    assert "Approved, scheduled for" in client.get(change_url(story)).content.decode()


def test_history_compare_and_restore(client, editor):
    story = make_article(status=Status.DRAFT, headline="Before <b>bold</b>")
    workflow.save_story(
        article=Article.objects.get(pk=story.pk),
        user=editor,
        authors=story.ordered_authors,
        tags=["after"],
        base_revision_id=story.latest_revision_id,
    )
    story.refresh_from_db()
    client.force_login(editor)
    history = client.get(reverse("admin:articles_article_history", args=[story.pk]))
    assert history.status_code == 200
    compare = client.get(
        reverse("admin:articles_article_compare", args=[story.pk]), {"a": 1, "b": 2}
    ).content.decode()
    assert "<ins>after</ins>" in compare
    assert "<b>bold</b>" not in compare and "&lt;b&gt;bold&lt;/b&gt;" in compare
    response = client.post(
        reverse("admin:articles_article_restore", args=[story.pk, 1])
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.revisions.count() == 3
    assert list(story.tags.names()) == []


def test_bad_revision_numbers_are_404(client, editor):
    story = make_article(status=Status.DRAFT)
    client.force_login(editor)
    url = reverse("admin:articles_article_compare", args=[story.pk])
    assert client.get(url, {"a": "1abc", "b": "1"}).status_code == 404
    assert client.get(url, {"a": "99", "b": "1"}).status_code == 404


def test_staff_preview_uses_the_story_template_with_a_banner_and_noindex(
    client, editor
):
    story = make_article(status=Status.DRAFT, headline="Unpublished scoop")
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_preview", args=[story.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Unpublished scoop" in page and "Preview — not published" in page
    assert 'name="robots" content="noindex' in page
    assert "no-cache" in response["Cache-Control"]


def test_anonymous_users_cannot_use_the_staff_preview(client):
    story = make_article(status=Status.DRAFT)
    response = client.get(reverse("admin:articles_article_preview", args=[story.pk]))
    assert response.status_code == 302


def share(client, story, user):
    client.force_login(user)
    client.post(reverse("admin:articles_article_share", args=[story.pk]))
    client.logout()
    link = PreviewLink.objects.get(article=story)
    from django.core.signing import TimestampSigner

    token = TimestampSigner(salt=SHARE_LINK_SALT).sign(str(link.pk))
    return link, reverse("articles:shared-preview", args=[token])


def test_share_link_shows_the_draft_until_it_expires(client, editor, machine_clock):
    story = make_article(status=Status.DRAFT, headline="Shared draft")
    link, url = share(client, story, editor)
    response = client.get(url)
    assert response.status_code == 200 and "Shared draft" in response.content.decode()
    with time_machine.travel(timezone.now() + timedelta(hours=49)):
        expired = client.get(url)
    assert expired.status_code == 410 and "Shared draft" not in expired.content.decode()


def test_withdrawing_a_story_ends_its_share_links_at_once(client, editor, moderator):
    """A withdrawal (often legal) ends every way of reading the story."""
    story = make_article(headline="Shared then withdrawn")
    link, url = share(client, story, editor)
    assert client.get(url).status_code == 200
    workflow.withdraw(article=story, user=moderator, reason="Legal advice.")
    response = client.get(url)
    assert response.status_code == 410
    page = response.content.decode()
    assert "This story has been withdrawn." in page
    assert "Shared then withdrawn" not in page
    assert "no-cache" in response["Cache-Control"]


def test_share_links_of_an_expired_story_answer_410(client, editor, machine_clock):
    story = make_article(
        headline="Shared then expired", expire_at=timezone.now() + timedelta(hours=1)
    )
    link, url = share(client, story, editor)
    assert client.get(url).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        response = client.get(url)
    assert response.status_code == 410
    assert "This story has expired." in response.content.decode()
    assert "Shared then expired" not in response.content.decode()


def test_revoked_and_tampered_share_links_show_nothing(client, editor):
    story = make_article(status=Status.DRAFT, headline="Shared draft")
    link, url = share(client, story, editor)
    tampered = client.get(url[:-3] + "abc/")
    assert (
        tampered.status_code == 403 and "Shared draft" not in tampered.content.decode()
    )
    forged = client.get(
        reverse("articles:shared-preview", args=[f"{link.pk}:forged:sig"])
    )
    assert forged.status_code == 403
    client.force_login(editor)
    client.post(
        reverse("admin:articles_article_share_revoke", args=[story.pk, link.pk])
    )
    client.logout()
    assert client.get(url).status_code == 410


def test_share_link_shows_nothing_before_the_embargo(client, editor):
    story = make_article(
        status=Status.DRAFT,
        headline="Embargoed report",
        embargo_until=timezone.now() + timedelta(hours=6),
    )
    story.latest_revision.snapshot["embargo_until"] = story.embargo_until.isoformat()
    story.latest_revision.save()
    _link, url = share(client, story, editor)
    response = client.get(url)
    assert (
        response.status_code == 403
        and "Embargoed report" not in response.content.decode()
    )


def test_reporters_cannot_create_share_links(client, reporter):
    story = make_article(status=Status.DRAFT, created_by=reporter)
    client.force_login(reporter)
    assert (
        client.post(
            reverse("admin:articles_article_share", args=[story.pk])
        ).status_code
        == 403
    )
    assert not PreviewLink.objects.exists()


def test_withdrawing_from_the_admin_needs_a_reason(client, moderator):
    story = make_article()
    client.force_login(moderator)
    assert (
        client.post(workflow_url(story, "withdraw"), {"reason": ""}).status_code == 400
    )
    client.post(workflow_url(story, "withdraw"), {"reason": "Legal complaint."})
    story.refresh_from_db()
    assert story.status == Status.WITHDRAWN
    assert client.get(story.get_absolute_url()).status_code == 404


def test_approval_names_the_photo_missing_a_credit(client, moderator):
    photo = make_image(title="Harbour at dusk", credit="")
    story = make_article(status=Status.IN_REVIEW, lead_image=photo)
    client.force_login(moderator)
    response = client.post(
        workflow_url(story, "approve"), {"revision_id": story.latest_revision_id}
    )
    assert response.status_code == 409
    assert "Harbour at dusk" in response.content.decode()
    assert not Correction.objects.exists()
    story.refresh_from_db()
    assert story.live_revision is None


def test_unknown_workflow_action_is_404(client, moderator):
    story = make_article(status=Status.IN_REVIEW)
    client.force_login(moderator)
    assert client.post(workflow_url(story, "publish_everything")).status_code == 404
