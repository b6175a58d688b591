import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

# Each database gets its own full-text structure; the other database skips it.
# On SQLite, triggers copy every write to stories_searchentry into the FTS5 table. A later
# migration that rebuilds stories_searchentry on SQLite drops them and must recreate them.
POSTGRESQL = [
    # Keep the vectors compressed in the row and move the body (read only for snippets)
    # out of it: matching and ranking then skip TOAST lookups, and the planner sees the
    # table's real size and picks the GIN index.
    (
        "ALTER TABLE stories_searchentry ALTER COLUMN vector SET STORAGE MAIN, "
        "ALTER COLUMN rank_vector SET STORAGE MAIN, ALTER COLUMN body SET STORAGE EXTERNAL",
        "ALTER TABLE stories_searchentry ALTER COLUMN vector SET STORAGE EXTENDED, "
        "ALTER COLUMN rank_vector SET STORAGE EXTENDED, ALTER COLUMN body SET STORAGE EXTENDED",
    ),
    (
        "CREATE INDEX stories_searchentry_vector_gin ON stories_searchentry USING gin (vector)",
        "DROP INDEX IF EXISTS stories_searchentry_vector_gin",
    ),
]
SQLITE = [
    (
        """CREATE VIRTUAL TABLE stories_search_fts USING fts5(
            headline, dek, body, keywords,
            content='stories_searchentry', content_rowid='story_id',
            tokenize='porter unicode61 remove_diacritics 2'
        )""",
        "DROP TABLE IF EXISTS stories_search_fts",
    ),
    (
        """CREATE TRIGGER stories_search_fts_insert AFTER INSERT ON stories_searchentry BEGIN
            INSERT INTO stories_search_fts(rowid, headline, dek, body, keywords)
            VALUES (new.story_id, new.headline, new.dek, new.body, new.keywords);
        END""",
        "DROP TRIGGER IF EXISTS stories_search_fts_insert",
    ),
    (
        """CREATE TRIGGER stories_search_fts_delete AFTER DELETE ON stories_searchentry BEGIN
            INSERT INTO stories_search_fts(stories_search_fts, rowid, headline, dek, body, keywords)
            VALUES ('delete', old.story_id, old.headline, old.dek, old.body, old.keywords);
        END""",
        "DROP TRIGGER IF EXISTS stories_search_fts_delete",
    ),
    (
        """CREATE TRIGGER stories_search_fts_update AFTER UPDATE ON stories_searchentry BEGIN
            INSERT INTO stories_search_fts(stories_search_fts, rowid, headline, dek, body, keywords)
            VALUES ('delete', old.story_id, old.headline, old.dek, old.body, old.keywords);
            INSERT INTO stories_search_fts(rowid, headline, dek, body, keywords)
            VALUES (new.story_id, new.headline, new.dek, new.body, new.keywords);
        END""",
        "DROP TRIGGER IF EXISTS stories_search_fts_update",
    ),
]
STATEMENTS = {"postgresql": POSTGRESQL, "sqlite": SQLITE}


def create_full_text_index(apps, schema_editor):
    for forward, _ in STATEMENTS.get(schema_editor.connection.vendor, []):
        schema_editor.execute(forward)


def drop_full_text_index(apps, schema_editor):
    for _, backward in reversed(STATEMENTS.get(schema_editor.connection.vendor, [])):
        schema_editor.execute(backward)


class Migration(migrations.Migration):

    dependencies = [
        ('stories', '0008_editors_manage_tags_and_pages'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchEntry',
            fields=[
                ('story', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_entry', serialize=False, to='stories.story')),
                ('headline', models.TextField()),
                ('dek', models.TextField(blank=True)),
                ('body', models.TextField(blank=True, help_text='The body as plain text.')),
                ('keywords', models.TextField(blank=True, help_text="Tag names and people's names.")),
                ('vector', django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
                ('rank_vector', django.contrib.postgres.search.SearchVectorField(editable=False, help_text='Headline, dek and names only: cheap to rank.', null=True)),
            ],
            options={
                'verbose_name_plural': 'search entries',
            },
        ),
        migrations.RunPython(create_full_text_index, drop_full_text_index, elidable=False),
    ]
