"""Full-text search index: filled in by the search work (PostgreSQL tsvector / SQLite FTS5)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_seo_fields")]

    operations = []
