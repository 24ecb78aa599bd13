"""A cached site is the uncached site: after any sequence of changes an editor
or moderator makes, every reader page served with the page cache on is byte
for byte the page rendered without any cache.

The changes are made the way the product makes them: story edits, moves,
retagging, new bylines, corrections, approvals, withdrawals, republications
and changes left waiting in review or sent back, through
``articles.editorial.workflow`` (an editor saves and submits, a moderator
approves); renames of sections, tags and authors and a photo's caption,
credit and alt text by saving the row, as the admin's change forms do. The
pages are read over HTTP as an anonymous reader: home, sections, tags and
authors (first and second pages), stories (live, withdrawn, not yet
approved, and at addresses a story has left), feeds, sitemaps, search,
corrections, the archive and the JSON API. Every page read is read again
after each later change, so each change meets every page the cache may be
holding. Nothing here looks inside the cache, so the test holds for any way
of invalidating it.

Runs are derandomized, so CI sees the same examples every time;
``NEWSROOM_HYPOTHESIS_EXAMPLES`` raises the count for a longer local search.
"""

import difflib
import os
import re
from collections import Counter
from datetime import timedelta
from typing import NamedTuple

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import Phase, example, given, note
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from taggit.models import Tag

from articles.editorial import revisions, workflow
from articles.models import Article, Author, Image, Section
from articles.reader import views
from tests.factories import make_article, make_author, make_image, make_section

Status = Article.Status

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Each example makes a few changes and reads some thirty pages, each with the
# cache and without: a second or two of work.
EXAMPLES = int(os.environ.get("NEWSROOM_HYPOTHESIS_EXAMPLES", "12"))

# Words that headlines, captions, names and searches are made of, so that a
# search can find (or stop finding) what a change wrote.
WORDS = ("Frigate", "Harbour", "Radar", "Convoy", "Drone")
TAG_NAMES = ("navy", "arctic", "procurement", "cyber", "logistics")
FIELDS = ("headline", "standfirst", "body")
PHOTO_FIELDS = ("caption", "credit", "alt_text")

# Rendered with no cache at all: the page cache and the cards' fragment
# cache off, and any other use of the cache finding nothing.
NO_CACHE = {
    "NEWSROOM_PAGE_CACHE_SECONDS": 0,
    "NEWSROOM_FRAGMENT_CACHE_SECONDS": 0,
    "CACHES": {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}},
}


# --- Steps: a reader's request, or an editor's or moderator's change ----------
# Indexes choose among the objects there are when the step runs (modulo their
# number), so every drawn sequence can be replayed whatever came before.


class Read(NamedTuple):
    """A reader opens a page of ``surface`` (a key of ``addresses()``)."""

    surface: str
    index: int


class Edit(NamedTuple):
    story: int
    field: str
    word: str


class Propose(NamedTuple):
    """An editor submits an edit to a live story, which a moderator leaves
    waiting or sends back: readers keep the approved version meanwhile."""

    story: int
    field: str
    word: str
    sent_back: bool


class Publish(NamedTuple):
    """Approve a waiting draft, or a new story once none is left."""

    section: int
    tags: tuple[str, ...]
    authors: tuple[int, ...]
    word: str


class Withdraw(NamedTuple):
    story: int


class Republish(NamedTuple):
    """A withdrawn story returned to draft and approved again."""

    story: int


class Move(NamedTuple):
    story: int
    section: int


class Retag(NamedTuple):
    """Add the tag to a live story, or take it off if the story has it."""

    story: int
    tag: str


class RenameSection(NamedTuple):
    section: int
    word: str


class RenameTag(NamedTuple):
    tag: int
    word: str


class RenameAuthor(NamedTuple):
    author: int
    word: str


class Recaption(NamedTuple):
    """Rewrite a library photo's caption, credit or alt text."""

    photo: int
    field: str
    word: str


class Correct(NamedTuple):
    """An edit to a live story approved with a public correction note."""

    story: int
    word: str


class Rebyline(NamedTuple):
    """Give a live story new bylines."""

    story: int
    authors: tuple[int, ...]


SURFACES = (
    "home",
    "section",
    "section feed",
    "tag",
    "author",
    "story",
    "feed",
    "sitemap",
    "search",
    "api",
    "api story",
    "corrections",
    "archive",
)

index = st.integers(min_value=0, max_value=7)
word = st.sampled_from(WORDS)
byline_choices = st.lists(index, min_size=1, max_size=2, unique=True).map(tuple)
reads = st.builds(Read, st.sampled_from(SURFACES), index)
CHANGES = (
    st.builds(Edit, index, st.sampled_from(FIELDS), word),
    st.builds(Propose, index, st.sampled_from(FIELDS), word, st.booleans()),
    st.builds(
        Publish,
        index,
        st.lists(st.sampled_from(TAG_NAMES), max_size=2, unique=True).map(tuple),
        byline_choices,
        word,
    ),
    st.builds(Withdraw, index),
    st.builds(Republish, index),
    st.builds(Move, index, index),
    st.builds(Retag, index, st.sampled_from(TAG_NAMES)),
    st.builds(RenameSection, index, word),
    st.builds(RenameTag, index, word),
    st.builds(RenameAuthor, index, word),
    st.builds(Recaption, index, st.sampled_from(PHOTO_FIELDS), word),
    st.builds(Correct, index, word),
    st.builds(Rebyline, index, byline_choices),
)


@st.composite
def sequences(draw) -> list:
    """A few pages read, then four to seven kinds of change, each once, in
    any order, with a page read before some. Kinds are drawn by position in
    a permutation rather than by chance, so that none goes missing from a
    short run."""
    kinds = draw(st.permutations(CHANGES))[: draw(st.integers(4, 7))]
    steps = draw(st.lists(reads, min_size=2, max_size=5))
    for change in kinds:
        steps.extend(draw(st.lists(reads, max_size=1)))
        steps.append(draw(change))
    return steps


# --- The newsroom ---------------------------------------------------------------


class Desk(NamedTuple):
    """The people and library that outlive an example: photos are slow to make."""

    editor: User
    moderator: User
    photos: list[Image]


@pytest.fixture
def short_pages(monkeypatch):
    """Listings of two stories a page, so that the small newsroom has second
    pages, and stories cross from one page to the next as they change."""
    monkeypatch.setattr(views.SafePaginationMixin, "paginate_by", 2)


@pytest.fixture
def desk(page_cache, short_pages, editor, moderator):
    """An editor, a moderator and three library photos, with the caches on."""
    photos = [make_image(title=f"Library photo {number}") for number in range(3)]
    return Desk(editor, moderator, photos)


def open_newsroom(desk: Desk) -> None:
    """The same small newsroom at the start of every example, read from an
    empty cache: three sections, three authors, three photos (one the lead of
    two stories), five live stories (three in Naval, so that its listing has
    a second page), two drafts waiting."""
    Article.objects.all().delete()
    for model in (Section, Author, Tag):
        model.objects.all().delete()
    for number, photo in enumerate(desk.photos):
        photo.caption = f"Library caption {number}"
        photo.credit = f"Navy Press Office {number}"
        photo.alt_text = f"A grey ship, photo {number}"
        photo.save()
    caches["default"].clear()
    sections = [make_section(name) for name in ("Naval", "Land", "Air")]
    authors = [make_author(name) for name in ("Ada Byline", "Ben Dateline", "Cy Desk")]
    now = timezone.now()
    stories = [
        # section, authors, tags, lead photo, live
        (0, [0], ["navy", "arctic"], 0, True),
        (0, [1], ["navy"], 1, True),
        (1, [0, 2], ["procurement"], 0, True),
        (0, [2], [], None, True),
        (2, [1], ["arctic", "cyber"], 2, True),
        (2, [0], ["navy"], None, False),
        (1, [2], [], 1, False),
    ]
    for number, (section, bylines, tags, photo, live) in enumerate(stories):
        make_article(
            headline=f"{WORDS[number % len(WORDS)]} story {number}",
            standfirst=f"What happened to the {WORDS[(number + 1) % len(WORDS)]}.",
            section=sections[section],
            authors=[authors[author] for author in bylines],
            tags=tags,
            lead_image=None if photo is None else desk.photos[photo],
            status=Status.PUBLISHED if live else Status.DRAFT,
            publish_at=now - timedelta(hours=number + 1) if live else None,
        )


def stories(*statuses) -> list[Article]:
    found = Article.objects.order_by("pk")
    return list(found.filter(status__in=statuses) if statuses else found)


def pick(items: list, number: int):
    return items[number % len(items)] if items else None


def with_second_pages(urls: list[str]) -> list[str]:
    return [page for url in urls for page in (url, f"{url}?page=2")]


def addresses() -> dict[str, list[str]]:
    """Where a reader can go now, by surface (stories' addresses aside)."""
    sections = list(Section.objects.order_by("pk"))
    tags = Tag.objects.order_by("pk").values_list("slug", flat=True)
    return {
        "home": ["/"],
        "section": with_second_pages([s.get_absolute_url() for s in sections]),
        "section feed": [
            reverse(name, kwargs={"slug": section.slug})
            for section in sections
            for name in ("articles:section-feed-rss", "articles:section-feed-atom")
        ],
        "tag": with_second_pages(
            [reverse("articles:tag", kwargs={"slug": slug}) for slug in tags]
        ),
        "author": with_second_pages(
            [author.get_absolute_url() for author in Author.objects.order_by("pk")]
        ),
        "feed": ["/feeds/rss/", "/feeds/atom/"],
        "sitemap": [
            "/sitemap.xml",
            "/sitemap-stories.xml",
            "/sitemap-sections.xml",
            "/sitemap-tags.xml",
            "/sitemap-authors.xml",
            "/news-sitemap.xml",
        ],
        "search": [f"/search/?q={word.lower()}" for word in WORDS],
        "api": [
            "/api/v1/stories/",
            "/api/v1/stories/?page_size=2&page=2",
            "/api/v1/sections/",
            "/api/v1/tags/",
            "/api/v1/authors/",
        ],
        "api story": [f"/api/v1/stories/{story.pk}/" for story in stories()],
        "corrections": ["/corrections/"],
        "archive": with_second_pages([f"/archive/{timezone.localdate().year}/"]),
    }


# --- Changes, made as the product makes them ------------------------------------


def live_stories() -> list[Article]:
    """Stories readers see, a change awaiting review or not."""
    return list(Article.objects.filter(live_revision__isnull=False).order_by("pk"))


def opened(story: Article) -> tuple[Article, list[Author], list[str]]:
    """The story, its authors and its tags' names as its edit form opens
    them: the latest revision, pending changes included."""
    story = Article.objects.get(pk=story.pk)
    if not story.has_pending_changes:
        bylines = story.bylines.order_by("order").select_related("author")
        return story, [byline.author for byline in bylines], list(story.tags.names())
    snapshot = story.latest_revision.snapshot
    revisions.assign_fields(story, snapshot)
    authors = Author.objects.in_bulk([author["id"] for author in snapshot["authors"]])
    return story, [authors[a["id"]] for a in snapshot["authors"]], snapshot["tags"]


def submit_version(story: Article, desk: Desk, *, authors=None, tags=None, **fields):
    """An editor opens ``story``, sets ``fields``, ``authors`` (Author rows)
    or ``tags`` (names), saves it and submits it for review."""
    form_authors, form_tags = [], []
    if story.pk:
        story, form_authors, form_tags = opened(story)
    for field, value in fields.items():
        setattr(story, field, value)
    workflow.save_story(
        article=story,
        user=desk.editor,
        authors=form_authors if authors is None else authors,
        tags=form_tags if tags is None else tags,
        base_revision_id=story.latest_revision_id,
    )
    if story.status == Status.IN_REVIEW:  # an edit made during review stays there
        return story
    return workflow.submit(article=story, user=desk.editor)


def approve_version(story: Article, desk: Desk, *, correction_note="", **changes):
    """``submit_version``, then a moderator approves what was submitted."""
    story = submit_version(story, desk, **changes)
    return workflow.approve(
        article=story,
        user=desk.moderator,
        revision_id=story.latest_revision_id,
        correction_note=correction_note,
    )


def authors_at(numbers: tuple[int, ...]) -> list[Author]:
    everyone = list(Author.objects.order_by("pk"))
    return list(dict.fromkeys(pick(everyone, number) for number in numbers))


def rewritten(field: str, text: str) -> str:
    return f"<p>{text} in the body.</p>" if field == "body" else text


def make_change(step, number: int, desk: Desk) -> None:
    """Make the change ``step`` describes; ``number`` makes what it writes
    new, so that every change shows. A change with nothing to act on (no
    live story left to edit) is skipped."""
    text = f"{getattr(step, 'word', '')} {number}"
    live = live_stories()
    match step:
        case Edit(story, field, _) if live:
            approve_version(pick(live, story), desk, **{field: rewritten(field, text)})
        case Propose(story, field, _, sent_back) if live:
            story = submit_version(
                pick(live, story), desk, **{field: rewritten(field, text)}
            )
            if sent_back:
                workflow.send_back(
                    article=story, user=desk.moderator, comment="Check the figures."
                )
        case Correct(story, _) if live:
            approve_version(
                pick(live, story),
                desk,
                body=f"<p>The {text} was corrected.</p>",
                correction_note=f"An earlier version misnamed the {text}.",
            )
        case Publish(section, tags, authors, _):
            waiting = Article.objects.filter(
                status=Status.DRAFT, live_revision__isnull=True
            ).order_by("pk")
            story = waiting.first() or Article(standfirst="New.", body="<p>New.</p>")
            approve_version(
                story,
                desk,
                headline=f"{text} breaks",
                section=pick(list(Section.objects.order_by("pk")), section),
                tags=list(tags),
                authors=authors_at(authors),
            )
        case Withdraw(story) if live:
            workflow.withdraw(
                article=pick(live, story), user=desk.moderator, reason="Legal advice"
            )
        case Republish(story) if withdrawn := stories(Status.WITHDRAWN):
            story = workflow.redraft(article=pick(withdrawn, story), user=desk.editor)
            approve_version(story, desk)
        case Move(story, section) if live:
            sections = list(Section.objects.order_by("pk"))
            approve_version(pick(live, story), desk, section=pick(sections, section))
        case Retag(story, tag) if live:
            story, _authors, tags = opened(pick(live, story))
            approve_version(story, desk, tags=sorted(set(tags) ^ {tag}))
        case Rebyline(story, authors) if live:
            approve_version(pick(live, story), desk, authors=authors_at(authors))
        case RenameSection(section, _):
            section = pick(list(Section.objects.order_by("pk")), section)
            section.name = f"{text} desk"
            section.save()
        case RenameTag(tag, _) if tags := list(Tag.objects.order_by("pk")):
            tag = pick(tags, tag)
            tag.name = f"{text} topic"
            tag.save()
        case RenameAuthor(author, _):
            author = pick(list(Author.objects.order_by("pk")), author)
            author.name = f"{text} Reporter"
            author.save()
        case Recaption(photo, field, _):
            photo = pick(desk.photos, photo)
            setattr(photo, field, f"{text} {field.replace('_', ' ')}")
            photo.save()


# --- Reading ---------------------------------------------------------------------

FEED_TYPES = ("application/rss+xml", "application/atom+xml")
# A feed is dated by its newest story; Django's syndication framework dates a
# feed without any by the clock at rendering (to the microsecond in Atom), so
# an empty feed rendered at another moment legitimately shows another time.
EMPTY_FEED_DATE = re.compile(rb"<(lastBuildDate|updated)>[^<]*</\1>")


def readable(response) -> tuple:
    """What a reader gets: status, type, where a redirect leads, and the text."""
    content = response.content
    content_type = response.get("Content-Type", "")
    is_feed = content_type.startswith(FEED_TYPES)
    if is_feed and b"<item>" not in content and b"<entry>" not in content:
        content = EMPTY_FEED_DATE.sub(rb"<\1>(no stories)</\1>", content)
    return (
        response.status_code,
        content_type,
        response.get("Location"),
        content.decode(),
    )


def differences(
    url: str, when: str, cached: tuple, uncached: tuple, x_cache: str
) -> str:
    """The cached page against the uncached one, as a short diff."""
    heads = [f"{url}, {when}, from the cache ({x_cache}) is not the uncached page"]
    for name, mine, theirs in zip(
        ("status", "type", "location"), cached[:3], uncached[:3], strict=True
    ):
        if mine != theirs:
            heads.append(f"{name}: cached {mine!r}, uncached {theirs!r}")
    lines = difflib.unified_diff(
        uncached[3].splitlines(),
        cached[3].splitlines(),
        "uncached",
        "cached",
        lineterm="",
        n=1,
    )
    return "\n".join([*heads, *list(lines)[:40]])


def read_both_ways(client, url: str, *, when: str, times: int = 1) -> list[str]:
    """The page ``times`` with the cache on (a second read may be a hit), then
    with no cache: every read must be the same page. Returns how the cache
    answered each."""
    cached = [client.get(url) for _ in range(times)]
    with override_settings(**NO_CACHE):
        uncached = readable(client.get(url))
    answers = [response.get("X-Cache", "uncached") for response in cached]
    for response, x_cache in zip(cached, answers, strict=True):
        page = readable(response)
        assert page == uncached, differences(url, when, page, uncached, x_cache)
    return answers


def replay(client, desk: Desk, steps: list, tally: Counter) -> None:
    """Run ``steps`` on a fresh newsroom. A read opens a page; after every
    change, each page opened so far is read again, so that every change
    meets every page the cache may be holding."""
    open_newsroom(desk)
    # Every address a story has had, and every page read, in order of appearance.
    story_addresses, open_pages = {}, {}
    for number, step in enumerate(steps):
        story_addresses.update(dict.fromkeys(s.get_absolute_url() for s in stories()))
        if isinstance(step, Read):
            surfaces = addresses() | {"story": list(story_addresses)}
            url = pick(surfaces[step.surface], step.index)
            note(f"step {number}: read {url}")
            open_pages[url] = None
            when = f"read at step {number}"
            for answer in read_both_ways(client, url, when=when, times=2):
                tally[answer, "read"] += 1
        else:
            note(f"step {number}: {step}")
            make_change(step, number, desk)
            when = f"read again after step {number}"
            for url in open_pages:
                for answer in read_both_ways(client, url, when=when):
                    tally[answer, "after a change"] += 1


# --- The property -----------------------------------------------------------------


def test_every_cached_page_equals_the_uncached_page_after_any_changes(client, desk):
    """Whatever editors and moderators change, in whatever order, a reader
    never gets a page from the cache that differs from the page rendered
    without it, and the cache did answer pages throughout (so the test
    cannot pass with the cache doing nothing)."""
    tally = Counter()

    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        # Derandomized runs replay themselves: no example database to keep.
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
    )
    @given(steps=sequences())
    # Every kind of change, each meeting pages of every kind cached before
    # it. Stories 0 and 1 get changes waiting (in review, sent back), which
    # later edits carry on from; story 4 joins the navy listing (a second
    # page opens) and story 2 becomes related to story 0 by their tags; Ben's
    # page gains story 0 by its byline; story 2 shares story 0's lead photo.
    @example(
        steps=[
            Read("home", 0),
            Read("story", 0),
            Read("story", 1),
            Read("story", 2),
            Read("section", 0),
            Read("section", 1),
            Read("tag", 0),
            Read("tag", 1),
            Read("author", 0),
            Read("author", 2),
            Read("search", 0),
            Read("feed", 0),
            Read("api", 0),
            Read("api story", 0),
            Propose(0, "headline", "Drone", False),
            Propose(1, "standfirst", "Radar", True),
            Retag(4, "navy"),
            Retag(2, "arctic"),
            Retag(1, "navy"),
            Rebyline(0, (2, 1)),
            RenameSection(0, "Radar"),
            RenameTag(0, "Convoy"),
            RenameAuthor(0, "Drone"),
            Recaption(0, "caption", "Harbour"),
            Recaption(0, "credit", "Harbour"),
            Recaption(0, "alt_text", "Harbour"),
            Edit(0, "headline", "Radar"),
            Edit(1, "standfirst", "Convoy"),
            Edit(2, "body", "Drone"),
            Correct(0, "Convoy"),
        ]
    )
    # A story's life: the pages of a draft (404s) until its approval, a move
    # that leaves an address behind (301) and empties Naval's second page, a
    # withdrawal, a republication.
    @example(
        steps=[
            Read("story", 5),
            Read("api story", 5),
            Read("story", 0),
            Read("section", 1),
            Read("section", 4),
            Read("sitemap", 1),
            Read("corrections", 0),
            Read("archive", 0),
            Read("archive", 1),
            Publish(2, ("logistics",), (1,), "Drone"),
            Read("tag", 8),
            Move(0, 1),
            Read("story", 7),
            Withdraw(0),
            Republish(0),
            Correct(0, "Radar"),
        ]
    )
    def run(steps):
        replay(client, desk, steps, tally)

    run()
    assert tally["hit", "read"] and tally["miss", "after a change"], tally


# --- A scenario ------------------------------------------------------------------


def test_a_photo_edit_in_the_library_shows_at_once_on_every_cached_page(
    client, page_cache
):
    """The home page, the story page and the API hold a story's lead photo
    from the cache; the photo desk rewrites its caption and alt text in the
    library. The next reader of each page sees the new words, not the old."""
    photo = make_image(caption="Old caption", alt_text="Old alt text")
    story = make_article(headline="Frigate leaves harbour", lead_image=photo)
    pages = ["/", story.get_absolute_url(), f"/api/v1/stories/{story.pk}/"]
    for url in pages:
        assert client.get(url)["X-Cache"] == "miss"
        assert client.get(url)["X-Cache"] == "hit"

    photo.caption = "The frigate at dawn"
    photo.alt_text = "A frigate leaving harbour at dawn"
    photo.save()

    home, story_page, api = (client.get(url) for url in pages)
    home, story_page = home.content.decode(), story_page.content.decode()
    assert 'alt="A frigate leaving harbour at dawn"' in home
    assert "Old alt text" not in home
    assert "<figcaption>The frigate at dawn" in story_page
    assert 'alt="A frigate leaving harbour at dawn"' in story_page
    assert "Old caption" not in story_page
    lead_photo = api.json()["lead_image"]
    assert lead_photo["caption"] == "The frigate at dawn"
    assert lead_photo["alt_text"] == "A frigate leaving harbour at dawn"
