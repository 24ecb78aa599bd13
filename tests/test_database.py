"""The suite runs against the database DATABASE_URL names, PostgreSQL included."""

import io
import os
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper
from django.test.utils import CaptureQueriesContext

from articles.delivery import reader
from articles.models import Article
from tests.conftest import require_service
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_suite_runs_on_the_configured_database():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        require_service("PostgreSQL", "DATABASE_URL does not point at PostgreSQL")
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert int(cursor.fetchone()[0].split(".")[0]) >= 13


def index_only_plan(queryset_sql: str, params) -> str:
    """PostgreSQL's plan with sequential and bitmap scans off: with test-sized
    tables any plan is cheap, so those are switched off to see whether the
    query can be answered from an index alone."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {queryset_sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_counting_live_stories_reads_the_listing_indexes_alone():
    """The page counts of listings, the API and the sitemaps never read the
    story table: the live-listing indexes carry every column the count needs."""
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "index-only scans are PostgreSQL's")
    story = make_article()
    live = Article.objects.published()
    # Any live-story index will do for all of them (the planner picks the
    # smallest); a section's count needs the section's.
    for queryset, index in [
        (live, "article_live_"),
        (live.filter(section=story.section), "article_live_section_idx"),
    ]:
        count = queryset.values("pk").order_by()
        sql, params = count.query.sql_with_params()
        plan = index_only_plan(
            f"SELECT COUNT(*) FROM ({sql}) AS live",  # noqa: S608 (compiled by Django)
            params,
        )
        assert f"Index Only Scan using {index}" in plan, plan
    for kind, key, index in [
        ("all", None, "article_live_"),
        ("section", story.section_id, "article_live_section_idx"),
    ]:
        with CaptureQueriesContext(connection) as queries:
            reader.LiveStories(kind, key).count()
        plan = index_only_plan(queries[-1]["sql"], ())
        assert f"Index Only Scan using {index}" in plan, plan


def test_related_story_candidates_come_from_the_tag_index_alone():
    """Each of a story's tags gives its newest stories by a backward scan of
    the tag-and-story index, however many stories carry the tag."""
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "index-only scans are PostgreSQL's")
    story = make_article(tags=["radar", "navy"])
    make_article(tags=["radar"])
    tag_ids = [tag.pk for tag in story.tags.all()]
    sql, params = Article.objects.related_to(story.pk, tag_ids).query.sql_with_params()
    plan = index_only_plan(sql, params)
    newest_of_one_tag = re.findall(
        # The id is typed when the server binds it: (tag_id = '29'::smallint).
        r"Index Only Scan using tagged_tag_newest_idx .*\n\s+"
        r"Index Cond: \(tag_id = '?\d+'?(::\w+)?\)",
        plan,
    )
    assert len(newest_of_one_tag) == 2, plan


# Indexes on the story tables that another index already starts with: the
# same columns, operator classes, collations and orders, neither of them
# partial nor on expressions, the shorter one not unique.
REPEATED_INDEXES = """
    SELECT shorter.indexrelid::regclass::text, longer.indexrelid::regclass::text
    FROM pg_index AS shorter
    JOIN pg_index AS longer
      ON longer.indrelid = shorter.indrelid AND longer.indexrelid <> shorter.indexrelid
    WHERE shorter.indrelid::regclass::text LIKE %s
      AND NOT shorter.indisunique
      AND shorter.indpred IS NULL AND longer.indpred IS NULL
      AND shorter.indexprs IS NULL AND longer.indexprs IS NULL
      AND shorter.indnatts <= longer.indnatts
      AND (shorter.indkey::int2[])[0:shorter.indnatts - 1]
          = (longer.indkey::int2[])[0:shorter.indnatts - 1]
      AND (shorter.indclass::oid[])[0:shorter.indnatts - 1]
          = (longer.indclass::oid[])[0:shorter.indnatts - 1]
      AND (shorter.indcollation::oid[])[0:shorter.indnatts - 1]
          = (longer.indcollation::oid[])[0:shorter.indnatts - 1]
      AND (shorter.indoption::int2[])[0:shorter.indnatts - 1]
          = (longer.indoption::int2[])[0:shorter.indnatts - 1]
"""


def test_no_index_on_the_story_tables_repeats_the_start_of_another():
    """Every story save writes its revision, bylines and tags: an index that
    another one already begins with answers no query the other cannot and
    only makes those writes slower."""
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "the index catalogue read is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(REPEATED_INDEXES, [r"articles\_%"])
        assert cursor.fetchall() == []


def test_no_story_table_has_a_pattern_matching_index():
    """Django adds a ``varchar_pattern_ops`` copy of every indexed text column
    on PostgreSQL for ``LIKE 'prefix%'``; no query here makes one, so such a
    copy only makes every save slower."""
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "the index catalogue read is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT index.indexrelid::regclass::text
            FROM pg_index AS index
            JOIN pg_opclass AS class ON class.oid = ANY(index.indclass::oid[])
            WHERE index.indrelid::regclass::text LIKE %s
              AND class.opcname LIKE %s
            """,
            [r"articles\_%", r"%\_pattern\_ops"],
        )
        assert cursor.fetchall() == []


@pytest.mark.parametrize(
    ("model_name", "lookup", "index"),
    [
        ("Byline", "article", "byline_unique_author_per_story"),
        ("Revision", "article", "revision_unique_number_per_story"),
        ("TaggedArticle", "content_object", "tagged_article_unique_tag"),
        ("TaggedArticle", "tag", "tagged_tag_newest_idx"),
    ],
)
def test_a_storys_links_are_found_by_the_indexes_that_begin_with_them(
    model_name, lookup, index
):
    """Reading a story's bylines, revisions and tags (and a tag's stories)
    uses the unique constraint or index whose first column is the link."""
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "the plans read are PostgreSQL's")
    story = make_article(tags=["radar"])
    model = apps.get_model("articles", model_name)
    value = story.tags.get() if lookup == "tag" else story
    sql, params = model.objects.filter(**{lookup: value}).query.sql_with_params()
    plan = index_only_plan(sql, params)
    assert f"using {index} on" in plan, plan


def test_sqlite_database_files_are_read_through_a_memory_map(tmp_path):
    """A SQLite deployment opens its file in WAL mode and reads it through a
    memory map, not one system call per page."""
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite connection settings are SQLite's")
    settings_dict = {**connection.settings_dict, "NAME": str(tmp_path / "site.db")}
    wrapper = SQLiteDatabaseWrapper(settings_dict)
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA mmap_size")
            assert cursor.fetchone()[0] == 256 * 1024 * 1024
    finally:
        wrapper.close()


def test_story_page_queries_are_prepared_on_a_postgresql_connection(client):
    """After a few requests PostgreSQL runs the story page's queries from
    statements prepared on the connection, so it no longer plans them on
    every request."""
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "prepared statements are PostgreSQL's")
    story = make_article(tags=["radar", "navy"])
    make_article(tags=["radar"])
    for _request in range(6):
        assert client.get(story.get_absolute_url()).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('"articles_taggedarticle"' in sql for sql in prepared), prepared
    assert any("UNION ALL" in sql for sql in prepared), prepared


def seed_bulk(stories: int) -> int:
    """Seed ``stories`` bulk stories; the number of queries it took."""
    with CaptureQueriesContext(connection) as queries:
        call_command(
            "seed_bulk", stories=stories, photos=1, tags=8, stdout=io.StringIO()
        )
    return len(queries)


def test_bulk_seeding_builds_live_stories_in_queries_that_do_not_grow_per_story():
    """The scale bench seeds 100 000 stories: each comes out live with its own
    approved revision, bylines and tags, and a bigger batch costs no more
    queries (no per-story lookups)."""
    seed_bulk(2)  # the photo pool, sections, authors and tags
    few = seed_bulk(5)
    many = seed_bulk(40)
    # SQLite splits a bulk insert of 40 stories into two statements.
    assert many - few <= 3, (few, many)
    stories = Article.objects.published()
    assert stories.count() == 47
    for story in stories.for_story_page():
        assert story.live_revision.article_id == story.pk
        assert story.latest_revision_id == story.live_revision_id
        assert story.ordered_authors and len(story.tag_list) == 4
