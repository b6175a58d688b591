"""Editors read and handle error reports and tips; reporters read error reports only (a tip
may expose whoever sent it). The standing page on reaching the newsroom securely, which the
tip form links to and editors keep up to date."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Editor": [
        "view_errorreport",
        "change_errorreport",
        "delete_errorreport",
        "view_tip",
        "change_tip",
        "delete_tip",
    ],
    "Reporter": ["view_errorreport"],
}

SECURE_CONTACT = {
    "slug": "contact-securely",
    "title": "How to reach us securely",
    "summary": "How to send the newsroom sensitive information without exposing yourself.",
    "body": (
        '<p>Our <a href="/tips/">tip form</a> is fine for most tips. If you could be harmed '
        "for telling us something, choose a channel that leaves fewer traces, and use a "
        "device and a network that are not your employer's.</p>"
        "<h2>Signal</h2>"
        "<p>Editors keep this page up to date with the newsroom's Signal username. Signal "
        "encrypts messages end to end and can make them disappear.</p>"
        "<h2>SecureDrop</h2>"
        "<p>If the newsroom runs a SecureDrop, its address, to open in the Tor Browser, is "
        "given here. It is the safest way to send us documents.</p>"
        "<h2>E-mail and post</h2>"
        "<p>Ordinary e-mail is not secret: whoever runs your mail server can read it. Post, "
        "without a return address, leaves no digital trace.</p>"
    ),
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("feedback")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="feedback", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="feedback"))


def create_page(apps, schema_editor):
    Page = apps.get_model("stories", "Page")
    Page.objects.get_or_create(slug=SECURE_CONTACT["slug"], defaults=SECURE_CONTACT)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_error_reports_and_tips"),
        ("stories", "0003_roles_and_standing_pages"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
        migrations.RunPython(create_page, migrations.RunPython.noop),
    ]
