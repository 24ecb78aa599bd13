"""The content version: one row counting the changes readers could see.

Pages cached before this release were stored under the shared cache's
generation alone and are never served again: their stored generation no
longer matches. Reversing drops the table and its row.
"""

from django.db import migrations, models


def create_the_row(apps, schema_editor):
    ContentVersion = apps.get_model("articles", "ContentVersion")
    ContentVersion.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("articles", "0015_drop_pattern_matching_indexes")]

    operations = [
        migrations.CreateModel(
            name="ContentVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("number", models.PositiveBigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_the_row, migrations.RunPython.noop),
    ]
