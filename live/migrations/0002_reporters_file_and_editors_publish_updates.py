"""Reporters file live updates; editors also make stories live, publish, pin and correct."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REPORTER = [
    "add_liveupdate",
    "change_liveupdate",
    "view_liveupdate",
    "view_livecoverage",
    "view_liveupdatecorrection",
]
EDITOR = [
    *REPORTER,
    "delete_liveupdate",
    "publish_liveupdate",
    "add_livecoverage",
    "change_livecoverage",
    "add_liveupdatecorrection",
    "change_liveupdatecorrection",
    "delete_liveupdatecorrection",
]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("live")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in [("Reporter", REPORTER), ("Editor", EDITOR)]:
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="live", codename__in=wanted
        )
        missing = set(wanted) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions missing for the {name} role: {sorted(missing)}")
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=["Reporter", "Editor"]):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="live"))


class Migration(migrations.Migration):
    dependencies = [
        ("live", "0001_live_coverage_and_updates"),
        ("stories", "0003_roles_and_standing_pages"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
