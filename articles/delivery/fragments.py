"""Story cards cached by what they show ("Russian doll" caching).

A listing re-rendered after a change mostly shows cards that did not
change. Each card's HTML is kept in the page cache under the story and the
card's layout, with the dependency keys it shows (the story, its section's
name, its authors and its lead photo) and the change it was rendered after;
a listing fetches all its cards in one round trip and renders only those a
later change touched, or never rendered. Cards are cached only while a page
is being rendered for the page cache, whose render state they share.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings

from articles.delivery import cache, dependencies
from articles.models import Article

logger = logging.getLogger(__name__)

# The layout of a stored card is part of its key, as for pages.
CARD_KEY = "newsroom:card:1:%s:%s"


def card_key(story: Article, layout: str) -> str:
    return CARD_KEY % (story.pk, layout)


def cards_html(
    stories: list[Article], layout: str, render: Callable[[Article], str]
) -> list[str]:
    """Each story's card, from the cache where no change touched it since,
    rendered by ``render`` (and kept) otherwise."""
    state = dependencies.render_state()
    if state is None or not stories or not cache.outage.cache_usable():
        return [render(story) for story in stories]
    store = cache.page_cache()
    keys = [card_key(story, layout) for story in stories]
    try:
        found = store.get_many(keys)
    except Exception as error:
        cache.outage.begin(error)
        return [render(story) for story in stories]
    cards, fresh = [], {}
    for story, key in zip(stories, keys, strict=True):
        html = usable_card(found.get(key), state)
        if html is None:
            html = render(story)
            fresh[key] = (state, tuple(dependencies.card_keys(story)), html)
        cards.append(html)
    if fresh:
        try:
            store.set_many(fresh, timeout=settings.NEWSROOM_PAGE_CACHE_SECONDS)
        except Exception as error:
            cache.outage.begin(error)
    return cards


def usable_card(stored, state) -> str | None:
    """The stored card's HTML if it was rendered in this epoch and no change
    since touched what it shows."""
    if stored is None:
        return None
    rendered_in, shown, html = stored
    if rendered_in.epoch != state.epoch or cache.change_log.stale(
        shown, rendered_in.known
    ):
        return None
    return html
