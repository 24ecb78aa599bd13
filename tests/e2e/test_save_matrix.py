"""The save matrix, in a real browser: every role that edits, every state a story
can be in.

Whoever may edit a story opens its change form, changes the standfirst and
clicks "Save and continue editing", does it again, then changes it once more
and clicks "Save"; where the form offers "Submit for review", they submit.
After each step no response is a 5xx, the page shows no error, a revision
holding the typed standfirst is stored, and an anonymous reader sees what the
workflow says: the approved standfirst of a live story (never the edit), and
no page at all for a story that is not live.

Whoever may not edit a story (a reporter, once it has left their hands, or
on someone else's story) gets a read-only change form, and a save posted
anyway is refused with 403. Every case leaves screenshots in
test-artifacts/e2e/.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from articles.editorial import workflow
from articles.models import Article, Author, Revision
from tests.e2e.conftest import PASSWORD
from tests.factories import make_article, make_author, make_section, make_user

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

Status = Article.Status

APPROVED = "Resolute returned to Rosyth after three weeks of sea trials."
ORIGINAL = "Resolute is due back at Rosyth after her sea trials."
PENDING = "Resolute returned to Rosyth on Friday after three weeks at sea."
TAGS = ["frigates", "navy"]
ROLES = {"reporter": "Reporters", "editor": "Editors", "moderator": "Moderators"}


# --- The states a story can be in --------------------------------------------------


@dataclass(frozen=True)
class Cast:
    """Who wrote the story, and the moderator who moved it to its state."""

    writer: User
    byline: Author
    desk: User


def draft(cast: Cast) -> Article:
    return make_article(status=Status.DRAFT, standfirst=ORIGINAL, **story_fields(cast))


def in_review(cast: Cast) -> Article:
    article = draft(cast)
    return workflow.submit(article=article, user=cast.writer)


def sent_back(cast: Cast) -> Article:
    article = in_review(cast)
    return workflow.send_back(
        article=article, user=cast.desk, comment="Name the ship's class, please."
    )


def approved(cast: Cast, **fields) -> Article:
    return make_article(standfirst=APPROVED, **story_fields(cast), **fields)


def scheduled(cast: Cast) -> Article:
    return approved(cast, publish_at=timezone.now() + timedelta(days=1))


def live(cast: Cast) -> Article:
    return approved(cast)


def live_with_pending_changes(cast: Cast) -> Article:
    """A live story an editor has changed: the row keeps the approved text."""
    article = approved(cast)
    article.standfirst = PENDING
    workflow.save_story(
        article=article,
        user=cast.desk,
        authors=[cast.byline],
        tags=TAGS,
        base_revision_id=article.latest_revision_id,
    )
    return Article.objects.get(pk=article.pk)


def embargoed(cast: Cast) -> Article:
    # Approval refuses a publish time before the embargo, so the approved
    # story goes out when the embargo lifts.
    embargo = timezone.now() + timedelta(hours=3)
    return approved(cast, publish_at=embargo, embargo_until=embargo)


def expired(cast: Cast) -> Article:
    now = timezone.now()
    return approved(
        cast, publish_at=now - timedelta(days=2), expire_at=now - timedelta(hours=1)
    )


def withdrawn(cast: Cast) -> Article:
    article = approved(cast)
    return workflow.withdraw(
        article=article, user=cast.desk, reason="The ship's name was wrong."
    )


def story_fields(cast: Cast) -> dict:
    return {
        "headline": "Frigate Resolute completes her first sea trials",
        "section": make_section("Naval", slug="naval"),
        "authors": [cast.byline],
        "tags": TAGS,
        "created_by": cast.writer,
    }


@dataclass(frozen=True)
class State:
    """A state, how to build it, and what the workflow promises about it."""

    build: Callable[[Cast], Article]
    opens_with: str  # the latest revision's standfirst, which the form shows
    status_after_edit: str
    approved: bool = False  # approved content exists: an edit waits for review
    readers_see_it: bool = False  # the public page shows the approved version
    submittable: bool = False  # "Submit for review" is offered once it is edited
    blocked_by: str = ""  # why a moderator could not approve it, on the form


STATES = {
    "draft": State(draft, ORIGINAL, Status.DRAFT, submittable=True),
    "in-review": State(in_review, ORIGINAL, Status.IN_REVIEW),
    "sent-back": State(sent_back, ORIGINAL, Status.CHANGES_REQUESTED, submittable=True),
    "scheduled": State(
        scheduled, APPROVED, Status.DRAFT, approved=True, submittable=True
    ),
    "live": State(
        live,
        APPROVED,
        Status.DRAFT,
        approved=True,
        readers_see_it=True,
        submittable=True,
    ),
    "live-with-pending-changes": State(
        live_with_pending_changes,
        PENDING,
        Status.DRAFT,
        approved=True,
        readers_see_it=True,
        submittable=True,
    ),
    "embargoed": State(
        embargoed, APPROVED, Status.DRAFT, approved=True, submittable=True
    ),
    # Its expiry stays in the past unless the editor changes it, so a moderator
    # could not approve the edit: the form says why, and it is not submitted.
    "expired": State(
        expired,
        APPROVED,
        Status.DRAFT,
        approved=True,
        blocked_by="Its expiry time",
    ),
    # Nothing of a withdrawn story is approved any more: edits go to the row.
    "withdrawn": State(withdrawn, APPROVED, Status.WITHDRAWN),
}
# Reporters edit their own drafts and sent-back stories (workflow.can_edit).
# Changes to their live story that an editor started are a draft too, so the
# reporter may carry on with them; readers keep the approved version.
REPORTER_EDITS = {"draft", "sent-back", "live-with-pending-changes"}


EDITING_CASES = [
    pytest.param(role, name, id=f"{role}-saves-{name}-story")
    for role in ROLES
    for name in STATES
    if role != "reporter" or name in REPORTER_EDITS
]
READ_ONLY_CASES = [
    *(
        pytest.param(name, False, id=f"reporter-on-own-{name}-story")
        for name in STATES
        if name not in REPORTER_EDITS
    ),
    *(
        pytest.param(name, True, id=f"reporter-on-colleagues-{name}-story")
        for name in ("draft", "sent-back")
    ),
]


# --- Fixtures and helpers --------------------------------------------------------------


@pytest.fixture
def desk(db):
    """The three roles, the reporter with a byline, and a moderator who set
    the stories up (so the moderator under test never took part)."""
    users = {role: make_user(role, group=group) for role, group in ROLES.items()}
    reporter = users["reporter"]
    colleague = make_user("colleague", group="Reporters")
    night_desk = make_user("night-desk", group="Moderators")
    return {
        "users": users,
        "own": Cast(reporter, make_author("Lena Sorensen", user=reporter), night_desk),
        "colleague": Cast(
            colleague, make_author("Tom Okafor", user=colleague), night_desk
        ),
    }


@pytest.fixture
def open_browser(new_context):
    """A logged-in (or anonymous) page whose context fails the test on any 5xx."""
    server_errors: list[str] = []

    def open_as(username: str | None = None):
        context = new_context()
        context.on(
            "response",
            lambda response: (
                server_errors.append(f"{response.status} {response.url}")
                if response.status >= 500
                else None
            ),
        )
        page = context.new_page()
        if username:
            page.goto("/admin/login/")
            page.get_by_label("Username").fill(username)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url("**/admin/")
        return page

    yield open_as
    assert not server_errors, "Server errors:\n" + "\n".join(server_errors)


def change_url(story: Article) -> str:
    return reverse("admin:articles_article_change", args=[story.pk])


def standfirst_field(page):
    return page.locator("#id_standfirst")


def save(page, button: str) -> None:
    """Click a save button; the save must redirect (a form error re-renders)."""
    with page.expect_navigation():
        with page.expect_response(
            lambda response: response.request.method == "POST"
        ) as posted:
            page.get_by_role("button", name=button, exact=True).click()
    assert posted.value.status < 500, posted.value.status
    expect_no_error(page)
    assert posted.value.status == 302, f"{button} re-rendered the form"
    assert "was changed successfully" in page.locator(".messagelist").inner_text()


def submit_for_review(page, link, *, expect_status: int) -> None:
    """Follow the change form's "Submit for review" and confirm it."""
    link.click()
    with page.expect_response(
        lambda response: response.request.method == "POST"
    ) as posted:
        page.get_by_role("button", name=re.compile("^Submit for review:")).click()
    assert posted.value.status == expect_status
    page.wait_for_load_state()


def expect_no_error(page) -> None:
    """No form error and no error message. The note of what blocks approval
    is not one: ``expect_approval_blockers`` checks it."""
    errors = page.locator(
        ".errornote:not(.newsroom-blockers), .errorlist, .messagelist .error"
    )
    assert errors.count() == 0, errors.all_inner_texts()


def expect_approval_blockers(page, state: State) -> None:
    blockers = page.locator(".newsroom-blockers")
    if state.blocked_by:
        assert state.blocked_by in blockers.inner_text()
    else:
        assert blockers.count() == 0, blockers.inner_text()


def expect_revision(story: Article, user, standfirst: str, *, count: int) -> None:
    """A new revision by ``user`` holding ``standfirst`` is the story's latest."""
    revisions = Revision.objects.filter(article=story).order_by("-number")
    assert revisions.count() == count
    newest = revisions.first()
    assert newest.snapshot["standfirst"] == standfirst
    assert newest.created_by == user
    assert Article.objects.get(pk=story.pk).latest_revision == newest


def expect_readers_see(reader, story: Article, state: State) -> None:
    """Readers get the approved story while it is live, and no page otherwise."""
    response = reader.goto(story.get_absolute_url())
    if state.readers_see_it:
        assert response.status == 200
        assert reader.locator(".story__standfirst").inner_text() == APPROVED
    else:
        # Not live, whether never approved, not yet due, expired or withdrawn:
        # the story view answers 404 for all of them alike.
        assert response.status == 404


# --- The matrix ----------------------------------------------------------------------


@pytest.mark.parametrize(("role", "state_name"), EDITING_CASES)
def test_a_story_saved_three_times_then_submitted(
    role, state_name, desk, open_browser, screenshot
):
    """Save and continue twice, save, submit where offered: each step stored as a
    revision, no error, and readers keep seeing only what was approved."""
    state = STATES[state_name]
    user = desk["users"][role]
    article = state.build(desk["own"])
    revisions = article.revisions.count()
    reader = open_browser()
    expect_readers_see(reader, article, state)

    page = open_browser(role)
    assert page.goto(change_url(article)).status == 200
    assert standfirst_field(page).input_value() == state.opens_with
    expect_approval_blockers(page, state)
    steps = [
        ("Save and continue editing", "Built to hunt submarines in the Atlantic."),
        ("Save and continue editing", "The Navy's newest frigate is back from sea."),
        ("Save", f"Sea trials over, says the {role}: Resolute is ready."),
    ]
    final = steps[-1][1]
    for button, standfirst in steps:
        standfirst_field(page).fill(standfirst)
        save(page, button)
        revisions += 1
        expect_revision(article, user, standfirst, count=revisions)
        row = Article.objects.get(pk=article.pk)
        assert row.status == state.status_after_edit
        # An approved story keeps its approved text on the row until review.
        assert row.standfirst == (APPROVED if state.approved else standfirst)
        expect_readers_see(reader, article, state)
    assert page.url.endswith(reverse("admin:articles_article_changelist"))

    page.goto(change_url(article))
    assert standfirst_field(page).input_value() == final
    expect_approval_blockers(page, state)
    # The form tells whoever edits an approved story that readers keep its
    # approved version (the note's colour is not checked here).
    pending_note = page.locator(".newsroom-pending")
    assert pending_note.count() == (1 if state.approved else 0)
    if state.approved:
        assert "Readers keep seeing the approved version" in pending_note.inner_text()
    submit = page.locator(".newsroom-actions").get_by_role(
        "link", name="Submit for review"
    )
    if state.submittable:
        submit_for_review(page, submit, expect_status=302)
        expect_no_error(page)
        assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW
    elif state.blocked_by:
        # Not offered: the form says why instead, so nothing reaches the queue
        # that a moderator could not approve.
        assert submit.count() == 0
        refused = page.locator(".newsroom-refused").inner_text()
        assert "First fix what would stop a moderator approving it" in refused
    else:
        assert submit.count() == 0
    row = Article.objects.get(pk=article.pk)
    assert row.latest_revision.snapshot["standfirst"] == final
    assert row.revisions.count() == revisions
    expect_readers_see(reader, article, state)
    screenshot(page, f"{role}-after-saving")
    screenshot(reader, "reader")


@pytest.mark.parametrize(("state_name", "colleagues"), READ_ONLY_CASES)
def test_a_reporter_cannot_save_a_story_out_of_their_hands(
    state_name, colleagues, desk, open_browser, screenshot
):
    """The change form is read-only, with no save button, and a save posted
    anyway is refused with 403, storing nothing."""
    state = STATES[state_name]
    article = state.build(desk["colleague" if colleagues else "own"])
    reporter = desk["users"]["reporter"]
    assert not workflow.can_edit(reporter, article)
    revisions = article.revisions.count()

    page = open_browser("reporter")
    assert page.goto(change_url(article)).status == 200
    expect_no_error(page)
    expect_approval_blockers(page, state)
    assert standfirst_field(page).count() == 0
    assert state.opens_with in page.locator(".field-standfirst").inner_text()
    for button in ("Save", "Save and continue editing", "Save and add another"):
        assert page.get_by_role("button", name=button, exact=True).count() == 0
    assert page.locator(".newsroom-actions").get_by_role("link").count() == 0
    screenshot(page, "reporter-read-only")

    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    refused = page.request.post(
        change_url(article),
        form={
            "csrfmiddlewaretoken": token,
            "standfirst": "A reporter's change that must not be stored.",
            "base_revision": str(article.latest_revision_id),
            "_save": "Save",
        },
    )
    assert refused.status == 403
    assert "CSRF" not in refused.text(), "refused for its token, not the permission"
    assert article.revisions.count() == revisions
    row = Article.objects.get(pk=article.pk)
    assert (row.status, row.standfirst) == (article.status, article.standfirst)
    expect_readers_see(open_browser(), article, state)
