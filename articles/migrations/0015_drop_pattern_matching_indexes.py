"""Drop the pattern-matching copies of six indexed text columns (PostgreSQL).

Django gives every indexed or unique ``CharField`` on PostgreSQL a second
index with ``varchar_pattern_ops``, for ``LIKE 'prefix%'`` lookups. No query
makes one on these columns: pages look slugs up exactly and the admin's
searches are ``icontains``, which no b-tree serves. Each was written on
every save and read by nothing. The unique constraints and plain indexes on
the same columns stay.
"""

from django.db import migrations

PATTERN_INDEXES = [
    ("articles_article_status_f68a8acd_like", "articles_article", "status"),
    ("articles_article_slug_cc61df93_like", "articles_article", "slug"),
    ("articles_author_slug_f5ef4f82_like", "articles_author", "slug"),
    ("articles_image_content_hash_c41c6b4e_like", "articles_image", "content_hash"),
    ("articles_section_slug_e0f944a9_like", "articles_section", "slug"),
    ("articles_section_name_79ba4087_like", "articles_section", "name"),
]


def drop_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in PATTERN_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in PATTERN_INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'("{column}" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0014_drop_indexes_duplicating_constraints")]

    operations = [
        migrations.RunPython(drop_pattern_indexes, create_pattern_indexes),
    ]
