"""A change stales exactly the cached pages showing what changed: the rest of
the site stays cached, and a CDN in front is told the same keys."""

from contextlib import contextmanager

import pytest
from django.test.signals import template_rendered

from articles.delivery import cache
from articles.models import Article, Change
from articles.templatetags.newsroom import CARD_TEMPLATE
from tests.factories import make_article, make_author, make_image, make_section

Status = Article.Status
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

purged: list[list[str]] = []


def remember_purge(keys: list[str]) -> None:
    """A CDN purge hook, as a deployment would name in NEWSROOM_CDN_PURGE."""
    purged.append(keys)


@pytest.fixture
def newsroom():
    """Two sections, each with a story by its own author and photo."""
    land, sea = make_section("Land", slug="land"), make_section("Sea", slug="sea")
    tank = make_article(
        headline="Tank order signed",
        section=land,
        authors=[make_author("Ada Field")],
        tags=["armour"],
        lead_image=make_image(caption="A tank on the range", credit="Army"),
    )
    frigate = make_article(
        headline="Frigate launched",
        section=sea,
        authors=[make_author("Bo Harbour")],
        tags=["ships"],
    )
    return {"land": land, "sea": sea, "tank": tank, "frigate": frigate}


def cached(client, *urls):
    """Request each page until it is cached."""
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Cache"] == "hit", url


def cache_states(client, *urls) -> dict[str, str]:
    return {url: client.get(url)["X-Cache"] for url in urls}


def test_an_edit_of_a_story_stales_its_page_and_cards_only(
    client, page_cache, newsroom
):
    tank, frigate = newsroom["tank"], newsroom["frigate"]
    pages = ["/", tank.get_absolute_url(), frigate.get_absolute_url(), "/section/sea/"]
    cached(client, *pages, "/section/land/")
    tank.headline = "Tank order signed, first deliveries in spring"
    tank.save()
    assert cache_states(client, *pages, "/section/land/") == {
        "/": "miss",
        tank.get_absolute_url(): "miss",
        frigate.get_absolute_url(): "hit",
        "/section/sea/": "hit",
        "/section/land/": "miss",
    }
    assert "first deliveries in spring" in client.get("/section/land/").content.decode()


def test_an_approval_stales_the_listings_the_story_joins_and_no_other_page(
    client, page_cache, newsroom, moderator
):
    from tests.test_cache import approve_story

    tank, frigate = newsroom["tank"], newsroom["frigate"]
    draft = make_article(
        headline="Second frigate ordered",
        section=newsroom["sea"],
        status=Status.DRAFT,
        tags=["ships"],
    )
    pages = [
        "/",
        "/section/sea/",
        "/section/land/",
        "/tag/ships/",
        "/tag/armour/",
        tank.get_absolute_url(),
        frigate.get_absolute_url(),
    ]
    cached(client, *pages)
    approve_story(moderator, draft)
    assert cache_states(client, *pages) == {
        "/": "miss",
        "/section/sea/": "miss",
        "/section/land/": "hit",
        "/tag/ships/": "miss",
        "/tag/armour/": "hit",
        tank.get_absolute_url(): "hit",
        # Its related stories are ranked among the stories tagged "ships".
        frigate.get_absolute_url(): "miss",
    }
    assert "Second frigate ordered" in client.get("/section/sea/").content.decode()


def test_a_story_moved_to_another_section_leaves_the_old_listing_too(
    client, page_cache, newsroom
):
    tank = newsroom["tank"]
    cached(client, "/section/land/", "/section/sea/")
    tank.section = newsroom["sea"]
    tank.save()
    assert cache_states(client, "/section/land/", "/section/sea/") == {
        "/section/land/": "miss",
        "/section/sea/": "miss",
    }
    assert "Tank order signed" not in client.get("/section/land/").content.decode()
    assert "Tank order signed" in client.get("/section/sea/").content.decode()


def test_a_photo_caption_stales_the_pages_showing_the_photo(
    client, page_cache, newsroom
):
    tank, frigate = newsroom["tank"], newsroom["frigate"]
    pages = [tank.get_absolute_url(), frigate.get_absolute_url(), "/section/sea/"]
    cached(client, *pages)
    photo = tank.lead_image
    photo.alt_text = "A main battle tank firing on the range"
    photo.save()
    assert cache_states(client, *pages) == {
        tank.get_absolute_url(): "miss",
        frigate.get_absolute_url(): "hit",
        "/section/sea/": "hit",
    }


def test_a_renamed_author_shows_on_every_page_with_their_byline(
    client, page_cache, newsroom
):
    tank, frigate = newsroom["tank"], newsroom["frigate"]
    cached(client, "/", tank.get_absolute_url(), frigate.get_absolute_url())
    author = tank.bylines.get().author
    author.name = "Ada Field-Marsh"
    author.save()
    home = client.get("/")
    assert home["X-Cache"] == "miss" and "Ada Field-Marsh" in home.content.decode()
    assert client.get(tank.get_absolute_url())["X-Cache"] == "miss"
    assert client.get(frigate.get_absolute_url())["X-Cache"] == "hit"


def test_a_renamed_section_stales_every_page_with_the_menu(
    client, page_cache, newsroom
):
    pages = ["/", "/section/sea/", newsroom["frigate"].get_absolute_url()]
    cached(client, *pages)
    sea = newsroom["sea"]
    sea.name = "Naval"
    sea.save()
    for url in pages:
        response = client.get(url)
        assert response["X-Cache"] == "miss" and "Naval" in response.content.decode()


def test_pages_not_tracked_precisely_are_staled_by_every_change(
    client, page_cache, newsroom
):
    """Feeds, search and error pages depend on everything: when unsure,
    invalidate more."""
    pages = ["/feeds/rss/", "/search/?q=frigate", "/no-such-page/"]
    cached(client, *pages)
    photo = make_image(caption="Unused so far")
    photo.caption = "Still unused"
    photo.save()
    assert set(cache_states(client, *pages).values()) == {"miss"}


def test_a_withdrawn_storys_address_answers_404_at_once(
    client, page_cache, newsroom, moderator
):
    from articles.editorial import workflow

    tank = newsroom["tank"]
    cached(client, tank.get_absolute_url(), "/section/land/")
    workflow.withdraw(article=tank, user=moderator, reason="Legal request")
    assert client.get(tank.get_absolute_url()).status_code == 404
    assert "Tank order signed" not in client.get("/section/land/").content.decode()


def test_cached_pages_name_their_keys_for_a_cdn(client, page_cache, newsroom, settings):
    tank = newsroom["tank"]
    assert "Surrogate-Key" not in client.get("/")  # no CDN: no bytes spent on keys
    settings.NEWSROOM_CDN_PURGE = "tests.test_invalidation.remember_purge"
    response = client.get(tank.get_absolute_url())
    keys = set(response["Surrogate-Key"].split())
    assert {
        f"story-{tank.pk}",
        f"photo-{tank.lead_image_id}",
        f"author-{tank.bylines.get().author_id}",
        "menu",
    } <= keys
    assert "site" not in keys
    assert set(response["Cache-Tag"].split(",")) == keys
    hit = client.get(tank.get_absolute_url())
    assert hit["X-Cache"] == "hit" and hit["Surrogate-Key"] == response["Surrogate-Key"]
    assert "site" in client.get("/feeds/rss/")["Surrogate-Key"].split()


def test_the_cdn_purge_hook_gets_the_keys_of_each_change(
    client, page_cache, newsroom, settings
):
    settings.NEWSROOM_CDN_PURGE = "tests.test_invalidation.remember_purge"
    purged.clear()
    tank = newsroom["tank"]
    tank.standfirst = "Deliveries begin next year."
    tank.save()
    cache.finish_purges(timeout=5)
    assert purged == [sorted({"site", f"story-{tank.pk}"})]
    assert Change.objects.last().keys.split() == purged[0]


def test_a_failing_purge_hook_is_logged_and_changes_nothing_else(
    client, page_cache, newsroom, settings, caplog
):
    settings.NEWSROOM_CDN_PURGE = "tests.test_invalidation.refuse_purge"
    cached(client, "/")
    tank = newsroom["tank"]
    tank.headline = "Tank order revised"
    tank.save()
    cache.finish_purges(timeout=5)
    assert "CDN purge of" in caplog.text
    response = client.get("/")
    assert (
        response["X-Cache"] == "miss"
        and "Tank order revised" in response.content.decode()
    )


def refuse_purge(keys: list[str]) -> None:
    raise ConnectionError("the CDN's API is down")


@contextmanager
def cards_rendered():
    """The story cards rendered from the card template meanwhile."""
    rendered = []

    def count(sender, template, context, **kwargs):
        if template.name == CARD_TEMPLATE:
            rendered.append(context["story"].pk)

    template_rendered.connect(count)
    try:
        yield rendered
    finally:
        template_rendered.disconnect(count)


def test_a_listing_re_rendered_after_a_change_renders_only_the_changed_card(
    client, page_cache, newsroom
):
    """Russian doll caching: the cards no change touched come from the
    fragment cache; the changed one is rendered again, and shows the change."""
    tank, frigate = newsroom["tank"], newsroom["frigate"]
    with cards_rendered() as first:
        client.get("/")
    assert {tank.pk, frigate.pk} <= set(first)
    tank.headline = "Tank order doubled"
    tank.save()
    with cards_rendered() as again:
        response = client.get("/")
    assert response["X-Cache"] == "miss"
    assert set(again) == {tank.pk}
    assert "Tank order doubled" in response.content.decode()
    assert "Frigate launched" in response.content.decode()


def test_cards_come_from_the_fragment_cache_with_the_page_cache_off(
    client, page_cache, newsroom, settings
):
    """Every page rendered, as with the page cache off, still renders only
    the cards a change touched."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    with cards_rendered() as first:
        client.get("/")
    with cards_rendered() as again:
        response = client.get("/")
    assert first and again == [] and "X-Cache" not in response
    frigate = newsroom["frigate"]
    frigate.standfirst = "The second of class."
    frigate.save()
    with cards_rendered() as after_change:
        client.get("/section/sea/")
        client.get("/")
    assert set(after_change) == {frigate.pk}


def test_every_card_is_rendered_with_the_fragment_cache_off(client, newsroom, settings):
    settings.NEWSROOM_FRAGMENT_CACHE_SECONDS = 0
    with cards_rendered() as first:
        client.get("/")
    with cards_rendered() as again:
        client.get("/")
    assert first and sorted(again) == sorted(first)


def test_submitting_a_change_to_a_live_story_leaves_its_pages_cached(
    client, page_cache, newsroom, editor
):
    """Readers keep the approved version until a moderator approves the
    change, so saving and submitting it stales none of the story's pages."""
    from articles.editorial import workflow

    tank = newsroom["tank"]
    pages = ["/", tank.get_absolute_url(), "/section/land/"]
    cached(client, *pages)
    tank.headline = "Tank order, proposed new headline"
    workflow.save_story(
        article=tank,
        user=editor,
        authors=[byline.author for byline in tank.bylines.all()],
        tags=["armour"],
        base_revision_id=tank.latest_revision_id,
    )
    workflow.submit(article=Article.objects.get(pk=tank.pk), user=editor)
    assert set(cache_states(client, *pages).values()) == {"hit"}
    assert (
        "proposed new headline"
        not in client.get(tank.get_absolute_url()).content.decode()
    )


def test_a_deleted_story_leaves_its_section_listing_at_once(
    client, page_cache, newsroom, monkeypatch
):
    """Page 1 of the section does not show the deleted story, yet its
    pagination counted it: it must stop offering page 2."""
    from articles.reader import views

    monkeypatch.setattr(views.SafePaginationMixin, "paginate_by", 1)
    make_article(headline="Newer land story", section=newsroom["land"])
    first = client.get("/section/land/")
    assert "page=2" in first.content.decode()
    cached(client, "/section/land/", "/section/sea/")
    newsroom["tank"].delete()
    response = client.get("/section/land/")
    assert response["X-Cache"] == "miss"
    assert "page=2" not in response.content.decode()
    assert client.get("/section/sea/")["X-Cache"] == "hit"
