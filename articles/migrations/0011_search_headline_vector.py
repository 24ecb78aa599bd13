"""PostgreSQL: the headline's ``tsvector`` as a stored generated column.

Finding the newest headline matches used to parse every scanned headline
again (``to_tsvector`` per row, the planner's choice for common words); a
stored column is read, not parsed, and its GIN index replaces the
expression index. SQLite's FTS5 index needs nothing.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "ALTER TABLE articles_article ADD COLUMN headline_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, headline)) STORED",
    "CREATE INDEX article_headline_vector_idx ON articles_article "
    "USING gin (headline_vector)",
    "DROP INDEX IF EXISTS article_search_headline_idx",
]
POSTGRES_BACKWARD = [
    "CREATE INDEX article_search_headline_idx ON articles_article "
    "USING gin (to_tsvector('english', headline))",
    "DROP INDEX IF EXISTS article_headline_vector_idx",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS headline_vector",
]


def run(schema_editor, statements):
    if schema_editor.connection.vendor == "postgresql":
        for statement in statements:
            schema_editor.execute(statement)


def forward(apps, schema_editor):
    run(schema_editor, POSTGRES_FORWARD)


def backward(apps, schema_editor):
    run(schema_editor, POSTGRES_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("articles", "0010_covering_listing_indexes")]

    operations = [migrations.RunPython(forward, backward)]
