"""Bounded cost for any input: what an editor sends is refused with a clear
form error, keeping what they typed, before any costly work (issue 20).

Timing is measured by ``bench/hostile_admin.py`` (``make bench``) against a
running server; these tests check the limits, the messages and that nothing
is half-stored.
"""

import difflib

import pytest
from django.urls import reverse
from taggit.models import Tag

from articles.editorial import revisions
from articles.models import Article, Image, Revision
from articles.text import nesting_depth
from tests.factories import image_bytes, make_article, make_author, upload
from tests.test_admin_workflow import change_url, story_form_data

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/articles/article/add/"


def post_story(client, **fields):
    data = story_form_data(**fields)
    return client.post(ADD_URL, data)


def form_errors(response) -> dict:
    return response.context["adminform"].form.errors.as_data()


def error_codes(response, field: str) -> list[str]:
    return [error.code for error in form_errors(response).get(field, [])]


# --- Tags ---------------------------------------------------------------------------


def test_fifty_tags_are_accepted(client, editor):
    client.force_login(editor)
    tags = ", ".join(f"tag {number}" for number in range(50))
    assert post_story(client, tags=tags).status_code == 302
    assert Article.objects.get().tags.count() == 50


@pytest.mark.parametrize("count", [51, 20_000])
def test_too_many_tags_are_refused_and_nothing_is_stored(client, editor, count):
    client.force_login(editor)
    tags = ", ".join(f"tag {number}" for number in range(count))
    response = post_story(client, tags=tags, headline="Tagged to death")
    assert response.status_code == 200
    assert error_codes(response, "tags") == ["too_many_tags"]
    page = response.content.decode()
    assert "At most 50 tags are allowed" in page
    assert 'value="Tagged to death"' in page, "the headline typed is kept"
    assert not Article.objects.exists() and not Tag.objects.exists()


def test_the_tag_limit_is_named_in_the_help_text_and_follows_the_setting(
    client, editor, settings
):
    settings.NEWSROOM_MAX_TAGS = 3
    client.force_login(editor)
    assert "at most 3 tags" in client.get(ADD_URL).content.decode()
    response = post_story(client, tags="a, b, c, d")
    assert error_codes(response, "tags") == ["too_many_tags"]


def test_a_photo_takes_at_most_the_same_number_of_tags(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_image_add"),
        {
            "file": upload(image_bytes()),
            "title": "Frigate",
            "alt_text": "A frigate",
            "credit": "Navy",
            "tags": ", ".join(f"keyword {number}" for number in range(60)),
        },
    )
    assert response.status_code == 200
    assert error_codes(response, "tags") == ["too_many_tags"]
    assert not Image.objects.exists()


# --- Body size and nesting ------------------------------------------------------------


def test_a_body_over_one_megabyte_comes_back_in_the_form_with_the_error(client, editor):
    client.force_login(editor)
    body = "<p>" + "Long read. " * 1_000_000 + "</p>"  # about 11 MB
    response = post_story(client, body=body, headline="The longest read")
    assert response.status_code == 200
    assert error_codes(response, "body") == ["body_too_large"]
    page = response.content.decode()
    assert "the limit is 1.0\xa0MB" in page
    assert "Long read. Long read." in page, "the text typed is kept"
    assert not Article.objects.exists() and not Revision.objects.exists()


@pytest.mark.parametrize(
    ("tag", "depth"), [("div", 101), ("blockquote", 30_000), ("b", 100_000)]
)
def test_a_body_nested_too_deep_is_refused_before_sanitising(
    client, editor, tag, depth
):
    client.force_login(editor)
    body = f"<{tag}>" * depth + "deep" + f"</{tag}>" * depth
    response = post_story(client, body=body)
    assert response.status_code == 200
    assert error_codes(response, "body") == ["body_too_deep"]
    assert "more than 100 levels deep" in response.content.decode()
    assert not Article.objects.exists()


def test_a_huge_deeply_nested_body_is_refused_by_its_size_first(client, editor):
    """100 000 nested <div> (1.1 MB) once killed a worker: now the size check
    refuses it before even its nesting is counted."""
    client.force_login(editor)
    body = "<div>" * 100_000 + "deep" + "</div>" * 100_000
    response = post_story(client, body=body)
    assert error_codes(response, "body") == ["body_too_large"]
    assert not Article.objects.exists()


def test_a_body_nested_to_the_limit_is_saved(client, editor):
    client.force_login(editor)
    body = "<blockquote>" * 100 + "<p>quoted</p>" + "</blockquote>" * 100
    assert post_story(client, body=body).status_code == 302
    assert "quoted" in Article.objects.get().body


def test_the_body_limits_are_named_in_the_help_text(client, editor):
    client.force_login(editor)
    page = client.get(ADD_URL).content.decode()
    assert "100 levels of nesting" in page


@pytest.mark.parametrize(
    ("html", "depth"),
    [
        ("<p>one</p><p>two</p>", 0),
        ("<p><p><p>paragraphs close each other", 0),
        ("<ul><li>a<ul><li>b</ul></ul>", 2),
        ("<div><div></div><div><em>x</em></div></div>", 3),
        ("</b></b></b><b>x</b>", 1),
        ("<div><span></div></div></div>", 2),
        ("<br><img src=x><hr>", 0),
    ],
)
def test_nesting_is_counted_as_a_parser_opens_elements(html, depth):
    assert nesting_depth(html, stop_above=100) == depth


def test_counting_stops_as_soon_as_the_limit_is_passed():
    assert nesting_depth("<div>" * 1_000_000, stop_above=100) == 101


def test_a_form_larger_than_the_server_reads_gets_a_page_saying_nothing_was_saved(
    client, editor, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    client.force_login(editor)
    response = post_story(client, body="<p>" + "x" * 200_000 + "</p>")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was saved" in page and "go back" in page
    assert not Article.objects.exists()


# --- Comparing revisions ------------------------------------------------------------


def long_read(words: int, *, changed: int | None = None) -> str:
    """``words`` words in paragraphs of 50; word ``changed`` reads "sonar"."""
    vocabulary = ["missile", "the", "of", "frigate", "navy", "radar", "and", "to"]
    text = [vocabulary[(n * 7 + n // 3) % len(vocabulary)] for n in range(words)]
    if changed is not None:
        text[changed] = "sonar"
    paragraphs = [" ".join(text[n : n + 50]) for n in range(0, words, 50)]
    return "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)


def test_a_one_word_edit_of_a_20_000_word_story_compares_as_that_one_word(
    client, editor
):
    author = make_author("Lena Sorensen")
    story = make_article(body=long_read(20_000), authors=[author])
    client.force_login(editor)
    data = story_form_data(
        story,
        body=long_read(20_000, changed=12_345),
        author=author,
        section=story.section,
        headline=story.headline,
    )
    data["slug"] = story.slug
    assert client.post(change_url(story), data).status_code == 302
    response = client.get(reverse("admin:articles_article_compare", args=[story.pk]))
    assert response.status_code == 200
    body_row = next(d for d in response.context["diffs"] if d.label == "Body")
    assert body_row.html.count("<ins>") == 1 and body_row.html.count("<del>") == 1
    assert "<ins>sonar</ins>" in body_row.html


def test_words_are_matched_only_within_the_paragraphs_that_changed(monkeypatch):
    lengths = []

    class Recording(difflib.SequenceMatcher):
        def __init__(self, *args, a=(), b=(), **kwargs):
            lengths.append(max(len(a), len(b)))
            super().__init__(*args, a=a, b=b, **kwargs)

    monkeypatch.setattr(revisions.difflib, "SequenceMatcher", Recording)
    old = revisions.html_to_paragraphs(long_read(20_000))
    new = revisions.html_to_paragraphs(long_read(20_000, changed=12_345))
    revisions.word_diff_html(old, new)
    assert lengths[0] == 400, "paragraphs are matched first"
    assert max(lengths[1:]) <= 100, "then the words of one paragraph, and no more"


def test_a_rewritten_long_read_is_shown_whole_past_the_word_limit():
    old = "Same start.\n" + " ".join(["alpha"] * 3_000)
    new = "Same start.\n" + " ".join(["beta"] * 3_000)
    html = revisions.word_diff_html(old, new)
    assert html.count("<del>") == 1 and html.count("<ins>") == 1
    assert html.startswith("Same start.\n")


@pytest.mark.parametrize(
    ("prefix", "limit"), [("bylines", 20), ("gallery", 50), ("body_images", 50)]
)
def test_a_post_claiming_thousands_of_rows_is_refused_unbuilt(
    client, editor, prefix, limit
):
    """A management form claiming 5 000 rows gets a form error; the formset
    never builds them (5 000 forms took seconds to build and show)."""
    client.force_login(editor)
    data = story_form_data(headline="Many rows")
    data.setdefault(f"{prefix}-INITIAL_FORMS", "0")
    data[f"{prefix}-TOTAL_FORMS"] = "5000"
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert f"Please submit at most {limit} forms." in response.content.decode()
    formset = next(
        fs
        for fs in response.context["inline_admin_formsets"]
        if fs.formset.prefix == prefix
    )
    assert len(formset.formset.forms) <= limit
    assert not Article.objects.exists()
