from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = [
    "manage_tags",
    "add_tag",
    "change_tag",
    "delete_tag",
    "view_tag",
    "add_tagalias",
    "change_tagalias",
    "delete_tagalias",
    "view_tagalias",
    "view_tagmerge",
    "change_tagmerge",
    "add_page",
    "change_page",
    "view_page",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("stories")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="stories", codename__in=EDITOR)
    missing = set(EDITOR) - set(permissions.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"Permissions missing for the Editor role: {sorted(missing)}")
    Group.objects.get(name="Editor").permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="stories", codename__in=EDITOR)
    for group in Group.objects.filter(name="Editor"):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0007_tag_aliases_merges_and_trigrams"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
