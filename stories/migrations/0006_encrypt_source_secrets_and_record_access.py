"""What could expose a source is encrypted in the database with SOURCE_ENCRYPTION_KEYS: its
contact details and private notes, and the source of an anonymous citation, which leaves the
foreign key for a sealed id (in revisions too). Staff views of contact details are recorded.

Reversing decrypts everything back into plain text, with the keys set when it runs.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models.functions import Cast

import stories.encryption
from stories.encryption import decrypt, encrypt

SECRET_FIELDS = [("Source", "contact_details"), ("Source", "private_notes")]


def _stored(model, field):
    """(pk, the column as stored) for every row where it is not blank."""
    return (
        model.objects.annotate(stored=Cast(field, models.TextField()))
        .exclude(stored="")
        .values_list("pk", "stored")
    )


def _revised_citations(Revision, change):
    for revision in Revision.objects.exclude(snapshot__citations=[]).iterator():
        citations = revision.snapshot.get("citations", [])
        if any(c.get("is_anonymous") for c in citations):
            revision.snapshot["citations"] = [
                change(c) if c.get("is_anonymous") else c for c in citations
            ]
            revision.save(update_fields=["snapshot"])


def encrypt_plain_text(apps, schema_editor):
    for model_name, field in SECRET_FIELDS:
        model = apps.get_model("stories", model_name)
        for pk, text in _stored(model, field):
            # A plain value in update() goes through the field, which encrypts it.
            model.objects.filter(pk=pk).update(**{field: text})
    Source = apps.get_model("stories", "Source")
    Source.objects.filter(pk__in=[pk for pk, _ in _stored(Source, "contact_details")]).update(
        has_contact_details=True
    )
    Citation = apps.get_model("stories", "Citation")
    for pk, source_id in Citation.objects.filter(is_anonymous=True).values_list("pk", "source"):
        Citation.objects.filter(pk=pk).update(source=None, sealed_source=str(source_id))

    def seal(citation):
        source_id = citation.pop("source")
        return {**citation, "source": None, "sealed_source": encrypt(str(source_id))}

    _revised_citations(apps.get_model("stories", "Revision"), seal)


def decrypt_to_plain_text(apps, schema_editor):
    for model_name, field in SECRET_FIELDS:
        model = apps.get_model("stories", model_name)
        for pk, text in model.objects.exclude(**{field: ""}).values_list("pk", field):
            plain = models.Value(text, output_field=models.TextField())
            model.objects.filter(pk=pk).update(**{field: plain})
    Citation = apps.get_model("stories", "Citation")
    for pk, sealed in Citation.objects.filter(is_anonymous=True).values_list(
        "pk", "sealed_source"
    ):
        Citation.objects.filter(pk=pk).update(source=int(sealed), sealed_source="")

    def unseal(citation):
        sealed = citation.pop("sealed_source")
        return {**citation, "source": int(decrypt(sealed))}

    _revised_citations(apps.get_model("stories", "Revision"), unseal)


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0005_finer_planner_statistics_for_people_and_tags"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SourceAccess",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("viewed_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("shown", models.CharField(help_text="What the page showed.", max_length=200)),
            ],
            options={
                "verbose_name": "access to a source's contact details",
                "verbose_name_plural": "accesses to sources' contact details",
                "ordering": ["-viewed_at", "-pk"],
                "get_latest_by": "viewed_at",
            },
        ),
        migrations.AddField(
            model_name="citation",
            name="sealed_source",
            field=stories.encryption.EncryptedTextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="source",
            name="has_contact_details",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AlterField(
            model_name="citation",
            name="is_anonymous",
            field=models.BooleanField(
                default=False,
                help_text="Readers see only the public description, never the source's identity, and the database keeps the identity encrypted.",
                verbose_name="anonymous",
            ),
        ),
        migrations.AlterField(
            model_name="citation",
            name="source",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="citations",
                to="stories.source",
            ),
        ),
        migrations.AlterField(
            model_name="source",
            name="contact_details",
            field=stories.encryption.EncryptedTextField(
                blank=True, help_text="Editor-only. Never shown to readers. Stored encrypted."
            ),
        ),
        migrations.AlterField(
            model_name="source",
            name="private_notes",
            field=stories.encryption.EncryptedTextField(
                blank=True, help_text="Editor-only. Never shown to readers. Stored encrypted."
            ),
        ),
        migrations.AddField(
            model_name="sourceaccess",
            name="source",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="accesses",
                to="stories.source",
            ),
        ),
        migrations.AddField(
            model_name="sourceaccess",
            name="user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(encrypt_plain_text, decrypt_to_plain_text),
        migrations.AddConstraint(
            model_name="citation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("is_anonymous", False), ("sealed_source", ""), ("source__isnull", False)
                    ),
                    models.Q(("is_anonymous", True), ("source__isnull", True)),
                    _connector="OR",
                ),
                name="citation_anonymous_source_is_sealed",
                violation_error_message="An anonymous citation keeps its source sealed.",
            ),
        ),
    ]
