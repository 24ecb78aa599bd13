"""The reader site. Every view starts from ``Article.objects.published()``."""

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.encoding import escape_uri_path
from django.views.generic import (
    DayArchiveView,
    DetailView,
    ListView,
    MonthArchiveView,
    TemplateView,
    YearArchiveView,
)
from taggit.models import Tag

from .models import Article, Author, Section

PAGE_SIZE = 20
HOME_LATEST = 12
HOME_PER_SECTION = 4


class PublishedStoriesMixin:
    """Live stories with everything a story card renders, newest first."""

    def get_queryset(self):
        return Article.objects.published().for_listing().newest_first()


class SafePaginationMixin:
    """A page number that is not a positive integer in range is a 404, never a 500."""

    paginate_by = PAGE_SIZE
    paginate_orphans = 0

    def paginate_queryset(self, queryset, page_size):
        page = self.request.GET.get("page", "1")
        if not (page.isascii() and page.isdigit()) or len(page) > 6:
            raise Http404("No such page.")
        return super().paginate_queryset(queryset, page_size)


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        live = Article.objects.published().for_listing().newest_first()
        latest = list(live[: HOME_LATEST + 1])
        sections = list(Section.objects.all())
        context.update(
            lead=latest[0] if latest else None,
            latest=latest[1:],
            section_blocks=self.section_blocks(sections, live),
        )
        return context

    @staticmethod
    def section_blocks(sections, live):
        """The newest few stories of each section, in one query for all sections."""
        newest_in_section = Window(
            RowNumber(),
            partition_by=F("section_id"),
            order_by=[F("publish_at").desc(), F("pk").desc()],
        )
        stories = live.annotate(rank=newest_in_section).filter(
            rank__lte=HOME_PER_SECTION
        )
        by_section = {section.pk: [] for section in sections}
        for story in stories:
            by_section[story.section_id].append(story)
        return [
            (section, by_section[section.pk])
            for section in sections
            if by_section[section.pk]
        ]


class StoryView(DetailView):
    template_name = "articles/story.html"
    context_object_name = "story"

    def get_queryset(self):
        return Article.objects.published().for_story_page()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        canonical = self.object.get_absolute_url()
        if escape_uri_path(request.path) != canonical:
            return redirect(canonical, permanent=True)
        context = self.get_context_data(object=self.object)
        return self.render_to_response(context)

    def get_object(self, queryset=None):
        queryset = queryset if queryset is not None else self.get_queryset()
        return get_object_or_404(queryset, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["related"] = Article.objects.for_listing().related_to(self.object)
        return context


class SectionView(SafePaginationMixin, PublishedStoriesMixin, ListView):
    template_name = "articles/section.html"
    context_object_name = "stories"

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return super().get_queryset().in_section(self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class TagView(SafePaginationMixin, PublishedStoriesMixin, ListView):
    template_name = "articles/tag.html"
    context_object_name = "stories"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().tagged(self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class AuthorView(SafePaginationMixin, PublishedStoriesMixin, ListView):
    template_name = "articles/author.html"
    context_object_name = "stories"

    def get_queryset(self):
        self.author = get_object_or_404(
            Author.objects.select_related("photo"), slug=self.kwargs["slug"]
        )
        return super().get_queryset().by_author(self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class ArchiveMixin(SafePaginationMixin, PublishedStoriesMixin):
    date_field = "publish_at"
    allow_empty = True
    allow_future = False
    make_object_list = True
    month_format = "%m"
    context_object_name = "stories"
    template_name = "articles/archive.html"


class YearArchive(ArchiveMixin, YearArchiveView):
    pass


class MonthArchive(ArchiveMixin, MonthArchiveView):
    pass


class DayArchive(ArchiveMixin, DayArchiveView):
    pass
