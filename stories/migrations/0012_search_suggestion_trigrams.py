from django.db import migrations

# Spelling suggestions look for words like a misspelled one in public headlines, tag names
# (indexed since 0007) and people's names; trigram indexes let PostgreSQL find them without
# reading every row. Other databases skip this.
INDEXES = [
    ("stories_searchentry_headline_trigram", "stories_searchentry", "headline"),
    ("stories_person_name_trigram", "stories_person", "name"),
]


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, table, column in INDEXES:
            schema_editor.execute(f"CREATE INDEX {name} ON {table} USING gin ({column} gin_trgm_ops)")


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, _, _ in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0011_story_body_figures"),
    ]

    operations = [
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
    ]
