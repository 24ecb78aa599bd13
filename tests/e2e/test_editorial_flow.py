"""The editorial workflow end to end, in a real browser (issue 7).

A reporter writes a story with a lead photo and submits it; a moderator sends
it back, the reporter fixes it, the moderator approves it and an anonymous
reader finds it on the home page, by search and in the RSS feed. A story
scheduled a minute ahead appears on the minute. Every step leaves a
full-page screenshot in test-artifacts/e2e/.
"""

import re
from datetime import timedelta

import feedparser
import pytest
import time_machine
from django.utils import timezone

from articles.models import Article, Image
from tests.factories import (
    image_bytes,
    make_article,
    make_author,
    make_section,
    make_user,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HEADLINE = "Frigate Resolute completes her first sea trials"
STANDFIRST = "The Navy's newest frigate spent three weeks at sea off Scotland."
BODY = "Resolute returned to Rosyth on Friday after three weeks of trials."
FIX = "She is the second ship of the Inspiration class."
PHOTO = {
    "Title": "Resolute at sea",
    "Alt text": "A grey frigate cutting through choppy water under a low sky",
    "Caption": "Resolute during her trials.",
    "Credit": "Navy Press Office/J. Brook",
}
STORY_CAPTION = "Resolute in the Firth of Forth on the last day of her trials."
SEND_BACK_COMMENT = "Name the ship's class in the body, please."


@pytest.fixture
def newsroom(db):
    """A reporter with a byline of their own, a moderator and a section."""
    reporter = make_user("reporter", group="Reporters")
    make_user("moderator", group="Moderators")
    author = make_author("Lena Sorensen", user=reporter)
    section = make_section("Naval", slug="naval")
    return {"reporter": reporter, "author": author, "section": section}


# --- Steps, as a person does them in the admin ---------------------------------------


def upload_photo(page) -> Image:
    page.get_by_role("link", name="Images").first.click()
    page.get_by_role("link", name="Add image").click()
    page.get_by_label("File").set_input_files(
        {
            "name": "resolute.jpg",
            "mimeType": "image/jpeg",
            "buffer": image_bytes((1600, 900)),
        }
    )
    for label, value in PHOTO.items():
        field(page, label).fill(value)
    page.get_by_role("button", name="Save", exact=True).click()
    expect_message(page, "was added successfully")
    return Image.objects.get(title=PHOTO["Title"])


def write_story(page, image: Image) -> Article:
    page.goto("/admin/articles/article/add/")
    page.get_by_label("Headline").fill(HEADLINE)
    page.get_by_label("Standfirst").fill(STANDFIRST)
    page.locator(".field-body [contenteditable=true]").press_sequentially(BODY)
    page.get_by_label("Section").select_option(label="Naval")
    page.get_by_label("Tags").fill("frigates, sea trials")
    page.get_by_label("Dateline").fill("Rosyth")
    field(page, "Lead image").fill(str(image.pk))
    page.get_by_label("Lead image caption").fill(STORY_CAPTION)
    choose_byline(page, "Lena Sorensen")
    assert page.get_by_label("Slug").input_value().startswith("frigate-resolute")
    page.get_by_role("button", name="Save and continue editing").click()
    expect_message(page, "was added successfully")
    return Article.objects.get(headline=HEADLINE)


def choose_byline(page, name: str) -> None:
    """The byline's author box is an autocomplete (Select2): type, then pick."""
    page.locator("#id_bylines-0-author + .select2 .select2-selection").click()
    page.locator(".select2-search__field").fill(name.split()[0])
    page.locator(".select2-results__option", has_text=name).click()


def add_paragraph_to_body(page, text: str) -> None:
    """Put the caret at the end of the body editor, start a new paragraph, type.

    The caret is placed through the DOM: headless Chromium does not always run
    its own caret-moving commands (a click, Control+End) for a page that is
    not the one in front, and several people's pages are open here.
    """
    body = page.locator(".field-body [contenteditable=true]")
    body.focus()
    body.evaluate(CARET_TO_END)
    page.keyboard.press("Enter")
    page.keyboard.type(text)


CARET_TO_END = """async editor => {
    const range = document.createRange();
    range.selectNodeContents(editor.lastElementChild);
    range.collapse(false);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    // Let the editor see the selection change before the next key.
    await new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve)));
}"""


def run_workflow_action(page, action: str, **fields) -> None:
    """Follow a workflow link of the story's change form and confirm its form."""
    page.locator(".newsroom-actions").get_by_role("link", name=action).click()
    confirm_workflow_form(page, action, **fields)


def confirm_workflow_form(page, action: str, **fields) -> None:
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name=re.compile(f"^{re.escape(action)}:")).click()
    page.wait_for_url(re.compile(r"/admin/articles/article/\d+/change/$"))


def review_queue_row(page, headline: str):
    page.goto("/admin/")
    page.locator("#newsroom-inbox").get_by_role(
        "link", name=re.compile("waiting for review")
    ).click()
    return page.locator("#review-queue tbody tr", has_text=headline)


def field(page, label: str):
    """The form field labelled exactly ``label`` (admin labels end with a colon)."""
    return page.get_by_label(re.compile(f"^{re.escape(label)}:?$"))


def expect_message(page, text: str) -> None:
    messages = page.locator(".messagelist").inner_text()
    assert text in messages, messages


# --- The scenarios ---------------------------------------------------------------------


def test_a_story_goes_from_reporter_to_moderator_to_reader(
    newsroom, log_in, new_context, screenshot
):
    """Write with a photo, submit, get sent back, fix, resubmit, approve, read."""
    reporter = log_in("reporter")
    image = upload_photo(reporter)
    screenshot(reporter, "reporter-uploaded-photo")
    assert (image.alt_text, image.credit) == (PHOTO["Alt text"], PHOTO["Credit"])
    assert image.renditions, "renditions are made at upload"

    story = write_story(reporter, image)
    assert story.status == Article.Status.DRAFT
    assert story.lead_image == image
    assert [author.name for author in story.authors.all()] == ["Lena Sorensen"]
    screenshot(reporter, "reporter-wrote-story")
    run_workflow_action(reporter, "Submit for review")
    expect_message(reporter, "Waiting for review by a moderator")
    screenshot(reporter, "reporter-submitted")

    moderator = log_in("moderator")
    assert (
        "1 story waiting for review"
        in moderator.locator("#newsroom-inbox").inner_text()
    )
    row = review_queue_row(moderator, HEADLINE)
    assert "Lena Sorensen" in row.inner_text()
    screenshot(moderator, "moderator-review-queue")
    row.get_by_role("link", name="Send back").click()
    confirm_workflow_form(
        moderator, "Send back", **{"What needs to change": SEND_BACK_COMMENT}
    )
    expect_message(moderator, f"Sent back by moderator with: {SEND_BACK_COMMENT}")
    screenshot(moderator, "moderator-sent-back")

    reporter.goto("/admin/")
    inbox = reporter.locator("#newsroom-inbox")
    assert HEADLINE in inbox.inner_text() and SEND_BACK_COMMENT in inbox.inner_text()
    screenshot(reporter, "reporter-sees-comment")
    inbox.get_by_role("link", name=HEADLINE).click()
    state = reporter.locator(".newsroom-state").inner_text()
    assert f"Sent back by moderator with: {SEND_BACK_COMMENT}" in state
    add_paragraph_to_body(reporter, FIX)
    reporter.get_by_role("button", name="Save and continue editing").click()
    expect_message(reporter, "was changed successfully")
    run_workflow_action(reporter, "Submit for review")
    story.refresh_from_db()
    assert story.status == Article.Status.IN_REVIEW and FIX in story.body
    screenshot(reporter, "reporter-resubmitted")

    row = review_queue_row(moderator, HEADLINE)
    row.get_by_role("link", name="Approve").click()
    confirm_workflow_form(moderator, "Approve")
    expect_message(moderator, "Live since")
    screenshot(moderator, "moderator-approved")

    reader = new_context().new_page()
    reader.goto("/")
    screenshot(reader, "reader-home-page")
    reader.get_by_role("link", name=HEADLINE).first.click()
    reader.wait_for_url(f"**{story.get_absolute_url()}")
    assert reader.get_by_role("heading", level=1).inner_text() == HEADLINE
    paragraphs = reader.locator(".story__body p").all_inner_texts()
    assert paragraphs == [BODY, FIX]
    photo = reader.locator(".story__figure img")
    assert photo.is_visible() and photo.get_attribute("alt") == PHOTO["Alt text"]
    assert photo.evaluate("img => img.complete && img.naturalWidth") > 0
    caption = reader.locator(".story__figure figcaption").text_content()
    assert STORY_CAPTION in caption and f"Photo: {PHOTO['Credit']}" in caption
    screenshot(reader, "reader-story-page")

    reader.get_by_label("Search stories").fill("Resolute")
    reader.get_by_role("button", name="Search", exact=True).click()
    reader.wait_for_url("**/search/?q=Resolute")
    assert reader.locator("main").get_by_role("link", name=HEADLINE).count() == 1
    screenshot(reader, "reader-search")

    feed = reader.request.get("/feeds/rss/")
    assert feed.ok, feed.status
    entries = feedparser.parse(feed.body()).entries
    entry = next(entry for entry in entries if entry.title == HEADLINE)
    assert entry.link.endswith(story.get_absolute_url())


def test_a_story_scheduled_a_minute_ahead_appears_on_the_minute(
    newsroom, log_in, new_context, screenshot, machine_clock
):
    """Approved with a publish time a minute ahead: hidden until then, live from then."""
    headline = "Submarine tender arrives at Faslane"
    story = make_article(
        headline=headline,
        section=newsroom["section"],
        authors=[newsroom["author"]],
        status=Article.Status.IN_REVIEW,
        created_by=newsroom["reporter"],
        submitted_by=newsroom["reporter"],
        submitted_at=timezone.now(),
    )
    publish_at = timezone.localtime(timezone.now() + timedelta(minutes=1))

    moderator = log_in("moderator")
    review_queue_row(moderator, headline).get_by_role("link", name="Approve").click()
    moderator.locator("#id_publish_at_0").fill(publish_at.strftime("%d/%m/%Y"))
    moderator.locator("#id_publish_at_1").fill(publish_at.strftime("%H:%M:%S"))
    screenshot(moderator, "moderator-schedules")
    confirm_workflow_form(moderator, "Approve")
    expect_message(moderator, "Approved, scheduled for")
    screenshot(moderator, "moderator-scheduled")
    story.refresh_from_db()
    assert story.publish_at == publish_at.replace(microsecond=0)

    reader = new_context().new_page()
    with time_machine.travel(
        story.publish_at - timedelta(seconds=5), tick=True
    ) as clock:
        reader.goto("/")
        assert reader.get_by_role("link", name=headline).count() == 0
        assert reader.goto(story.get_absolute_url()).status == 404

        clock.shift(timedelta(seconds=6))
        reader.goto("/")
        screenshot(reader, "reader-home-on-the-minute")
        reader.get_by_role("link", name=headline).first.click()
        assert reader.get_by_role("heading", level=1).inner_text() == headline
        screenshot(reader, "reader-scheduled-story")
