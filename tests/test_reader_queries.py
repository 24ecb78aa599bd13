"""The reader's queries (``articles.delivery.reader``) load the same
stories, photos, bylines and tags as the querysets they come from, in a
fixed number of queries."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.delivery import reader
from articles.models import Article, Correction, Section, StoryImage
from tests.factories import make_article, make_author, make_image, place_photo

pytestmark = pytest.mark.django_db


def field_values(instance):
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
    }


def test_a_story_loads_as_the_story_page_queryset_loads_it():
    photo = make_image(title="Dock at dawn")
    story = make_article(
        headline="Dry dock reopens",
        authors=[make_author("Ana Silva"), make_author("Bo Kim")],
        tags=["shipyards", "navy"],
        lead_image=photo,
        dateline="PORTSMOUTH",
    )
    place_photo(story, make_image(title="Crane"), caption="The new crane.")
    place_photo(story, make_image(title="Hull"), kind=StoryImage.Kind.BODY)
    expected = Article.objects.published().for_story_page().get(pk=story.pk)

    loaded = reader.live_story(story.slug)

    assert field_values(loaded) == field_values(expected)
    assert field_values(loaded.section) == field_values(expected.section)
    assert field_values(loaded.lead_image) == field_values(expected.lead_image)
    assert loaded.lead_image.renditions == expected.lead_image.renditions
    assert [a.name for a in loaded.ordered_authors] == ["Ana Silva", "Bo Kim"]
    assert loaded.tag_list == expected.tag_list
    assert [
        (p.kind, p.image.title, p.caption_text) for p in loaded.image_placements
    ] == [(p.kind, p.image.title, p.caption_text) for p in expected.image_placements]


def test_each_call_reads_its_own_story():
    first = make_article(headline="Radar contract signed")
    second = make_article(headline="Corvette launched", lead_image=None)

    assert reader.live_story(first.slug).headline == "Radar contract signed"
    assert reader.live_story(second.slug).headline == "Corvette launched"
    assert reader.live_story(second.slug).lead_image is None
    assert reader.live_story("no-such-story") is None


def test_a_scheduled_story_appears_when_its_time_comes_and_goes_at_expiry(
    machine_clock,
):
    """The clock is read on every call, never kept from an earlier one."""
    now = timezone.now()
    story = make_article(
        headline="Budget vote",
        publish_at=now + timedelta(hours=1),
        expire_at=now + timedelta(hours=3),
    )

    assert reader.live_story(story.slug) is None
    with time_machine.travel(now + timedelta(hours=2)):
        assert reader.live_story(story.slug).headline == "Budget vote"
    with time_machine.travel(now + timedelta(hours=4)):
        assert reader.live_story(story.slug) is None


def test_drafts_and_withdrawn_stories_are_not_read():
    draft = make_article(status=Article.Status.DRAFT)
    assert reader.live_story(draft.slug) is None


def test_related_stories_match_the_queryset_for_any_number_of_tags():
    """A story with two tags and one with three each rank as ``related_to``
    does."""
    make_article(headline="Radar and sonar", tags=["radar", "sonar", "navy"])
    make_article(headline="Radar only", tags=["radar"])
    make_article(headline="Navy only", tags=["navy"])
    make_article(headline="Draft radar", tags=["radar"], status=Article.Status.DRAFT)
    two = reader.live_story(make_article(tags=["radar", "sonar"]).slug)
    three = reader.live_story(make_article(tags=["radar", "sonar", "navy"]).slug)

    for story in (two, three):
        tag_ids = [tag.pk for tag in story.tag_list]
        expected = list(Article.objects.related_to(story.pk, tag_ids))
        cards = reader.related_stories(story)
        assert cards == expected
        assert all(card.ordered_authors for card in cards)
    assert [card.headline for card in reader.related_stories(three)][:1] == [
        "Radar and sonar"
    ]
    untagged = reader.live_story(make_article().slug)
    assert reader.related_stories(untagged) == []


def test_the_story_page_reads_every_byline_in_one_query():
    """The story's bylines and its related cards' come from one query, each
    story with its own authors in byline order."""
    ana, bo, cy = make_author("Ana Silva"), make_author("Bo Kim"), make_author("Cy Ode")
    make_article(headline="Older radar story", authors=[cy], tags=["radar"])
    story = make_article(headline="Radar deal", authors=[bo, ana], tags=["radar"])
    Correction.objects.create(article=story, note="A date was wrong.")

    with CaptureQueriesContext(connection) as queries:
        page = reader.story_page(story.slug)
    byline_queries = [q for q in queries if '"articles_byline"' in q["sql"]]

    assert len(byline_queries) == 1
    assert [a.name for a in page.story.ordered_authors] == ["Bo Kim", "Ana Silva"]
    assert [
        (c.headline, [a.name for a in c.ordered_authors]) for c in page.related
    ] == [("Older radar story", ["Cy Ode"])]
    assert [c.note for c in page.corrections] == ["A date was wrong."]
    assert reader.story_page("no-such-story") is None


def test_a_story_without_placed_photos_or_corrections_asks_nothing_of_them():
    """The story's own query says whether it has photos placed in its body
    or gallery and corrections; only then are they read."""
    plain = make_article(headline="Plain story", tags=["radar"])
    full = make_article(headline="Full story", tags=["radar"])
    place_photo(full, make_image(title="Crane"), caption="The new crane.")
    Correction.objects.create(article=full, note="A name was misspelt.")

    def story_page_queries(story):
        with CaptureQueriesContext(connection) as queries:
            page = reader.story_page(story.slug)
        return page, len(queries)

    plain_page, plain_queries = story_page_queries(plain)
    full_page, full_queries = story_page_queries(full)

    assert full_queries == plain_queries + 2
    assert plain_page.story.image_placements == [] and plain_page.corrections == []
    assert [p.caption_text for p in full_page.story.image_placements] == [
        "The new crane."
    ]
    assert [c.note for c in full_page.corrections] == ["A name was misspelt."]


def test_corrections_come_oldest_first():
    story = make_article()
    Correction.objects.create(article=story, note="The first.")
    Correction.objects.create(article=story, note="The second.")
    loaded = reader.live_story(story.slug)
    assert [c.note for c in reader.corrections(loaded)] == ["The first.", "The second."]


def test_the_story_page_renders_what_it_loaded(client):
    photo = make_image(title="Harbour", caption="Library caption")
    story = make_article(
        headline="Patrol boats delivered",
        lead_image=photo,
        tags=["patrol boats"],
        lead_image_caption="Two boats at the quay.",
    )
    make_article(headline="More patrol boats", tags=["patrol boats"])
    Correction.objects.create(article=story, note="The quay was misnamed.")

    page = client.get(story.get_absolute_url()).content.decode()

    assert "Patrol boats delivered" in page
    assert "Two boats at the quay." in page
    assert "More patrol boats" in page
    assert "The quay was misnamed." in page


def card_headlines(cards):
    return [card.headline for card in cards]


def test_listings_count_and_page_as_their_querysets_do():
    naval = Section.objects.create(name="Naval desk", slug="naval-desk")
    writer = make_author("Ines Duarte")
    now = timezone.now()
    for index in range(7):
        make_article(
            headline=f"Naval {index}",
            section=naval,
            authors=[writer],
            tags=["fleet"],
            publish_at=now - timedelta(minutes=index + 1),
        )
    make_article(
        headline="Draft naval",
        section=naval,
        tags=["fleet"],
        status=Article.Status.DRAFT,
    )
    make_article(headline="Elsewhere", tags=["other"])
    fleet = reader.tag("fleet")
    live = Article.objects.published().for_listing().newest_first()
    cases = [
        (reader.LiveStories(), live),
        (reader.LiveStories("section", naval.pk), live.in_section(naval)),
        (reader.LiveStories("tag", fleet.pk), live.tagged(fleet)),
        (reader.LiveStories("author", writer.pk), live.by_author(writer)),
    ]
    for stories, queryset in cases:
        assert stories.count() == queryset.count() == len(stories)
        for bounds in (slice(0, 3), slice(3, 6), slice(6, 9)):
            page = stories[bounds]
            assert card_headlines(page) == card_headlines(queryset[bounds])
            assert all(card.ordered_authors for card in page)
    assert card_headlines(reader.LiveStories("tag", fleet.pk)[0:2]) == [
        "Naval 0",
        "Naval 1",
    ]
    assert reader.author(writer.slug).name == "Ines Duarte"
    assert reader.tag("no-such-tag") is None
    assert reader.author("no-such-author") is None
    with pytest.raises(TypeError, match="by a slice"):
        reader.LiveStories()[0]


def test_a_listing_shows_a_scheduled_story_once_its_time_comes(machine_clock):
    now = timezone.now()
    make_article(headline="Due at noon", publish_at=now + timedelta(hours=1))
    assert "Due at noon" not in card_headlines(reader.LiveStories()[0:5])
    with time_machine.travel(now + timedelta(hours=2)):
        assert card_headlines(reader.LiveStories()[0:1]) == ["Due at noon"]


def test_section_blocks_hold_each_sections_newest_live_stories():
    desks = [Section.objects.create(name=f"Desk {n}", slug=f"desk-{n}") for n in "abc"]
    now = timezone.now()
    for index in range(5):
        make_article(
            headline=f"A{index}",
            section=desks[0],
            publish_at=now - timedelta(minutes=index + 1),
        )
    make_article(headline="B0", section=desks[1])
    make_article(headline="B draft", section=desks[1], status=Article.Status.DRAFT)

    blocks = reader.section_blocks(desks, 4)

    assert [(section.name, card_headlines(cards)) for section, cards in blocks] == [
        ("Desk a", ["A0", "A1", "A2", "A3"]),
        ("Desk b", ["B0"]),
    ]
