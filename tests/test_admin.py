"""The editors' admin: pages load for staff, refuse anonymous users, uploads are checked."""

import pytest
from django.urls import reverse

from articles.models import Article, Image
from tests.factories import (
    image_bytes,
    make_article,
    make_author,
    make_image,
    make_section,
    upload,
)

pytestmark = pytest.mark.django_db

CHANGELISTS = ["article", "image", "section", "author"]


@pytest.mark.parametrize("model", CHANGELISTS)
def test_anonymous_users_are_sent_to_login(client, model):
    response = client.get(reverse(f"admin:articles_{model}_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.mark.parametrize("role", ["reporter", "editor", "moderator", "superuser"])
@pytest.mark.parametrize("model", CHANGELISTS)
def test_staff_can_open_the_library_and_story_lists(client, request, role, model):
    make_article(lead_image=make_image(), tags=["radar"])
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse(f"admin:articles_{model}_changelist"))
    assert response.status_code == 200


def test_story_list_shows_thumbnails_filters_and_search(client, superuser):
    make_article(
        headline="Howitzer deliveries", lead_image=make_image(), tags=["artillery"]
    )
    client.force_login(superuser)
    url = reverse("admin:articles_article_changelist")
    page = client.get(url).content.decode()
    assert "newsroom-thumb" in page
    for filter_name in ("status", "section", "authors", "tags"):
        assert filter_name in page
    assert "Howitzer deliveries" in client.get(url, {"q": "Howitzer"}).content.decode()
    assert (
        "Howitzer deliveries"
        not in client.get(url, {"q": "submarine"}).content.decode()
    )


def test_story_change_form_has_editor_picker_and_view_on_site(client, superuser):
    story = make_article(lead_image=make_image())
    client.force_login(superuser)
    page = client.get(
        reverse("admin:articles_article_change", args=[story.pk])
    ).content.decode()
    assert "prose-editor" in page
    assert "newsroom-picker-preview" in page
    assert "viewsitelink" in page


def test_editor_creates_a_story_with_sanitised_body(client, superuser):
    section, author = make_section("Naval", slug="naval"), make_author("Lena Sorensen")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "headline": "Minehunter joins the fleet",
            "slug": "",
            "standfirst": "The third ship of its class.",
            "body": '<p onclick="x()">Welcome <script>alert(1)</script>aboard.</p>',
            "section": section.pk,
            "tags": "minehunters, navy",
            "bylines-TOTAL_FORMS": "1",
            "bylines-INITIAL_FORMS": "0",
            "bylines-MIN_NUM_FORMS": "1",
            "bylines-MAX_NUM_FORMS": "1000",
            "bylines-0-author": author.pk,
            "bylines-0-order": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    story = Article.objects.get(headline="Minehunter joins the fleet")
    assert story.body == "<p>Welcome aboard.</p>"
    assert story.slug == "minehunter-joins-the-fleet"
    assert story.created_by == superuser
    assert sorted(story.tags.names()) == ["minehunters", "navy"]


def post_image(client, file, **fields):
    data = {
        "title": "Frigate at anchor",
        "alt_text": "A frigate",
        "caption": "",
        "credit": "Navy",
    }
    data.update(fields)
    data["file"] = file
    return client.post(reverse("admin:articles_image_add"), data)


def test_editor_uploads_a_photo_through_the_admin(client, editor):
    client.force_login(editor)
    response = post_image(client, upload(image_bytes(), name="../../etc/passwd.jpg"))
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.uploaded_by == editor
    assert (image.width, image.height) == (800, 450)
    assert image.original_filename == "passwd.jpg"
    assert image.file.name.startswith("images/") and ".." not in image.file.name
    assert set(image.renditions) >= {"thumb", "card-320", "lead-640", "social"}


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.jpg", "empty"),
        (b"<html><script>alert(1)</script></html>", "page.jpg", "not a JPEG"),
        (b"just some text", "notes.jpg", "not a JPEG"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "logo.svg",
            "not a JPEG",
        ),
        (image_bytes()[:5000], "truncated.jpg", "damaged"),
        (image_bytes(image_format="PNG"), "really-a-png.jpg", "Rename it"),
    ],
)
def test_files_that_are_not_good_images_are_refused_with_a_message(
    client, editor, data, name, message, isolated_media_root
):
    client.force_login(editor)
    response = post_image(client, upload(data, name=name))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Image.objects.exists()
    assert not [path for path in isolated_media_root.rglob("*") if path.is_file()]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"<html><body>Not a photo</body></html>", "page.jpg"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "logo.jpg"),
    ],
)
def test_a_refused_upload_without_a_title_shows_only_the_file_error(
    client, editor, data, name
):
    client.force_login(editor)
    response = post_image(client, upload(data, name=name), title="")
    page = response.content.decode()
    assert response.status_code == 200
    assert "not a JPEG" in page
    assert "Give the photo a title" not in page
    assert response.context["adminform"].form.errors.keys() == {"file"}


def test_anonymous_post_to_admin_changes_nothing(client):
    section = make_section("Naval", slug="naval")
    response = client.post(
        reverse("admin:articles_section_change", args=[section.pk]),
        {"name": "Hacked", "slug": "hacked", "order": 1},
    )
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.name == "Naval"
