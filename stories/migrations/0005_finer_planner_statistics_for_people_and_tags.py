"""PostgreSQL keeps the share of every reporter, person in the news and tag, not only of the
hundred commonest: a person page or a tag page is then planned for how many stories that
person or tag really has (walking the newest stories for a busy one, looking up the few of a
rare one) instead of for an average that suits neither."""

from django.db import migrations

COLUMNS = [("Byline", "person"), ("Story.people", "person"), ("TaggedStory", "tag")]
TARGET = 1000


def _tables(apps):
    for model_name, field in COLUMNS:
        name, _, m2m = model_name.partition(".")
        model = apps.get_model("stories", name)
        if m2m:
            model = model._meta.get_field(m2m).remote_field.through
        yield model._meta.db_table, model._meta.get_field(field).column


def _set_statistics(target):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.quote_name
        for table, column in _tables(apps):
            schema_editor.execute(
                f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)} SET STATISTICS {target}"
            )

    return operation


class Migration(migrations.Migration):
    dependencies = [("stories", "0004_indexes_for_newest_first_reader_lists")]

    operations = [migrations.RunPython(_set_statistics(TARGET), _set_statistics(-1))]
