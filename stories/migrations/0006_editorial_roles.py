from django.contrib.auth.management import create_permissions
from django.db import migrations

READ = ["view"]
WRITE = ["add", "change", "view"]
ALL = ["add", "change", "delete", "view"]

# model -> actions; extra permissions are listed by codename.
REPORTER = {
    "story": ALL,
    "byline": ALL,
    "citation": ALL,
    "source": WRITE,
    "person": WRITE,
    "image": WRITE,
    "previewlink": WRITE,
    "section": READ,
    "tag": READ,
    "correction": READ,
    "revision": READ,
    "statuschange": READ,
}
EDITOR = REPORTER | {
    "source": ALL,
    "person": ALL,
    "image": ALL,
    "previewlink": ALL,
    "section": WRITE,
    "correction": ALL,
}
EDITOR_EXTRA = ["publish_story", "view_source_contacts"]


def codenames(matrix, extra=()):
    return [f"{action}_{model}" for model, actions in matrix.items() for action in actions] + [
        *extra
    ]


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("stories")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in [
        ("Reporter", codenames(REPORTER)),
        ("Editor", codenames(EDITOR, EDITOR_EXTRA)),
    ]:
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="stories", codename__in=wanted
        )
        missing = set(wanted) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions missing for the {name} role: {sorted(missing)}")
        group.permissions.add(*permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Reporter", "Editor"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("stories", "0005_workflow_revisions_previews"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
