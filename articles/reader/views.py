"""The reader site. Every view starts from ``Article.objects.published()``."""

import time

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.paginator import Paginator
from django.core.signing import BadSignature, TimestampSigner
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template import loader
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import (
    DayArchiveView,
    ListView,
    MonthArchiveView,
    TemplateView,
    YearArchiveView,
)

from articles import clock
from articles.delivery import dependencies, reader
from articles.delivery.context_processors import menu_sections
from articles.editorial import revisions
from articles.models import Article, Correction, PreviewLink
from articles.models.querysets import live_condition
from articles.search import engine as search
from articles.search import query

PAGE_SIZE = 20
HOME_LATEST = 12
HOME_PER_SECTION = 4


class PreciselyTrackedMixin:
    """A page whose reader queries record everything it shows, so only the
    changes touching those keys stale it (``articles.delivery.dependencies``)."""

    def dispatch(self, request, *args, **kwargs):
        dependencies.precise()
        return super().dispatch(request, *args, **kwargs)


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


class HomeView(PreciselyTrackedMixin, TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lead, latest = reader.newest_with_lead(HOME_LATEST)
        context.update(
            lead=lead,
            latest=latest,
            section_blocks=reader.section_blocks(
                menu_sections(self.request), HOME_PER_SECTION
            ),
        )
        return context


class StoryView(PreciselyTrackedMixin, TemplateView):
    """A live story, read through ``articles.delivery.reader``'s compiled queries: the
    page readers arrive at from search engines and shared links, so the one
    whose cost matters most when it is not cached."""

    template_name = "articles/story.html"

    def get(self, request, *args, **kwargs):
        page = reader.story_page(self.kwargs["slug"])
        if page is None:
            raise Http404("No such story.")
        story = page.story
        canonical = story.get_absolute_url()
        if escape_uri_path(request.path) != canonical:
            return redirect(canonical, permanent=True)
        return self.render_to_response(
            self.get_context_data(
                story=story,
                object=story,
                related=page.related,
                corrections=page.corrections,
            )
        )


class SectionView(PreciselyTrackedMixin, SafePaginationMixin, ListView):
    template_name = "articles/section.html"
    context_object_name = "stories"

    def get_queryset(self):
        slug = self.kwargs["slug"]
        menu = menu_sections(self.request)
        self.section = next((s for s in menu if s.slug == slug), None)
        if self.section is None:
            raise Http404("No such section.")
        return reader.LiveStories("section", self.section.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class TagView(PreciselyTrackedMixin, SafePaginationMixin, ListView):
    template_name = "articles/tag.html"
    context_object_name = "stories"

    def get_queryset(self):
        self.tag = reader.tag(self.kwargs["slug"])
        if self.tag is None:
            raise Http404("No such tag.")
        return reader.LiveStories("tag", self.tag.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class AuthorView(PreciselyTrackedMixin, SafePaginationMixin, ListView):
    template_name = "articles/author.html"
    context_object_name = "stories"

    def get_queryset(self):
        self.author = reader.author(self.kwargs["slug"])
        if self.author is None:
            raise Http404("No such author.")
        return reader.LiveStories("author", self.author.pk)

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


# --- Previews and corrections --------------------------------------------------

SHARE_LINK_SALT = "newsroom.preview-link"


def render_preview(request, article, snapshot, *, banner: str, status=200):
    """The real public story template showing ``snapshot``, never cached or indexed."""
    story = revisions.preview_instance(article, snapshot)
    response = TemplateResponse(
        request,
        "articles/story.html",
        {"story": story, "related": [], "corrections": [], "preview_banner": banner},
        status=status,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    add_never_cache_headers(response)
    return response


def refuse_preview(request, message: str, *, status: int):
    return TemplateResponse(
        request, "articles/preview_refused.html", {"message": message}, status=status
    )


@never_cache
def shared_preview(request, token):
    """A read-only preview for someone without an account, via a signed link.

    Tampered links get 403; expired or revoked links 410, and so do the links
    of a withdrawn or expired story (a withdrawal, often legal, ends every way
    of reading it); an embargoed story shows nothing before its embargo,
    whatever the link. Never cached, so every server answers the same at once.
    """
    try:
        link_id = TimestampSigner(salt=SHARE_LINK_SALT).unsign(token)
        link = PreviewLink.objects.select_related("article__latest_revision").get(
            pk=int(link_id)
        )
    except (BadSignature, ValueError, PreviewLink.DoesNotExist):
        return refuse_preview(request, _("This preview link is not valid."), status=403)
    now = clock.now()
    if link.revoked_at is not None:
        return refuse_preview(
            request, _("This preview link has been revoked."), status=410
        )
    if link.expires_at <= now:
        return refuse_preview(request, _("This preview link has expired."), status=410)
    article = link.article
    if article.status == Article.Status.WITHDRAWN:
        return refuse_preview(request, _("This story has been withdrawn."), status=410)
    snapshot = article.latest_revision.snapshot
    expiry = revisions.parse_time(snapshot.get("expire_at"))
    if article.has_expired(now) or (expiry and expiry <= now):
        return refuse_preview(request, _("This story has expired."), status=410)
    embargo = (
        revisions.parse_time(snapshot.get("embargo_until")) or article.embargo_until
    )
    if embargo and embargo > now:
        return refuse_preview(request, _("This story is under embargo."), status=403)
    return render_preview(
        request, article, snapshot, banner=_("Preview — not published")
    )


class CorrectionsView(SafePaginationMixin, ListView):
    """Every public correction, newest first: a transparency page."""

    template_name = "articles/corrections.html"
    context_object_name = "corrections"

    def get_queryset(self):
        # Joined to the live stories, not "IN (every live story)", which
        # SQLite lists in full before counting: 3 ms at 10 000 stories.
        return (
            Correction.objects.filter(live_condition(through="article"))
            .select_related("article__section")
            .order_by("-created_at", "-pk")
        )


# --- Search -----------------------------------------------------------------------


class CountedPaginator(Paginator):
    """A paginator told how many items there are, so it never counts them."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count


class SearchView(SafePaginationMixin, ListView):
    """Reader search over live stories; see ``articles.search.engine``.

    Unknown filter values are ignored (dates with a message), so any query
    string gets a page, never an error.
    """

    template_name = "articles/search.html"
    context_object_name = "stories"

    def get_queryset(self):
        self.sections = menu_sections(self.request)
        self.filters = query.read_filters(self.request.GET, self.sections)
        self.results = search.search(
            self.filters.query,
            section=self.filters.section,
            date_from=self.filters.date_from,
            date_to=self.filters.date_to,
        )
        return self.results.stories

    def get_paginator(self, queryset, per_page, **kwargs):
        if self.results.count is None:
            return super().get_paginator(queryset, per_page, **kwargs)
        return CountedPaginator(queryset, per_page, count=self.results.count, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            filters=self.filters,
            sections=self.sections,
            results=self.results,
            hits=self.results.highlight(context["stories"]),
        )
        return context


# --- Refused requests -------------------------------------------------------------

# An oversized form is read to its end (within these bounds) before the 400
# page is sent: a server closing a connection with unread data resets it,
# and the browser shows a dropped connection instead of the page.
DRAIN_MAX_BYTES = 256 * 1024 * 1024
DRAIN_SECONDS = 1.5
DRAIN_CHUNK = 256 * 1024


def drain_request_body(request) -> None:
    """Read and drop what is left of the request's body, within the bounds above."""
    deadline = time.monotonic() + DRAIN_SECONDS
    drained = 0
    while drained < DRAIN_MAX_BYTES and time.monotonic() < deadline:
        try:
            chunk = request.read(DRAIN_CHUNK)
        except OSError:  # the client went away
            return
        if not chunk:
            return
        drained += len(chunk)


def bad_request(request, exception):
    """The 400 page, telling an editor that nothing was saved and why."""
    if isinstance(exception, RequestDataTooBig):
        drain_request_body(request)
    context = {"body_limit": filesizeformat(settings.NEWSROOM_BODY_MAX_BYTES)}
    content = loader.render_to_string("400.html", context)
    return HttpResponseBadRequest(content)
