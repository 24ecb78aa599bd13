"""Builders for test data. Images are generated in memory with Pillow."""

import io
import itertools
from datetime import timedelta

from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage

from articles.editorial import revisions
from articles.models import (
    Article,
    Author,
    Byline,
    Image,
    Revision,
    Section,
    StoryImage,
)
from articles.photos import images
from articles.photos.validators import inspect_image_upload

_sequence = itertools.count(1)


def image_bytes(
    size=(800, 450), color=(40, 90, 140), image_format="JPEG", **save_options
):
    picture = PILImage.new("RGB", size, color)
    for x in range(0, size[0], 40):
        for y in range(0, size[1], 40):
            picture.putpixel((x, y), (255, 255, 255))
    buffer = io.BytesIO()
    picture.save(buffer, format=image_format, **save_options)
    return buffer.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def make_image(
    *,
    title=None,
    alt_text="A grey patrol boat at sea",
    caption="A patrol boat.",
    credit="Navy Press Office",
    data=None,
    name="photo.jpg",
    user=None,
) -> Image:
    decoded, facts = inspect_image_upload(upload(data or image_bytes(), name=name))
    return images.store_image(
        image=Image(
            title=title or f"Photo {next(_sequence)}",
            alt_text=alt_text,
            caption=caption,
            credit=credit,
        ),
        decoded=decoded,
        facts=facts,
        original_filename=name,
        user=user,
    )


def make_section(name=None, **fields) -> Section:
    name = name or f"Section {next(_sequence)}"
    return Section.objects.create(
        name=name,
        slug=fields.pop("slug", None) or name.lower().replace(" ", "-"),
        **fields,
    )


def make_author(name=None, **fields) -> Author:
    return Author.objects.create(name=name or f"Reporter {next(_sequence)}", **fields)


def make_article(
    *,
    headline=None,
    section=None,
    authors=None,
    status=Article.Status.PUBLISHED,
    publish_at=None,
    tags=(),
    lead_image=None,
    **fields,
) -> Article:
    """A story; approved and live since an hour ago unless told otherwise.

    Built directly (not through the workflow) so tests can set up any state;
    tests of the workflow itself drive ``articles.editorial.workflow``.
    """
    if status == Article.Status.PUBLISHED and publish_at is None:
        publish_at = timezone.now() - timedelta(hours=1)
    embargo = fields.get("embargo_until")
    if (
        status == Article.Status.PUBLISHED
        and publish_at <= timezone.now()
        and (embargo is None or embargo <= timezone.now())
    ):
        # As approving it would: a story live by the clock has it recorded.
        fields.setdefault("went_live_at", publish_at)
        fields.setdefault("went_live_announced", fields["went_live_at"] is not None)
    article = Article.objects.create(
        headline=headline or f"Frigate trials continue, day {next(_sequence)}",
        standfirst=fields.pop("standfirst", "Sea trials enter their second phase."),
        body=fields.pop("body", "<p>The ship left harbour at dawn.</p>"),
        section=section or make_section(),
        status=status,
        publish_at=publish_at,
        first_published_at=publish_at if status == Article.Status.PUBLISHED else None,
        lead_image=lead_image,
        **fields,
    )
    for order, author in enumerate(authors or [make_author()]):
        Byline.objects.create(article=article, author=author, order=order)
    if tags:
        article.tags.set(list(tags))
    revision = revisions.record(article, revisions.current_snapshot(article), user=None)
    article.latest_revision = revision
    if status == Article.Status.PUBLISHED:
        article.live_revision = revision
    article.save(update_fields=["latest_revision", "live_revision"])
    return article


def make_user(username, *, group=None, superuser=False) -> User:
    if superuser:
        return User.objects.create_superuser(
            username, f"{username}@example.com", "pw-Secret-123"
        )
    user = User.objects.create_user(
        username, f"{username}@example.com", "pw-Secret-123", is_staff=True
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def place_photo(
    article: Article,
    image: Image,
    *,
    kind=StoryImage.Kind.GALLERY,
    position=0,
    caption="",
    credit="",
) -> StoryImage:
    """Put a library photo in a story's gallery or body, row and revisions alike."""
    placement = StoryImage.objects.create(
        article=article,
        image=image,
        kind=kind,
        position=position,
        caption=caption,
        credit=credit,
    )
    snapshot = revisions.current_snapshot(article)
    Revision.objects.filter(
        pk__in=[article.latest_revision_id, article.live_revision_id]
    ).update(snapshot=snapshot)
    return placement
