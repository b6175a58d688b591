"""What could expose a source is encrypted in the database, and every staff view of a source's
contact details is recorded for editors to read."""

import io
import json

from cryptography.fernet import Fernet
from django.core import serializers
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import TestCase, override_settings
from django.urls import reverse

from stories.models import Citation, Revision, Source, SourceAccess
from stories.models.revisions import cited_source_id
from stories.revisions import restore_revision
from tests.helpers.accounts import make_user, story_post_data
from tests.helpers.factories import cite, make_source, make_story

CANARY = "CANARY-7f3a"
OLD_KEY, NEW_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def every_stored_value():
    """Every value in every table, as the database (or a backup of it) holds it."""
    quote = connection.ops.quote_name
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {quote(table)}")
            values += [str(value) for row in cursor.fetchall() for value in row]
    return values


def stored(model, field, pk):
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(model._meta.get_field(field).column)} "
            f"FROM {quote(model._meta.db_table)} WHERE id = %s",
            [pk],
        )
        return cursor.fetchone()[0]


def secret_story():
    """A story citing one source by name and one anonymously, with a revision."""
    secret = make_source(
        name=f"{CANARY} whistleblower",
        contact_details=f"{CANARY} phone",
        private_notes=f"{CANARY} notes",
    )
    story = make_story()
    cite(story, make_source(name="Open Records Office"), position=1)
    anonymous = cite(story, secret, is_anonymous=True, public_description="an official")
    Revision.record(story)
    return story, secret, anonymous


class EncryptionAtRestTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.story, cls.secret, cls.anonymous = secret_story()

    def test_the_database_holds_neither_contact_details_nor_notes_in_plain_text(self):
        values = every_stored_value()
        assert not [v for v in values if f"{CANARY} phone" in v or f"{CANARY} notes" in v]
        token = stored(Source, "contact_details", self.secret.pk)
        assert token.startswith("gAAAAA")
        assert Source.objects.get(pk=self.secret.pk).contact_details == f"{CANARY} phone"

    def test_an_anonymous_citation_does_not_link_its_source_in_the_database(self):
        assert stored(Citation, "source", self.anonymous.pk) is None
        sealed = stored(Citation, "sealed_source", self.anonymous.pk)
        assert sealed.startswith("gAAAAA") and sealed != str(self.secret.pk)
        assert not Citation.objects.filter(source=self.secret).exists()
        assert Citation.objects.get(pk=self.anonymous.pk).cited_source == self.secret

    def test_a_revision_keeps_the_anonymous_source_sealed_too(self):
        snapshot = json.loads(stored(Revision, "snapshot", Revision.objects.get().pk))
        anonymous = [c for c in snapshot["citations"] if c["is_anonymous"]]
        assert [c["source"] for c in anonymous] == [None]
        assert cited_source_id(anonymous[0]) == self.secret.pk

    def test_a_database_dump_holds_no_secret_and_loads_back_readable(self):
        out = io.StringIO()
        call_command("dumpdata", stdout=out)
        dump = out.getvalue()
        assert f"{CANARY} phone" not in dump and f"{CANARY} notes" not in dump
        anonymous = next(
            row
            for row in json.loads(dump)
            if row["model"] == "stories.citation" and row["pk"] == self.anonymous.pk
        )
        assert anonymous["fields"]["source"] is None
        source = next(
            d.object
            for d in serializers.deserialize("json", dump)
            if isinstance(d.object, Source) and d.object.pk == self.secret.pk
        )
        assert source.private_notes == f"{CANARY} notes"

    def test_the_database_refuses_to_filter_on_encrypted_text(self):
        for lookup in ["contact_details", "contact_details__icontains", "private_notes__regex"]:
            with self.subTest(lookup=lookup), self.assertRaises(FieldError):
                list(Source.objects.filter(**{lookup: CANARY}))
        assert Source.objects.filter(has_contact_details=True).get() == self.secret
        assert Source.objects.filter(contact_details="").exists()

    def test_deleting_a_source_cited_anonymously_is_refused(self):
        editor = make_user("editor")
        self.client.force_login(editor)
        url = reverse("admin:stories_source_delete", args=[self.secret.pk])
        page = self.client.get(url).text
        assert "An anonymous citation in" in page
        self.client.post(url, {"post": "yes"})
        assert Source.objects.filter(pk=self.secret.pk).exists()


class AnonymousCitationAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.source = make_source(name="Deep Throat")
        cls.story = make_story()

    def post_citation(self, **fields):
        data = story_post_data(self.story)
        citation = Citation.objects.filter(story=self.story).first()
        data |= {
            "citations-TOTAL_FORMS": 1,
            "citations-INITIAL_FORMS": 1 if citation else 0,
            "citations-0-id": citation.pk if citation else "",
            "citations-0-story": self.story.pk,
            "citations-0-source": self.source.pk,
            "citations-0-cited_as": Citation.CitedAs.ACCORDING_TO,
            "citations-0-position": 0,
            "citations-0-supports": "",
            "citations-0-public_description": "a senior official",
            **fields,
        }
        url = reverse("admin:stories_story_change", args=[self.story.pk])
        response = self.client.post(url, data)
        assert response.status_code == 302, response.context["errors"]
        return Citation.objects.get(story=self.story)

    def test_an_editor_ticks_anonymous_and_the_source_is_sealed_yet_still_shown(self):
        self.client.force_login(self.editor)
        citation = self.post_citation(**{"citations-0-is_anonymous": "on"})
        assert citation.source_id is None and citation.cited_source == self.source
        page = self.client.get(reverse("admin:stories_story_change", args=[self.story.pk])).text
        assert f'<option value="{self.source.pk}" selected>Deep Throat</option>' in page

    def test_unticking_anonymous_links_the_source_again(self):
        self.client.force_login(self.editor)
        self.post_citation(**{"citations-0-is_anonymous": "on"})
        citation = self.post_citation()
        assert citation.source_id == self.source.pk and citation.sealed_source == ""


class KeyRotationTests(TestCase):
    def rotate(self):
        out = io.StringIO()
        call_command("rotate_source_keys", stdout=out)
        return out.getvalue()

    def test_rotating_then_dropping_the_old_key_keeps_every_value_readable(self):
        with override_settings(SOURCE_ENCRYPTION_KEYS=[OLD_KEY]):
            story, secret, anonymous = secret_story()
        with override_settings(SOURCE_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
            # Contact details, notes, the sealed source and its copy in the revision.
            assert "Re-encrypted 4 values with the newest key; 0 already" in self.rotate()
            assert "Re-encrypted 0 values with the newest key; 4 already" in self.rotate()
        with override_settings(SOURCE_ENCRYPTION_KEYS=[NEW_KEY]):
            source = Source.objects.get(pk=secret.pk)
            assert (source.contact_details, source.private_notes) == (
                f"{CANARY} phone",
                f"{CANARY} notes",
            )
            assert Citation.objects.get(pk=anonymous.pk).cited_source == secret
            restored = restore_revision(Revision.objects.earliest("pk"))
            assert [c["is_anonymous"] for c in restored.snapshot["citations"]] == [True, False]
            assert Citation.objects.get(story=story, is_anonymous=True).cited_source == secret

    def test_rotation_reports_values_that_no_key_opens_and_keeps_them(self):
        with override_settings(SOURCE_ENCRYPTION_KEYS=[OLD_KEY]):
            source = make_source(contact_details="reached on the secure line")
        token = stored(Source, "contact_details", source.pk)
        with (
            override_settings(SOURCE_ENCRYPTION_KEYS=[NEW_KEY]),
            self.assertRaisesMessage(CommandError, "1 values open with none of the keys"),
        ):
            self.rotate()
        assert stored(Source, "contact_details", source.pk) == token


class UnreadableValueTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        with override_settings(SOURCE_ENCRYPTION_KEYS=[OLD_KEY]):
            cls.source = make_source(name="Deep Throat", contact_details="the secure line")

    def test_the_admin_says_which_key_is_missing_and_saving_keeps_the_stored_value(self):
        token = stored(Source, "contact_details", self.source.pk)
        self.client.force_login(self.editor)
        url = reverse("admin:stories_source_change", args=[self.source.pk])
        with override_settings(SOURCE_ENCRYPTION_KEYS=[NEW_KEY]):
            page = self.client.get(url)
            assert page.status_code == 200
            assert "None of the keys in SOURCE_ENCRYPTION_KEYS opens" in page.text
            assert 'name="contact_details"' not in page.text
            data = {"kind": Source.Kind.PERSON, "name": "Renamed", "private_notes": "", "_save": 1}
            assert self.client.post(url, data).status_code == 302
        assert stored(Source, "contact_details", self.source.pk) == token
        with override_settings(SOURCE_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
            source = Source.objects.get(pk=self.source.pk)
            assert (source.name, source.contact_details) == ("Renamed", "the secure line")


class AccessRecordTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.reporter = make_user("reporter")
        cls.superuser = make_user("superuser")
        cls.source = make_source(name="Deep Throat", contact_details="the secure line")

    def view_source(self, user):
        self.client.force_login(user)
        return self.client.get(reverse("admin:stories_source_change", args=[self.source.pk]))

    def test_each_view_of_contact_details_is_recorded_once_with_who_and_which_source(self):
        assert "the secure line" in self.view_source(self.editor).text
        access = SourceAccess.objects.get()
        assert (access.user, access.source, access.shown) == (
            self.editor,
            self.source,
            "contact details",
        )
        self.view_source(self.superuser)
        assert list(SourceAccess.objects.values_list("user__username", flat=True)) == [
            "superuser",
            "editor",
        ]

    def test_a_reporter_is_shown_no_contact_details_so_nothing_is_recorded(self):
        assert "the secure line" not in self.view_source(self.reporter).text
        assert not SourceAccess.objects.exists()

    def test_editors_and_superusers_read_the_record(self):
        SourceAccess.record(self.source, self.editor)
        for user in (self.editor, self.superuser):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                page = self.client.get(reverse("admin:stories_sourceaccess_changelist"))
                assert page.status_code == 200
                assert "Deep Throat" in page.text and "contact details" in page.text

    def test_nobody_adds_changes_or_deletes_the_record_not_even_a_superuser(self):
        access = SourceAccess.record(self.source, self.editor)
        self.client.force_login(self.superuser)
        change = reverse("admin:stories_sourceaccess_change", args=[access.pk])
        assert 'type="submit"' not in self.client.get(change).text.split('id="content"')[1]
        assert self.client.post(change, {"shown": "nothing"}).status_code == 403
        assert self.client.get(reverse("admin:stories_sourceaccess_add")).status_code == 403
        delete = reverse("admin:stories_sourceaccess_delete", args=[access.pk])
        assert self.client.post(delete, {"post": "yes"}).status_code == 403
        assert SourceAccess.objects.get().shown == "contact details"

    def test_reporters_get_403_and_do_not_see_the_record_listed(self):
        SourceAccess.record(self.source, self.editor)
        self.client.force_login(self.reporter)
        assert self.client.get(reverse("admin:stories_sourceaccess_changelist")).status_code == 403
        assert "sourceaccess" not in self.client.get(reverse("admin:index")).text
