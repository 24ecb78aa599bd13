from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import BaseInlineFormSet
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from js_asset import Media
from taggit.models import Tag

from articles import clock, tagging
from articles.admin import workflow_views as admin_views
from articles.admin.input import (
    LARGEST_ID,
    CheckedAutocompleteSelect,
    CheckedSelectionMixin,
)
from articles.admin.permissions import StoryPartInlineMixin
from articles.admin.photos import (
    BodyImageInline,
    GalleryInline,
    ImagePickerWidget,
    PlacementFormSet,
    UsesImageFilter,
    thumbnail_html,
)
from articles.editorial import revisions, workflow
from articles.models import Article, Author, Byline, Section


@admin.register(Section)
class SectionAdmin(CheckedSelectionMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Author)
class AuthorAdmin(CheckedSelectionMixin, admin.ModelAdmin):
    list_display = ["name", "is_agency", "user"]
    list_filter = ["is_agency"]
    search_fields = ["name", "bio"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["photo", "user"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "photo":
            kwargs["widget"] = ImagePickerWidget(db_field.remote_field, self.admin_site)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class BylineForm(forms.ModelForm):
    class Meta:
        model = Byline
        fields = ["author", "order"]

    def validate_unique(self):
        """Bylines of a pending revision are not rows yet; duplicates are
        caught across the formset instead of against the approved bylines."""
        article = getattr(self.instance, "article", None)  # none yet on a new story
        if not getattr(article, "has_pending_changes", False):
            super().validate_unique()


class BylineFormSet(BaseInlineFormSet):
    """Shows the bylines of the latest revision, which for an approved story
    with pending changes are not the ones stored on the row."""

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None and instance.pk and instance.has_pending_changes:
            kwargs["queryset"] = Byline.objects.none()
            kwargs["initial"] = [
                {"author": author["id"], "order": order}
                for order, author in enumerate(
                    instance.latest_revision.snapshot["authors"]
                )
            ]
        super().__init__(*args, instance=instance, **kwargs)

    def ordered_authors(self):
        rows = [
            (form.cleaned_data.get("order") or 0, index, form.cleaned_data["author"])
            for index, form in enumerate(self.forms)
            if form.cleaned_data.get("author") and not form.cleaned_data.get("DELETE")
        ]
        return [
            author for _order, _index, author in sorted(rows, key=lambda row: row[:2])
        ]


class BylineInline(StoryPartInlineMixin, admin.TabularInline):
    model = Byline
    form = BylineForm
    formset = BylineFormSet
    extra = 1
    min_num = 1
    max_num = 20
    autocomplete_fields = ["author"]
    verbose_name = _("byline")
    verbose_name_plural = _("bylines (in order)")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "author":
            kwargs["widget"] = CheckedAutocompleteSelect(db_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        if obj is not None and obj.has_pending_changes:
            kwargs["extra"] = len(obj.latest_revision.snapshot["authors"])
        return super().get_formset(request, obj, **kwargs)


class ArticleAdminForm(forms.ModelForm):
    """The story form. ``base_revision`` records which revision the editor
    opened, so a save over someone else's newer revision is refused."""

    base_revision = forms.IntegerField(
        required=False, min_value=1, max_value=LARGEST_ID, widget=forms.HiddenInput
    )

    class Meta:
        model = Article
        fields = [
            "headline",
            "slug",
            "standfirst",
            "body",
            "section",
            "tags",
            "dateline",
            "source",
            "lead_image",
            "lead_image_caption",
            "lead_image_credit",
            "expire_at",
            "embargo_until",
            "seo_title",
            "seo_description",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "tags" in self.fields:
            tagging.bound_tag_field(self.fields["tags"])
        for name in ("expire_at", "embargo_until"):
            if name in self.fields:
                self.fields[name].validators.append(clock.validate_storable)
        instance = self.instance
        if instance.pk:
            self.fields["base_revision"].initial = instance.latest_revision_id
            if instance.has_pending_changes and "tags" in self.fields:
                # Tag objects, as taggit's field compares them in has_changed().
                names = instance.latest_revision.snapshot["tags"]
                self.initial["tags"] = [Tag(name=name) for name in names]

    def clean_tags(self):
        return tagging.clean_tag_names(self.cleaned_data.get("tags") or [])

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        if instance.pk:
            latest_id = (
                Article.objects.filter(pk=instance.pk)
                .values_list("latest_revision", flat=True)
                .first()
            )
            if latest_id and cleaned.get("base_revision") != latest_id:
                raise forms.ValidationError(
                    conflict_message(instance, cleaned.get("base_revision"), latest_id),
                    code="edit_conflict",
                )
        return cleaned


def conflict_message(article, base_id, latest_id):
    """The refusal, linking to the comparison of the opened and the latest revision.

    The form carries revision ids; the compare view takes the story's revision
    numbers. An id that is not one of this story's revisions is left out, and
    the comparison then shows the latest change.
    """
    numbers = dict(
        article.revisions.filter(pk__in=[base_id or 0, latest_id]).values_list(
            "pk", "number"
        )
    )
    query = urlencode(
        {
            key: numbers[revision_id]
            for key, revision_id in (("a", base_id), ("b", latest_id))
            if revision_id in numbers
        }
    )
    compare_url = reverse("admin:articles_article_compare", args=[article.pk])
    return format_html(
        "Someone else saved this story after you opened it. Nothing was saved; your "
        'text is still in the form. <a href="{}">See what they changed</a>, '
        "then reload the story and apply your edits again.",
        f"{compare_url}?{query}" if query else compare_url,
    )


@admin.register(Article)
class ArticleAdmin(CheckedSelectionMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    inlines = [BylineInline, GalleryInline, BodyImageInline]
    list_display = [
        "thumbnail",
        "headline",
        "status_label",
        "section",
        "byline",
        "publish_at",
    ]
    list_display_links = ["thumbnail", "headline"]
    list_filter = [
        "status",
        "section",
        "authors",
        "tags",
        "publish_at",
        UsesImageFilter,
    ]
    list_select_related = ["section", "lead_image"]
    search_fields = ["headline", "standfirst", "body"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["headline"]}
    raw_id_fields = ["lead_image"]
    readonly_fields = ["public_state", "status", "publish_at", "first_published_at"]
    actions = ["submit_selected", "approve_selected"]
    fieldsets = [
        (_("Where it stands"), {"fields": ["public_state"]}),
        (None, {"fields": ["headline", "slug", "standfirst", "body", "base_revision"]}),
        (_("Placement"), {"fields": ["section", "tags", "dateline", "source"]}),
        (
            _("Lead photo"),
            {"fields": ["lead_image", "lead_image_caption", "lead_image_credit"]},
        ),
        (
            _("Search and sharing"),
            {"fields": ["seo_title", "seo_description"], "classes": ["collapse"]},
        ),
        (
            _("Publication"),
            {
                "fields": [
                    "status",
                    "publish_at",
                    "first_published_at",
                    "expire_at",
                    "embargo_until",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        """Each story with the time authority's "now" read in the same query,
        so a list of stories states each one's visibility against one clock
        reading, without a query per row."""
        return (
            super()
            .get_queryset(request)
            .select_related("latest_revision")
            .prefetch_related("bylines__author")
            .annotate(authority_now=clock.sql_now())
        )

    def get_object(self, request, object_id, from_field=None):
        """The story as its latest revision has it, pending changes included."""
        article = super().get_object(request, object_id, from_field)
        if article is not None and article.has_pending_changes:
            revisions.assign_fields(article, article.latest_revision.snapshot)
        return article

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                fieldset
                for fieldset in self.fieldsets
                if fieldset[0] != _("Where it stands")
            ]
        return self.fieldsets

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if obj is None else {}

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.first_published_at:
            return [*self.readonly_fields, "slug"]
        return self.readonly_fields

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

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

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, obj):
        return workflow.short_state(obj, at=obj.authority_now)

    @admin.display(description=_("public state"))
    def public_state(self, obj):
        return workflow.explain(obj) if obj and obj.pk else "—"

    def save_model(self, request, obj, form, change):
        """Saving happens in ``save_related``: the workflow needs the bylines too."""

    def save_related(self, request, form, formsets, change):
        byline_formset = next(fs for fs in formsets if isinstance(fs, BylineFormSet))
        photos = {
            fs.get_default_prefix(): fs.placements()
            for fs in formsets
            if isinstance(fs, PlacementFormSet)
        }
        workflow.save_story(
            article=form.instance,
            user=request.user,
            authors=byline_formset.ordered_authors(),
            tags=list(form.cleaned_data.get("tags") or []),
            base_revision_id=form.cleaned_data.get("base_revision"),
            gallery=photos.get("gallery"),
            body_images=photos.get("body_images"),
        )

    def construct_change_message(self, request, form, formsets, add=False):
        """Bylines are saved by the workflow service, not by the formsets."""
        fields = [
            str(form.fields[name].label or name)
            for name in form.changed_data
            if name in form.fields
        ]
        return [{"added": {}}] if add else [{"changed": {"fields": fields}}]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except workflow.WorkflowError as error:
            # Only reached when a conflicting save lands between validation
            # and the locked write; the common case is a form error.
            messages.error(request, error.message)
            return redirect(request.get_full_path())

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if obj is not None and obj.pk:
            context.update(admin_views.change_form_context(request, obj))
        # The story editor's inline import map runs only with the CSP nonce.
        context["media"] = Media.from_media(context["media"], nonce=request.csp_nonce)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        return admin_views.urls(self) + super().get_urls()

    def history_view(self, request, object_id, extra_context=None):
        return admin_views.history(self, request, object_id)

    @admin.action(
        description=_("Submit selected stories for review"), permissions=["change"]
    )
    def submit_selected(self, request, queryset):
        admin_views.run_for_each(self, request, queryset, workflow.submit)

    @admin.action(
        description=_("Approve selected stories (publish now)"), permissions=["approve"]
    )
    def approve_selected(self, request, queryset):
        def approve_now(*, article, user):
            return workflow.approve(
                article=article, user=user, revision_id=article.latest_revision_id
            )

        admin_views.run_for_each(self, request, queryset, approve_now)

    def has_approve_permission(self, request):
        return workflow.can_review(request.user)
