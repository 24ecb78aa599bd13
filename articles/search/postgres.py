"""The PostgreSQL backend: a weighted tsvector column with a GIN index, ranked by
ts_rank_cd over a bounded set of candidates, highlighted by ts_headline."""

import html
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.db import connection
from django.db.models import (
    BooleanField,
    FloatField,
    Func,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.expressions import Expression

from articles import clock, internals
from articles.models import Article
from articles.search.documents import (
    MARK_START,
    MARK_STOP,
    PHOTO_CAPTIONS_SQL,
    document_parts,
)
from articles.search.query import SearchQuery


class StoryColumn(Expression):
    """A column of the story table that the model does not declare.

    Unlike ``RawSQL``, it follows the table's alias when Django nests the
    query as a subquery.
    """

    def __init__(self, name: str):
        super().__init__(output_field=TextField())
        self.name = name

    def as_sql(self, compiler, connection):
        table = internals.outer_table(compiler)
        return f"{table}.{connection.ops.quote_name(self.name)}", []


class PostgresBackend:
    """A weighted ``tsvector`` column on the story row, with a GIN index.

    Weights: A headline; B standfirst and tags; C body, authors, section,
    and the captions and credits of the lead, gallery and body photos.
    Stories that are not approved hold NULL.

    Ranking reads each candidate's whole document, so for words found in
    thousands of stories only the newest ``candidate_limit`` matches are
    ranked, together with the newest ``candidate_limit`` headline matches
    (found through a second, small GIN index on the headline): a story with
    the words in its headline is never crowded out by recent passing mentions.

    Finding the newest matches visits every match (or, walking the date
    index, every story until enough match), so they are looked for first
    among the last ``recent_days`` of stories, and only where that gives too
    few among the older ones: the same stories, at a fraction of the rows
    read for common words.
    """

    candidate_limit = 200
    recent_days = 30

    def match(self, stories: QuerySet, query: SearchQuery) -> tuple[QuerySet, int]:
        """The candidates, ranked, and how many there are: they were found
        among ``stories`` already, so the count needs no second query."""
        tsquery = Func(
            Value(query.as_websearch()),
            template="websearch_to_tsquery('english', %(expressions)s)",
        )
        vector = StoryColumn("search_vector")
        headline_vector = StoryColumn("headline_vector")
        branches = {
            "document": stories.filter(_matches(vector, tsquery)),
            # A headline match is a document match (the headline is part of
            # the document), so only the small headline vector is read.
            "headline": stories.filter(
                _matches(headline_vector, tsquery), _is_indexed(vector)
            ),
        }
        # Found once here, rather than again by the page's count and by the
        # page itself: finding them is the expensive part of a search.
        with planned_for_their_values():
            candidate_ids = set(self._newest_matches(branches))
        rank = Func(vector, tsquery, function="ts_rank_cd", output_field=FloatField())
        ranked = stories.filter(_is_one_of(StoryColumn("id"), candidate_ids))
        return ranked.annotate(search_rank=rank), len(candidate_ids)

    def _newest_matches(self, branches: dict[str, QuerySet]) -> Iterator[int]:
        """The ids of each branch's newest ``candidate_limit`` stories: one
        query over the recent window, a second for branches it left short."""
        cutoff = clock.sql_now() - timedelta(days=self.recent_days)
        wanted = dict.fromkeys(branches, self.candidate_limit)
        for window in (Q(publish_at__gte=cutoff), Q(publish_at__lt=cutoff)):
            parts = [
                branches[name]
                .filter(window)
                .order_by("-publish_at", "-pk")
                .annotate(branch=Value(name))
                .values_list("branch", "pk")[:limit]
                for name, limit in wanted.items()
                if limit
            ]
            if not parts:
                return
            for name, story_id in parts[0].union(*parts[1:], all=True):
                wanted[name] -= 1
                yield story_id

    def highlights(self, query: SearchQuery, stories: list[Article]) -> dict[int, dict]:
        whole = f"HighlightAll=true, StartSel={MARK_START}, StopSel={MARK_STOP}"
        fragments = (
            f"MaxFragments=2, MaxWords=30, MinWords=12, StartSel={MARK_START}, "
            f'StopSel={MARK_STOP}, FragmentDelimiter=" … "'
        )
        params = [whole, whole, fragments, fragments, query.as_websearch()]
        params.append([story.pk for story in stories])
        with connection.cursor() as cursor:
            cursor.execute(_POSTGRES_HIGHLIGHT_SQL, params)
            return {
                story_id: document_parts(
                    (headline, standfirst, _html_fragment_text(body), caption)
                )
                for story_id, headline, standfirst, body, caption in cursor.fetchall()
            }

    def index(self, article_ids: list[int]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(_POSTGRES_INDEX_SQL, [article_ids])

    def prune(self) -> None:
        """Nothing to do: the document is deleted with its row."""


@contextmanager
def planned_for_their_values():
    """The queries run inside are not prepared on the connection, so
    PostgreSQL plans each for the values it is run with.

    Statements are otherwise prepared once a connection has run them five
    times (see ``DATABASE_PREPARED_STATEMENTS``), and PostgreSQL may then run
    them from a generic plan made without the values: for the newest matches
    of a search, a plan that cannot see how common the words are. A search
    for a common word took 16 ms on it against 2 ms planned for the word.
    """
    connection.ensure_connection()
    driver_connection = connection.connection
    threshold = driver_connection.prepare_threshold
    driver_connection.prepare_threshold = None
    try:
        yield
    finally:
        driver_connection.prepare_threshold = threshold


# Fragments of the body come out of ts_headline without their tags (its
# parser knows HTML) but with entities, which _html_fragment_text decodes.
_POSTGRES_HIGHLIGHT_SQL = """
SELECT article.id,
       ts_headline('english', article.headline, q, %s),
       ts_headline('english', article.standfirst, q, %s),
       ts_headline('english', article.body, q, %s),
       ts_headline('english', concat_ws(' ',
                   coalesce(nullif(article.lead_image_caption, ''), image.caption),
                   coalesce(nullif(article.lead_image_credit, ''), image.credit),
                   photos.captions),
                   q, %s)
FROM articles_article AS article
LEFT JOIN articles_image AS image ON image.id = article.lead_image_id
LEFT JOIN LATERAL ({photo_captions}) AS photos ON true,
     websearch_to_tsquery('english', %s) AS q
WHERE article.id = ANY(%s)
""".format(photo_captions=PHOTO_CAPTIONS_SQL.format(aggregate="string_agg"))  # noqa: S608 (constant SQL)


_POSTGRES_INDEX_SQL = """
UPDATE articles_article AS story
SET search_vector = document.vector
FROM (
    SELECT article.id,
           CASE WHEN article.live_revision_id IS NOT NULL THEN
               setweight(to_tsvector('english', article.headline), 'A')
               || setweight(to_tsvector('english', concat_ws(' ',
                      article.standfirst, tags.names)), 'B')
               || setweight(to_tsvector('english', concat_ws(' ',
                      article.body, authors.names, section.name,
                      coalesce(nullif(article.lead_image_caption, ''), image.caption),
                      coalesce(nullif(article.lead_image_credit, ''), image.credit),
                      photos.captions
                  )), 'C')
           END AS vector
    FROM articles_article AS article
    JOIN articles_section AS section ON section.id = article.section_id
    LEFT JOIN articles_image AS image ON image.id = article.lead_image_id
    LEFT JOIN LATERAL (
        SELECT string_agg(tag.name, ' ') AS names
        FROM articles_taggedarticle AS tagged
        JOIN taggit_tag AS tag ON tag.id = tagged.tag_id
        WHERE tagged.content_object_id = article.id
    ) AS tags ON true
    LEFT JOIN LATERAL (
        SELECT string_agg(author.name, ' ') AS names
        FROM articles_byline AS byline
        JOIN articles_author AS author ON author.id = byline.author_id
        WHERE byline.article_id = article.id
    ) AS authors ON true
    LEFT JOIN LATERAL ({photo_captions}) AS photos ON true
    WHERE article.id = ANY(%s)
) AS document
WHERE story.id = document.id
  AND story.search_vector IS DISTINCT FROM document.vector
""".format(photo_captions=PHOTO_CAPTIONS_SQL.format(aggregate="string_agg"))  # noqa: S608 (constant SQL)


def _html_fragment_text(fragment: str) -> str:
    return " ".join(html.unescape(fragment).split())


def _matches(vector, tsquery) -> Func:
    return Func(
        vector,
        tsquery,
        template="%(expressions)s",
        arg_joiner=" @@ ",
        output_field=BooleanField(),
    )


def _is_indexed(vector) -> Func:
    return Func(
        vector, template="%(expressions)s IS NOT NULL", output_field=BooleanField()
    )


class _is_one_of(Func):  # noqa: N801 (used like the functions beside it)
    """``column = ANY(%s)`` with the ids as one array parameter: the same
    ``IN`` list of hundreds of placeholders costs more to format and plan
    than ranking the stories it names."""

    template = "%(expressions)s = ANY(%%s)"
    output_field = BooleanField()

    def __init__(self, column, ids: list[int]):
        super().__init__(column)
        self.ids = list(ids)

    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, **extra)
        return sql, (*params, self.ids)
