"""Read-only viewsets: each starts from what the website shows, never more."""

from django.db.models import Prefetch
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularAPIView
from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from taggit.models import Tag

from articles.api import serializers
from articles.api.filters import StoryFilterBackend
from articles.models import Article, Author, Byline, Correction, Section, TaggedArticle

SLUG_IN_PATH = r"[-\w]+"

NOT_FOUND = OpenApiResponse(
    OpenApiTypes.OBJECT, description='Not live or no such item: `{"detail": "…"}`.'
)
BAD_PAGE = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='`page` is not a page number in range: `{"detail": "Invalid page."}`.',
)
BAD_FILTER = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="A filter value is malformed; each such filter names what to send, "
    'e.g. `{"published_after": ["Enter an ISO 8601 date …"]}`. '
    "Query keys other than the listed filters are ignored.",
)


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Anonymous reads only; GET, HEAD and OPTIONS, everything else is a 405."""

    permission_classes = [AllowAny]


@extend_schema_view(
    list=extend_schema(
        summary="Live stories, newest first",
        responses={
            200: serializers.StorySerializer,
            400: BAD_FILTER,
            404: BAD_PAGE,
        },
    ),
    retrieve=extend_schema(
        summary="One live story, with its body and corrections",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        responses={200: serializers.StoryDetailSerializer, 404: NOT_FOUND},
    ),
)
class StoryViewSet(ReadOnlyViewSet):
    """Live stories, newest first: exactly the stories the website shows.

    Drafts, stories in review, scheduled, expired, embargoed and withdrawn
    stories never appear; for a live story with changes awaiting approval, the
    approved version is shown.
    """

    filter_backends = [StoryFilterBackend]
    # Digits only: an id such as "12abc" is a 404, never read as 12.
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        stories = Article.objects.published().for_story_page().newest_first()
        if self.action == "retrieve":
            oldest_first = Correction.objects.order_by("created_at", "pk")
            stories = stories.prefetch_related(
                Prefetch("corrections", queryset=oldest_first)
            )
        return stories

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.StoryDetailSerializer
        return serializers.StorySerializer


@extend_schema_view(
    list=extend_schema(
        summary="Sections, in menu order",
        responses={200: serializers.SectionSerializer, 404: BAD_PAGE},
    ),
    retrieve=extend_schema(
        summary="One section, by slug",
        responses={200: serializers.SectionSerializer, 404: NOT_FOUND},
    ),
)
class SectionViewSet(ReadOnlyViewSet):
    """Every section, in menu order (as the site's navigation lists them)."""

    queryset = Section.objects.all()
    serializer_class = serializers.SectionSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_IN_PATH


@extend_schema_view(
    list=extend_schema(
        summary="Tags of live stories, by name",
        responses={200: serializers.TagSerializer, 404: BAD_PAGE},
    ),
    retrieve=extend_schema(
        summary="One tag of live stories, by slug",
        responses={200: serializers.TagSerializer, 404: NOT_FOUND},
    ),
)
class TagViewSet(ReadOnlyViewSet):
    """Tags on at least one live story, by name; tags only drafts use stay hidden."""

    serializer_class = serializers.TagSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_IN_PATH

    def get_queryset(self):
        on_live_stories = TaggedArticle.objects.filter(
            content_object__in=Article.objects.published()
        )
        return Tag.objects.filter(pk__in=on_live_stories.values("tag_id")).order_by(
            "name", "pk"
        )


@extend_schema_view(
    list=extend_schema(
        summary="Authors of live stories, by name",
        responses={200: serializers.AuthorSerializer, 404: BAD_PAGE},
    ),
    retrieve=extend_schema(
        summary="One author of live stories, by slug",
        responses={200: serializers.AuthorSerializer, 404: NOT_FOUND},
    ),
)
class AuthorViewSet(ReadOnlyViewSet):
    """Authors with a byline on at least one live story, by name.

    A byline that so far appears only on unpublished stories (a new
    contributor on an unannounced story) is not revealed.
    """

    serializer_class = serializers.AuthorSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_IN_PATH

    def get_queryset(self):
        on_live_stories = Byline.objects.filter(article__in=Article.objects.published())
        return Author.objects.filter(
            pk__in=on_live_stories.values("author_id")
        ).order_by("name", "pk")


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema of this API: JSON, or YAML with ``?format=yaml``."""

    renderer_classes = [OpenApiJsonRenderer, OpenApiYamlRenderer]
