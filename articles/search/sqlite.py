"""The SQLite backend: an FTS5 table with the Porter stemmer, ranked by bm25."""

from django.db import connection
from django.db.models import (
    FloatField,
    QuerySet,
)
from django.db.models.expressions import RawSQL

from articles.models import Article
from articles.search.documents import (
    MARK_START,
    MARK_STOP,
    PHOTO_CAPTIONS_SQL,
    document_parts,
)
from articles.search.query import SearchQuery
from articles.text import html_to_text


class SqliteBackend:
    """An FTS5 table with its own copy of each approved story's text, by story id.

    The body is indexed as plain text (``html_to_text``, registered as an SQL
    function), so tag names and link addresses never match. FTS5 ranks every
    match once, inside its own index; the best ``candidate_limit`` are kept,
    so a word found in every story costs one pass, not one ranking per row.
    """

    candidate_limit = 500

    def match(self, stories: QuerySet, query: SearchQuery) -> tuple[QuerySet, None]:
        """The best-scored matches, ranked; FTS5 does not know which are live,
        so how many are left is for the page's own count."""
        # bm25 weights in column order (headline, standfirst, tags, body,
        # authors, section, caption): the headline counts most. bm25 is lower
        # for better matches, so it is negated: higher ranks first on both
        # backends.
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT rowid, -bm25(articles_search, 10.0, 4.0, 4.0, 1.0, 1.0, 1.0, 1.0)
                   AS score FROM articles_search WHERE articles_search MATCH %s
                   ORDER BY score DESC LIMIT %s""",
                [query.as_fts5(), self.candidate_limit],
            )
            ranked = cursor.fetchall()
        matching = [story_id for story_id, _score in ranked]
        scored = stories.filter(pk__in=matching).annotate(
            search_rank=_score_by_id(stories.model, ranked)
        )
        return scored, None

    def highlights(self, query: SearchQuery, stories: list[Article]) -> dict[int, dict]:
        ids = [story.pk for story in stories]
        placeholders = ", ".join(["%s"] * len(ids))
        sql = f"""
            SELECT rowid,
                   highlight(articles_search, 0, %s, %s),
                   highlight(articles_search, 1, %s, %s),
                   snippet(articles_search, 3, %s, %s, '…', 30),
                   snippet(articles_search, 6, %s, %s, '…', 30)
            FROM articles_search
            WHERE articles_search MATCH %s AND rowid IN ({placeholders})
        """  # noqa: S608 (constant SQL; every value is a parameter)
        params = [MARK_START, MARK_STOP] * 4 + [query.as_fts5(), *ids]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {row[0]: document_parts(row[1:]) for row in cursor.fetchall()}

    def index(self, article_ids: list[int]) -> None:
        _register_sqlite_functions()
        placeholders = ", ".join(["%s"] * len(article_ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM articles_search WHERE rowid IN ({placeholders})",  # noqa: S608
                article_ids,
            )
            cursor.execute(
                _SQLITE_INDEX_SQL.format(placeholders=placeholders), article_ids
            )

    def prune(self) -> None:
        """Drop the documents of stories that no longer exist."""
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM articles_search "
                "WHERE rowid NOT IN (SELECT id FROM articles_article)"
            )


_SQLITE_INDEX_SQL = """
INSERT INTO articles_search
    (rowid, headline, standfirst, tags, body, authors, section, caption)
SELECT article.id, article.headline, article.standfirst,
       (SELECT group_concat(tag.name, ' ')
        FROM articles_taggedarticle AS tagged
        JOIN taggit_tag AS tag ON tag.id = tagged.tag_id
        WHERE tagged.content_object_id = article.id),
       newsroom_html_to_text(article.body),
       (SELECT group_concat(author.name, ' ')
        FROM articles_byline AS byline
        JOIN articles_author AS author ON author.id = byline.author_id
        WHERE byline.article_id = article.id),
       section.name,
       trim(coalesce(nullif(article.lead_image_caption, ''), image.caption, '')
            || ' '
            || coalesce(nullif(article.lead_image_credit, ''), image.credit, '')
            || ' '
            || coalesce(({photo_captions}), ''))
FROM articles_article AS article
JOIN articles_section AS section ON section.id = article.section_id
LEFT JOIN articles_image AS image ON image.id = article.lead_image_id
WHERE article.live_revision_id IS NOT NULL AND article.id IN ({placeholders})
""".format(  # noqa: S608 (constant SQL; ids are parameters)
    placeholders="{placeholders}",
    photo_captions=PHOTO_CAPTIONS_SQL.format(aggregate="group_concat"),
)


def _score_by_id(model, ranked: list[tuple[int, float]]) -> RawSQL:
    """``CASE id WHEN … THEN score … END``: FTS5's scores as a column.

    Written as one SQL string: the same CASE built from hundreds of ``When``
    expressions costs more to compile than the search itself.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    whens = " ".join(["WHEN %s THEN %s"] * len(ranked))
    params = [value for pair in ranked for value in pair]
    # Only placeholders and the quoted table name are formatted in; ids and
    # scores travel as parameters.
    return RawSQL(  # noqa: S611
        f"CASE {table}.id {whens} ELSE 0.0 END" if ranked else "0.0",
        params,
        output_field=FloatField(),
    )


def _register_sqlite_functions() -> None:
    connection.ensure_connection()
    connection.connection.create_function(
        "newsroom_html_to_text", 1, html_to_text, deterministic=True
    )
