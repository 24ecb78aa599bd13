"""What a reader page shows, named by dependency keys.

While a reader page renders, the reader queries say what they put on it
(``shows``): each story by its key, the photos, authors and tags it shows, the
listings whose membership decides which stories appear, and the menu. The
page cache stores the page with those keys, and a change stales exactly the
pages showing a key it touched (``articles.delivery.invalidation`` says which
keys each change touches). The same keys go to a CDN in front as
``Surrogate-Key`` and ``Cache-Tag`` headers.

A page is tracked precisely only if its view says so (``precise``): every
other page (feeds, sitemaps, search, the API, error pages) also depends on
``SITE``, which every change touches. When unsure, invalidate more.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

# Touched by every change: pages not tracked precisely depend on it.
SITE = "site"
# The sections' names and order: the menu and every card's section label.
MENU = "menu"
# Which live stories exist, newest first: the home page's latest stories,
# the archives, and any address a story could take (a story page's 404).
ALL_STORIES = "list-all"


def story(pk: int) -> str:
    """A story's own content: its page and its card wherever it appears."""
    return f"story-{pk}"


def photo(pk: int) -> str:
    return f"photo-{pk}"


def author(pk: int) -> str:
    """An author's name, photo and biography, wherever a byline shows them."""
    return f"author-{pk}"


def tag(pk: int) -> str:
    """A tag's name, on its page and a story's topics."""
    return f"tag-{pk}"


def listing(kind: str, pk: int | None = None) -> str:
    """Which live stories a listing holds, and in what order: ``kind`` is a
    key of ``querysets.LISTINGS`` ("all", "section", "tag", "author")."""
    return ALL_STORIES if kind == "all" else f"list-{kind}-{pk}"


class Shown:
    """The keys a response depends on, as its view and queries record them,
    and the page cache's render state it will be stored under."""

    def __init__(self, state=None) -> None:
        self.keys: set[str] = set()
        self.precise = False
        self.state = state

    def final_keys(self, status_code: int) -> frozenset[str]:
        """The keys to store a response under: ``SITE`` joins them unless the
        view tracked a page it found (a 404 may be answered by any change)."""
        if not (self.precise and status_code in (200, 301)):
            return frozenset(self.keys | {SITE})
        return frozenset(self.keys)


_shown: ContextVar[Shown | None] = ContextVar("newsroom_shown", default=None)


@contextmanager
def recording(state=None):
    """Collect what the response rendered inside shows; ``state`` is the page
    cache's render state, which cached fragments share."""
    shown = Shown(state)
    token = _shown.set(shown)
    try:
        yield shown
    finally:
        _shown.reset(token)


def shows(*keys: str) -> None:
    """The response being rendered shows ``keys`` (no-op outside ``recording``)."""
    shown = _shown.get()
    if shown is not None:
        shown.keys.update(keys)


def render_state():
    """The page cache's render state of the page being rendered, if any."""
    shown = _shown.get()
    return None if shown is None else shown.state


def precise() -> None:
    """The view records everything its page shows: no ``SITE`` key."""
    shown = _shown.get()
    if shown is not None:
        shown.precise = True


def card_keys(story_row) -> list[str]:
    """What a story's card shows: the story, its section's name, its
    authors' names and its lead photo (bylines attached)."""
    keys = [story(story_row.pk), MENU]
    if story_row.lead_image_id is not None:
        keys.append(photo(story_row.lead_image_id))
    keys.extend(author(byline.author_id) for byline in story_row.prefetched_bylines)
    return keys
