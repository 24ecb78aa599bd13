"""The change log: each change readers could see, with the dependency keys
it touched, so a page is staled only by changes to what it shows. Pages
cached before this release are stored under an older key layout and are
never served again. Reversing drops the log."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0017_went_live_announced"),
    ]

    operations = [
        migrations.CreateModel(
            name="Change",
            fields=[
                (
                    "number",
                    models.PositiveBigIntegerField(primary_key=True, serialize=False),
                ),
                ("keys", models.TextField()),
            ],
            options={
                "ordering": ["number"],
            },
        ),
    ]
