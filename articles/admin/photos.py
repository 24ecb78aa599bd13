"""The photo library in the admin, and the story form's gallery and body photos.

Every piece of HTML built here goes through ``format_html``: titles, captions,
credits and file names come from editors and from files' embedded metadata.
"""

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.contrib import admin, messages
from django.contrib.admin.options import BaseInlineFormSet
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, IntegerField, OuterRef, Q, Subquery
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from articles.admin.input import CheckedSelectionMixin, row_id
from articles.admin.permissions import StoryPartInlineMixin
from articles.models import Article, Image, StoryImage
from articles.photos import images
from articles.photos.forms import ImageForm, MultiUploadForm, check_upload
from articles.text import clean_text


def thumbnail_html(image, size=80):
    """An admin thumbnail built with ``format_html``, so nothing in it can run."""
    if image is None or "thumb" not in image.renditions:
        return "—"
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}" class="newsroom-thumb">',
        default_storage.url(image.renditions["thumb"]["jpg"]),
        size,
        size,
        image.alt_text,
    )


class ImagePickerWidget(ForeignKeyRawIdWidget):
    """Raw-id picker (the lookup opens the thumbnail library) with a preview."""

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        number = row_id(value)
        image = Image.objects.filter(pk=number).first() if number else None
        if image is None:
            return html
        return format_html(
            "{}<div class='newsroom-picker-preview'>{}</div>",
            html,
            thumbnail_html(image, size=120),
        )


def story_links(stories) -> str:
    return format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        (
            (reverse("admin:articles_article_change", args=[story.pk]), story.headline)
            for story in stories
        ),
    )


# --- Library list filters -------------------------------------------------------


class StoryCount(Subquery):
    """How many distinct stories use the outer image (lead, gallery or body)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) story_uses)"
    output_field = IntegerField()


def with_story_count(queryset):
    stories = (
        Article.objects.filter(
            Q(lead_image=OuterRef("pk")) | Q(story_images__image=OuterRef("pk"))
        )
        .order_by()
        .values("pk")
        .distinct()
    )
    return queryset.annotate(story_count=StoryCount(stories))


class OrientationFilter(admin.SimpleListFilter):
    title = gettext_lazy("orientation")
    parameter_name = "orientation"

    def lookups(self, request, model_admin):
        return [
            ("landscape", _("Landscape")),
            ("portrait", _("Portrait")),
            ("square", _("Square")),
        ]

    def queryset(self, request, queryset):
        conditions = {
            "landscape": Q(width__gt=F("height")),
            "portrait": Q(width__lt=F("height")),
            "square": Q(width=F("height")),
        }
        condition = conditions.get(self.value())
        return queryset.filter(condition) if condition is not None else queryset


class UsageFilter(admin.SimpleListFilter):
    title = gettext_lazy("use in stories")
    parameter_name = "usage"

    def lookups(self, request, model_admin):
        return [("unused", _("Unused")), ("used", _("Used in a story"))]

    def queryset(self, request, queryset):
        if self.value() == "unused":
            return queryset.filter(story_count=0)
        if self.value() == "used":
            return queryset.filter(story_count__gt=0)
        return queryset


class UsesImageFilter(admin.SimpleListFilter):
    """On the story list: the stories that use one library photo."""

    title = gettext_lazy("photo")
    parameter_name = "uses_image"

    def lookups(self, request, model_admin):
        image = self._image()
        return [(str(image.pk), image.title)] if image else []

    def _image(self):
        value = self.value() or ""
        return Image.objects.filter(pk=value).first() if value.isdigit() else None

    def queryset(self, request, queryset):
        value = self.value() or ""
        if not value.isdigit():
            return queryset
        return queryset.filter(
            Q(lead_image_id=value) | Q(story_images__image_id=value)
        ).distinct()


# --- The library ------------------------------------------------------------------


@dataclass
class UploadResult:
    """How one file of a multi-file upload fared, for the report."""

    name: str
    image: Image | None = None
    errors: list[str] = field(default_factory=list)
    prefilled: list[str] = field(default_factory=list)


@admin.register(Image)
class ImageAdmin(CheckedSelectionMixin, admin.ModelAdmin):
    form = ImageForm
    list_display = [
        "thumbnail",
        "title",
        "credit",
        "dimensions",
        "usage",
        "uploaded_by",
        "uploaded_at",
    ]
    list_display_links = ["thumbnail", "title"]
    list_filter = [
        "uploaded_by",
        "uploaded_at",
        OrientationFilter,
        UsageFilter,
        "format",
    ]
    list_select_related = ["uploaded_by"]
    search_fields = ["title", "caption", "credit", "tags__name"]
    date_hierarchy = "uploaded_at"
    list_per_page = 60
    add_fields = [
        "file",
        "title",
        "alt_text",
        "caption",
        "credit",
        "licence",
        "source_url",
        "tags",
    ]
    readonly_fields = [
        "focal_point_picker",
        "dimensions",
        "file_size_label",
        "format",
        "content_hash",
        "original_filename",
        "uploaded_by",
        "uploaded_at",
        "usage",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "alt_text",
                    "caption",
                    "credit",
                    "licence",
                    "source_url",
                    "tags",
                ]
            },
        ),
        (
            gettext_lazy("Focal point and crops"),
            {
                "fields": [
                    "focal_point_picker",
                    "focal_x",
                    "focal_y",
                    "crop_card",
                    "crop_square",
                    "crop_social",
                ]
            },
        ),
        (
            gettext_lazy("File"),
            {
                "fields": [
                    "dimensions",
                    "file_size_label",
                    "format",
                    "content_hash",
                    "original_filename",
                    "uploaded_by",
                    "uploaded_at",
                    "usage",
                ]
            },
        ),
    ]

    class Media:
        js = ["js/focal-point.js"]

    def get_queryset(self, request):
        return with_story_count(super().get_queryset(request))

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": self.add_fields})]
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def get_urls(self):
        upload_many = self.admin_site.admin_view(self.upload_many_view)
        return [
            path("upload-many/", upload_many, name="articles_image_upload_many"),
            *super().get_urls(),
        ]

    # --- Columns and read-only fields

    @admin.display(description=gettext_lazy("thumbnail"))
    def thumbnail(self, obj):
        return thumbnail_html(obj)

    @admin.display(description=gettext_lazy("size"))
    def dimensions(self, obj):
        return f"{obj.width}×{obj.height}"

    @admin.display(description=gettext_lazy("file size"))
    def file_size_label(self, obj):
        return filesizeformat(obj.file_size)

    @admin.display(description=gettext_lazy("used in"), ordering="story_count")
    def usage(self, obj):
        count = getattr(obj, "story_count", None)
        if count is None:
            count = obj.stories().count()
        if not count:
            return _("unused")
        return format_html(
            '<a href="{}?uses_image={}">{}</a>',
            reverse("admin:articles_article_changelist"),
            obj.pk,
            ngettext("%(count)d story", "%(count)d stories", count) % {"count": count},
        )

    @admin.display(description=gettext_lazy("focal point"))
    def focal_point_picker(self, obj):
        """The photo to click on; ``js/focal-point.js`` fills the hidden fields."""
        entry = obj.rendition("lead-1024") if obj else None
        if not entry:
            return "—"
        return format_html(
            '<div class="newsroom-focal" data-focal-picker data-focal-x="{}" '
            'data-focal-y="{}"><img src="{}" width="{}" height="{}" alt="{}"></div>'
            '<p class="help">{}</p><button type="button" class="button" '
            "data-focal-reset>{}</button>",
            "" if obj.focal_x is None else obj.focal_x,
            "" if obj.focal_y is None else obj.focal_y,
            default_storage.url(entry["jpg"]),
            entry["width"],
            entry["height"],
            obj.alt_text,
            _(
                "Click the photo on what matters most: 16:9, square and social crops "
                "keep it in view. Save to make the new crops."
            ),
            _("Choose automatically"),
        )

    # --- Saving and deleting

    def save_model(self, request, obj, form, change):
        if not change:
            decoded, facts = form.inspected
            images.store_image(
                image=obj,
                decoded=decoded,
                facts=facts,
                original_filename=form.cleaned_data["file"].name,
                user=request.user,
            )
            if form.prefilled:
                messages.info(request, prefilled_message(form.prefilled_labels()))
            return
        crops = form.crops()
        reframed = obj.crops != crops or {"focal_x", "focal_y"} & set(form.changed_data)
        obj.crops = crops
        super().save_model(request, obj, form, change)
        if reframed:
            images.regenerate_renditions(obj, images.CROPPED_SPECS)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except images.ImageStorageError as error:
            messages.error(request, error.message)
            return redirect(request.get_full_path())

    def delete_model(self, request, obj):
        images.delete_image(image=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for image in queryset:
            images.delete_image(image=image, user=request.user)

    def delete_view(self, request, object_id, extra_context=None):
        """A photo that stories use is not deleted; the message names them."""
        image = self.get_object(request, object_id)
        if image is not None and self.has_delete_permission(request, image):
            stories = list(image.stories().order_by("headline")[:20])
            if stories:
                messages.error(request, in_use_message(image, stories))
                return redirect("admin:articles_image_change", image.pk)
        return super().delete_view(request, object_id, extra_context)

    # --- Several photos at once

    def upload_many_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = MultiUploadForm(request.POST or None, request.FILES or None)
        results = []
        if request.method == "POST" and form.is_valid():
            results = [
                store_one(upload, request.user) for upload in form.cleaned_data["files"]
            ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Upload several photos"),
            "form": form,
            "results": results,
            "stored": sum(1 for result in results if result.image),
            "media": self.media + form.media,
        }
        return TemplateResponse(
            request, "admin/articles/image/upload_many.html", context
        )


def prefilled_message(labels: list[str]) -> str:
    return _(
        "Taken from the photo's embedded data: %(fields)s. Check them against the "
        "agency's terms before the photo is used."
    ) % {"fields": ", ".join(labels)}


def in_use_message(image: Image, stories: list[Article]) -> str:
    return format_html(
        "“{}” cannot be deleted: it is used in {}. Remove it from these stories first.",
        image.title,
        story_links(stories),
    )


def store_one(upload, user) -> UploadResult:
    """Validate and store one file of a multi-file upload, independently of the others."""
    result = UploadResult(name=upload.name or "")
    try:
        decoded, facts, metadata = check_upload(upload)
        values = metadata.prefill_values()
        result.prefilled = sorted(values) + (["tags"] if metadata.keywords else [])
        fallback = clean_text(PurePosixPath(upload.name or "").stem)[:255]
        values.setdefault("title", fallback or _("Untitled photo"))
        with transaction.atomic():
            image = images.store_image(
                image=Image(**values),
                decoded=decoded,
                facts=facts,
                original_filename=upload.name or "",
                user=user,
            )
            if metadata.keywords:
                image.tags.set(list(metadata.keywords))
        result.image = image
    except ValidationError as error:
        result.errors = list(error.messages)
    except images.ImageStorageError as error:
        result.errors = [error.message]
    return result


# --- Gallery and body photos on the story form -----------------------------------


class PlacementFormSet(BaseInlineFormSet):
    """The story's photos of one kind, saved by ``workflow.save_story``.

    For an approved story with pending changes they come from the latest
    revision, like the bylines. A POST without this formset (an older form,
    a script) leaves the story's photos as they are instead of failing.
    """

    kind = ""

    @classmethod
    def get_default_prefix(cls):
        return {
            StoryImage.Kind.GALLERY: "gallery",
            StoryImage.Kind.BODY: "body_images",
        }[cls.kind]

    def __init__(self, data=None, files=None, instance=None, **kwargs):
        prefix = kwargs.get("prefix") or self.get_default_prefix()
        self.submitted = data is None or f"{prefix}-TOTAL_FORMS" in data
        if instance is not None and instance.pk and instance.has_pending_changes:
            kwargs["queryset"] = StoryImage.objects.none()
            kwargs["initial"] = [
                {
                    "image": item["id"],
                    "position": item.get("position", 0),
                    "caption": item.get("caption", ""),
                    "credit": item.get("credit", ""),
                }
                for item in self.pending_items(instance)
            ]
        super().__init__(
            data if self.submitted else None,
            files if self.submitted else None,
            instance,
            **kwargs,
        )

    @classmethod
    def pending_items(cls, article) -> list[dict]:
        return article.latest_revision.snapshot.get(cls.get_default_prefix(), [])

    def is_valid(self):
        return super().is_valid() if self.submitted else True

    def placements(self) -> list[dict] | None:
        """The photos as the snapshot stores them, in order; None if not submitted."""
        if not self.submitted:
            return None
        rows = [
            (form.cleaned_data.get("position") or 0, index, form.cleaned_data)
            for index, form in enumerate(self.forms)
            if form.cleaned_data.get("image") and not form.cleaned_data.get("DELETE")
        ]
        return [
            {
                "id": data["image"].pk,
                "title": data["image"].title,
                "position": position,
                "caption": data.get("caption") or "",
                "credit": data.get("credit") or "",
            }
            for position, _index, data in sorted(rows, key=lambda row: row[:2])
        ]


class GalleryFormSet(PlacementFormSet):
    kind = StoryImage.Kind.GALLERY


class BodyImageFormSet(PlacementFormSet):
    kind = StoryImage.Kind.BODY


class PlacementInline(StoryPartInlineMixin, admin.TabularInline):
    model = StoryImage
    fields = ["image", "position", "caption", "credit"]
    raw_id_fields = ["image"]
    extra = 0
    max_num = 50
    position_label = ""

    def get_queryset(self, request):
        return super().get_queryset(request).filter(kind=self.formset.kind)

    def get_formset(self, request, obj=None, **kwargs):
        if obj is not None and obj.pk and obj.has_pending_changes:
            kwargs["extra"] = len(self.formset.pending_items(obj)) + 1
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "image":
            kwargs["widget"] = ImagePickerWidget(db_field.remote_field, self.admin_site)
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "position":
            formfield.label = self.position_label
            formfield.help_text = ""
        return formfield


class GalleryInline(PlacementInline):
    formset = GalleryFormSet
    position_label = gettext_lazy("order")
    verbose_name = gettext_lazy("gallery photo")
    verbose_name_plural = gettext_lazy(
        "gallery (in order; caption and credit override the library for this story)"
    )


class BodyImageInline(PlacementInline):
    formset = BodyImageFormSet
    position_label = gettext_lazy("after paragraph")
    verbose_name = gettext_lazy("photo in the body")
    verbose_name_plural = gettext_lazy(
        "photos in the body (shown after the paragraph numbered; 0 puts one first)"
    )
