"""Record when each approved story went live, and a "went live" workflow event.

Stories already live count as recorded, at their publish time, so the first
run of ``manage.py publish_scheduled`` does not announce the whole archive.
"""

from django.db import migrations, models
from django.db.models import F
from django.utils import timezone


def record_live_stories(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Article.objects.filter(
        live_revision__isnull=False, publish_at__lte=timezone.now()
    ).update(went_live_at=F("publish_at"))


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_moderators_submit")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="went_live_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text=(
                    "When readers first saw the approved story: its publish time, "
                    "recorded on approval or, for a scheduled story, by manage.py "
                    "publish_scheduled."
                ),
                null=True,
                verbose_name="went live at",
            ),
        ),
        migrations.AlterField(
            model_name="workflowevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("created", "Created"),
                    ("submitted", "Submitted for review"),
                    ("approved", "Approved and published"),
                    ("scheduled", "Approved and scheduled"),
                    ("sent_back", "Sent back"),
                    ("withdrawn", "Withdrawn"),
                    ("redrafted", "Returned to draft"),
                    ("restored", "Revision restored"),
                    ("went_live", "Went live"),
                ],
                max_length=20,
                verbose_name="action",
            ),
        ),
        # Reversing drops the column, so there is nothing to undo.
        migrations.RunPython(record_live_stories, migrations.RunPython.noop),
    ]
