"""Reader search: relevant live stories, marked safely, whatever a reader types.

The index is updated after commit, as in production; tests run each change
inside ``committed()`` so those after-commit updates happen.
"""

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.editorial import revisions, workflow
from articles.models import Article, Author, StoryImage
from articles.search import engine as search
from articles.search import postgres
from articles.search import query as search_query
from tests.conftest import require_service
from tests.factories import (
    make_article,
    make_author,
    make_image,
    make_section,
    place_photo,
)

pytestmark = pytest.mark.django_db

URL = reverse("articles:search")
Status = Article.Status

# What a hostile or careless reader may type: SQL, full-text operator soup,
# wildcards, unbalanced quotes and brackets, scripts, and text in other scripts.
HOSTILE_QUERIES = [
    "' OR 1=1 --",
    "'; DROP TABLE articles_article; --",
    '" OR ""="',
    "missile' UNION SELECT password FROM auth_user --",
    "%",
    "_",
    "*",
    "***",
    "missile*",
    "^missile",
    "NEAR(missile frigate, 2)",
    "missile NEAR frigate",
    "AND OR NOT",
    "NOT missile",
    "missile AND",
    "OR",
    "-",
    "--missile",
    "-missile",
    "headline:missile",
    "{headline standfirst}: missile",
    "missile & frigate | !tank <-> radar",
    "missile:*",
    "((((missile",
    "missile))))",
    '"missile',
    '""""',
    "'''",
    "\\",
    "\\x00",
    "missile\x00frigate",
    "missile\x0bfrigate\x1b[31m",
    "<script>alert(1)</script>",
    "&lt;mark&gt;",
    "‮missile‬",
    "😀🚀",
    "导弹 试验",
    "ракета",
    "صاروخ",
    "ﬁrst",
    "e\u0301",
    "a" * 5000,
    "a-" * 2000,
    "(a " * 500,
    '"a" ' * 300,
    "missile " * 400,
    ".,;:!?",
]

# Query-string abuse beyond ``q``: unknown and relation-spanning keys, connector
# keys, ordering fields, and pages that are not pages.
HOSTILE_PARAMETERS = [
    {"q": "missile", "section": "../../etc/passwd"},
    {"q": "missile", "section": "section__author__user__password"},
    {"q": "missile", "section__slug": "naval"},
    {"q": "missile", "_connector": "OR"},
    {"q": "missile", "ordering": "created_by__password"},
    {"q": "missile", "order_by": "-password"},
    {"q": "missile", "from": "2025-02-30"},
    {"q": "missile", "from": "0000-00-00"},
    {"q": "missile", "to": "9999-12-31"},
    {"q": "missile", "from": "0001-01-01"},
    {"q": "missile", "from": "yesterday", "to": "1e9"},
    {"q": "missile", "from": "2025-01-01T00:00:00' OR 1=1"},
    {"q": ["missile", "frigate"]},
]
BAD_PAGES = ["0", "-1", "abc", "1.5", "99999", "99999999999999999999", "", "٣"]
DATABASE_ERROR_TEXT = [
    "Traceback",
    "OperationalError",
    "ProgrammingError",
    "syntax error",
    "fts5",
    "tsquery",
    "unterminated string",
]


# --- Helpers ---------------------------------------------------------------------


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block's after-commit work (the index update) as a real commit would."""

    def block():
        return django_capture_on_commit_callbacks(execute=True)

    return block


@pytest.fixture
def publish(committed):
    """A live story, indexed."""

    def build(**fields):
        with committed():
            return make_article(**fields)

    return build


def found(client, query, **params) -> list[str]:
    """Headlines of the stories a search returns, best first."""
    response = client.get(URL, {"q": query, **params})
    assert response.status_code == 200
    return [hit.story.headline for hit in response.context["hits"]]


def indexed_ids() -> set[int]:
    """The stories that have a document in the index."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT id FROM articles_article WHERE search_vector IS NOT NULL"
            )
        else:
            cursor.execute("SELECT rowid FROM articles_search")
        return {row[0] for row in cursor.fetchall()}


def empty_the_index() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("UPDATE articles_article SET search_vector = NULL")
        else:
            cursor.execute("DELETE FROM articles_search")


def edit(article: Article, user, **changes) -> None:
    """Save changes through the workflow, as the admin change form does."""
    story = Article.objects.get(pk=article.pk)
    snapshot = story.latest_revision.snapshot
    revisions.assign_fields(story, snapshot)
    for name, value in changes.items():
        setattr(story, name, value)
    workflow.save_story(
        article=story,
        user=user,
        authors=[Author.objects.get(pk=author["id"]) for author in snapshot["authors"]],
        tags=snapshot["tags"],
        base_revision_id=story.latest_revision_id,
    )


def approve(article: Article, user) -> None:
    latest = Article.objects.get(pk=article.pk).latest_revision_id
    workflow.approve(article=article, user=user, revision_id=latest)


# --- Relevance and language ---------------------------------------------------------


def test_headline_match_outranks_a_story_that_only_mentions_the_word(client, publish):
    publish(
        headline="Budget talks resume",
        body="<p>The corvette order, the corvette crews and a corvette base.</p>",
        publish_at=timezone.now() - timedelta(minutes=5),
    )
    publish(
        headline="Navy commissions its first corvette",
        publish_at=timezone.now() - timedelta(days=3),
    )
    assert found(client, "corvette") == [
        "Navy commissions its first corvette",
        "Budget talks resume",
    ]


def test_word_forms_find_each_other(client, publish):
    """Stemming: "missile" finds "missiles" and the other way round."""
    publish(headline="Missiles moved to the coast")
    publish(headline="Border guards", body="<p>A missile battery arrived.</p>")
    assert sorted(found(client, "missile")) == [
        "Border guards",
        "Missiles moved to the coast",
    ]
    assert len(found(client, "missiles")) == 2


WORD = "Zanzibarite"
# Where a reader can see a word on a story, and the story fields that put it there.
STORY_PARTS = {
    "standfirst": lambda: {"standfirst": f"A note on {WORD} patrols."},
    "body": lambda: {"body": f"<p>Reports of <em>{WORD}</em> drills.</p>"},
    "tag": lambda: {"tags": [WORD]},
    "author": lambda: {"authors": [make_author(f"Ann {WORD}")]},
    "section": lambda: {"section": make_section(f"{WORD} desk", slug="desk")},
    "caption": lambda: {"lead_image": make_image(caption=f"A {WORD} crew.")},
    "credit": lambda: {"lead_image": make_image(credit=f"{WORD} Press")},
    "caption override": lambda: {
        "lead_image": make_image(),
        "lead_image_caption": f"Seen by {WORD} crews.",
    },
    "credit override": lambda: {
        "lead_image": make_image(),
        "lead_image_credit": f"{WORD} Agency",
    },
}


@pytest.mark.parametrize("where", STORY_PARTS)
def test_every_part_of_a_story_a_reader_sees_is_searched(client, publish, where):
    publish(headline="Unrelated headline", **STORY_PARTS[where]())
    assert found(client, WORD.lower()) == ["Unrelated headline"]


def test_phrases_exclusions_and_alternatives(client, publish):
    publish(headline="Air defence radar delivered")
    publish(headline="Radar for the navy", body="<p>Defence of the air base.</p>")
    publish(headline="Tank engines replaced")
    assert found(client, '"air defence"') == ["Air defence radar delivered"]
    assert found(client, "radar -navy") == ["Air defence radar delivered"]
    assert sorted(found(client, "tank or navy")) == [
        "Radar for the navy",
        "Tank engines replaced",
    ]


# --- Highlighting -------------------------------------------------------------------


def test_matched_words_are_marked_and_story_text_is_escaped(client, publish):
    publish(
        headline="Missile <b>test</b> & the <script>alert(1)</script> range",
        standfirst='A missile flew. <img src=x onerror="alert(2)">',
    )
    response = client.get(URL, {"q": "missile"})
    page = response.content.decode()
    assert "<mark>Missile</mark> &lt;b&gt;test&lt;/b&gt; &amp; the" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "A <mark>missile</mark> flew. &lt;img src=x onerror=" in page
    assert "<script>alert" not in page and "<img src=x" not in page


def test_a_match_deep_in_the_body_shows_that_part_of_the_body(client, publish):
    filler = " ".join(["The fleet sailed on."] * 60)
    publish(
        headline="Fleet review",
        standfirst="Ships gathered in the bay.",
        body=f"<p>{filler}</p><p>Observers saw a hypersonic glider test.</p>",
    )
    hit = client.get(URL, {"q": "hypersonic"}).context["hits"][0]
    assert "<mark>hypersonic</mark>" in hit.excerpt
    assert "Ships gathered" not in hit.excerpt


def test_story_text_that_trips_html_filters_still_serves_results(client, publish):
    """Long unclosed tags, stacked half tags and control characters (F1)."""
    publish(
        headline="Caption trouble\x0b for the frigate",
        standfirst="<div " * 3000 + "frigate",
        body="<p>" + "<b<i<u" * 2000 + " frigate\x1b text</p>",
        lead_image=make_image(caption="<a " * 500 + "frigate\x00"),
    )
    response = client.get(URL, {"q": "frigate"})
    assert response.status_code == 200
    assert "<mark>frigate</mark>" in response.content.decode()


# --- What readers may see -------------------------------------------------------------


def test_only_live_stories_are_found(client, publish):
    now = timezone.now()
    publish(headline="Live Quasar story")
    hidden = {
        "draft": {"status": Status.DRAFT},
        "in review": {"status": Status.IN_REVIEW},
        "sent back": {"status": Status.CHANGES_REQUESTED},
        "withdrawn": {"status": Status.WITHDRAWN},
        "scheduled": {"publish_at": now + timedelta(hours=2)},
        "expired": {
            "publish_at": now - timedelta(days=2),
            "expire_at": now - timedelta(minutes=1),
        },
        "embargoed": {"embargo_until": now + timedelta(hours=1)},
    }
    for name, fields in hidden.items():
        publish(headline=f"Quasar {name} story", **fields)
    assert found(client, "quasar") == ["Live Quasar story"]


def test_pending_changes_to_a_live_story_are_never_found(
    client, publish, committed, editor, moderator
):
    story = publish(headline="Frigate sails north", body="<p>Routine.</p>")
    with committed():
        edit(story, editor, headline="Frigate sails to secret Xanadu base")
    assert found(client, "xanadu") == []
    assert found(client, "north") == ["Frigate sails north"]
    with committed():
        workflow.submit(article=story, user=editor)
    assert found(client, "xanadu") == []

    with committed():
        approve(story, moderator)
    assert found(client, "xanadu") == ["Frigate sails to secret Xanadu base"]
    assert found(client, "north") == []


def test_a_withdrawn_story_leaves_the_index(client, publish, committed, moderator):
    story = publish(headline="Helicopter contract signed")
    assert story.pk in indexed_ids()
    with committed():
        workflow.withdraw(article=story, user=moderator, reason="Legal hold.")
    assert found(client, "helicopter") == []
    assert story.pk not in indexed_ids()


def test_a_deleted_story_leaves_the_index(publish, committed):
    story = publish(headline="Temporary story")
    with committed():
        Article.objects.filter(pk=story.pk).delete()
    assert story.pk not in indexed_ids()


def test_renamed_section_author_and_tag_and_new_credit_are_found(
    client, publish, committed
):
    section, author = make_section("Naval"), make_author("Jo Smith")
    photo = make_image(credit="Navy Press")
    publish(
        headline="Dock opens",
        section=section,
        authors=[author],
        lead_image=photo,
        tags=["harbours"],
    )
    with committed():
        section.name = "Maritime"
        section.save()
        author.name = "Jo Okonkwo"
        author.save()
        photo.credit = "Harbour Authority"
        photo.save()
        tag = Article.objects.get(headline="Dock opens").tags.get()
        tag.name = "ports"
        tag.save()
    for query in ("maritime", "okonkwo", "harbour authority", "ports"):
        assert found(client, query) == ["Dock opens"], query
    assert found(client, "naval") == []


def test_gallery_and_body_photo_captions_and_credits_are_searched(
    client, publish, committed
):
    story = publish(headline="Exercise in the fjords")
    with committed():
        place_photo(story, make_image(caption="Landing craft near Narvik."))
        place_photo(
            story,
            make_image(),
            kind=StoryImage.Kind.BODY,
            credit="Photo by Ingrid Solberg",
        )
    for query in ("narvik", "solberg"):
        assert found(client, query) == ["Exercise in the fjords"], query
    response = client.get(URL, {"q": "narvik"})
    assert "<mark>Narvik</mark>" in str(response.context["hits"][0].excerpt)


def test_photo_changes_reach_the_stories_showing_it_in_their_gallery(
    client, publish, committed
):
    story = publish(headline="Coastal patrol")
    photo = make_image(caption="Patrol boat off Harstad.")
    with committed():
        placement = place_photo(story, photo)
    with committed():
        photo.caption = "Patrol boat off Hammerfest."
        photo.save()
    assert found(client, "hammerfest") == ["Coastal patrol"]
    assert found(client, "harstad") == []
    with committed():
        placement.delete()
    assert found(client, "hammerfest") == []


# --- Filters and pages ----------------------------------------------------------------


def test_section_filter_and_unknown_sections(client, publish):
    naval, land = make_section("Naval"), make_section("Land Forces", slug="land")
    publish(headline="Radar for ships", section=naval)
    publish(headline="Radar for tanks", section=land)
    assert found(client, "radar", section="naval") == ["Radar for ships"]
    assert sorted(found(client, "radar", section="no-such-section")) == [
        "Radar for ships",
        "Radar for tanks",
    ]


def test_date_range_includes_both_days(client, publish):
    day = timezone.now().replace(hour=12, minute=0) - timedelta(days=10)
    for offset in (-1, 0, 2, 3):
        publish(headline=f"Sonar day {offset}", publish_at=day + timedelta(days=offset))
    start, end = day.date(), (day + timedelta(days=2)).date()
    assert sorted(found(client, "sonar", **{"from": start, "to": end})) == [
        "Sonar day 0",
        "Sonar day 2",
    ]
    assert sorted(found(client, "sonar", **{"from": end, "to": start})) == [
        "Sonar day 0",
        "Sonar day 2",
    ]


def test_an_invalid_date_is_ignored_with_a_message(client, publish):
    publish(headline="Sonar upgrade")
    response = client.get(URL, {"q": "sonar", "from": "2025-02-30", "to": "soon"})
    assert response.status_code == 200
    assert [hit.story.headline for hit in response.context["hits"]] == ["Sonar upgrade"]
    page = response.content.decode()
    assert page.count("was ignored: give a real date as YYYY-MM-DD") == 2


def test_extreme_dates_work_in_a_time_zone_far_from_utc(client, publish, settings):
    settings.TIME_ZONE = "Pacific/Kiritimati"
    publish(headline="Sonar upgrade")
    assert found(client, "sonar", **{"from": "1000-01-01", "to": "9000-12-31"}) == [
        "Sonar upgrade"
    ]
    response = client.get(URL, {"q": "sonar", "from": "0001-01-01", "to": "9999-12-31"})
    assert [hit.story.headline for hit in response.context["hits"]] == ["Sonar upgrade"]
    assert response.content.decode().count("was ignored") == 2
    assert search.search("sonar", date_from=date.min, date_to=date.max).stories


def test_results_are_paginated_and_keep_the_query(client, publish):
    section = make_section()
    for number in range(23):
        publish(headline=f"Drone report {number}", section=section)
    first = client.get(URL, {"q": "drone", "section": section.slug})
    assert len(first.context["hits"]) == 20
    page = first.content.decode()
    assert "23 stories match" in page
    assert f'href="?q=drone&amp;section={section.slug}&amp;page=2"' in page
    second = client.get(URL, {"q": "drone", "section": section.slug, "page": "2"})
    assert len(second.context["hits"]) == 3


@pytest.mark.parametrize("page", BAD_PAGES)
def test_a_page_that_does_not_exist_is_a_404(client, publish, page):
    publish(headline="Drone report")
    assert client.get(URL, {"q": "drone", "page": page}).status_code == 404


# --- Hostile and odd input --------------------------------------------------------------


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_get_a_page_never_an_error(client, publish, query):
    publish(headline="Missile frigate radar story")
    publish(headline="Missile frigate draft", status=Status.DRAFT)
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    page = response.content.decode()
    for text in DATABASE_ERROR_TEXT:
        assert text not in page
    assert "Missile frigate draft" not in page
    assert all(hit.story.is_live() for hit in response.context["hits"])


@pytest.mark.parametrize("params", HOSTILE_PARAMETERS)
def test_hostile_parameters_change_nothing_dangerous(client, publish, params):
    publish(headline="Missile frigate radar story")
    response = client.get(URL, params)
    assert response.status_code == 200
    for text in DATABASE_ERROR_TEXT:
        assert text not in response.content.decode()


def test_invalid_utf8_in_the_query_string_is_refused_or_answered_never_an_error(
    client,
):
    assert client.get(URL + "?q=%ff%fe%C0%AFmissile").status_code in (200, 400)


def test_a_10000_character_query_is_cut_short_and_answered(client, publish):
    publish(headline="Missile frigate story")
    response = client.get(URL, {"q": "missile " + "x" * 10_000})
    assert response.status_code == 200
    assert response.context["filters"].query.text == "missile " + "x" * 192
    assert "Only the first 200 characters" in response.content.decode()


def test_queries_are_capped_before_parsing():
    query = search_query.parse_query('"' + "word " * 10_000)
    assert len(query.text) <= search_query.MAX_QUERY_LENGTH
    assert query.was_shortened


@pytest.mark.parametrize(
    ("typed", "fts5"),
    [
        ("missile", '("missile")'),
        ('say "hello world"', '("say") AND ("hello world")'),
        ("tank or gun -drill", '(("tank" OR "gun")) NOT ("drill")'),
        ('a"b NEAR(c)', '("a") AND ("b NEAR(c)")'),
        ("* ^ : ( )", ""),
    ],
)
def test_reader_input_reaches_fts5_only_as_quoted_strings(typed, fts5):
    assert search_query.parse_query(typed).as_fts5() == fts5


def test_punctuation_only_asks_for_a_word(client):
    response = client.get(URL, {"q": "!!! ***"})
    assert response.status_code == 200
    assert "Type at least one word or number" in response.content.decode()


def test_empty_search_shows_help_and_is_not_indexed(client):
    response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<meta name="robots" content="noindex">' in page
    assert "Put a phrase in quotes" in page
    assert response.context["hits"] == []


def test_no_results_says_so(client, publish):
    publish(headline="Tank upgrade")
    page = client.get(URL, {"q": "submarine"}).content.decode()
    assert "No stories found" in page
    assert "Nothing matches “submarine”" in page


def test_every_page_has_a_labelled_search_form(client):
    page = client.get("/").content.decode()
    assert 'role="search"' in page
    assert '<label class="visually-hidden" for="site-search-q">' in page
    assert 'id="site-search-q" type="search" name="q"' in page


# --- Index maintenance -------------------------------------------------------------------


def test_rebuild_command_restores_the_index(client, publish):
    for number in range(3):
        publish(headline=f"Artillery shells {number}")
    publish(headline="Artillery draft", status=Status.DRAFT)
    empty_the_index()
    assert found(client, "artillery") == []

    out = io.StringIO()
    call_command("rebuild_search_index", "--batch-size", "2", stdout=out)
    assert "Indexed 2/4" in out.getvalue() and "Indexed 4/4" in out.getvalue()
    assert len(found(client, "artillery")) == 3


def test_query_count_is_fixed_whatever_the_number_of_results(client, publish):
    def queries_for_search():
        client.get(URL, {"q": "tank"})  # warm-up
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"q": "tank", "section": section.slug})
        assert response.status_code == 200
        return len(queries)

    section = make_section()
    photo = make_image()
    publish(headline="Tank one", section=section, lead_image=photo)
    few = queries_for_search()
    for number in range(25):
        publish(
            headline=f"Tank {number}",
            section=section,
            lead_image=photo,
            authors=[make_author(), make_author()],
            tags=["armour", f"t{number}"],
        )
    many = queries_for_search()
    assert few == many
    assert many <= 8


# --- Backend specifics --------------------------------------------------------------------


def test_postgresql_plans_a_searchs_matches_for_its_words(client, publish):
    """Statements are prepared on PostgreSQL connections, and a prepared
    statement may be run from a generic plan that cannot see how common the
    searched words are: the query finding a search's matches is never
    prepared, so it is planned for its words every time."""
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "prepared statements are PostgreSQL's")
    publish(headline="Tank regiment moves")
    for _search in range(7):
        assert found(client, "tank") == ["Tank regiment moves"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("ts_rank_cd" in sql for sql in prepared), prepared
    assert not any(
        "websearch_to_tsquery" in sql and "branch" in sql for sql in prepared
    )


def test_postgresql_stores_a_weighted_tsvector_with_a_gin_index(publish):
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "the tsvector index needs PostgreSQL")
    story = publish(headline="Missile", standfirst="Frigate", body="<p>Tank</p>")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT data_type FROM information_schema.columns "
            "WHERE table_name = 'articles_article' AND column_name = 'search_vector'"
        )
        assert cursor.fetchone() == ("tsvector",)
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'articles_article' "
            "AND indexname = 'article_search_vector_idx'"
        )
        assert "USING gin (search_vector)" in cursor.fetchone()[0]
        cursor.execute(
            "SELECT search_vector::text FROM articles_article WHERE id = %s", [story.pk]
        )
        vector = cursor.fetchone()[0]
    assert "'missil':1A" in vector and "'frigat':2B" in vector and "'tank':" in vector


def test_an_old_headline_match_is_not_crowded_out_by_recent_mentions(
    client, publish, monkeypatch
):
    """PostgreSQL ranks the newest matches plus the headline matches, not all."""
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "the candidate limit is PostgreSQL's")
    monkeypatch.setattr(postgres.PostgresBackend, "candidate_limit", 2)
    publish(
        headline="Corvette programme launched",
        publish_at=timezone.now() - timedelta(days=400),
    )
    for number in range(4):
        publish(headline=f"Budget {number}", body="<p>The corvette again.</p>")
    response = client.get(URL, {"q": "corvette"})
    headlines = [hit.story.headline for hit in response.context["hits"]]
    assert headlines == ["Corvette programme launched", "Budget 3", "Budget 2"]
    assert "Many stories match" in response.content.decode()


def test_postgresql_counts_the_matches_it_found_without_counting_again(client, publish):
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "the candidate ids are PostgreSQL's")
    for number in range(23):
        publish(headline=f"Howitzer delivery {number}")
    publish(headline="Howitzer draft", status=Status.DRAFT)
    client.get(URL, {"q": "howitzer"})  # warm-up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"q": "howitzer", "page": "2"})
    assert response.context["paginator"].count == 23
    assert "23 stories match" in response.content.decode()
    assert len(response.context["hits"]) == 3
    assert not [query for query in queries if "COUNT(" in query["sql"]]


def test_the_newest_matches_are_found_across_the_recent_window(
    client, publish, monkeypatch
):
    """Matches are looked for in the last month first, then among older
    stories for what is missing: together, exactly the newest ones."""
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "the recent window is PostgreSQL's")
    monkeypatch.setattr(postgres.PostgresBackend, "candidate_limit", 3)
    for days in (1, 20, 40, 50, 60):
        publish(
            headline=f"Minesweeper {days} days",
            publish_at=timezone.now() - timedelta(days=days),
        )
    assert sorted(found(client, "minesweeper")) == [
        "Minesweeper 1 days",
        "Minesweeper 20 days",
        "Minesweeper 40 days",
    ]


def test_sqlite_uses_an_fts5_table_with_the_porter_stemmer():
    if connection.vendor != "sqlite":
        pytest.skip("FTS5 is the SQLite backend")
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_search'")
        definition = cursor.fetchone()[0]
    assert "fts5" in definition and "porter unicode61" in definition
