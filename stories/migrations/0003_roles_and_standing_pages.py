"""The newsroom's roles (the Reporter and Editor groups) and its standing pages."""

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
EDITOR_EXTRA = [
    "publish_story",
    "view_source_contacts",
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


PAGES = [
    {
        "slug": "about",
        "title": "About us",
        "summary": "Who we are, who pays for our work and how to reach the newsroom.",
        "body": (
            "<p>We are an independent newsroom reporting on government, money and power.</p>"
            "<h2>Contact us</h2>"
            "<p>Editors keep this page up to date with how to reach the newsroom, who owns it "
            "and how it is funded.</p>"
        ),
    },
    {
        "slug": "ethics",
        "title": "Ethics and standards",
        "summary": "The principles our journalism follows, including how we use anonymous sources.",
        "body": (
            "<p>We verify what we publish, tell readers how we know it and correct our mistakes "
            "openly.</p>"
            "<h2>Anonymous sources</h2>"
            "<p>We grant anonymity only when a source would face real harm for speaking and the "
            "information cannot be obtained on the record. At least one editor knows the "
            "identity of every anonymous source, and we describe such sources to readers as "
            "precisely as we can without identifying them.</p>"
            "<h2>Labels</h2>"
            "<p>Every story carries a label saying what kind of work it is: news, analysis, "
            "opinion, explainer and so on.</p>"
        ),
    },
    {
        "slug": "corrections-policy",
        "title": "Corrections policy",
        "summary": "How we correct errors, and how to tell us about one.",
        "body": (
            "<p>When we get something wrong we fix it and say so at the top of the story, with "
            "the date and what was changed. Every correction is also listed on our "
            '<a href="/corrections/">corrections page</a>.</p>'
            "<ul><li><strong>Correction</strong>: we published something that was wrong.</li>"
            "<li><strong>Clarification</strong>: what we published was accurate but could "
            "mislead.</li>"
            "<li><strong>Update</strong>: the story has changed since we published.</li></ul>"
        ),
    },
]


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


def create_pages(apps, schema_editor):
    Page = apps.get_model("stories", "Page")
    for data in PAGES:
        Page.objects.get_or_create(slug=data["slug"], defaults=data)


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0002_search_indexes"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_roles, remove_roles),
        migrations.RunPython(create_pages, migrations.RunPython.noop),
    ]
