"""Full-text search and trigram indexes: structures each database builds its own way.

PostgreSQL gets the pg_trgm extension, GIN indexes for full-text matching and for the
trigram similarity behind duplicate-tag and spelling suggestions, and a storage layout
for the search vectors. SQLite gets an FTS5 table that triggers keep in step with
stories_searchentry; a later migration that rebuilds that table on SQLite drops the
triggers and must recreate them.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

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


# Trigram indexes for suggestions: tag names, public headlines and people's names.
TRIGRAM_INDEXES = [
    ("stories_tag_name_trigram", "stories_tag", "name"),
    ("stories_searchentry_headline_trigram", "stories_searchentry", "headline"),
    ("stories_person_name_trigram", "stories_person", "name"),
]
POSTGRESQL += [
    (
        f"CREATE INDEX {name} ON {table} USING gin ({column} gin_trgm_ops)",
        f"DROP INDEX IF EXISTS {name}",
    )
    for name, table, column in TRIGRAM_INDEXES
]
STATEMENTS = {"postgresql": POSTGRESQL, "sqlite": SQLITE}


def create_indexes(apps, schema_editor):
    for forward, _ in STATEMENTS.get(schema_editor.connection.vendor, []):
        schema_editor.execute(forward)


def drop_indexes(apps, schema_editor):
    for _, backward in reversed(STATEMENTS.get(schema_editor.connection.vendor, [])):
        schema_editor.execute(backward)


class Migration(migrations.Migration):
    dependencies = [("stories", "0001_initial")]

    operations = [
        TrigramExtension(),  # PostgreSQL only; other databases skip it
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
