"""The three editorial groups, with the model permissions each role needs.

What each role may do to a story's state is decided in articles.workflow;
these permissions gate which admin pages and actions a role reaches.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "Reporters": [
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.submit_article",
        "articles.add_image",
        "articles.change_image",
        "articles.view_image",
        "articles.view_section",
        "articles.view_author",
        "taggit.view_tag",
    ],
    "Editors": [
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.edit_any_article",
        "articles.submit_article",
        "articles.add_image",
        "articles.change_image",
        "articles.delete_image",
        "articles.view_image",
        "articles.add_section",
        "articles.change_section",
        "articles.view_section",
        "articles.add_author",
        "articles.change_author",
        "articles.view_author",
        "taggit.add_tag",
        "taggit.change_tag",
        "taggit.delete_tag",
        "taggit.view_tag",
    ],
    "Moderators": [
        "articles.change_article",
        "articles.view_article",
        "articles.edit_any_article",
        "articles.approve_article",
        "articles.withdraw_article",
        "articles.view_image",
        "articles.change_image",
        "articles.view_section",
        "articles.view_author",
        "taggit.view_tag",
    ],
}


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, permission_names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for name in permission_names:
            app_label, codename = name.split(".")
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
            )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=list(ROLE_PERMISSIONS)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
