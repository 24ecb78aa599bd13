"""Hostile input in every text field a user can fill (X1-X3, F1, N1, Q1).

Each payload from tests/payloads.py is posted through the real admin forms:
story fields, tags, section, byline author, photo texts, workflow comments,
and the reader search. Each value is either refused with a form error (and
nothing stored) or stored and rendered inert on every page that shows it:
story, home, section, tag and author pages, search, feeds, sitemaps, and the
admin list, form, history, comparison and preview. Never a 500.
"""

import itertools
import json

import pytest
from django.test import Client
from django.urls import reverse
from lxml import etree
from lxml import html as lxml_html

from articles.models import Article, Author, Image, Section, WorkflowEvent
from tests.factories import image_bytes, make_image, upload
from tests.payloads import MARKER, all_payloads
from tests.test_permissions import admin_form_data

pytestmark = pytest.mark.django_db

PAYLOADS = all_payloads()
STORY_FIELDS = [
    "headline",
    "standfirst",
    "body",
    "tags",
    "dateline",
    "source",
    "lead_image_caption",
    "seo_title",
    "seo_description",
]
SECTION_FIELDS = ["name", "description"]
AUTHOR_FIELDS = ["name", "bio"]
IMAGE_FIELDS = ["title", "alt_text", "caption", "credit"]
ALLOWED_INLINE_SCRIPT_TYPES = {"application/ld+json", "application/json", "importmap"}
_unique = itertools.count(1)
MEDIA_RSS = "http://search.yahoo.com/mrss/"


# --- What "inert" means --------------------------------------------------------------


def assert_inert_html(content: bytes, where: str):
    """Nothing in the page can run: every script is ours, no event handlers,
    no javascript: URLs, no injected frames, and template syntax stayed text."""
    tree = lxml_html.fromstring(content)
    for script in tree.iter("script"):
        if script.get("src"):
            continue
        kind = script.get("type", "")
        assert kind in ALLOWED_INLINE_SCRIPT_TYPES, (
            where,
            etree.tostring(script)[:200],
        )
        if kind != "importmap":
            json.loads(script.text or "null")  # a breakout would not parse
        assert kind != "importmap" or script.get("nonce"), where
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        assert element.tag not in ("iframe", "object", "embed", "base"), where
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (where, name, value[:80])
            if name in ("href", "src", "action", "formaction", "srcset"):
                assert not value.strip().lower().startswith("javascript:"), where
    text = content.decode("utf-8", errors="replace")
    assert "13579246" not in text, f"{where}: template syntax in content was evaluated"


def assert_inert_feed(content: bytes, where: str):
    """Well-formed XML whose HTML parts (descriptions) are inert too."""
    tree = etree.fromstring(content)
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element)
        assert name.localname not in ("script", "iframe"), where
        is_html = (
            name.localname in ("description", "summary", "content")
            and name.namespace != MEDIA_RSS  # media:description is plain text
            and element.get("type", "html") == "html"
        )
        if is_html and element.text:
            fragment = lxml_html.fragment_fromstring(element.text, create_parent="div")
            assert not fragment.xpath(".//script | .//iframe | .//*[@onerror]"), where
            assert not [
                a for a in fragment.xpath(".//@*") if a.attrname.startswith("on")
            ], where


def get_ok(client, url, *, inert=assert_inert_html, allowed=(200,)):
    response = client.get(url)
    assert response.status_code in allowed, (url, response.status_code)
    if response.status_code == 200:
        inert(response.content, url)
    return response


# --- Posting through the admin --------------------------------------------------------


def is_refused(response) -> bool:
    page = response.content.decode()
    return response.status_code in (200, 400) and (
        "errornote" in page or "errorlist" in page
    )


def try_each_field(client, url, base, fields, payload, count, created=None) -> set[str]:
    """POST ``payload`` into one field at a time; return the fields that store it.

    An accepted add form's object is removed again (``created``), so the
    combined attempt afterwards does not collide with it on unique fields.
    """
    accepted = set()
    for field in fields:
        before = count()
        response = client.post(url, {**base(), field: payload})
        assert response.status_code < 500, (url, field)
        if response.status_code == 302:
            accepted.add(field)
            if created is not None:
                created.objects.latest("pk").delete()
        else:
            assert is_refused(response), (url, field, response.status_code)
            assert count() == before, (url, field, "a refused form stored something")
    return accepted


def benign_story(client, section, author, image):
    form = admin_form_data(
        client, reverse("admin:articles_article_add"), "article_form"
    )

    def build():
        data = dict(form)
        number = next(_unique)
        data.update(
            headline=f"Benign headline {number}",
            standfirst="Sea trials.",
            body="<p>Calm.</p>",
            tags="navy",
            section=section.pk,
            lead_image=image.pk,
            **{"bylines-0-author": author.pk},
        )
        return data

    return build


def benign(values: dict):
    def build():
        number = next(_unique)
        return {
            k: (v.format(n=number) if isinstance(v, str) else v)
            for k, v in values.items()
        }

    return build


def hostile_or_benign(payload, accepted, field, fallback):
    return payload if field in accepted else fallback


@pytest.fixture
def newsroom(reporter, moderator, superuser):
    clients = {}
    for name, user in (
        ("reporter", reporter),
        ("moderator", moderator),
        ("superuser", superuser),
    ):
        clients[name] = Client()
        clients[name].force_login(user)
    return clients


@pytest.mark.parametrize("name", PAYLOADS)
def test_hostile_text_is_refused_or_stored_inert_everywhere(newsroom, name, settings):
    payload = PAYLOADS[name]
    admin_client, reporter, moderator = (
        newsroom["superuser"],
        newsroom["reporter"],
        newsroom["moderator"],
    )

    # Section, byline author and photo, field by field, then all at once.
    section_url = reverse("admin:articles_section_add")
    section_base = benign(
        {
            "name": "Section {n}",
            "slug": "section-{n}",
            "order": 0,
            "description": "Ships.",
        }
    )
    accepted = try_each_field(
        admin_client,
        section_url,
        section_base,
        SECTION_FIELDS,
        payload,
        Section.objects.count,
        Section,
    )
    values = section_base()
    values.update({f: payload for f in accepted})
    assert admin_client.post(section_url, values).status_code == 302
    section = Section.objects.latest("pk")

    author_url = reverse("admin:articles_author_add")
    author_base = benign({"name": "Author {n}", "slug": "author-{n}", "bio": "Writes."})
    accepted = try_each_field(
        admin_client,
        author_url,
        author_base,
        AUTHOR_FIELDS,
        payload,
        Author.objects.count,
        Author,
    )
    values = author_base()
    values.update({f: payload for f in accepted})
    assert admin_client.post(author_url, values).status_code == 302
    author = Author.objects.latest("pk")

    image = make_image(
        data=image_bytes(size=(64, 36), color=(next(_unique) % 250, 9, 9))
    )
    image_url = reverse("admin:articles_image_change", args=[image.pk])
    image_form = admin_form_data(admin_client, image_url)
    image_base = lambda: dict(image_form)  # noqa: E731
    accepted = try_each_field(
        admin_client,
        image_url,
        image_base,
        IMAGE_FIELDS,
        payload,
        lambda: sorted(
            Image.objects.values_list("title", "alt_text", "caption", "credit")
        ),
    )
    values = image_base()
    values.update({f: payload for f in accepted})
    assert admin_client.post(image_url, values).status_code == 302

    # The story: each field alone, then every accepted field at once.
    add_url = reverse("admin:articles_article_add")
    story_base = benign_story(reporter, section, author, image)
    accepted = try_each_field(
        reporter,
        add_url,
        story_base,
        STORY_FIELDS,
        payload,
        Article.objects.count,
        Article,
    )
    values = story_base()
    values.update({f: payload for f in accepted})
    response = reporter.post(add_url, values)
    assert response.status_code == 302
    story = Article.objects.latest("pk")

    # Through the workflow, with hostile comments where they are accepted.
    workflow = "admin:articles_article_workflow"
    assert (
        reporter.post(reverse(workflow, args=[story.pk, "submit"])).status_code == 302
    )
    get_ok(admin_client, reverse("admin:articles_article_review_queue"))
    sent_back = moderator.post(
        reverse(workflow, args=[story.pk, "send_back"]), {"comment": payload}
    )
    assert sent_back.status_code < 500
    if sent_back.status_code == 302:
        assert (
            reporter.post(reverse(workflow, args=[story.pk, "submit"])).status_code
            == 302
        )
    else:
        assert (
            is_refused(sent_back)
            and story.events.filter(action="sent_back").count() == 0
        )
        moderator.post(
            reverse(workflow, args=[story.pk, "send_back"]), {"comment": "Fix."}
        )
        reporter.post(reverse(workflow, args=[story.pk, "submit"]))
    story.refresh_from_db()
    approved = moderator.post(
        reverse(workflow, args=[story.pk, "approve"]),
        {"revision_id": story.latest_revision_id},
    )
    assert approved.status_code == 302, approved.content.decode()[:3000]
    story.refresh_from_db()
    assert story.is_live()

    # A correction to the live story, with a hostile public note.
    change_url = reverse("admin:articles_article_change", args=[story.pk])
    edit = admin_form_data(admin_client, change_url, "article_form")
    edit["standfirst"] = "Corrected standfirst."
    assert admin_client.post(change_url, edit).status_code == 302
    assert (
        admin_client.post(reverse(workflow, args=[story.pk, "submit"])).status_code
        == 302
    )
    story.refresh_from_db()
    corrected = moderator.post(
        reverse(workflow, args=[story.pk, "approve"]),
        {"revision_id": story.latest_revision_id, "correction_note": payload},
    )
    assert corrected.status_code < 500
    if corrected.status_code != 302:
        assert is_refused(corrected)
    story.refresh_from_db()
    assert story.is_live()
    withdrawn_reason = moderator.post(
        reverse(workflow, args=[story.pk, "withdraw"]), {"reason": ""}
    )
    assert withdrawn_reason.status_code == 400  # required: refused, still live
    assert Article.objects.get(pk=story.pk).is_live()

    # Every page that shows any of it.
    reader = Client()
    get_ok(reader, story.get_absolute_url())
    get_ok(reader, "/")
    get_ok(reader, section.get_absolute_url())
    get_ok(reader, author.get_absolute_url())
    get_ok(reader, reverse("articles:corrections"))
    for tag in story.tags.all():
        get_ok(reader, reverse("articles:tag", args=[tag.slug]))
    for query in (payload[:200], story.headline[:60]):
        get_ok(
            reader, reverse("articles:search") + "?" + _query(query), allowed=(200, 400)
        )
    for feed in ("articles:feed-rss", "articles:feed-atom"):
        get_ok(reader, reverse(feed), inert=assert_inert_feed)
    get_ok(
        reader,
        reverse("articles:section-feed-rss", args=[section.slug]),
        inert=assert_inert_feed,
    )
    get_ok(reader, reverse("sitemap-index"), inert=assert_inert_feed)
    get_ok(reader, reverse("news-sitemap"), inert=assert_inert_feed)

    get_ok(admin_client, reverse("admin:articles_article_changelist"))
    get_ok(
        admin_client,
        reverse("admin:articles_article_changelist") + "?" + _query(payload[:200]),
    )
    get_ok(admin_client, change_url)
    get_ok(admin_client, reverse("admin:articles_article_history", args=[story.pk]))
    get_ok(admin_client, reverse("admin:articles_article_compare", args=[story.pk]))
    get_ok(admin_client, reverse("admin:articles_article_preview", args=[story.pk]))
    get_ok(admin_client, reverse("admin:articles_image_changelist"))
    get_ok(admin_client, image_url)
    get_ok(admin_client, reverse("admin:articles_section_changelist"))
    get_ok(admin_client, reverse("admin:articles_author_changelist"))
    get_ok(admin_client, reverse("admin:taggit_tag_changelist"))
    assert WorkflowEvent.objects.filter(article=story).exists()


def _query(text: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"q": text})


# --- Particular classes -------------------------------------------------------------------


def test_nul_in_any_story_field_is_a_form_error(client, reporter):
    client.force_login(reporter)
    section = Section.objects.create(name="Naval", slug="naval")
    author = Author.objects.create(name="Lena")
    build = benign_story(client, section, author, make_image())
    for field in ("headline", "standfirst", "dateline", "source", "tags"):
        response = client.post(
            reverse("admin:articles_article_add"),
            {**build(), field: "Frigate\x00launched"},
        )
        assert is_refused(response), field
        assert "Null characters are not allowed" in response.content.decode(), field
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ("x" * 101, "at most 100 characters"),
        ("🚀🔥, navy", "needs at least one letter or digit"),
        ("!!!", "needs at least one letter or digit"),
    ],
)
def test_unusable_tags_are_a_form_error_naming_the_problem(
    client, reporter, tags, message
):
    client.force_login(reporter)
    build = benign_story(
        client,
        Section.objects.create(name="N", slug="n"),
        Author.objects.create(name="L"),
        make_image(),
    )
    response = client.post(
        reverse("admin:articles_article_add"), {**build(), "tags": tags}
    )
    assert is_refused(response)
    assert message in response.content.decode()
    assert not Article.objects.exists()


def test_control_characters_in_tags_are_cleaned(client, reporter):
    client.force_login(reporter)
    build = benign_story(
        client,
        Section.objects.create(name="N", slug="n"),
        Author.objects.create(name="L"),
        make_image(),
    )
    response = client.post(
        reverse("admin:articles_article_add"),
        {**build(), "tags": "sub\x0bmarines, \u202eradar"},
    )
    assert response.status_code == 302
    snapshot_tags = Article.objects.get().latest_revision.snapshot["tags"]
    assert snapshot_tags == ["radar", "submarines"]


@pytest.mark.parametrize(
    "headline", ["🚀🛰️🔥", "海军新型护卫舰下水", "!!! ??? …", "🚀🛰️🔥"]
)
def test_headlines_without_latin_letters_get_a_working_unique_address(
    client, reporter, moderator, headline
):
    """Two stories with the same emoji headline both get their own page."""
    client.force_login(reporter)
    build = benign_story(
        client,
        Section.objects.create(name=f"S{next(_unique)}", slug=f"s{next(_unique)}"),
        Author.objects.create(name="L"),
        make_image(),
    )
    urls = set()
    for _ in range(2):
        assert (
            client.post(
                reverse("admin:articles_article_add"), {**build(), "headline": headline}
            ).status_code
            == 302
        )
        story = Article.objects.latest("pk")
        Client().force_login(moderator)
        from articles.editorial import workflow

        workflow.submit(article=story, user=reporter)
        story.refresh_from_db()
        workflow.approve(
            article=story, user=moderator, revision_id=story.latest_revision_id
        )
        story.refresh_from_db()
        urls.add(story.get_absolute_url())
        page = Client().get(story.get_absolute_url())
        assert page.status_code == 200 and headline in page.content.decode()
    assert len(urls) == 2


def test_a_caption_with_control_characters_does_not_break_the_feeds(client):
    """A vertical tab pasted from a word processor once failed a whole feed."""
    from tests.factories import make_article

    image = make_image(caption="Frigate\x0b at anchor\x1b")
    Image.objects.filter(pk=image.pk).update(
        caption="Raw\x0b caption\x00 from a script"
    )
    make_article(
        headline="Feed survives",
        lead_image=image,
        standfirst="Sea\x0b trials",
        body="<p>Calm\x0c seas</p>",
    )
    for feed in ("articles:feed-rss", "articles:feed-atom"):
        response = client.get(reverse(feed))
        assert response.status_code == 200
        etree.fromstring(response.content)
        assert b"Feed survives" in response.content


def test_search_survives_operator_soup_and_long_words(client):
    from tests.factories import make_article

    make_article(headline="Submarine cable cut")
    for query in (
        '"unterminated',
        "a" * 5000,
        "*" * 300,
        "!(&|<->:*)" * 50,
        "\x00\x01",
        "OR AND NOT",
        "%" * 100,
        "Submarine' OR 1=1 --",
    ):
        response = client.get(reverse("articles:search"), {"q": query})
        assert response.status_code in (200, 400), query[:20]
        page = response.content.decode()
        assert "syntax error" not in page.lower() and "Traceback" not in page


def test_uploaded_file_names_are_shown_escaped(client, editor):
    """The file name is the one text the uploader chooses (U8 belongs to the
    upload tests; here: it is inert wherever the admin shows it)."""
    client.force_login(editor)
    name = f'"><img src=x onerror=alert(`{MARKER}`)>.jpg'
    response = client.post(
        reverse("admin:articles_image_add"),
        {
            **admin_form_data(client, reverse("admin:articles_image_add")),
            "file": upload(image_bytes(color=(1, 2, 3)), name=name),
            "title": "Named",
            "alt_text": "A ship",
        },
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert_inert_html(response.content, "upload response")
    if response.status_code == 302:
        image = Image.objects.get(title="Named")
        get_ok(client, reverse("admin:articles_image_change", args=[image.pk]))
        get_ok(client, reverse("admin:articles_image_changelist"))
