"""Editors register webhook endpoints and read their delivery logs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = ["add_endpoint", "change_endpoint", "delete_endpoint", "view_endpoint", "view_delivery"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("webhooks")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="webhooks", codename__in=EDITOR
    )
    for group in Group.objects.filter(name="Editor"):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="webhooks", codename__in=EDITOR
    )
    for group in Group.objects.filter(name="Editor"):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_endpoints_and_deliveries"),
        ("stories", "0003_roles_and_standing_pages"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
