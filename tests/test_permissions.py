"""Who may open and do what in the admin, by direct HTTP request (A1).

Every admin page and every state-changing request is tried as each role:
anonymous, reporter (own story and another reporter's), editor, moderator
and superuser. Allowed requests succeed; refused ones get 403 (or the login
page) and leave the database exactly as it was.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html
from taggit.models import Tag

from articles.models import (
    Article,
    Author,
    Image,
    PreviewLink,
    Revision,
    Section,
    WorkflowEvent,
)
from tests.factories import image_bytes, make_article, make_image, make_user, upload

pytestmark = pytest.mark.django_db

Status = Article.Status
ROLES = ["anonymous", "reporter", "editor", "moderator", "superuser"]
STAFF = ROLES[1:]


def admin_form_data(client, url, form_id=None) -> dict:
    """The fields a browser would submit from the admin form at ``url``."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    tree = lxml_html.fromstring(response.content)
    forms = (
        tree.xpath(f"//form[@id='{form_id}']")
        if form_id
        else tree.xpath("//div[@id='content-main']//form[@method='post']")
    )
    data: dict[str, list[str]] = {}
    for name, value in forms[0].form_values():
        data.setdefault(name, []).append(value)
    data.pop("csrfmiddlewaretoken", None)
    return {
        name: values if len(values) > 1 else values[0] for name, values in data.items()
    }


def database_state() -> dict:
    """Everything a refused request must leave untouched."""
    return {
        "articles": sorted(
            Article.objects.values_list(
                "pk", "status", "headline", "latest_revision_id", "live_revision_id"
            )
        ),
        "revisions": Revision.objects.count(),
        "events": WorkflowEvent.objects.count(),
        "images": sorted(Image.objects.values_list("pk", "title", "caption")),
        "sections": sorted(Section.objects.values_list("pk", "name")),
        "authors": sorted(Author.objects.values_list("pk", "name")),
        "tags": sorted(Tag.objects.values_list("pk", "name")),
        "links": sorted(PreviewLink.objects.values_list("pk", "revoked_at")),
        "attempts": AccessAttempt.objects.count(),
    }


@pytest.fixture
def world(reporter, editor, moderator, superuser):
    """One story in each state, a second reporter, and one of every other object."""
    other = make_user("reporter2", group="Reporters")
    section = Section.objects.create(name="Naval", slug="naval")
    image = make_image(title="Frigate", user=reporter, data=image_bytes(size=(64, 36)))
    draft = make_article(
        headline="Own draft", status=Status.DRAFT, section=section, created_by=reporter
    )
    others_draft = make_article(
        headline="Other's draft", status=Status.DRAFT, section=section, created_by=other
    )
    in_review = make_article(
        headline="In review", status=Status.IN_REVIEW, section=section, created_by=other
    )
    Article.objects.filter(pk=in_review.pk).update(submitted_by=other)
    live = make_article(headline="Live", section=section, created_by=other)
    withdrawn = make_article(
        headline="Withdrawn", status=Status.WITHDRAWN, section=section, created_by=other
    )
    link = PreviewLink.objects.create(
        article=others_draft, expires_at=timezone.now() + timedelta(days=1)
    )
    Tag.objects.create(name="radar", slug="radar")
    attempt = AccessAttempt.objects.create(
        username="someone",
        ip_address="203.0.113.1",
        user_agent="x",
        failures_since_start=5,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/",
    )
    return {
        "users": {
            "reporter": reporter,
            "editor": editor,
            "moderator": moderator,
            "superuser": superuser,
            "reporter2": other,
        },
        "section": section,
        "image": image,
        "draft": draft,
        "others_draft": others_draft,
        "in_review": in_review,
        "live": live,
        "withdrawn": withdrawn,
        "link": link,
        "tag": Tag.objects.get(slug="radar"),
        "author": draft.bylines.first().author,
        "attempt": attempt,
    }


def client_for(world, role) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


def assert_refused_anonymous(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# --- Every admin page, by GET ----------------------------------------------------------


def admin(name, *args):
    return lambda w: reverse(
        f"admin:{name}", args=[a(w) if callable(a) else a for a in args]
    )


def pk(key):
    return lambda w: w[key].pk


#        page: (url, reporter, editor, moderator, superuser)
PAGES = {
    "index": (admin("index"), 200, 200, 200, 200),
    "story list": (admin("articles_article_changelist"), 200, 200, 200, 200),
    "story add": (admin("articles_article_add"), 200, 200, 403, 200),
    "own story change": (
        admin("articles_article_change", pk("draft")),
        200,
        200,
        200,
        200,
    ),
    # Another reporter's draft: a reporter may read it, never change it.
    "other's story change": (
        admin("articles_article_change", pk("others_draft")),
        200,
        200,
        200,
        200,
    ),
    "story delete": (admin("articles_article_delete", pk("draft")), 403, 403, 403, 200),
    "story history": (
        admin("articles_article_history", pk("draft")),
        200,
        200,
        200,
        200,
    ),
    "review queue": (admin("articles_article_review_queue"), 403, 403, 200, 200),
    "submit page": (
        admin("articles_article_workflow", pk("draft"), "submit"),
        200,
        200,
        200,
        200,
    ),
    # Only those who may take a moderator's decision may open its page.
    "approve page": (
        admin("articles_article_workflow", pk("in_review"), "approve"),
        403,
        403,
        200,
        200,
    ),
    "send-back page": (
        admin("articles_article_workflow", pk("in_review"), "send_back"),
        403,
        403,
        200,
        200,
    ),
    "withdraw page": (
        admin("articles_article_workflow", pk("live"), "withdraw"),
        403,
        403,
        200,
        200,
    ),
    "unknown action": (
        admin("articles_article_workflow", pk("draft"), "publish"),
        404,
        404,
        404,
        404,
    ),
    "compare": (admin("articles_article_compare", pk("draft")), 200, 200, 200, 200),
    "preview": (
        admin("articles_article_preview", pk("others_draft")),
        200,
        200,
        200,
        200,
    ),
    "preview revision": (
        admin("articles_article_preview_revision", pk("draft"), 1),
        200,
        200,
        200,
        200,
    ),
    "image list": (admin("articles_image_changelist"), 200, 200, 200, 200),
    "image add": (admin("articles_image_add"), 200, 200, 403, 200),
    "image change": (admin("articles_image_change", pk("image")), 200, 200, 200, 200),
    "image delete": (admin("articles_image_delete", pk("image")), 403, 200, 403, 200),
    "image history": (admin("articles_image_history", pk("image")), 200, 200, 200, 200),
    "section list": (admin("articles_section_changelist"), 200, 200, 200, 200),
    "section add": (admin("articles_section_add"), 403, 200, 403, 200),
    "section change": (
        admin("articles_section_change", pk("section")),
        200,
        200,
        200,
        200,
    ),
    "section delete": (
        admin("articles_section_delete", pk("section")),
        403,
        403,
        403,
        200,
    ),
    "section history": (
        admin("articles_section_history", pk("section")),
        200,
        200,
        200,
        200,
    ),
    "author list": (admin("articles_author_changelist"), 200, 200, 200, 200),
    "author add": (admin("articles_author_add"), 403, 200, 403, 200),
    "author change": (
        admin("articles_author_change", pk("author")),
        200,
        200,
        200,
        200,
    ),
    "author delete": (
        admin("articles_author_delete", pk("author")),
        403,
        403,
        403,
        200,
    ),
    "author history": (
        admin("articles_author_history", pk("author")),
        200,
        200,
        200,
        200,
    ),
    "tag list": (admin("taggit_tag_changelist"), 200, 200, 200, 200),
    "tag add": (admin("taggit_tag_add"), 403, 200, 403, 200),
    "tag change": (admin("taggit_tag_change", pk("tag")), 200, 200, 200, 200),
    "tag delete": (admin("taggit_tag_delete", pk("tag")), 403, 200, 403, 200),
    "tag history": (admin("taggit_tag_history", pk("tag")), 200, 200, 200, 200),
    "lockout list": (admin("axes_accessattempt_changelist"), 403, 403, 403, 200),
    "lockout change": (
        admin("axes_accessattempt_change", pk("attempt")),
        403,
        403,
        403,
        200,
    ),
    "lockout delete": (
        admin("axes_accessattempt_delete", pk("attempt")),
        403,
        403,
        403,
        200,
    ),
    "login log": (admin("axes_accesslog_changelist"), 403, 403, 403, 200),
    "users": (admin("auth_user_changelist"), 403, 403, 403, 200),
    "groups": (admin("auth_group_changelist"), 403, 403, 403, 200),
}


@pytest.mark.parametrize("page", PAGES)
def test_every_admin_page_answers_each_role_as_the_matrix_says(world, page):
    url_for, *expected = PAGES[page]
    url = url_for(world)
    before = database_state()
    assert_refused_anonymous(client_for(world, "anonymous").get(url))
    for role, status in zip(STAFF, expected, strict=True):
        response = client_for(world, role).get(url)
        assert response.status_code == status, (page, role, response.status_code)
    assert database_state() == before, "a GET changed the database"


def test_a_reporter_sees_another_reporters_story_read_only(world):
    client = client_for(world, "reporter")
    url = reverse("admin:articles_article_change", args=[world["others_draft"].pk])
    page = client.get(url).content.decode()
    assert 'name="headline"' not in page
    assert "_save" not in page


# --- Every state change, by POST ---------------------------------------------------------


def story_change(key, **changes):
    """POST the story's own change form back with ``changes``."""

    def build(world, superuser_client):
        url = reverse("admin:articles_article_change", args=[world[key].pk])
        data = admin_form_data(superuser_client, url, "article_form")
        data.update(changes)
        return url, data

    return build


def plain(url_for, data=None):
    def build(world, superuser_client):
        payload = data(world) if callable(data) else dict(data or {})
        return url_for(world), payload

    return build


def form_post(url_for, **changes):
    """POST the admin form at ``url`` as a superuser's browser would fill it."""

    def build(world, superuser_client):
        url = url_for(world)
        data = admin_form_data(superuser_client, url)
        data.update(changes)
        return url, data

    return build


def story_add_data(world, superuser_client):
    url = reverse("admin:articles_article_add")
    data = admin_form_data(superuser_client, url, "article_form")
    data.update(
        headline="Brand new story", standfirst="New.", section=world["section"].pk
    )
    data["bylines-0-author"] = world["author"].pk
    return url, data


def workflow(action, key, **data):
    def build(world, superuser_client):
        payload = {
            name: (value(world) if callable(value) else value)
            for name, value in data.items()
        }
        return reverse(
            "admin:articles_article_workflow", args=[world[key].pk, action]
        ), payload

    return build


def changelist_action(action, key):
    return plain(
        admin("articles_article_changelist"),
        lambda w: {"action": action, "_selected_action": [w[key].pk], "post": "yes"},
    )


OK = "allowed"
# POSTs: (build, reporter, editor, moderator, superuser); OK means the change
# happens, a number is the refusal status with the database unchanged.
ACTIONS = {
    "create story": (story_add_data, OK, OK, 403, OK),
    "edit own story": (story_change("draft", headline="Edited"), OK, OK, OK, OK),
    "edit another's story": (
        story_change("others_draft", headline="Edited"),
        403,
        OK,
        OK,
        OK,
    ),
    "save as new (CVE-2016-2048)": (
        story_change("others_draft", _saveasnew="1", headline="Copy", slug=""),
        OK,
        OK,
        403,
        OK,
    ),
    "inline byline edit on another's story": (
        story_change("others_draft", **{"bylines-0-order": "7"}),
        403,
        OK,
        OK,
        OK,
    ),
    "delete story": (
        plain(admin("articles_article_delete", pk("draft")), {"post": "yes"}),
        403,
        403,
        403,
        OK,
    ),
    "submit own story": (workflow("submit", "draft"), OK, OK, OK, OK),
    "submit another's story": (workflow("submit", "others_draft"), 403, OK, OK, OK),
    "approve": (
        workflow(
            "approve",
            "in_review",
            revision_id=lambda w: w["in_review"].latest_revision_id,
        ),
        403,
        403,
        OK,
        OK,
    ),
    "approve another revision": (
        workflow(
            "approve", "in_review", revision_id=lambda w: w["live"].latest_revision_id
        ),
        403,
        403,
        409,
        409,
    ),
    "send back": (
        workflow("send_back", "in_review", comment="Needs a source."),
        403,
        403,
        OK,
        OK,
    ),
    "withdraw": (workflow("withdraw", "live", reason="Legal"), 403, 403, OK, OK),
    "redraft withdrawn": (workflow("redraft", "withdrawn"), 403, OK, OK, OK),
    "restore another's revision": (
        plain(admin("articles_article_restore", pk("others_draft"), 1)),
        403,
        OK,
        OK,
        OK,
    ),
    "create share link": (
        plain(admin("articles_article_share", pk("others_draft"))),
        403,
        OK,
        OK,
        OK,
    ),
    "revoke share link": (
        plain(
            lambda w: reverse(
                "admin:articles_article_share_revoke",
                args=[w["others_draft"].pk, w["link"].pk],
            )
        ),
        403,
        OK,
        OK,
        OK,
    ),
    "bulk submit (action)": (
        changelist_action("submit_selected", "others_draft"),
        "unchanged",
        OK,
        OK,
        OK,
    ),
    "bulk approve (action)": (
        changelist_action("approve_selected", "in_review"),
        "unchanged",
        "unchanged",
        OK,
        OK,
    ),
    "bulk delete (action)": (
        changelist_action("delete_selected", "draft"),
        "unchanged",
        "unchanged",
        "unchanged",
        OK,
    ),
    "upload image": (
        plain(
            admin("articles_image_add"),
            lambda w: {
                "file": upload(image_bytes(color=(190, 20, 20))),
                "title": "New",
                "alt_text": "A ship",
                "caption": "",
                "credit": "",
            },
        ),
        OK,
        OK,
        403,
        OK,
    ),
    "delete image": (
        plain(admin("articles_image_delete", pk("image")), {"post": "yes"}),
        403,
        OK,
        403,
        OK,
    ),
    "add section": (
        plain(
            admin("articles_section_add"),
            {"name": "Cyber", "slug": "cyber", "order": 0},
        ),
        403,
        OK,
        403,
        OK,
    ),
    "delete section": (
        plain(admin("articles_section_delete", pk("section")), {"post": "yes"}),
        403,
        403,
        403,
        "unchanged",
    ),  # protected by its stories
    "add author": (
        plain(admin("articles_author_add"), {"name": "Wire", "slug": "wire"}),
        403,
        OK,
        403,
        OK,
    ),
    "add tag": (
        form_post(admin("taggit_tag_add"), name="sonar", slug="sonar"),
        403,
        OK,
        403,
        OK,
    ),
    "delete tag": (
        plain(admin("taggit_tag_delete", pk("tag")), {"post": "yes"}),
        403,
        OK,
        403,
        OK,
    ),
    "lift a lockout": (
        plain(admin("axes_accessattempt_delete", pk("attempt")), {"post": "yes"}),
        403,
        403,
        403,
        OK,
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_state_change_is_allowed_or_refused_as_the_matrix_says(
    world, action, role
):
    build, *expected = ACTIONS[action]
    url, data = build(world, client_for(world, "superuser"))
    before = database_state()
    response = client_for(world, role).post(url, data)
    if role == "anonymous":
        assert_refused_anonymous(response)
        assert database_state() == before
        return
    outcome = expected[STAFF.index(role)]
    if outcome == OK:
        assert response.status_code == 302, (action, role, response.status_code)
        assert database_state() != before, (action, role, "nothing changed")
    elif outcome == "unchanged":  # the admin refuses with a message, then redirects
        assert response.status_code in (200, 302), (action, role, response.status_code)
        assert database_state() == before, (action, role)
    else:
        assert response.status_code == outcome, (action, role, response.status_code)
        assert database_state() == before, (action, role)


def test_a_refused_inline_edit_leaves_the_bylines_alone(world):
    story = world["others_draft"]
    before = list(story.bylines.values_list("author_id", "order"))
    build = story_change("others_draft", **{"bylines-0-order": "9"})
    url, data = build(world, client_for(world, "superuser"))
    assert client_for(world, "reporter").post(url, data).status_code == 403
    assert list(story.bylines.values_list("author_id", "order")) == before


def test_ids_with_trailing_junk_or_of_missing_objects_change_nothing(world):
    client = client_for(world, "superuser")
    draft = world["draft"]
    before = database_state()
    for url in (
        f"/admin/articles/article/{draft.pk}abc/change/",
        f"/admin/articles/article/{draft.pk}%00/change/",
        f"/admin/articles/article/0x{draft.pk}/change/",
        "/admin/articles/article/99999/change/",
        f"/admin/articles/article/{draft.pk}abc/workflow/submit/",
        f"/admin/articles/article/{draft.pk}abc/share/",
        f"/admin/articles/image/{world['image'].pk}abc/change/",
    ):
        response = client.post(url, {"headline": "Hijacked", "title": "Hijacked"})
        assert response.status_code in (302, 404), url
        if response.status_code == 302:
            assert response["Location"] in (
                reverse("admin:index"),
                url + "change/",
                url.replace("change/", "") + "change/",
            ), url
    assert database_state() == before


def test_a_deactivated_editor_is_logged_out_everywhere(world):
    editor = world["users"]["editor"]
    client = client_for(world, "editor")
    User.objects.filter(pk=editor.pk).update(is_active=False)
    assert_refused_anonymous(client.get(reverse("admin:articles_article_changelist")))
