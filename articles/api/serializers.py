"""What the API says about each story, section, tag and author.

Text fields are plain text, returned as stored: escaping them is the job of
whoever renders them (the JSON itself is HTML-inert, see ``rendering``).
``body`` is HTML that was sanitised with nh3 when it was saved.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from taggit.models import Tag

from articles.links import media_url, reader_url
from articles.models import Article, Author, Correction, Section


def absolute_url(url: str) -> str:
    """``url`` on the public site; the host comes from ``SITE_URL``, never the request."""
    if urlsplit(url).netloc:
        return url
    return settings.SITE_URL + url


@extend_schema_field(OpenApiTypes.URI)
class SiteURLField(serializers.Field):
    """An absolute link from a site path, e.g. ``source="get_absolute_url"``."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return absolute_url(value)


@extend_schema_field(OpenApiTypes.URI)
class MediaURLField(SiteURLField):
    """The absolute public URL of a file in storage, from its storage name."""

    def to_representation(self, value):
        return absolute_url(media_url(value))


class SectionLinkSerializer(serializers.ModelSerializer):
    url = SiteURLField(source="get_absolute_url")

    class Meta:
        model = Section
        fields = ["name", "slug", "url"]
        read_only_fields = fields


class SectionSerializer(SectionLinkSerializer):
    class Meta(SectionLinkSerializer.Meta):
        fields = [*SectionLinkSerializer.Meta.fields, "description"]
        read_only_fields = fields


class AuthorLinkSerializer(serializers.ModelSerializer):
    url = SiteURLField(source="get_absolute_url")

    class Meta:
        model = Author
        fields = ["name", "slug", "is_agency", "url"]
        read_only_fields = fields


class AuthorSerializer(AuthorLinkSerializer):
    class Meta(AuthorLinkSerializer.Meta):
        fields = [*AuthorLinkSerializer.Meta.fields, "bio"]
        read_only_fields = fields


class TagSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Tag
        fields = ["name", "slug", "url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, tag):
        return absolute_url(reader_url("articles:tag", slug=tag.slug))


class RenditionSerializer(serializers.Serializer):
    """One stored size of a photo, in WebP and in JPEG."""

    width = serializers.IntegerField()
    height = serializers.IntegerField()
    webp = MediaURLField()
    jpg = MediaURLField()


class LeadImageSerializer(serializers.Serializer):
    """A story's lead photo; serialised from the story, which may override the caption."""

    alt_text = serializers.CharField(source="lead_image.alt_text")
    caption = serializers.CharField(
        source="lead_caption",
        help_text="The story's own caption if it has one, else the library caption.",
    )
    credit = serializers.CharField(
        source="lead_credit",
        help_text="The story's own credit if it has one, else the library credit.",
    )
    renditions = serializers.DictField(
        source="lead_image.renditions",
        child=RenditionSerializer(),
        help_text="Keyed by rendition spec, e.g. `lead-1024`, `card-640`, `social`.",
    )


class CorrectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Correction
        fields = ["note", "created_at"]
        read_only_fields = fields


class StorySerializer(serializers.ModelSerializer):
    url = SiteURLField(source="get_absolute_url")
    section = SectionLinkSerializer()
    authors = AuthorLinkSerializer(
        source="ordered_authors", many=True, help_text="In byline order."
    )
    tags = serializers.SerializerMethodField()
    published_at = serializers.DateTimeField(source="publish_at")
    updated_at = serializers.SerializerMethodField()
    lead_image = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id",
            "headline",
            "slug",
            "standfirst",
            "url",
            "section",
            "authors",
            "tags",
            "dateline",
            "source",
            "published_at",
            "updated_at",
            "lead_image",
        ]
        read_only_fields = fields

    # One serializer for every story's tags and photo: a serializer works out
    # its fields when first used, which cost more than serialising a page of
    # stories when a new one was made for each story.
    @cached_property
    def tag_serializer(self):
        return TagSerializer(context=self.context)

    @cached_property
    def lead_image_serializer(self):
        return LeadImageSerializer(context=self.context)

    @extend_schema_field(TagSerializer(many=True))
    def get_tags(self, story):
        tags = sorted(story.tag_list, key=lambda tag: (tag.name.casefold(), tag.pk))
        return [self.tag_serializer.to_representation(tag) for tag in tags]

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_updated_at(self, story):
        """When readers last saw a change: the latest approved edit, else publication."""
        moments = [story.publish_at, story.content_updated_at]
        return self.fields["published_at"].to_representation(
            max(moment for moment in moments if moment is not None)
        )

    @extend_schema_field(LeadImageSerializer(allow_null=True))
    def get_lead_image(self, story):
        if story.lead_image is None:
            return None
        return self.lead_image_serializer.to_representation(story)


class StoryDetailSerializer(StorySerializer):
    body = serializers.CharField(help_text="HTML, sanitised when the story was saved.")
    corrections = CorrectionSerializer(many=True, help_text="Oldest first.")

    class Meta(StorySerializer.Meta):
        fields = [*StorySerializer.Meta.fields, "body", "corrections"]
        read_only_fields = fields
