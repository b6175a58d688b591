from django.core.files.storage import storages
from django.db import migrations, models

import stories.models.sources


def move_documents(apps, source_alias, target_alias):
    Source = apps.get_model("stories", "Source")
    source, target = storages[source_alias], storages[target_alias]
    for name in Source.objects.exclude(document="").values_list("document", flat=True):
        if source.exists(name) and not target.exists(name):
            with source.open(name, "rb") as file:
                target.save(name, file)
            source.delete(name)


def documents_to_private_storage(apps, schema_editor):
    move_documents(apps, "default", "private")
    # Readers keep what they could open before: the documents of sources cited by name.
    Source = apps.get_model("stories", "Source")
    Source.objects.exclude(document="").filter(citations__is_anonymous=False).update(
        document_is_public=True
    )


def documents_to_media(apps, schema_editor):
    move_documents(apps, "private", "default")


class Migration(migrations.Migration):

    dependencies = [
        ("stories", "0012_search_suggestion_trigrams"),
    ]

    operations = [
        migrations.AddField(
            model_name="source",
            name="document_is_public",
            field=models.BooleanField(
                default=False,
                help_text="Tick only for a document meant for readers, such as a public record or a published report: stories that cite this source by name then link to it. Anything given in confidence stays unticked; only the newsroom can open it.",
                verbose_name="readers may download the document",
            ),
        ),
        migrations.AlterField(
            model_name="source",
            name="document",
            field=models.FileField(
                blank=True,
                storage=stories.models.sources.private_storage,
                upload_to=stories.models.sources.document_path,
            ),
        ),
        migrations.RunPython(documents_to_private_storage, documents_to_media),
    ]
