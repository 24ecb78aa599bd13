"""The photo library and where stories place its photos."""

import secrets

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from articles.fields import PlainTextAreaField, PlainTextField, audit_user


def image_upload_to(instance, filename):
    """Storage names are generated, never taken from the uploaded file name.

    Content hash plus a random part: two uploads never share a name, so a
    failed write can be cleaned up without touching another photo's file.
    """
    stem = f"{instance.content_hash[:16]}{secrets.token_hex(4)}"
    return f"images/{timezone.now():%Y/%m}/{stem}.{instance.format_extension}"


class Image(models.Model):
    """A photo in the library, reusable across stories."""

    class Format(models.TextChoices):
        JPEG = "JPEG", "JPEG"
        PNG = "PNG", "PNG"
        GIF = "GIF", "GIF"
        WEBP = "WEBP", "WebP"
        AVIF = "AVIF", "AVIF"

    file = models.FileField(_("file"), upload_to=image_upload_to, max_length=255)
    title = PlainTextField(_("title"), max_length=255)
    alt_text = PlainTextField(
        _("alt text"),
        max_length=300,
        blank=True,
        help_text=_(
            "What the photo shows, for readers who cannot see it, e.g. "
            "“Two air-defence launchers parked on a snowy range”."
        ),
    )
    caption = PlainTextAreaField(_("caption"), blank=True, max_length=1000)
    credit = PlainTextField(
        _("credit"),
        max_length=200,
        blank=True,
        help_text=_("Photographer or agency, e.g. “Reuters/Jane Doe”."),
    )
    source_url = models.URLField(
        _("source URL"),
        max_length=500,
        blank=True,
        help_text=_("Optional: where the photo came from, e.g. an agency's page."),
    )
    licence = PlainTextField(
        _("licence / copyright"),
        max_length=300,
        blank=True,
        help_text=_("Optional: e.g. “© Reuters, single use” or “CC BY 4.0”."),
    )
    tags = TaggableManager(
        _("tags"),
        through="TaggedImage",
        blank=True,
        related_name="images",
        help_text=_(
            "Comma-separated, to find the photo again, e.g. “frigate, Baltic”."
        ),
    )
    width = models.PositiveIntegerField(_("width"), editable=False, default=0)
    height = models.PositiveIntegerField(_("height"), editable=False, default=0)
    file_size = models.PositiveBigIntegerField(
        _("file size"), editable=False, default=0
    )
    format = models.CharField(
        _("format"), max_length=8, choices=Format.choices, editable=False
    )
    content_hash = models.CharField(
        _("content hash"), max_length=64, editable=False, db_index=True
    )
    original_filename = PlainTextField(
        _("original file name"), max_length=255, blank=True, editable=False
    )
    focal_x = models.FloatField(
        _("focal point (across)"),
        null=True,
        blank=True,
        help_text=_("0 is the left edge, 1 the right; empty chooses automatically."),
    )
    focal_y = models.FloatField(
        _("focal point (down)"),
        null=True,
        blank=True,
        help_text=_("0 is the top edge, 1 the bottom; empty chooses automatically."),
    )
    crops = models.JSONField(
        _("crop overrides"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_(
            'Editor-chosen crops by ratio, e.g. {"card": [0.1, 0, 0.9, 0.6]}: '
            "left, top, right, bottom as fractions of the photo."
        ),
    )
    renditions = models.JSONField(
        _("renditions"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("Generated sizes, keyed by rendition spec."),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = audit_user(_("uploaded by"), blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("image")
        verbose_name_plural = _("images")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(focal_x__isnull=True)
                | models.Q(focal_x__gte=0, focal_x__lte=1),
                name="image_focal_x_in_unit_range",
            ),
            models.CheckConstraint(
                condition=models.Q(focal_y__isnull=True)
                | models.Q(focal_y__gte=0, focal_y__lte=1),
                name="image_focal_y_in_unit_range",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def format_extension(self):
        return {
            "JPEG": "jpg",
            "PNG": "png",
            "GIF": "gif",
            "WEBP": "webp",
            "AVIF": "avif",
        }[self.format]

    @property
    def is_landscape(self):
        return self.width >= self.height

    @property
    def orientation(self):
        if self.width == self.height:
            return "square"
        return "landscape" if self.width > self.height else "portrait"

    def stories(self):
        """Stories whose stored content uses this photo: as lead, in the gallery or body."""
        Article = apps.get_model(
            "articles", "Article"
        )  # content.py imports this module
        return Article.objects.filter(
            models.Q(lead_image=self) | models.Q(story_images__image=self)
        ).distinct()

    def rendition(self, spec: str):
        """The stored rendition ``spec`` (see ``articles.photos.images.SPECS``), or None."""
        return self.renditions.get(spec)


class StoryImagesManager(models.Manager):
    """Placements always come with their library photo: pages render both."""

    def get_queryset(self):
        return super().get_queryset().select_related("image")


class StoryImage(models.Model):
    """A library photo placed in a story's gallery or between its paragraphs.

    Caption and credit here override the library's for this story only; the
    library keeps the originals.
    """

    class Kind(models.TextChoices):
        GALLERY = "gallery", _("Gallery")
        BODY = "body", _("In the body")

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="story_images"
    )
    image = models.ForeignKey(
        Image,
        verbose_name=_("photo"),
        on_delete=models.PROTECT,
        related_name="story_uses",
    )
    kind = models.CharField(_("placement"), max_length=10, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(
        _("position"),
        default=0,
        help_text=_(
            "Gallery: the order. Body: the paragraph it follows (0 puts it first)."
        ),
    )
    caption = PlainTextAreaField(
        _("caption for this story"),
        max_length=1000,
        blank=True,
        help_text=_("Leave empty to use the library caption."),
    )
    credit = PlainTextField(
        _("credit for this story"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to use the library credit."),
    )

    objects = StoryImagesManager()

    class Meta:
        ordering = ["kind", "position", "pk"]
        verbose_name = _("story photo")
        verbose_name_plural = _("story photos")

    def __str__(self):
        return f"{self.image} ({self.get_kind_display()}: {self.article})"

    @property
    def caption_text(self):
        return self.caption or self.image.caption

    @property
    def credit_text(self):
        return self.credit or self.image.credit


class TaggedImage(TaggedItemBase):
    """Library tags, kept apart from story tags' through table."""

    # Indexed first in ``tagged_image_unique_tag``.
    content_object = models.ForeignKey(
        Image, on_delete=models.CASCADE, related_name="tagged_items", db_index=False
    )

    class Meta:
        verbose_name = _("tagged photo")
        verbose_name_plural = _("tagged photos")
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="tagged_image_unique_tag"
            )
        ]
