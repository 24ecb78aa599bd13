from django.contrib import admin
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.files.storage import default_storage
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import images
from .forms import ImageForm
from .models import Article, Author, Byline, Image, Section


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
        image = Image.objects.filter(pk=value).first() if value else None
        if image is None:
            return html
        return format_html("{}<div class='newsroom-picker-preview'>{}</div>", html,
                           thumbnail_html(image, size=120))  # fmt: skip


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "is_agency", "user"]
    list_filter = ["is_agency"]
    search_fields = ["name", "bio"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["photo", "user"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "photo":
            kwargs["widget"] = ImagePickerWidget(db_field.remote_field, self.admin_site)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = [
        "thumbnail",
        "title",
        "credit",
        "dimensions",
        "uploaded_by",
        "uploaded_at",
    ]
    list_display_links = ["thumbnail", "title"]
    list_filter = ["uploaded_at", "uploaded_by", "format"]
    search_fields = ["title", "caption", "credit", "alt_text"]
    date_hierarchy = "uploaded_at"
    readonly_fields = ["preview", "dimensions", "file_size", "format", "original_filename",
                       "uploaded_by", "uploaded_at"]  # fmt: skip

    @admin.display(description=_("thumbnail"))
    def thumbnail(self, obj):
        return thumbnail_html(obj)

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return thumbnail_html(obj, size=240)

    @admin.display(description=_("size"))
    def dimensions(self, obj):
        return f"{obj.width}×{obj.height}"

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        decoded, facts = form.inspected
        images.store_image(
            image=obj,
            decoded=decoded,
            facts=facts,
            original_filename=form.cleaned_data["file"].name,
            user=request.user,
        )


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    min_num = 1
    autocomplete_fields = ["author"]
    verbose_name = _("byline")
    verbose_name_plural = _("bylines (in order)")


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    inlines = [BylineInline]
    list_display = [
        "thumbnail",
        "headline",
        "status",
        "section",
        "byline",
        "publish_at",
    ]
    list_display_links = ["thumbnail", "headline"]
    list_filter = ["status", "section", "authors", "tags", "publish_at"]
    list_select_related = ["section", "lead_image"]
    search_fields = ["headline", "standfirst", "body"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["headline"]}
    raw_id_fields = ["lead_image"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "body"]}),
        (_("Placement"), {"fields": ["section", "tags", "dateline", "source"]}),
        (_("Lead photo"), {"fields": ["lead_image", "lead_image_caption"]}),
        (
            _("Publication"),
            {"fields": ["status", "publish_at", "expire_at", "embargo_until"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("bylines__author")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "lead_image":
            kwargs["widget"] = ImagePickerWidget(db_field.remote_field, self.admin_site)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("photo"))
    def thumbnail(self, obj):
        return thumbnail_html(obj.lead_image, size=60)

    @admin.display(description=_("byline"))
    def byline(self, obj):
        return ", ".join(author.name for author in obj.ordered_authors)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
