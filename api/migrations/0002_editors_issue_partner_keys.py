"""Editors issue and revoke partners' API keys, and read the log of reads under embargo."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = ["add_apikey", "change_apikey", "view_apikey", "view_embargoedread"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("api")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="api", codename__in=EDITOR)
    for group in Group.objects.filter(name="Editor"):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="api", codename__in=EDITOR)
    for group in Group.objects.filter(name="Editor"):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_partner_keys_and_embargoed_reads"),
        ("stories", "0003_roles_and_standing_pages"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
