"""The content model: slugs, validation messages, text cleaning, byline order."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms import modelform_factory
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db


def test_slug_is_generated_from_the_headline():
    story = make_article(headline="Navy orders four more frigates")
    assert story.slug == "navy-orders-four-more-frigates"


def test_same_headline_gets_a_distinct_slug():
    first = make_article(headline="Radar upgrade approved")
    second = make_article(headline="Radar upgrade approved")
    assert first.slug != second.slug
    assert second.slug == "radar-upgrade-approved-2"


@pytest.mark.parametrize("headline", ["🚀🛰️🚀", "!!! ??? …", "«»—–"])
def test_headline_without_sluggable_characters_still_gets_a_working_url(
    client, headline
):
    story = make_article(headline=headline)
    assert story.slug.startswith("story")
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200


def test_cjk_headline_keeps_its_letters_in_the_url(client):
    story = make_article(headline="海军新护卫舰下水")
    assert story.slug == "海军新护卫舰下水"
    assert client.get(story.get_absolute_url()).status_code == 200


def test_headlines_differing_only_by_accent_or_case_get_distinct_slugs():
    slugs = {
        make_article(headline=text).slug
        for text in ["Café talks", "Cafe talks", "CAFE talks"]
    }
    assert len(slugs) == 3


def test_long_headline_slug_fits_the_field():
    story = make_article(headline="Long " * 39)
    assert len(story.slug) <= Article._meta.get_field("slug").max_length


def test_slug_cannot_change_once_published():
    story = make_article(headline="Brigade moves north")
    story.slug = "something-else"
    with pytest.raises(ValidationError) as error:
        story.full_clean()
    assert error.value.error_dict["slug"][0].code == "slug_locked"


def test_draft_slug_may_change():
    story = make_article(status=Article.Status.DRAFT, headline="Working title")
    story.slug = "final-title"
    story.full_clean()


def test_every_missing_required_field_gets_a_message():
    form_class = modelform_factory(
        Article, fields=["headline", "standfirst", "body", "section"]
    )
    form = form_class(data={})
    assert not form.is_valid()
    assert set(form.errors) == {"headline", "standfirst", "section"}
    assert all(messages for messages in form.errors.values())


def test_over_long_headline_is_a_form_error_naming_the_limit():
    form_class = modelform_factory(Article, fields=["headline"])
    form = form_class(data={"headline": "x" * 201})
    assert not form.is_valid()
    assert "200" in form.errors["headline"][0]


def test_nul_in_a_field_is_a_form_error():
    form_class = modelform_factory(Article, fields=["headline"])
    form = form_class(data={"headline": "Null\x00byte"})
    assert not form.is_valid()
    assert "headline" in form.errors


def test_expiry_before_publish_is_refused_with_a_message():
    now = timezone.now()
    story = make_article(publish_at=now)
    story.expire_at = now - timedelta(hours=1)
    with pytest.raises(ValidationError) as error:
        story.full_clean()
    assert error.value.error_dict["expire_at"][0].code == "expiry_before_publish"


def test_control_and_bidi_characters_are_stripped_on_save():
    story = make_article(
        headline="Fleet\x0bexercise \u202eends\u202c",
        standfirst="Line one\x1b\r\nLine two",
        dateline="Ky\u200biv",
    )
    story.refresh_from_db()
    assert story.headline == "Fleetexercise ends"
    assert story.standfirst == "Line one\nLine two"
    assert story.dateline == "Kyiv"


def test_text_is_nfc_normalised():
    story = make_article(headline="Cafe\u0301 summit")
    assert story.headline == "Café summit"


def test_bylines_keep_their_order():
    first, second = make_author("Zoë Adler"), make_author("Abel Brandt")
    story = make_article(authors=[first, second])
    assert [author.name for author in story.ordered_authors] == [
        "Zoë Adler",
        "Abel Brandt",
    ]


def test_wire_agency_byline_needs_no_user_account():
    agency = make_author("Continental Press Agency", is_agency=True)
    assert agency.user is None
    story = make_article(authors=[agency])
    assert story.ordered_authors == [agency]


def test_every_model_has_a_public_url():
    section = make_section("Naval")
    author = make_author("Ines Varga")
    story = make_article(section=section, authors=[author], tags=["frigates"])
    assert section.get_absolute_url() == reverse("articles:section", args=["naval"])
    assert author.get_absolute_url() == "/author/ines-varga/"
    local = timezone.localtime(story.publish_at)
    assert story.get_absolute_url() == (
        f"/naval/{local:%Y}/{local:%m}/{local:%d}/{story.slug}/"
    )


def test_approved_story_needs_a_publish_time_at_database_level():
    story = make_article(status=Article.Status.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=story.pk).update(live_revision=story.latest_revision)
