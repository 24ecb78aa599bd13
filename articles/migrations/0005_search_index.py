"""Full-text search index for reader search (see ``articles/search.py``).

PostgreSQL: a weighted ``tsvector`` column on the story table, outside the
model so the ORM never loads it, with a GIN index, and a small GIN index on
the headline's own ``tsvector``. SQLite: an FTS5 table with
the Porter stemmer. Both are filled for the stories that exist.

The SQL that fills them is frozen here, as a migration's code must be: it
describes the schema of this point in history. ``manage.py
rebuild_search_index`` rebuilds with the current definition.
"""

from django.db import migrations

from articles.text import html_to_text

POSTGRES_FORWARD = [
    "ALTER TABLE articles_article ADD COLUMN search_vector tsvector",
    """
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
                          coalesce(nullif(article.lead_image_caption, ''),
                                   image.caption),
                          image.credit)), 'C')
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
    ) AS document
    WHERE story.id = document.id
    """,
    "CREATE INDEX article_search_vector_idx ON articles_article "
    "USING gin (search_vector)",
    # Finds headline matches among thousands of matching stories cheaply.
    "CREATE INDEX article_search_headline_idx ON articles_article "
    "USING gin (to_tsvector('english', headline))",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS article_search_headline_idx",
    "DROP INDEX IF EXISTS article_search_vector_idx",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector",
]

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE articles_search USING fts5(
        headline, standfirst, tags, body, authors, section, caption,
        tokenize = 'porter unicode61 remove_diacritics 2'
    )
    """,
    """
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
                || ' ' || coalesce(image.credit, ''))
    FROM articles_article AS article
    JOIN articles_section AS section ON section.id = article.section_id
    LEFT JOIN articles_image AS image ON image.id = article.lead_image_id
    WHERE article.live_revision_id IS NOT NULL
    """,
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS articles_search"]


def run(schema_editor, statements_by_vendor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        connection.connection.create_function(
            "newsroom_html_to_text", 1, html_to_text, deterministic=True
        )
    for statement in statements_by_vendor.get(connection.vendor, []):
        schema_editor.execute(statement)


def create_index(apps, schema_editor):
    run(schema_editor, {"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD})


def drop_index(apps, schema_editor):
    run(schema_editor, {"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD})


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_seo_fields")]

    operations = [migrations.RunPython(create_index, drop_index)]
