from cryptography.fernet import InvalidToken
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import TextField, Value
from django.db.models.functions import Cast

from stories import encryption
from stories.models.revisions import RecordedRevision


def encrypted_columns():
    """Every encrypted field of every installed model: sources' secrets, the sealed source of
    every kind of citation (stories', live updates'), and readers' tips."""
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, encryption.EncryptedTextField)
    ]


def revision_models():
    """Every kind of revision, whose snapshots keep anonymous citations' sources sealed."""
    return [model for model in apps.get_models() if issubclass(model, RecordedRevision)]


class Tally:
    def __init__(self):
        self.rotated = self.current = self.unreadable = 0

    def rotate(self, token: str) -> str | None:
        """``token`` made with the newest key, or None if it already is or no key opens it."""
        if encryption.is_current(token):
            self.current += 1
            return None
        try:
            rotated = encryption.rotate(token)
        except InvalidToken:
            self.unreadable += 1
            return None
        self.rotated += 1
        return rotated


class Command(BaseCommand):
    help = (
        "Encrypt every source secret again with the first of SOURCE_ENCRYPTION_KEYS: contact "
        "details, private notes and the sources of anonymous citations, in stories and live "
        "updates and in their revisions, and readers' tips. Once it reports nothing left to "
        "re-encrypt, the other keys can be "
        "removed. Running it again changes nothing."
    )

    def handle(self, *args, **options):
        tally = Tally()
        with transaction.atomic():
            for model, field in encrypted_columns():
                self.rotate_column(tally, model, field)
            for model in revision_models():
                self.rotate_revisions(tally, model)
        self.stdout.write(
            f"Re-encrypted {tally.rotated} values with the newest key; "
            f"{tally.current} already used it."
        )
        if tally.unreadable:
            raise CommandError(
                f"{tally.unreadable} values open with none of the keys in "
                "SOURCE_ENCRYPTION_KEYS and were left as they are. Add the key they were "
                "encrypted with to SOURCE_ENCRYPTION_KEYS (after the newest) and run this again "
                "before removing any key."
            )

    def rotate_column(self, tally, model, field):
        # Read and write the tokens themselves, not the text the field would make of them.
        stored = model.objects.annotate(token=Cast(field, TextField())).exclude(token="")
        for pk, token in stored.values_list("pk", "token").iterator():
            if rotated := tally.rotate(token):
                token = Value(rotated, output_field=TextField())
                model.objects.filter(pk=pk).update(**{field: token})

    def rotate_revisions(self, tally, model):
        sealed = model.objects.annotate(text=Cast("snapshot", TextField())).filter(
            text__contains='"sealed_source"'
        )
        for revision in sealed.only("snapshot").iterator():
            changed = False
            for citation in revision.snapshot.get("citations", []):
                if citation.get("sealed_source") and (
                    rotated := tally.rotate(citation["sealed_source"])
                ):
                    citation["sealed_source"], changed = rotated, True
            if changed:
                revision.save(update_fields=["snapshot"])
