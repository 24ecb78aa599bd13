"""Stories and what they are filed under: sections, authors, bylines, tags."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItemBase

from articles import clock
from articles.fields import (
    PlainTextAreaField,
    PlainTextField,
    SanitizedHTMLField,
    audit_user,
)
from articles.links import reader_url
from articles.models.photos import Image, StoryImage
from articles.models.querysets import ArticleQuerySet, is_live_at
from articles.text import html_to_text

SLUG_MAX_LENGTH = 120


def unique_slug(model, text: str, *, fallback: str, exclude_pk=None) -> str:
    """A slug for ``text`` that no other ``model`` row uses.

    Unicode letters are kept (a CJK headline gets a CJK slug); text with
    nothing sluggable (only emoji or punctuation) falls back to ``fallback``.
    """
    base = slugify(text, allow_unicode=True)[: SLUG_MAX_LENGTH - 8].strip("-")
    base = base or fallback
    others = model._default_manager.exclude(pk=exclude_pk)
    taken = set(others.filter(slug__startswith=base).values_list("slug", flat=True))
    candidate, counter = base, 2
    while candidate in taken:
        candidate = f"{base}-{counter}"
        counter += 1
    return candidate


class Section(models.Model):
    name = PlainTextField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = PlainTextAreaField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower numbers come first in menus.")
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reader_url("articles:section", slug=self.slug)


class Author(models.Model):
    """A byline: a staff journalist, a contributor or a wire agency."""

    name = PlainTextField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    bio = PlainTextAreaField(_("short bio"), blank=True, max_length=1000)
    photo = models.ForeignKey(
        "articles.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="byline",
        help_text=_("Leave empty for bylines that are not staff, e.g. a wire agency."),
    )
    is_agency = models.BooleanField(
        _("wire agency"), default=False, help_text=_("For example Reuters or AFP.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(
                Author, self.name, fallback="author", exclude_pk=self.pk
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reader_url("articles:author", slug=self.slug)


class Article(models.Model):
    """A story."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    headline = PlainTextField(
        _("headline"),
        max_length=200,
        help_text=_("Up to 200 characters, e.g. “Navy orders four more frigates”."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text=_(
            "The story's web address. Generated from the headline when left "
            "empty; it cannot change once the story is published."
        ),
    )
    standfirst = PlainTextAreaField(
        _("standfirst"),
        max_length=600,
        help_text=_("One or two sentences under the headline that sum up the story."),
    )
    body = SanitizedHTMLField(_("body"), blank=True)
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        on_delete=models.PROTECT,
        related_name="articles",
    )
    authors = models.ManyToManyField(
        Author, through="Byline", verbose_name=_("authors"), related_name="articles"
    )
    tags = TaggableManager(_("tags"), through="TaggedArticle", blank=True)
    dateline = PlainTextField(
        _("dateline"), max_length=100, blank=True, help_text=_("Where, e.g. “Minsk”.")
    )
    source = PlainTextField(
        _("source attribution"),
        max_length=200,
        blank=True,
        help_text=_("Who the information comes from, e.g. “TASS”."),
    )
    lead_image = models.ForeignKey(
        Image,
        verbose_name=_("lead image"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_for",
    )
    lead_image_caption = PlainTextAreaField(
        _("lead image caption"),
        max_length=1000,
        blank=True,
        help_text=_("Overrides the library caption for this story only."),
    )
    lead_image_credit = PlainTextField(
        _("lead image credit"),
        max_length=200,
        blank=True,
        help_text=_("Overrides the library credit for this story only."),
    )
    seo_title = PlainTextField(
        _("SEO title"),
        max_length=70,
        blank=True,
        help_text=_(
            "Optional: the title search engines and social cards show, if not the headline."
        ),
    )
    seo_description = PlainTextField(
        _("SEO description"),
        max_length=160,
        blank=True,
        help_text=_(
            "Optional: the summary search engines show, if not the standfirst."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
    )
    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        help_text=_("Readers see the story from this time once it is approved."),
    )
    expire_at = models.DateTimeField(
        _("expire at"),
        null=True,
        blank=True,
        help_text=_("Optional: the story leaves the site at this time."),
    )
    embargo_until = models.DateTimeField(
        _("embargo until"),
        null=True,
        blank=True,
        help_text=_("Nothing of the story is shown anywhere before this time."),
    )
    first_published_at = models.DateTimeField(
        _("first published at"), null=True, blank=True, editable=False
    )
    content_updated_at = models.DateTimeField(
        _("content updated at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When approved changes last replaced what readers saw."),
    )
    went_live_at = models.DateTimeField(
        _("went live at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "When readers first saw the approved story: its publish time, recorded "
            "on approval or, for a scheduled story, once its time has come. It "
            "keeps the story live even if a clock steps back."
        ),
    )
    went_live_announced = models.BooleanField(
        _("going live announced"),
        default=False,
        editable=False,
        help_text=_(
            "The audit trail records the story's going live and its writers were told."
        ),
    )
    live_revision = models.ForeignKey(
        "articles.Revision",
        verbose_name=_("approved revision"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The approved content on this row; readers see it once its time comes."
        ),
    )
    latest_revision = models.ForeignKey(
        "articles.Revision",
        verbose_name=_("latest revision"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_by = audit_user(_("submitted by"), blank=True, editable=False)
    submitted_at = models.DateTimeField(
        _("submitted at"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = audit_user(_("created by"), blank=True, editable=False)
    updated_by = audit_user(_("updated by"), blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        permissions = [
            ("edit_any_article", _("Can edit any story, not only their own")),
            ("submit_article", _("Can submit stories for review")),
            ("approve_article", _("Can approve, schedule and publish stories")),
            ("withdraw_article", _("Can withdraw live stories")),
        ]
        # Every reader listing is "approved stories, newest first", overall or
        # per section; partial indexes keep drafts out of them.
        indexes = [
            # Listings of live stories. The expiry, embargo and went-live
            # times are carried in the index, so counting live stories (a
            # section's, or all of them for the API and sitemaps) reads the index alone,
            # never the table. They are key columns rather than INCLUDE ones
            # because SQLite has no INCLUDE; walking the index newest first
            # is the same either way.
            models.Index(
                fields=["-publish_at", "expire_at", "embargo_until", "went_live_at"],
                condition=models.Q(live_revision__isnull=False),
                name="article_live_publish_idx",
            ),
            models.Index(
                fields=[
                    "section",
                    "-publish_at",
                    "expire_at",
                    "embargo_until",
                    "went_live_at",
                ],
                condition=models.Q(live_revision__isnull=False),
                name="article_live_section_idx",
            ),
            # Whether a story reached through a join (a byline, a tag link) is
            # live, answered by the index alone: counting an author's or a
            # tag's live stories looks thousands of them up by id.
            models.Index(
                fields=[
                    "id",
                    "publish_at",
                    "expire_at",
                    "embargo_until",
                    "went_live_at",
                ],
                condition=models.Q(live_revision__isnull=False),
                name="article_live_id_idx",
            ),
            # The sitemap index's "last changed": the newest edit of a live story.
            models.Index(
                fields=["-content_updated_at"],
                condition=models.Q(live_revision__isnull=False),
                name="article_live_updated_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(live_revision__isnull=True)
                | models.Q(publish_at__isnull=False),
                name="article_approved_has_publish_at",
            ),
            models.CheckConstraint(
                condition=models.Q(expire_at__isnull=True)
                | models.Q(publish_at__isnull=True)
                | models.Q(expire_at__gt=models.F("publish_at")),
                name="article_expires_after_publish",
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(
                Article, self.headline, fallback="story", exclude_pk=self.pk
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        when = timezone.localtime(self.publish_at or self.created_at or timezone.now())
        return reader_url(
            "articles:story",
            section=self.section.slug,
            year=when.year,
            month=when.month,
            day=when.day,
            slug=self.slug,
        )

    def clean(self):
        errors = {}
        if self.expire_at and self.publish_at and self.expire_at <= self.publish_at:
            errors["expire_at"] = ValidationError(
                _("The expiry time must be after the publish time."),
                code="expiry_before_publish",
            )
        if self.pk and self.slug:
            stored = Article.objects.filter(pk=self.pk).values(
                "slug", "first_published_at"
            )
            stored = stored.first()
            if stored and stored["first_published_at"] and stored["slug"] != self.slug:
                errors["slug"] = ValidationError(
                    _(
                        "A published story's address cannot change; links to it would break."
                    ),
                    code="slug_locked",
                )
        if errors:
            raise ValidationError(errors)

    def is_live(self, at=None):
        """The same rule as ``ArticleQuerySet.published()``, for one loaded story."""
        return is_live_at(self, at or clock.now())

    def has_expired(self, at=None):
        """Its expiry has passed: readers lost it, and so does every other way
        of reading it (share links, previews sent out)."""
        return self.expire_at is not None and self.expire_at <= (at or clock.now())

    @property
    def is_approved(self):
        """Approved content exists (live, or scheduled for later)."""
        return self.live_revision_id is not None

    @property
    def has_pending_changes(self):
        return self.is_approved and self.latest_revision_id != self.live_revision_id

    @property
    def was_updated(self):
        """Approved content changed after the story first went live."""
        return bool(
            self.content_updated_at
            and self.first_published_at
            and self.content_updated_at > self.first_published_at
        )

    def written_by(self, user) -> bool:
        """The user created the story or has a byline on it (from
        ``with_bylines()``'s prefetch when present)."""
        if self.created_by_id == user.pk:
            return True
        bylines = getattr(self, "prefetched_bylines", None)
        if bylines is not None:
            return any(byline.author.user_id == user.pk for byline in bylines)
        return self.bylines.filter(author__user=user).exists()

    @property
    def lead_caption(self):
        if self.lead_image_caption:
            return self.lead_image_caption
        return self.lead_image.caption if self.lead_image else ""

    @property
    def lead_credit(self):
        if self.lead_image_credit:
            return self.lead_image_credit
        return self.lead_image.credit if self.lead_image else ""

    @cached_property
    def image_placements(self):
        """Gallery and body photos, fetched once (one query, or a preview's prefetch)."""
        return list(self.story_images.all())

    @property
    def gallery(self):
        kind = StoryImage.Kind.GALLERY
        return [
            placement for placement in self.image_placements if placement.kind == kind
        ]

    @property
    def body_figures(self):
        kind = StoryImage.Kind.BODY
        return [
            placement for placement in self.image_placements if placement.kind == kind
        ]

    @property
    def ordered_authors(self):
        """Authors in byline order, from ``for_listing()``'s prefetch when present."""
        bylines = getattr(self, "prefetched_bylines", None)
        if bylines is None:
            bylines = self.bylines.all()
        return [byline.author for byline in bylines]

    @property
    def tag_list(self):
        """The story's tags, from ``with_tags()``'s prefetch when present."""
        links = getattr(self, "prefetched_tag_links", None)
        if links is None:
            return list(self.tags.all())
        return [link.tag for link in links]

    @property
    def body_text(self):
        return html_to_text(self.body)


class Byline(models.Model):
    """An author's place in a story's byline."""

    # Links to a story are indexed as the first column of a unique constraint
    # (here ``byline_unique_author_per_story``): an index of their own would
    # answer no other query and only slow down every save.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="bylines", db_index=False
    )
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"], name="byline_unique_author_per_story"
            )
        ]

    def __str__(self):
        return str(self.author)


class TaggedArticle(TaggedItemBase):
    """A direct foreign key (rather than taggit's generic one) keeps tag pages indexed."""

    # Indexed first in ``tagged_article_unique_tag`` and ``tagged_tag_newest_idx``.
    content_object = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="tagged_items", db_index=False
    )
    tag = models.ForeignKey(
        Tag,
        related_name="%(app_label)s_%(class)s_items",
        on_delete=models.CASCADE,
        db_index=False,
    )

    class Meta:
        verbose_name = _("tagged story")
        verbose_name_plural = _("tagged stories")
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="tagged_article_unique_tag"
            )
        ]
        indexes = [
            # A tag's newest stories, read from the index alone (related stories).
            models.Index(
                fields=["tag", "-content_object"], name="tagged_tag_newest_idx"
            ),
        ]
