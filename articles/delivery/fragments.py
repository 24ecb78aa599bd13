"""Story cards cached by what they show ("Russian doll" caching).

A listing re-rendered after a change mostly shows cards that did not
change. Each card's HTML is kept in the page cache under the story and the
card's layout, with the dependency keys it shows (the story, its section's
name, its authors and its lead photo) and the change it was rendered after;
a listing fetches all its cards in one round trip and renders only those a
later change touched, or never rendered, reading bylines for those alone.
Cards rendered for a page-cache miss share its render state; others read it
(``cache.current_state``). ``NEWSROOM_FRAGMENT_CACHE_SECONDS`` (0: off) is
how long a card is kept.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from articles.delivery import cache, dependencies, reader
from articles.models import Article

# The layout of a stored card is part of its key, as for pages.
CARD_KEY = "newsroom:card:1:%s:%s"


def card_key(story: Article, layout: str) -> str:
    return CARD_KEY % (story.pk, layout)


def cards_html(
    stories: list[Article], layout: str, render: Callable[[Article], str]
) -> list[str]:
    """Each story's card, from the cache where no change touched it since,
    rendered by ``render`` (and kept) otherwise. The page being rendered is
    told what each card shows; bylines are read, in one query, only for the
    cards rendered."""
    found, state = cached_cards(stories, layout)
    missing = [story for story in stories if story.pk not in found]
    reader.attach_bylines(
        [story for story in missing if not hasattr(story, "prefetched_bylines")]
    )
    fresh = {}
    for story in missing:
        shown = dependencies.card_keys(story)
        dependencies.shows(*shown)
        found[story.pk] = render(story)
        fresh[card_key(story, layout)] = (state, tuple(shown), found[story.pk])
    if fresh and state is not None:
        try:
            cache.page_cache().set_many(
                fresh, timeout=settings.NEWSROOM_FRAGMENT_CACHE_SECONDS
            )
        except Exception as error:
            cache.outage.begin(error)
    return [found[story.pk] for story in stories]


def cached_cards(stories: list[Article], layout: str) -> tuple[dict, object]:
    """The stored cards still usable, by story id (their keys told to the
    page being rendered), and the render state new cards are kept under
    (None when nothing may be kept: no fragment cache, or a cache outage)."""
    if not (stories and settings.NEWSROOM_FRAGMENT_CACHE_SECONDS):
        return {}, None
    if not cache.outage.cache_usable():
        return {}, None
    try:
        state = dependencies.render_state() or cache.current_state()
        stored = cache.page_cache().get_many(
            [card_key(story, layout) for story in stories]
        )
    except Exception as error:
        cache.outage.begin(error)
        return {}, None
    found = {}
    for story in stories:
        html = usable_card(stored.get(card_key(story, layout)), state)
        if html is not None:
            found[story.pk] = html
    return found, state


def usable_card(stored, state) -> str | None:
    """The stored card's HTML if it was rendered in this epoch and no change
    since touched what it shows (then the page being rendered shows it too)."""
    if stored is None:
        return None
    rendered_in, shown, html = stored
    if rendered_in.epoch != state.epoch or cache.change_log.stale(
        shown, rendered_in.known
    ):
        return None
    dependencies.shows(*shown)
    return html
