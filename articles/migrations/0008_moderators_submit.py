"""Moderators may submit their own corrections for review.

With NEWSROOM_ALLOW_SELF_APPROVAL on they may then publish them directly;
without it another moderator must approve (the four-eyes rule).
"""

from django.db import migrations


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    submit = Permission.objects.get(
        content_type__app_label="articles", codename="submit_article"
    )
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.add(submit)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    submit = Permission.objects.get(
        content_type__app_label="articles", codename="submit_article"
    )
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(submit)


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_listing_indexes")]

    operations = [migrations.RunPython(grant, revoke)]
